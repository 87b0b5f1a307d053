package logtoapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
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
