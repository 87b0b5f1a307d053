package twiliosetup_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/httpclient"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// TestUserAgentNamesUs: through the program's own client (httpclient.New,
// which sets a User-Agent on requests without one), Twilio sees twilio-go's
// User-Agent followed by ours, as twilio-go's UserAgentExtensions puts it.
func TestUserAgentNamesUs(t *testing.T) {
	t.Parallel()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("User-Agent")
		writeJSON(w, 200, account("Trial"))
	}))
	defer srv.Close()
	base, err := httpclient.ParseTwilioBaseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: sidOK, AuthToken: tokenOK}, httpclient.New(httpclient.Rewrite{Base: base}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Account(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "twilio-go/") || !strings.HasSuffix(got, " "+httpclient.UserAgent()) {
		t.Errorf("User-Agent = %q, want twilio-go's followed by %q", got, httpclient.UserAgent())
	}
}
