package httpclient

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestTrace: an exchange is written as it happens, request then answer,
// with method, URL, status, duration, headers and bodies, secrets redacted;
// the server still gets the whole request and the caller the whole answer.
func TestTrace(t *testing.T) {
	t.Parallel()
	const (
		clientSecret = "cl1ent-s3cret-value"
		accessToken  = "acc3ss-t0ken-value"
		cookieValue  = "c00kie-value"
	)
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "_session="+cookieValue+"; Path=/; HttpOnly")
		_, _ = io.WriteString(w, `{"access_token":"`+accessToken+`","token_type":"Bearer","expires_in":3600}`)
	}))
	defer srv.Close()

	var trace bytes.Buffer
	hc := New(NewTrace(&trace).Wrap(nil))
	form := "grant_type=client_credentials&client_secret=" + clientSecret + "&scope=all"
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/oidc/token", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("m2m", clientSecret)
	req.Header.Set("Cookie", "_session="+cookieValue)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	if gotBody != form {
		t.Errorf("the server got %q, want %q", gotBody, form)
	}
	if !strings.Contains(string(answer), accessToken) {
		t.Errorf("the caller got %q, without the token", answer)
	}
	out := trace.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^--> #1 POST ` + regexp.QuoteMeta(srv.URL) + `/oidc/token\n`),
		regexp.MustCompile(`(?m)^    Authorization: Basic \[REDACTED\]$`),
		regexp.MustCompile(`(?m)^    Cookie: _session=\[REDACTED\]$`),
		regexp.MustCompile(`(?m)^    User-Agent: logto-twilio/`),
		regexp.MustCompile(`(?m)^    grant_type=client_credentials&client_secret=\[REDACTED\]&scope=all$`),
		regexp.MustCompile(`(?m)^<-- #1 POST ` + regexp.QuoteMeta(srv.URL) + `/oidc/token: 200 OK \([0-9.]+[mµn]?s\)$`),
		regexp.MustCompile(`(?m)^    Set-Cookie: _session=\[REDACTED\]; Path=/; HttpOnly$`),
		regexp.MustCompile(`(?m)^    \{"access_token":"\[REDACTED\]","token_type":"Bearer","expires_in":3600\}$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the trace lacks %s:\n%s", want, out)
		}
	}
	if strings.Index(out, "--> #1") > strings.Index(out, "<-- #1") {
		t.Errorf("the answer is written before the request:\n%s", out)
	}
	for _, s := range []string{clientSecret, accessToken, cookieValue} {
		if strings.Contains(out, s) {
			t.Errorf("the trace shows the secret %q:\n%s", s, out)
		}
	}
}

// TestTraceError: a request that gets no answer is traced with its error.
func TestTraceError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/api/applications"
	srv.Close() // nothing listens there now
	var trace bytes.Buffer
	hc := New(NewTrace(&trace).Wrap(nil))
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if resp, err := hc.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a closed server answered")
	}
	want := regexp.MustCompile(`(?m)^<-- #1 GET ` + regexp.QuoteMeta(url) + `: error after \S+: .*refused`)
	if !want.MatchString(trace.String()) {
		t.Errorf("the trace lacks %s:\n%s", want, trace.String())
	}
}

// TestTraceNil: without a trace, Wrap adds nothing.
func TestTraceNil(t *testing.T) {
	t.Parallel()
	var tr *Trace
	if got := tr.Wrap(http.DefaultTransport); got != http.DefaultTransport {
		t.Errorf("a nil Trace wrapped the transport: %T", got)
	}
}
