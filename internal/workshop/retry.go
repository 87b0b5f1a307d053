package workshop

import (
	"net/http"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/httpclient"
)

// maxTries is how often one request is sent when Logto keeps answering 429.
const maxTries = 6

// withRetry returns a copy of hc whose transport honours 429 Retry-After
// (httpclient.Retry): it waits (1 s, 2 s, 4 s… without a Retry-After) and
// sends the request again, at most maxTries times in all. A wait longer than
// maxWait is not taken: the 429 goes back to the caller, who reports that app.
// Other answers and transport errors pass through untouched: a POST that
// failed with a 5xx or a dropped connection may have created the app, so only
// a re-run (which looks the name up first) may retry it. onWait (may be nil)
// is told of each wait.
func withRetry(hc *http.Client, maxWait time.Duration, onWait func(*http.Request, time.Duration)) *http.Client {
	out := *hc
	out.Transport = &httpclient.Retry{Base: hc.Transport, Attempts: maxTries, MaxWait: maxWait, OnWait: onWait}
	return &out
}
