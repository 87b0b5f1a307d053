package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// canned answers every request with a fixed answer, in memory: the token endpoint with a
// valid token (unless token is set), every other path with status, contentType and body.
// With cut, the body ends in io.ErrUnexpectedEOF after it is read (a connection cut in the
// middle of the answer); with fail, the request gets fail instead of an answer.
type canned struct {
	token       bool // answer the token endpoint too (else it gets a valid token)
	status      int
	contentType string
	body        string
	cut         bool
	fail        error
}

func (c canned) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	status, ct, body, cut, fail := c.status, c.contentType, c.body, c.cut, c.fail
	if !c.token && strings.HasSuffix(r.URL.Path, "/oidc/token") {
		status, ct, body, cut, fail = http.StatusOK, "application/json", `{"access_token":"tok-123456","token_type":"Bearer","expires_in":3600,"scope":"all"}`, false, nil
	}
	if fail != nil {
		return nil, fail
	}
	var rd io.Reader = strings.NewReader(body)
	if cut {
		rd = io.MultiReader(rd, cutReader{})
	}
	return &http.Response{
		StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header: http.Header{"Content-Type": {ct}}, Body: io.NopCloser(rd), Request: r,
		ProtoMajor: 1, ProtoMinor: 1,
	}, nil
}

type cutReader struct{}

func (cutReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

// errClosedIdle is what net/http returns for a POST sent on a kept-alive connection the
// server closed meanwhile (net/http's errServerClosedIdle, which is unexported: only its
// text can be reproduced).
var errClosedIdle = errors.New("http: server closed idle connection")

const plainEndpoint = "http://127.0.0.1:3001" // never dialled: every request is answered in memory

func logtoClient(t *testing.T, rt http.RoundTripper) *logtoapi.Client {
	t.Helper()
	e, err := logtoapi.ParseEndpoint(plainEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: "m2m-app", AppSecret: "m2m-secret-123456"}, &http.Client{Transport: rt})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func twilioClient(t *testing.T, rt http.RoundTripper) *twiliosetup.Client {
	t.Helper()
	c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: acctSID, AuthToken: strings.Repeat("a1", 16)}, &http.Client{Transport: rt})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPlain: the phrase doctor shows for each kind of error the clients return, each
// error made by the real client from an answer (or a failure) of the server. An error
// plain does not know reads as its Explain() if it has one, else as its whole text.
func TestPlain(t *testing.T) {
	const (
		closed   = "the connection was closed without an answer"
		cut      = "the answer was cut short (a dropped connection or a broken proxy?)"
		notJSON  = "the answer was not the JSON expected (a proxy or an error page?)"
		noToken  = "the token endpoint answered without an access token (a proxy or an error page?)"
		html     = "<html><body>Proxy sign-in</body></html>"
		htmlType = "text/html"
		jsonType = "application/json"
	)
	tokenAnswer := func(a canned) func(*testing.T) error {
		return func(t *testing.T) error {
			a.token = true
			return logtoClient(t, a).CheckAccess(t.Context())
		}
	}
	logtoGet := func(a canned) func(*testing.T) error {
		return func(t *testing.T) error {
			_, err := logtoClient(t, a).GetApplication(t.Context(), "app-1")
			return err
		}
	}
	twilioGet := func(a canned) func(*testing.T) error {
		return func(t *testing.T) error {
			_, err := twilioClient(t, a).Account(t.Context())
			return err
		}
	}
	tests := []struct {
		name string
		err  func(*testing.T) error
		want string
	}{
		// The token endpoint (oauth2 reads it).
		{"token: 200 without access_token", tokenAnswer(canned{status: 200, contentType: jsonType, body: `{"token_type":"Bearer"}`}), noToken},
		{"token: 200 text without access_token", tokenAnswer(canned{status: 200, contentType: "text/plain", body: "Proxy error"}), noToken},
		{"token: 200 HTML", tokenAnswer(canned{status: 200, contentType: htmlType, body: html}), notJSON},
		{"token: 200 JSON cut short", tokenAnswer(canned{status: 200, contentType: jsonType, body: `{"access_token": "ab`}), notJSON},
		{"token: 200 wrong JSON type", tokenAnswer(canned{status: 200, contentType: jsonType, body: `{"access_token": 12}`}), notJSON},
		{"token: connection cut in the answer", tokenAnswer(canned{status: 200, contentType: jsonType, body: `{"access_token":`, cut: true}), cut},
		{"token: closed idle connection", tokenAnswer(canned{fail: errClosedIdle}), closed},
		{"token: EOF", tokenAnswer(canned{fail: io.EOF}), closed},
		{
			"token: 401 invalid_client",
			tokenAnswer(canned{status: 401, contentType: jsonType, body: `{"error":"invalid_client","error_description":"client authentication failed"}`}),
			"Logto did not accept the App ID and App secret: copy both again from the application's page in the Console",
		},

		// A Management API call.
		{"logto: 200 HTML", logtoGet(canned{status: 200, contentType: htmlType, body: html}), notJSON},
		{"logto: 200 JSON cut short", logtoGet(canned{status: 200, contentType: jsonType, body: `{"id": "ab`}), notJSON},
		{"logto: connection cut in the answer", logtoGet(canned{status: 200, contentType: jsonType, body: `{"id":`, cut: true}), cut},
		{"logto: EOF", logtoGet(canned{fail: io.EOF}), closed},
		{"logto: closed idle connection", logtoGet(canned{fail: errClosedIdle}), closed},
		{"logto: 429 text", logtoGet(canned{status: 429, contentType: "text/plain", body: "Too Many Requests"}), "Logto answered 429: Too Many Requests"},
		{"logto: dropped in memory", func(t *testing.T) error {
			lg := logtotest.NewUnstartedServer()
			t.Cleanup(lg.Close)
			lg.Inject(http.MethodGet, "/oidc/.well-known/openid-configuration", logtotest.Fault{Drop: true})
			e, err := logtoapi.ParseEndpoint(lg.URL)
			if err != nil {
				t.Fatal(err)
			}
			_, err = logtoapi.Discover(t.Context(), &http.Client{Transport: lg.Transport()}, e)
			return err
		}, closed},
		{"logto: dropped over loopback", func(t *testing.T) error {
			lg := logtotest.NewServer()
			t.Cleanup(lg.Close)
			lg.Inject(http.MethodGet, "/oidc/.well-known/openid-configuration", logtotest.Fault{Drop: true})
			e, err := logtoapi.ParseEndpoint(lg.URL)
			if err != nil {
				t.Fatal(err)
			}
			_, err = logtoapi.Discover(t.Context(), lg.Client(), e)
			return err
		}, closed},
		{"logto: discovery without endpoints", func(t *testing.T) error {
			e, err := logtoapi.ParseEndpoint(plainEndpoint)
			if err != nil {
				t.Fatal(err)
			}
			_, err = logtoapi.Discover(t.Context(), &http.Client{Transport: canned{status: 200, contentType: jsonType, body: `{"issuer":""}`}}, e)
			return err
		}, "Logto's discovery document at http://127.0.0.1:3001/oidc/.well-known/openid-configuration has no issuer or endpoints"},
		{"logto: bad endpoint", func(*testing.T) error {
			_, err := logtoapi.ParseEndpoint("")
			return err
		}, "enter your Logto endpoint, for example http://localhost:3001 or https://abc123.logto.app"},
		{"logto: bad App ID", func(t *testing.T) error {
			e, err := logtoapi.ParseEndpoint(plainEndpoint)
			if err != nil {
				t.Fatal(err)
			}
			_, err = logtoapi.New(e, logtoapi.M2MCredentials{AppID: "my app", AppSecret: "m2m-secret-123456"}, nil)
			return err
		}, `App ID "my app" contains spaces or invisible characters: paste it again`},
		{"logto: an error plain does not know", logtoGet(canned{status: 200, contentType: jsonType}), "logtoapi: get application: empty answer (HTTP 200)"},

		// A Twilio call (twilio-go reads the answer).
		{"twilio: 200 HTML", twilioGet(canned{status: 200, contentType: htmlType, body: html}), notJSON},
		{"twilio: 200 JSON cut short", twilioGet(canned{status: 200, contentType: jsonType, body: `{"sid": "AC01`}), cut},
		{"twilio: 200 wrong JSON type", twilioGet(canned{status: 200, contentType: jsonType, body: `{"sid": 12}`}), notJSON},
		{"twilio: 200 empty", twilioGet(canned{status: 200, contentType: jsonType}), closed},
		{"twilio: 503 HTML", twilioGet(canned{status: 503, contentType: htmlType, body: html}), notJSON},
		{"twilio: EOF", twilioGet(canned{fail: io.EOF}), closed},
		{"twilio: closed idle connection", twilioGet(canned{fail: errClosedIdle}), closed},
		{"twilio: dropped in memory", func(t *testing.T) error {
			tw := twiliotest.NewServer(twiliotest.WithoutListener())
			t.Cleanup(tw.Close)
			tw.AddAccount(twiliotest.Account{SID: acctSID, Type: "Trial"})
			tw.Inject(http.MethodGet, "/2010-04-01/Accounts/{Sid}.json", twiliotest.Fault{Drop: true})
			c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: acctSID, AuthToken: tw.AuthToken(acctSID)}, &http.Client{Transport: tw.Transport()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Account(t.Context())
			return err
		}, closed},
		{"twilio: message not found", func(*testing.T) error {
			return fmt.Errorf("twiliosetup: find message to %s created since %s: %w", testPhone, time.Unix(0, 0).UTC().Format(time.RFC3339), twiliosetup.ErrMessageNotFound)
		}, "message not found"},
		{"twilio: bad phone", func(*testing.T) error {
			_, err := twiliosetup.ParsePhone("5551234567", "")
			return err
		}, "invalid phone number: add the country code, starting with + (for example +1 for the US)"},

		// Neither client's.
		{"deadline", func(*testing.T) error { return fmt.Errorf("op: %w", context.DeadlineExceeded) }, "no answer in time (the check gave up)"},
		{"unknown", func(*testing.T) error { return errors.New("something odd happened") }, "something odd happened"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err(t)
			if err == nil {
				t.Fatal("no error")
			}
			if got := plain(err); got != tt.want {
				t.Errorf("plain(%q)\n got %q\nwant %q", err, got, tt.want)
			}
		})
	}
}
