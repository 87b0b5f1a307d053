package logtoapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// canned answers every request in memory: the token endpoint with a valid token unless
// token is set, every other request (and then the token endpoint too) with status,
// contentType and body, or with the transport error fail. With cut, the body ends in
// io.ErrUnexpectedEOF (a connection cut in the middle of the answer).
type canned struct {
	token       bool
	status      int
	contentType string
	body        string
	cut         bool
	fail        error
}

func (a canned) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	if !a.token && r.URL.Path == "/oidc/token" {
		a = canned{status: http.StatusOK, contentType: "application/json", body: `{"access_token":"tok-0123456789","token_type":"Bearer","expires_in":3600,"scope":"all"}`}
	}
	if a.fail != nil {
		return nil, a.fail
	}
	var body io.Reader = strings.NewReader(a.body)
	if a.cut {
		body = io.MultiReader(body, failReader{io.ErrUnexpectedEOF})
	}
	return &http.Response{StatusCode: a.status, Header: http.Header{"Content-Type": {a.contentType}}, Body: io.NopCloser(body), Request: r}, nil
}

type failReader struct{ err error }

func (r failReader) Read([]byte) (int, error) { return 0, r.err }

// causeCalls are the requests of the package, each through its own code path: the token
// endpoint (through oauth2), a Management API call, the discovery document and the
// credential check.
var causeCalls = []struct {
	name  string
	token bool // the call's request is the token endpoint's
	call  func(context.Context, *http.Client) error
}{
	{"token", true, func(ctx context.Context, hc *http.Client) error {
		return cannedClient(hc).CheckAccess(ctx)
	}},
	{"management API", false, func(ctx context.Context, hc *http.Client) error {
		_, err := cannedClient(hc).GetApplication(ctx, "app-1")
		return err
	}},
	{"discovery", false, func(ctx context.Context, hc *http.Client) error {
		_, err := logtoapi.Discover(ctx, hc, localEndpoint())
		return err
	}},
	{"verify app credentials", true, func(ctx context.Context, hc *http.Client) error {
		_, err := logtoapi.VerifyAppCredentials(ctx, hc, localEndpoint(), "app-1", "app-secret-0123456789")
		return err
	}},
}

func localEndpoint() logtoapi.Endpoint {
	e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
	if err != nil {
		panic(err)
	}
	return e
}

func cannedClient(hc *http.Client) *logtoapi.Client {
	c, err := logtoapi.New(localEndpoint(), logtoapi.M2MCredentials{AppID: "wizardm2mbootstrap001", AppSecret: m2mSecret}, hc)
	if err != nil {
		panic(err)
	}
	return c
}

// TestTransportFailureCauses: every request's error keeps the transport's cause for
// errors.Is, the text unchanged: io.EOF for a connection closed without an answer, including
// net/http's "server closed idle connection" (a POST on a kept-alive connection the server
// closed; httpclient.RestoreEOF).
func TestTransportFailureCauses(t *testing.T) {
	t.Parallel()
	closedIdle := errors.New("http: server closed idle connection") // net/http's is unexported
	failures := []struct {
		name string
		fail error
		is   error
	}{
		{"closed idle connection", closedIdle, io.EOF},
		{"EOF", io.EOF, io.EOF},
		{"unexpected EOF", io.ErrUnexpectedEOF, io.ErrUnexpectedEOF},
	}
	for _, c := range causeCalls {
		for _, f := range failures {
			t.Run(c.name+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				err := c.call(t.Context(), &http.Client{Transport: canned{token: c.token, fail: f.fail}})
				if !errors.Is(err, f.is) {
					t.Errorf("error %q is not %v", err, f.is)
				}
				if !errors.Is(f.is, io.EOF) && errors.Is(err, io.EOF) {
					t.Errorf("error %q is io.EOF", err)
				}
				if !strings.Contains(err.Error(), f.fail.Error()) {
					t.Errorf("error %q does not say %q", err, f.fail)
				}
			})
		}
	}
}

// TestTokenAnswerCauses: oauth2 reports an answer of the token endpoint it cannot use as
// text only; the client's error keeps that text and adds the cause, from the answer itself:
// ErrNoAccessToken, the decoder's error, or the error that cut the answer short.
func TestTokenAnswerCauses(t *testing.T) {
	t.Parallel()
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		esc url.EscapeError
		ae  *logtoapi.APIError
		se  *logtoapi.ScopeError
	)
	const jsonType, html = "application/json", "<html><body>Proxy sign-in</body></html>"
	tests := []struct {
		name   string
		answer canned
		text   string // in the error's text
		is     error  // errors.Is(err, is) must hold
		as     any    // errors.As(err, as) must hold
	}{
		{"JSON without access_token", canned{status: 200, contentType: jsonType, body: `{"token_type":"Bearer"}`}, "missing access_token", logtoapi.ErrNoAccessToken, nil},
		{"empty JSON object", canned{status: 200, contentType: jsonType + "; charset=utf-8", body: `{}`}, "missing access_token", logtoapi.ErrNoAccessToken, nil},
		{"text without access_token", canned{status: 200, contentType: "text/plain", body: "Proxy error"}, "missing access_token", logtoapi.ErrNoAccessToken, nil},
		{"HTML", canned{status: 200, contentType: "text/html", body: html}, "cannot parse json", nil, &syn},
		{"JSON cut short", canned{status: 200, contentType: jsonType, body: `{"access_token": "ab`}, "cannot parse json", nil, &syn},
		{"empty body", canned{status: 200, contentType: jsonType}, "cannot parse json", nil, &syn},
		{"access_token not a string", canned{status: 200, contentType: jsonType, body: `{"access_token": 12}`}, "cannot parse json", nil, &typ},
		{"expires_in not a number", canned{status: 200, contentType: jsonType, body: `{"access_token": "x", "expires_in": true}`}, "cannot parse json", nil, &typ},
		{"form that does not parse", canned{status: 200, contentType: "application/x-www-form-urlencoded", body: "access_token=%zz"}, "cannot parse response", nil, &esc},
		{"connection cut in the answer", canned{status: 200, contentType: jsonType, body: `{"access_token":`, cut: true}, "cannot fetch token: unexpected EOF", io.ErrUnexpectedEOF, nil},
		{"error answer", canned{status: 401, contentType: jsonType, body: `{"error":"invalid_client","error_description":"client authentication failed"}`}, "invalid_client", nil, &ae},
		{"a token without the scope all", canned{status: 200, contentType: jsonType, body: `{"access_token":"tok-0123456789","token_type":"Bearer","expires_in":3600}`}, "no Management API access", nil, &se},
	}
	for _, c := range causeCalls {
		if c.name != "token" && c.name != "management API" {
			continue // the calls that fetch the Management API token
		}
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				a := tt.answer
				a.token = true
				err := c.call(t.Context(), &http.Client{Transport: a})
				if err == nil {
					t.Fatal("no error")
				}
				if !strings.Contains(err.Error(), tt.text) {
					t.Errorf("error %q does not say %q", err, tt.text)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("error %q is not %v", err, tt.is)
				}
				if tt.as != nil && !errors.As(err, fresh(tt.as)) {
					t.Errorf("error %q has no %T", err, tt.as)
				}
				if !errors.Is(tt.is, logtoapi.ErrNoAccessToken) && errors.Is(err, logtoapi.ErrNoAccessToken) {
					t.Errorf("error %q is ErrNoAccessToken", err)
				}
				if errors.Is(err, io.EOF) {
					t.Errorf("error %q is io.EOF", err)
				}
			})
		}
	}
}

// fresh is a new errors.As target of target's type: the table's targets are
// shared by parallel subtests, and errors.As writes into its target.
func fresh(target any) any { return reflect.New(reflect.TypeOf(target).Elem()).Interface() }
