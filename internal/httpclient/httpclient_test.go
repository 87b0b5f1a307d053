package httpclient

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
	if !strings.HasPrefix(gotUA, "logto-twilio/") {
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
