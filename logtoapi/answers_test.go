package logtoapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// Answers a well-behaved Logto does not give, and what the client makes of them.

func TestDiscoverRefusesBadDocuments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
		status           int
		ctype            string
	}{
		{"server error", `{"message":"Internal Server Error"}`, "Logto answered 500", http.StatusInternalServerError, ""},
		{"no token endpoint", `{"issuer":"http://127.0.0.1:3001/oidc","authorization_endpoint":"http://127.0.0.1:3001/oidc/auth"}`, "has no issuer or endpoints", http.StatusOK, ""},
		{"html page", "<!doctype html><html><body>Console</body></html>", "is not JSON (it answered an HTML page)", http.StatusOK, "text/html"},
		{"cut short", `{"issuer":"http://127.0.0.1:3001/oidc","tok`, "was cut short or empty", http.StatusOK, ""},
		{"empty", ``, "was cut short or empty", http.StatusOK, ""},
		{"plain text", `hello`, "is not JSON", http.StatusOK, "text/plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mux := http.NewServeMux()
			mux.HandleFunc("GET /oidc/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
				if tt.ctype == "" {
					tt.ctype = "application/json"
				}
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
			if err != nil {
				t.Fatal(err)
			}
			d, err := logtoapi.Discover(t.Context(), &http.Client{Transport: handlerTransport{mux}}, e)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Discover = %+v, %v; want an error with %q", d, err, tt.want)
			}
			// What a user reads (Explain) never holds the JSON decoder's words.
			var ex interface{ Explain() (string, string) }
			if errors.As(err, &ex) {
				what, next := ex.Explain()
				for _, raw := range []string{"invalid character", "unexpected end of JSON"} {
					if strings.Contains(what+next, raw) {
						t.Errorf("Explain() = %q, %q: holds %q", what, next, raw)
					}
				}
			} else if tt.status == http.StatusOK {
				t.Errorf("Discover: %T has no Explain", err)
			}
		})
	}
}

func TestEmptyAnswerIsAnError(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oidc/token", func(w http.ResponseWriter, _ *http.Request) { writeFixture(w, loadFixture(t, "001")) })
	mux.HandleFunc("GET /api/applications/app1", func(http.ResponseWriter, *http.Request) {})
	app, err := memClient(t, mux).GetApplication(t.Context(), "app1")
	if err == nil || !strings.Contains(err.Error(), "empty answer") {
		t.Errorf("GetApplication = %+v, %v; want an empty-answer error", app, err)
	}
}

func TestJSONRequestsSayJSON(t *testing.T) {
	t.Parallel()
	var got []string
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oidc/token", func(w http.ResponseWriter, _ *http.Request) { writeFixture(w, loadFixture(t, "001")) })
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.Header.Get("Content-Type"))
		w.WriteHeader(http.StatusNoContent)
	})
	c := memClient(t, mux)
	_ = c.TestTwilioConnector(t.Context(), "15551234567", twilioCfg())
	_ = c.DeleteApplication(t.Context(), "app1")
	want := []string{"POST application/json", "DELETE "}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("requests %q, want %q (Logto reads a body only with a JSON content type)", got, want)
	}
}

func TestVerifyAppCredentialsTokenAnswer(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oidc/token", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"x","token_type":"Bearer","expires_in":3600}`))
	})
	e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
	if err != nil {
		t.Fatal(err)
	}
	got, err := logtoapi.VerifyAppCredentials(t.Context(), &http.Client{Transport: handlerTransport{mux}}, e, "app1", "secret1")
	if err != nil || got != logtoapi.AppCredentialsOK {
		t.Errorf("VerifyAppCredentials = %v, %v; want %v (a token means the client authenticated)", got, err, logtoapi.AppCredentialsOK)
	}
}

// TestOnlyConnectorGeneralCarriesTwilio: Logto wraps Twilio's answer only in
// "connector.general"; another code with a similar data field is Logto's own refusal.
func TestOnlyConnectorGeneralCarriesTwilio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code       string
		wantTwilio bool
	}{
		{"connector.general", true},
		{"connector.invalid_config", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			mux := http.NewServeMux()
			mux.HandleFunc("POST /oidc/token", func(w http.ResponseWriter, _ *http.Request) { writeFixture(w, loadFixture(t, "001")) })
			mux.HandleFunc("POST /api/connectors/"+logtoapi.TwilioFactoryID+"/test", func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"code":"` + tt.code + `","message":"x","data":{"message":"{\"code\":21211,\"message\":\"Invalid 'To' Phone Number\",\"status\":400}"}}`))
			})
			err := memClient(t, mux).TestTwilioConnector(t.Context(), "15551234567", twilioCfg())
			var te *logtoapi.TwilioError
			if errors.As(err, &te) != tt.wantTwilio {
				t.Errorf("err = %v; want a *TwilioError: %v", err, tt.wantTwilio)
			}
		})
	}
}

// TestCanceledCallStaysRecognisable: a canceled call's error still says so to errors.Is.
func TestCanceledCallStaysRecognisable(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{}))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := r.client(t).GetApplication(ctx, "app1")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want it to wrap context.Canceled", err)
	}
}
