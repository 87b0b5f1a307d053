package logtoapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

const twilioToken = "twilioAuthTok3nValue0123456789ab"

func twilioCfg() logtoapi.TwilioConfig {
	return logtoapi.TwilioConfig{AccountSID: "AC1", AuthToken: twilioToken, FromMessagingServiceSID: "MG1", Templates: []logtoapi.SMSTemplate{
		{UsageType: "SignIn", Content: "{{code}}"},
		{UsageType: "Register", Content: "{{code}}"},
		{UsageType: "ForgotPassword", Content: "{{code}}"},
		{UsageType: "Generic", Content: "{{code}}"},
	}}
}

// echoed is everything a careless server or proxy could repeat back: the request's bearer
// token, its body (which holds the Twilio auth token) and the M2M secret. It has no double
// quotes, so it fits in a JSON string, also in one nested in another.
func echoed(r *http.Request) string {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
	}
	s := fmt.Sprintf("token %s body %s secret %s", strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), body, m2mSecret)
	return strings.ReplaceAll(s, `"`, "'")
}

// echoTransport answers the token request from fixture 001 and every Management API request
// with echo: an error answer or a transport error that repeats the request's secrets.
type echoTransport struct {
	t         *testing.T
	echo      func(r *http.Request) (*http.Response, error)
	echoToken bool // the token request gets echo too
}

func (e echoTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/oidc/token" && e.echoToken {
		return e.echo(r)
	}
	if r.URL.Path == "/oidc/token" {
		return handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeFixture(w, loadFixture(e.t, "001")) })}.RoundTrip(r)
	}
	if r.Method == http.MethodGet && r.URL.Path == "/api/connectors" {
		return handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("[]")) })}.RoundTrip(r)
	}
	return e.echo(r)
}

func answer(status int, body any) func(r *http.Request) (*http.Response, error) {
	return func(r *http.Request) (*http.Response, error) {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		s := strings.ReplaceAll(string(b), "ECHO", echoed(r))
		return handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(s))
		})}.RoundTrip(r)
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	t.Parallel()
	fixtureToken := func(t *testing.T) string {
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(loadFixture(t, "001").ResponseBody, &tok); err != nil || tok.AccessToken == "" {
			t.Fatalf("fixture 001: %v", err)
		}
		return tok.AccessToken
	}
	logtoError := answer(http.StatusBadRequest, map[string]any{"code": "connector.invalid_config", "message": "bad ECHO", "details": "ECHO", "data": map[string]string{"got": "ECHO"}})
	twilioError := answer(http.StatusBadRequest, map[string]any{"code": "connector.general", "message": "Error occurred in connector", "data": map[string]string{"message": `{"code":20003,"message":"ECHO","status":401}`}})
	serverError := answer(http.StatusInternalServerError, map[string]any{"message": "ECHO"})
	dropped := func(r *http.Request) (*http.Response, error) { return nil, errors.New("proxy refused: " + echoed(r)) }
	brokenBody := func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Request: r,
			Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"id":`), iotest.ErrReader(errors.New("connection reset after "+echoed(r))))),
		}, nil
	}
	ops := map[string]func(ctx context.Context, c *logtoapi.Client) error{
		"create connector": func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.CreateTwilioConnector(ctx, twilioCfg(), "")
			return err
		},
		"update connector": func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.UpdateTwilioConnector(ctx, "abc", twilioCfg())
			return err
		},
		"test connector": func(ctx context.Context, c *logtoapi.Client) error {
			return c.TestTwilioConnector(ctx, "15551234567", twilioCfg())
		},
		"get application": func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.GetApplication(ctx, "app1")
			return err
		},
		"get token": func(ctx context.Context, c *logtoapi.Client) error {
			return c.CheckAccess(ctx)
		},
	}
	answers := map[string]func(r *http.Request) (*http.Response, error){
		"Logto error": logtoError, "Twilio error": twilioError, "server error": serverError, "transport error": dropped,
		"broken body": brokenBody,
	}
	for opName, op := range ops {
		for ansName, ans := range answers {
			t.Run(opName+"/"+ansName, func(t *testing.T) {
				t.Parallel()
				e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
				if err != nil {
					t.Fatal(err)
				}
				c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: "wizardm2mbootstrap001", AppSecret: m2mSecret}, &http.Client{Transport: echoTransport{t: t, echo: ans, echoToken: opName == "get token"}})
				if err != nil {
					t.Fatal(err)
				}
				err = op(t.Context(), c)
				if err == nil {
					t.Fatal("nil error")
				}
				texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
				var ae *logtoapi.APIError
				if errors.As(err, &ae) {
					texts = append(texts, ae.Message, ae.Details, string(ae.Data), ae.Code)
				}
				var te *logtoapi.TwilioError
				if errors.As(err, &te) {
					texts = append(texts, te.Message, te.MoreInfo)
				}
				for _, s := range texts {
					for name, secret := range map[string]string{"Twilio auth token": twilioToken, "M2M secret": m2mSecret, "access token": fixtureToken(t)} {
						if strings.Contains(s, secret) {
							t.Errorf("the %s is in %q", name, s)
						}
					}
				}
				if all := strings.Join(texts, "\n"); !strings.Contains(all, "[redacted]") {
					t.Errorf("error %q: want the echoed secrets shown as [redacted] in:\n%s", err, all)
				}
			})
		}
	}
}

func TestVerifyAppCredentialsKeepsTheSecretOut(t *testing.T) {
	t.Parallel()
	const secret = "appSecretValue0123456789abcdefXY"
	e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]http.RoundTripper{
		"unexpected answer": handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = fmt.Fprintf(w, `{"error":"server_error","error_description":"cannot check %s"}`, secret)
		})},
		"transport error": roundTripFunc(func(*http.Request) (*http.Response, error) {
			return nil, errors.New("proxy refused client secret " + secret)
		}),
		"broken body": roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{
				StatusCode: http.StatusBadRequest, Header: http.Header{}, Request: r,
				Body: io.NopCloser(iotest.ErrReader(errors.New("connection reset after client secret " + secret))),
			}, nil
		}),
	}
	for name, rt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := logtoapi.VerifyAppCredentials(t.Context(), &http.Client{Transport: rt}, e, "app1", secret)
			if err == nil {
				t.Fatal("nil error")
			}
			if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("error %q: want the secret shown as [redacted]", err)
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestPrintingNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
	if err != nil {
		t.Fatal(err)
	}
	c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: "wizardm2mbootstrap001", AppSecret: m2mSecret}, &http.Client{Transport: echoTransport{t: t}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckAccess(t.Context()); err != nil { // the client now holds a token
		t.Fatal(err)
	}
	cfgJSON, err := json.Marshal(twilioCfg())
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{
		"M2MCredentials": logtoapi.M2MCredentials{AppID: "id", AppSecret: m2mSecret},
		"AppSecret":      logtoapi.AppSecret{Name: "Default secret", Value: m2mSecret},
		"TwilioConfig":   twilioCfg(),
		"Connector":      logtoapi.Connector{ID: "abc", ConnectorID: logtoapi.TwilioFactoryID, Type: "Sms", Config: cfgJSON},
		"Client":         c,
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(loadFixture(t, "001").ResponseBody, &tok); err != nil {
		t.Fatal(err)
	}
	// %#v prints a json.RawMessage (a connector's config) as a list of bytes.
	rawBytes := strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%#v", json.RawMessage(twilioToken)), "json.RawMessage{"), "}")
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			for _, p := range []any{v, []any{v}} {
				got := fmt.Sprintf(verb, p)
				for _, secret := range []string{m2mSecret, twilioToken, tok.AccessToken, rawBytes} {
					if strings.Contains(got, secret) {
						t.Errorf("%s with %s shows a secret: %s", name, verb, got)
					}
				}
			}
		}
	}
}
