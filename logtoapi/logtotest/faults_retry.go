package logtotest

import (
	"net/http"
	"strconv"
	"time"
)

// TooManyRequests is the fault of a rate-limited Management API: 429 with a Retry-After header
// of d (whole seconds, rounded up) and a plain-text body, on times requests
// (0 = every request).
func TooManyRequests(d time.Duration, times int) Fault {
	return Fault{Status: http.StatusTooManyRequests, Body: "Too Many Requests", RetryAfter: d, Times: times}
}

// setFaultHeaders adds the headers a fault asks for before its status is written.
func setFaultHeaders(w http.ResponseWriter, f *Fault) {
	if f.RetryAfter <= 0 {
		return
	}
	secs := (f.RetryAfter + time.Second - 1) / time.Second
	w.Header().Set("Retry-After", strconv.FormatInt(int64(secs), 10))
}
