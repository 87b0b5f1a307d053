package httpclient

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/build"
)

func TestRewriteTransport(t *testing.T) {
	t.Parallel()
	var gotPath, gotUA string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotUA = r.URL.Path, r.Header.Get("User-Agent")
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	base, err := ParseTwilioBaseURL(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	hc := New(Rewrite{Base: base})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://messaging.twilio.com/v1/Services", nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if gotPath != "/v1/Services" {
		t.Errorf("path = %q", gotPath)
	}
	if gotUA != UserAgent() {
		t.Errorf("User-Agent = %q", gotUA)
	}
}

func TestParseTwilioBaseURL(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "localhost:4010", "ftp://x", "http://127.0.0.1:4010/api"} {
		if _, err := ParseTwilioBaseURL(bad); err == nil {
			t.Errorf("ParseTwilioBaseURL(%q) accepted", bad)
		}
	}
	if _, err := ParseTwilioBaseURL(" http://127.0.0.1:4010 "); err != nil {
		t.Errorf("good URL refused: %v", err)
	}
}

// TestUserAgent: a request without a User-Agent (Logto's) gets
// logto-twilio/<version> (+repository); one with its own (twilio-go's, which
// carries ours as an extension) keeps it.
func TestUserAgent(t *testing.T) {
	t.Parallel()
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("User-Agent"))
	}))
	defer srv.Close()
	hc := New(nil)
	twilioGo := "twilio-go/1.31.0 (linux amd64) go/go1.26 " + UserAgent()
	for _, ua := range []string{"", twilioGo} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
		if ua != "" {
			req.Header.Set("User-Agent", ua)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := "logto-twilio/" + build.Version() + " (+https://github.com/logto-twilio/logto-twilio)"
	if len(got) != 2 || got[0] != want || got[1] != twilioGo {
		t.Errorf("User-Agents = %q, want [%q %q]", got, want, twilioGo)
	}
}
