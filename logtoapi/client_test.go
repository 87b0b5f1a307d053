package logtoapi_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

func TestNewValidatesBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: noNetwork{t}}
	tests := []struct {
		name    string
		e       logtoapi.Endpoint
		m2m     logtoapi.M2MCredentials
		wantMsg string
	}{
		{"zero endpoint", logtoapi.Endpoint{}, logtoapi.M2MCredentials{AppID: "a", AppSecret: "s"}, "no endpoint"},
		{"empty id", e, logtoapi.M2MCredentials{AppSecret: "secret"}, "App ID is empty"},
		{"padded id", e, logtoapi.M2MCredentials{AppID: " abc ", AppSecret: "secret"}, "spaces or line breaks around it"},
		{"id with newline", e, logtoapi.M2MCredentials{AppID: "abc\n", AppSecret: "secret"}, "spaces or line breaks"},
		{"id with inner space", e, logtoapi.M2MCredentials{AppID: "ab c", AppSecret: "secret"}, "spaces or invisible"},
		{"empty secret", e, logtoapi.M2MCredentials{AppID: "abc"}, "App secret is empty"},
		{"padded secret", e, logtoapi.M2MCredentials{AppID: "abc", AppSecret: "topsecret\n"}, "App secret has spaces or line breaks"},
		{"secret with tab", e, logtoapi.M2MCredentials{AppID: "abc", AppSecret: "top\tsecret"}, "App secret contains spaces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := logtoapi.New(tt.e, tt.m2m, hc)
			if err == nil {
				t.Fatal("New: nil error")
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !strings.HasPrefix(err.Error(), "logtoapi: new client: ") {
				t.Errorf("New: %q, want %q", err, tt.wantMsg)
			}
			if strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), "top\tsecret") {
				t.Errorf("error %q contains the secret", err)
			}
			// A bad value explains itself without the prefix (the zero endpoint is not a value
			// pasted by the user).
			var ex interface{ Explain() (what, next string) }
			if !errors.As(err, &ex) {
				if tt.e.IsZero() {
					return
				}
				t.Fatalf("New: %q does not explain itself", err)
			}
			if what, _ := ex.Explain(); what != strings.TrimPrefix(err.Error(), "logtoapi: new client: ") {
				t.Errorf("Explain() = %q, want the message without its prefix", what)
			}
		})
	}
}

func TestCheckAccess(t *testing.T) {
	t.Parallel()
	t.Run("scope all", func(t *testing.T) {
		t.Parallel()
		r := newReplay(t, tokenRoutes(map[string]string{}))
		c := r.client(t)
		if err := c.CheckAccess(t.Context()); err != nil {
			t.Fatalf("CheckAccess: %v", err)
		}
		// The request carries resource, scope and Basic auth.
		req := r.all()[0]
		form, err := url.ParseQuery(string(req.Body))
		if err != nil {
			t.Fatal(err)
		}
		if got := form.Get("resource"); got != "https://default.logto.app/api" {
			t.Errorf("resource = %q", got)
		}
		if got := form.Get("scope"); got != "all" {
			t.Errorf("scope = %q", got)
		}
		if got := form.Get("grant_type"); got != "client_credentials" {
			t.Errorf("grant_type = %q", got)
		}
		if !strings.HasPrefix(req.Auth, "Basic ") {
			t.Errorf("Authorization = %q, want Basic", req.Auth)
		}
		if form.Has("client_secret") {
			t.Error("client_secret sent in the body as well")
		}
	})
	t.Run("no scope", func(t *testing.T) {
		t.Parallel()
		r := newReplay(t, map[string]string{"POST /oidc/token": "009a"})
		c := r.client(t)
		err := c.CheckAccess(t.Context())
		var se *logtoapi.ScopeError
		if !errors.As(err, &se) {
			t.Fatalf("CheckAccess: %v, want *ScopeError", err)
		}
		for _, want := range []string{"Logto Management API access", "Roles", "assign", "http://127.0.0.1"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
		if se.AppID != "wizardm2mbootstrap001" || !strings.HasSuffix(se.ConsoleURL, "/console/applications/wizardm2mbootstrap001/roles") {
			t.Errorf("ScopeError = %+v", se)
		}
		if logtoapi.Explain(err) == "" {
			t.Error("Explain gives nothing for a ScopeError")
		}
		// A scopeless token is not cached: the next call asks again.
		_ = c.CheckAccess(t.Context())
		if n := r.count("POST /oidc/token"); n != 2 {
			t.Errorf("token requests = %d, want 2", n)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		t.Parallel()
		r := newReplay(t, map[string]string{"POST /oidc/token": "002"})
		err := r.client(t).CheckAccess(t.Context())
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Code != "oidc.invalid_client" || ae.Status != http.StatusUnauthorized || ae.OAuth != "invalid_client" {
			t.Fatalf("CheckAccess: %v, want 401 oidc.invalid_client", err)
		}
		if !strings.HasPrefix(err.Error(), "logtoapi: check access: ") {
			t.Errorf("error %q lacks the operation", err)
		}
		if strings.Contains(err.Error(), m2mSecret) {
			t.Errorf("error %q contains the secret", err)
		}
		if got := logtoapi.Explain(err); !strings.Contains(got, "App secret") {
			t.Errorf("Explain = %q", got)
		}
	})
	t.Run("unknown resource", func(t *testing.T) {
		t.Parallel()
		r := newReplay(t, map[string]string{"POST /oidc/token": "005"})
		err := r.client(t).CheckAccess(t.Context())
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Code != "oidc.invalid_target" {
			t.Fatalf("CheckAccess: %v, want oidc.invalid_target", err)
		}
		if got := logtoapi.Explain(err); !strings.Contains(got, "tenant id") {
			t.Errorf("Explain = %q", got)
		}
	})
	t.Run("forbidden call", func(t *testing.T) {
		t.Parallel()
		r := newReplay(t, tokenRoutes(map[string]string{"GET /api/connectors": "009b"}))
		_, err := r.client(t).SMSConnector(t.Context())
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Code != "auth.forbidden" || ae.Status != http.StatusForbidden {
			t.Fatalf("SMSConnector: %v, want 403 auth.forbidden", err)
		}
		if got := logtoapi.Explain(err); !strings.Contains(got, "Logto Management API access") {
			t.Errorf("Explain = %q", got)
		}
	})
}

func TestTokenIsCachedUntilExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tokens := 0
		mux := http.NewServeMux()
		mux.HandleFunc("POST /oidc/token", func(w http.ResponseWriter, _ *http.Request) {
			tokens++
			writeFixture(w, loadFixture(t, "001")) // expires_in 3600
		})
		mux.HandleFunc("GET /api/connectors", func(w http.ResponseWriter, _ *http.Request) {
			writeFixture(w, loadFixture(t, "062"))
		})
		e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
		if err != nil {
			t.Fatal(err)
		}
		c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: "wizardm2mbootstrap001", AppSecret: m2mSecret}, &http.Client{Transport: handlerTransport{mux}})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := c.SMSConnector(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if tokens != 1 {
			t.Fatalf("token requests after 3 calls = %d, want 1", tokens)
		}
		time.Sleep(59 * time.Minute)
		if _, err := c.SMSConnector(t.Context()); err != nil {
			t.Fatal(err)
		}
		if tokens != 1 {
			t.Fatalf("token requests after 59 min = %d, want 1", tokens)
		}
		time.Sleep(2 * time.Minute)
		if _, err := c.SMSConnector(t.Context()); err != nil {
			t.Fatal(err)
		}
		if tokens != 2 {
			t.Fatalf("token requests after expiry = %d, want 2", tokens)
		}
	})
}

func TestTokenDroppedAfter401(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"GET /api/connectors": "008,062"}))
	c := r.client(t)
	if _, err := c.SMSConnector(t.Context()); err == nil {
		t.Fatal("first call: nil error, want 401")
	}
	if _, err := c.SMSConnector(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := r.count("POST /oidc/token"); n != 2 {
		t.Errorf("token requests = %d, want 2 (a 401 drops the cached token)", n)
	}
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	r := newReplay(t, map[string]string{"GET /oidc/.well-known/openid-configuration": "006"})
	d, err := logtoapi.Discover(t.Context(), r.srv.Client(), r.endpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	want := logtoapi.Discovery{
		Issuer:                "http://127.0.0.1:3001/oidc",
		AuthorizationEndpoint: "http://127.0.0.1:3001/oidc/auth",
		TokenEndpoint:         "http://127.0.0.1:3001/oidc/token",
		UserinfoEndpoint:      "http://127.0.0.1:3001/oidc/me",
		JWKSURI:               "http://127.0.0.1:3001/oidc/jwks",
		EndSessionEndpoint:    "http://127.0.0.1:3001/oidc/session/end",
	}
	if d.Issuer != want.Issuer || d.AuthorizationEndpoint != want.AuthorizationEndpoint || d.TokenEndpoint != want.TokenEndpoint ||
		d.UserinfoEndpoint != want.UserinfoEndpoint || d.JWKSURI != want.JWKSURI || d.EndSessionEndpoint != want.EndSessionEndpoint {
		t.Errorf("Discover = %+v, want %+v", d, want)
	}
	if len(d.IDTokenSigningAlgValues) == 0 {
		t.Error("no id_token_signing_alg_values_supported")
	}
}

func TestDiscoverErrors(t *testing.T) {
	t.Parallel()
	t.Run("not logto", func(t *testing.T) {
		t.Parallel()
		mux := http.NewServeMux()
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
		e, _ := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
		_, err := logtoapi.Discover(t.Context(), &http.Client{Transport: handlerTransport{mux}}, e)
		if err == nil || !strings.HasPrefix(err.Error(), "logtoapi: discovery: ") {
			t.Fatalf("Discover: %v", err)
		}
		// Something answered: one statement says it is not Logto's discovery, and what to check.
		var bad *logtoapi.DiscoveryError
		if !errors.As(err, &bad) || bad.Kind != logtoapi.DiscoveryMissing || bad.Status != http.StatusNotFound {
			t.Fatalf("Discover: %#v, want a DiscoveryMissing *DiscoveryError", err)
		}
		what, next := bad.Explain()
		if what != "Something answers at http://127.0.0.1:3001/oidc/.well-known/openid-configuration, but it is not a Logto OIDC discovery (HTTP 404 Not Found)" {
			t.Errorf("what = %q", what)
		}
		if !strings.Contains(next, "Logto's base URL") || !strings.Contains(next, "not the Console's") {
			t.Errorf("next = %q", next)
		}
	})
	t.Run("html", func(t *testing.T) {
		t.Parallel()
		mux := http.NewServeMux()
		mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>hello</html>")) })
		e, _ := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
		_, err := logtoapi.Discover(t.Context(), &http.Client{Transport: handlerTransport{mux}}, e)
		if err == nil || !strings.Contains(err.Error(), "answered an HTML page") {
			t.Fatalf("Discover: %v", err)
		}
	})
	t.Run("zero endpoint", func(t *testing.T) {
		t.Parallel()
		_, err := logtoapi.Discover(t.Context(), &http.Client{Transport: noNetwork{t}}, logtoapi.Endpoint{})
		if err == nil {
			t.Fatal("Discover(zero endpoint): nil error")
		}
	})
}

// hostRecorder answers token and connector calls from fixtures and records the hosts.
type hostRecorder struct {
	t     *testing.T
	hosts []string
}

func (h *hostRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	h.hosts = append(h.hosts, req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oidc/token", func(w http.ResponseWriter, _ *http.Request) { writeFixture(w, loadFixture(h.t, "001")) })
	mux.HandleFunc("GET /api/connectors", func(w http.ResponseWriter, _ *http.Request) { writeFixture(w, loadFixture(h.t, "062")) })
	return handlerTransport{mux}.RoundTrip(req)
}

func TestManagementHost(t *testing.T) {
	t.Parallel()
	custom, err := logtoapi.ParseEndpoint("https://auth.example.com")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		e    logtoapi.Endpoint
		want []string
	}{
		{"oss", custom, []string{"https://auth.example.com/oidc/token", "https://auth.example.com/api/connectors"}},
		{"cloud custom domain", custom.WithTenantID("xyz789"), []string{"https://xyz789.logto.app/oidc/token", "https://xyz789.logto.app/api/connectors"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &hostRecorder{t: t}
			c, err := logtoapi.New(tt.e, logtoapi.M2MCredentials{AppID: "a", AppSecret: "s3cret"}, &http.Client{Transport: rec})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.SMSConnector(t.Context()); err != nil {
				t.Fatal(err)
			}
			if strings.Join(rec.hosts, " ") != strings.Join(tt.want, " ") {
				t.Errorf("requests went to %v, want %v", rec.hosts, tt.want)
			}
		})
	}
}

func TestSecretsRedactedFromLogtoAnswers(t *testing.T) {
	t.Parallel()
	const token = "twilioAuthTok3n"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oidc/token", func(w http.ResponseWriter, _ *http.Request) { writeFixture(w, loadFixture(t, "001")) })
	mux.HandleFunc("GET /api/connectors/abc", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"abc","connectorId":"twilio-short-message-service","config":{}}`))
	})
	mux.HandleFunc("PATCH /api/connectors/abc", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":"connector.invalid_config","message":"bad ` + token + `","details":"got ` + token + ` and ` + m2mSecret + `","data":{"received":"` + token + `"}}`))
	})
	cfg := logtoapi.TwilioConfig{AccountSID: "AC1", AuthToken: token, FromMessagingServiceSID: "MG1", Templates: []logtoapi.SMSTemplate{
		{UsageType: "SignIn", Content: "{{code}}"},
		{UsageType: "Register", Content: "{{code}}"},
		{UsageType: "ForgotPassword", Content: "{{code}}"},
		{UsageType: "Generic", Content: "{{code}}"},
	}}
	_, err := memClient(t, mux).UpdateTwilioConnector(t.Context(), "abc", cfg)
	var ae *logtoapi.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	for _, s := range []string{err.Error(), ae.Message, ae.Details, string(ae.Data)} {
		if strings.Contains(s, token) || strings.Contains(s, m2mSecret) {
			t.Errorf("secret in %q", s)
		}
	}
	if !strings.Contains(ae.Details, "[redacted]") {
		t.Errorf("Details = %q", ae.Details)
	}
}

func TestConcurrentCallsShareOneToken(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"GET /api/connectors": "062"}))
	c := r.client(t)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := c.SMSConnector(t.Context())
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := r.count("POST /oidc/token"); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}
