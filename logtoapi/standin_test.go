package logtoapi_test

// Client tests against the Logto stand-in (logtotest): every call, its error paths, and
// the 1.37 / 1.41 / 1.42 differences.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// fakeTwilio answers the connector's Messages.json call: 201, or Twilio's 401 for the
// account AC...401 and 400 (21211) for AC...400.
type fakeTwilio struct {
	*httptest.Server
	mu   sync.Mutex
	sent []string // form bodies
}

func newFakeTwilio(t *testing.T) *fakeTwilio {
	t.Helper()
	f := &fakeTwilio{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		f.sent = append(f.sent, r.Form.Encode())
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(r.URL.Path, "AC00000000000000000000000000000401"):
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}`))
		case strings.Contains(r.URL.Path, "AC00000000000000000000000000000400"):
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"code": 21211, "message": "Invalid 'To' Phone Number: 15551234567", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`))
		default:
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"sid":"SM00000000000000000000000000000001","status":"accepted"}`))
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTwilio) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sent)
}

// versionsAnd142 are the Logto versions a real server of was run (logtotest.Versions) plus
// 1.42.0, from the source only: it drops the internal secret from application objects.
var versionsAnd142 = append(slices.Clone(logtotest.Versions), "1.42.0")

type standin struct {
	srv *logtotest.Server
	tw  *fakeTwilio
	e   logtoapi.Endpoint
	c   *logtoapi.Client
}

func newStandin(t *testing.T, opts ...logtotest.Option) *standin {
	t.Helper()
	tw := newFakeTwilio(t)
	srv := logtotest.NewServer(append([]logtotest.Option{logtotest.WithTwilioBaseURL(tw.URL), logtotest.WithHTTPClient(tw.Client())}, opts...)...)
	t.Cleanup(srv.Close)
	e, err := logtoapi.ParseEndpoint(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	id, secret := srv.AddM2MApp("logto-twilio", true)
	c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: id, AppSecret: secret}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return &standin{srv: srv, tw: tw, e: e, c: c}
}

func twilioConfig(sid string) logtoapi.TwilioConfig {
	return logtoapi.TwilioConfig{
		AccountSID: sid, AuthToken: "fakeAuthToken0000", FromMessagingServiceSID: "MG00000000000000000000000000000000",
		Templates: []logtoapi.SMSTemplate{
			{UsageType: "SignIn", Content: "Your sign-in code is {{code}}."},
			{UsageType: "Register", Content: "Your sign-up code is {{code}}."},
			{UsageType: "ForgotPassword", Content: "Your reset code is {{code}}."},
			{UsageType: "Generic", Content: "Your code is {{code}}."},
		},
	}
}

func TestStandinAccessAndDiscovery(t *testing.T) {
	t.Parallel()
	s := newStandin(t)
	if err := s.c.CheckAccess(t.Context()); err != nil {
		t.Fatalf("CheckAccess: %v", err)
	}
	d, err := logtoapi.Discover(t.Context(), s.srv.Client(), s.e)
	if err != nil {
		t.Fatal(err)
	}
	if d.Issuer != s.e.Issuer() || d.TokenEndpoint != s.e.Issuer()+"/token" {
		t.Errorf("discovery = %+v", d)
	}

	t.Run("no role", func(t *testing.T) {
		id, secret := s.srv.AddM2MApp("no-access", false)
		c, err := logtoapi.New(s.e, logtoapi.M2MCredentials{AppID: id, AppSecret: secret}, s.srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		err = c.CheckAccess(t.Context())
		var se *logtoapi.ScopeError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "Logto Management API access") {
			t.Fatalf("CheckAccess: %v, want *ScopeError", err)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		id, _ := s.srv.AddM2MApp("wrong", true)
		c, err := logtoapi.New(s.e, logtoapi.M2MCredentials{AppID: id, AppSecret: "notTheSecret123"}, s.srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		err = c.CheckAccess(t.Context())
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Code != "oidc.invalid_client" || ae.Status != 401 {
			t.Fatalf("CheckAccess: %v, want 401 oidc.invalid_client", err)
		}
		if strings.Contains(err.Error(), "notTheSecret123") {
			t.Errorf("error %q contains the secret", err)
		}
	})
	t.Run("a Traditional app's credentials", func(t *testing.T) {
		// The stand-in answers as real Logto does (fixture 122), and the client says why.
		id, secret := s.srv.AddTraditionalApp("Bookstore", []string{"http://localhost:3000/callback"}, nil)
		c, err := logtoapi.New(s.e, logtoapi.M2MCredentials{AppID: id, AppSecret: secret}, s.srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		err = c.CheckAccess(t.Context())
		var nm *logtoapi.NotM2MAppError
		if !errors.As(err, &nm) || nm.AppID != id {
			t.Fatalf("CheckAccess: %v, want *NotM2MAppError", err)
		}
	})
	t.Run("token cached", func(t *testing.T) {
		before := countRequests(s.srv, "POST", "/oidc/token")
		for range 3 {
			if _, err := s.c.SMSConnector(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if n := countRequests(s.srv, "POST", "/oidc/token") - before; n != 0 {
			t.Errorf("token requests = %d, want 0 (cached)", n)
		}
	})
}

func countRequests(srv *logtotest.Server, method, path string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func TestStandinApplications(t *testing.T) {
	t.Parallel()
	s := newStandin(t)
	ctx := t.Context()
	found, err := s.c.FindTraditionalApplications(ctx, "Bookstore")
	if err != nil || len(found) != 0 {
		t.Fatalf("Find before create = %v, %v", found, err)
	}
	app, err := s.c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{
		Name: "Bookstore", Description: "demo",
		RedirectURIs: []string{"http://localhost:3000/logto/sign-in-callback"}, PostLogoutRedirectURIs: []string{"http://localhost:3000/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if app.ID == "" || app.Type != "Traditional" || app.Name != "Bookstore" || app.Description != "demo" {
		t.Errorf("created %+v", app)
	}
	// Duplicate names are allowed; lookups are exact on our side.
	if _, err := s.c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{Name: "Bookstore"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{Name: "bookstore"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{Name: "Bookstore 2"}); err != nil {
		t.Fatal(err)
	}
	s.srv.AddM2MApp("Bookstore", false) // not Traditional
	found, err = s.c.FindTraditionalApplications(ctx, "Bookstore")
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 {
		t.Errorf("Find(Bookstore) = %d apps %+v, want 2", len(found), found)
	}
	for _, a := range found {
		if a.Name != "Bookstore" || a.Type != "Traditional" {
			t.Errorf("found %+v", a)
		}
	}

	got, err := s.c.GetApplication(ctx, app.ID)
	if err != nil || got.ID != app.ID || got.RedirectURIs[0] != "http://localhost:3000/logto/sign-in-callback" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	upd, err := s.c.SetApplicationURIs(ctx, app.ID, []string{"http://localhost:4000/logto/sign-in-callback"}, []string{"http://localhost:4000/"})
	if err != nil {
		t.Fatal(err)
	}
	if upd.RedirectURIs[0] != "http://localhost:4000/logto/sign-in-callback" || upd.PostLogoutRedirectURIs[0] != "http://localhost:4000/" {
		t.Errorf("updated %+v", upd)
	}
	raw, ok := s.srv.Application(app.ID)
	if !ok || !strings.Contains(string(raw), "localhost:4000") {
		t.Errorf("stand-in state %s", raw)
	}

	_, err = s.c.GetApplication(ctx, "doesnotexist")
	var ae *logtoapi.APIError
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Code != "entity.not_exists_with_id" {
		t.Errorf("Get(unknown) = %v", err)
	}
	_, err = s.c.SetApplicationURIs(ctx, "doesnotexist", nil, nil)
	if !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("SetApplicationURIs(unknown) = %v", err)
	}
	if err := s.c.DeleteApplication(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.GetApplication(ctx, app.ID); !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("Get after delete = %v", err)
	}
}

func TestStandinSecrets(t *testing.T) {
	t.Parallel()
	for _, version := range versionsAnd142 {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s := newStandin(t, logtotest.WithVersion(version))
			ctx := t.Context()
			id, secret := s.srv.AddTraditionalApp("Bookstore", []string{"http://localhost:3000/logto/sign-in-callback"}, []string{"http://localhost:3000/"})
			list, err := s.c.ApplicationSecrets(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Name != "Default secret" || list[0].Value != secret {
				t.Fatalf("secrets = %v", list)
			}
			got, err := s.c.ApplicationSecret(ctx, id)
			if err != nil || got != secret {
				t.Fatalf("ApplicationSecret = %q, %v", got, err)
			}
			added, err := s.c.AddApplicationSecret(ctx, id, "rotated-1", nil)
			if err != nil || added.Value == "" || added.Value == secret {
				t.Fatalf("Add = %v, %v", added, err)
			}
			_, err = s.c.AddApplicationSecret(ctx, id, "rotated-1", nil)
			var ae *logtoapi.APIError
			if !errors.As(err, &ae) || ae.Code != "application.secret_name_exists" || ae.Status != 422 {
				t.Errorf("duplicate Add = %v", err)
			}
			if err := s.c.DeleteApplicationSecret(ctx, id, "Default secret"); err != nil {
				t.Fatal(err)
			}
			if p := lastPath(s.srv, "DELETE"); p != "/api/applications/"+id+"/secrets/Default%20secret" {
				t.Errorf("DELETE path = %q", p)
			}
			if err := s.c.DeleteApplicationSecret(ctx, id, "Default secret"); !errors.As(err, &ae) || ae.Status != 404 {
				t.Errorf("second delete = %v", err)
			}
			got, err = s.c.ApplicationSecret(ctx, id)
			if err != nil || got != added.Value {
				t.Errorf("ApplicationSecret after rotation = %q, %v", got, err)
			}
			raw, _ := s.srv.Application(id)
			hasSecret := strings.Contains(string(raw), `"secret"`)
			if version == "1.42.0" && hasSecret {
				t.Errorf("1.42 application has a secret field: %s", raw)
			}
			app, err := s.c.GetApplication(ctx, id)
			if err != nil || app.ID != id {
				t.Errorf("Get = %+v, %v", app, err)
			}
		})
	}
}

func lastPath(srv *logtotest.Server, method string) string {
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method {
			return reqs[i].Path
		}
	}
	return ""
}

func TestStandinVerifyAppCredentials(t *testing.T) {
	t.Parallel()
	s := newStandin(t)
	id, secret := s.srv.AddTraditionalApp("Bookstore", []string{"http://localhost:3000/logto/sign-in-callback"}, []string{"http://localhost:3000/"})
	m2mID, m2mSecret := s.srv.AddM2MApp("m2m", false)
	tests := []struct {
		name, id, secret string
		want             logtoapi.AppCheck
	}{
		{"right", id, secret, logtoapi.AppCredentialsOK},
		{"wrong secret", id, "wrongSecret000", logtoapi.AppSecretWrong},
		{"unknown app", "nosuchapp123", secret, logtoapi.AppUnknown},
		{"m2m app", m2mID, m2mSecret, logtoapi.AppNotTraditional},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := logtoapi.VerifyAppCredentials(t.Context(), s.srv.Client(), s.e, tt.id, tt.secret)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStandinConnectors(t *testing.T) {
	t.Parallel()
	s := newStandin(t)
	ctx := t.Context()
	factories, err := s.c.ConnectorFactories(ctx)
	if err != nil || len(factories) == 0 {
		t.Fatalf("factories = %v, %v", factories, err)
	}
	f, err := s.c.TwilioFactory(ctx)
	if err != nil || f.ID != logtoapi.TwilioFactoryID || f.Type != "Sms" {
		t.Fatalf("TwilioFactory = %+v, %v", f, err)
	}
	cur, err := s.c.SMSConnector(ctx)
	if err != nil || cur != nil {
		t.Fatalf("SMSConnector on a fresh tenant = %v, %v", cur, err)
	}

	created, err := s.c.CreateTwilioConnector(ctx, twilioConfig("AC00000000000000000000000000000000"), "")
	if err != nil {
		t.Fatal(err)
	}
	if !created.IsTwilio() || created.ID == "" {
		t.Fatalf("created %v", created)
	}
	cur, err = s.c.SMSConnector(ctx)
	if err != nil || cur == nil || cur.ID != created.ID {
		t.Fatalf("SMSConnector = %v, %v", cur, err)
	}

	// A second create without agreeing to replace sends no POST.
	posts := countRequests(s.srv, "POST", "/api/connectors")
	_, err = s.c.CreateTwilioConnector(ctx, twilioConfig("AC00000000000000000000000000000000"), "")
	var we *logtoapi.WouldReplaceError
	if !errors.As(err, &we) || we.Current.ID != created.ID {
		t.Fatalf("second create = %v, want *WouldReplaceError", err)
	}
	if n := countRequests(s.srv, "POST", "/api/connectors"); n != posts {
		t.Errorf("POSTs went from %d to %d", posts, n)
	}

	// Update: one PATCH with the whole config.
	cfg := twilioConfig("AC00000000000000000000000000000000")
	cfg.AuthToken = "rotatedAuthToken1111"
	cfg.DisableRiskCheck = true
	upd, err := s.c.UpdateTwilioConnector(ctx, created.ID, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if upd.ID != created.ID {
		t.Errorf("update changed the id: %v", upd)
	}
	if got, _ := upd.TwilioConfig(); got.AuthToken != "rotatedAuthToken1111" || !got.DisableRiskCheck || len(got.Templates) != 4 {
		t.Errorf("updated config = %v", got)
	}
	if n := countRequests(s.srv, "POST", "/api/connectors"); n != posts {
		t.Errorf("update POSTed")
	}
	raw, _ := s.srv.SMSConnector()
	if !strings.Contains(string(raw), "rotatedAuthToken1111") {
		t.Errorf("stand-in connector not updated")
	}

	// Another provider's connector is never replaced silently.
	otherID := s.srv.SetSMSConnector("http-sms", json.RawMessage(`{"endpoint":"http://127.0.0.1:59999/sms","authorization":"Bearer x"}`))
	_, err = s.c.CreateTwilioConnector(ctx, twilioConfig("AC00000000000000000000000000000000"), created.ID)
	if !errors.As(err, &we) || we.Current.ID != otherID || we.Current.ConnectorID != "http-sms" {
		t.Fatalf("create over http-sms = %v", err)
	}
	replaced, err := s.c.CreateTwilioConnector(ctx, twilioConfig("AC00000000000000000000000000000000"), otherID)
	if err != nil {
		t.Fatal(err)
	}
	cur, _ = s.c.SMSConnector(ctx)
	if cur == nil || cur.ID != replaced.ID || !cur.IsTwilio() {
		t.Errorf("after agreed replacement: %v", cur)
	}

	_, err = s.c.UpdateTwilioConnector(ctx, "nosuchconnec", cfg)
	var ae *logtoapi.APIError
	if !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("update unknown = %v", err)
	}
	if err := s.c.DeleteConnector(ctx, replaced.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.c.DeleteConnector(ctx, replaced.ID); !errors.As(err, &ae) || ae.Status != 404 || ae.Code != "entity.not_found" {
		t.Errorf("second delete = %v", err)
	}
}

func TestStandinTestTwilioConnector(t *testing.T) {
	t.Parallel()
	s := newStandin(t)
	ctx := t.Context()
	if err := s.c.TestTwilioConnector(ctx, "15551234567", twilioConfig("AC00000000000000000000000000000201")); err != nil {
		t.Fatalf("test send: %v", err)
	}
	if s.tw.count() != 1 {
		t.Errorf("Twilio got %d messages, want 1", s.tw.count())
	}

	err := s.c.TestTwilioConnector(ctx, "15551234567", twilioConfig("AC00000000000000000000000000000401"))
	var te *logtoapi.TwilioError
	if !errors.As(err, &te) || te.Code != 20003 || te.Status != 401 || te.MoreInfo == "" {
		t.Errorf("Twilio 401 = %v", err)
	}
	err = s.c.TestTwilioConnector(ctx, "15551234567", twilioConfig("AC00000000000000000000000000000400"))
	if !errors.As(err, &te) || te.Code != 21211 {
		t.Errorf("Twilio 400 = %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "fakeAuthToken0000") {
		t.Errorf("error %q contains the auth token", err)
	}

	// Twilio unreachable: a stand-in whose Twilio base URL refuses connections.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	srv := logtotest.NewServer(logtotest.WithTwilioBaseURL(deadURL))
	t.Cleanup(srv.Close)
	e, _ := logtoapi.ParseEndpoint(srv.URL)
	id, secret := srv.AddM2MApp("w", true)
	c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: id, AppSecret: secret}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	err = c.TestTwilioConnector(ctx, "15551234567", twilioConfig("AC00000000000000000000000000000201"))
	if !errors.Is(err, logtoapi.ErrTwilioUnreachable) {
		t.Errorf("unreachable Twilio = %v, want ErrTwilioUnreachable", err)
	}
}

func TestStandinSignInExperience(t *testing.T) {
	t.Parallel()
	for _, version := range versionsAnd142 {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s := newStandin(t, logtotest.WithVersion(version))
			ctx := t.Context()
			cur, err := s.c.SignInExperience(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(cur.SignIn.Methods) == 0 || cur.SignIn.Methods[0].Identifier != "username" {
				t.Fatalf("seed sign-in = %+v", cur.SignIn)
			}
			plan := logtoapi.PlanPhoneSignIn(cur)
			if plan.NoChange() {
				t.Fatal("plan on the seed changes nothing")
			}
			// Without an SMS connector Logto refuses.
			_, err = s.c.ApplySignInPlan(ctx, plan)
			var ae *logtoapi.APIError
			if !errors.As(err, &ae) || ae.Code != "sign_in_experiences.enabled_connector_not_found" {
				t.Fatalf("apply without connector = %v", err)
			}
			if logtoapi.Explain(err) == "" {
				t.Error("no explanation")
			}
			if _, err := s.c.CreateTwilioConnector(ctx, twilioConfig("AC00000000000000000000000000000000"), ""); err != nil {
				t.Fatal(err)
			}
			got, err := s.c.ApplySignInPlan(ctx, plan)
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if got.SignUp.Identifiers[0] != "phone" || got.SignIn.Methods[0].Identifier != "phone" || !got.SignIn.Methods[0].VerificationCode {
				t.Errorf("after apply: %+v %+v", got.SignUp, got.SignIn)
			}
			var state struct {
				SignUp json.RawMessage `json:"signUp"`
			}
			if err := json.Unmarshal(s.srv.SignInExperience(), &state); err != nil || !strings.Contains(string(state.SignUp), `"phone"`) {
				t.Errorf("stand-in state %s", state.SignUp)
			}
			again, err := s.c.SignInExperience(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if p := logtoapi.PlanPhoneSignIn(again); !p.NoChange() {
				t.Errorf("second plan changes %q", p.Changes)
			}
		})
	}
}

func TestStandinFaults(t *testing.T) {
	t.Parallel()
	t.Run("500", func(t *testing.T) {
		t.Parallel()
		s := newStandin(t)
		s.srv.Inject("GET", "/api/connectors", logtotest.Fault{Status: 500, Body: `{"message":"Internal server error."}`, Times: 1})
		_, err := s.c.SMSConnector(t.Context())
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Status != 500 {
			t.Fatalf("err = %v", err)
		}
		if _, err := s.c.SMSConnector(t.Context()); err != nil {
			t.Errorf("after the fault: %v", err)
		}
	})
	t.Run("drop", func(t *testing.T) {
		t.Parallel()
		s := newStandin(t)
		s.srv.Inject("GET", "/api/sign-in-exp", logtotest.Fault{Drop: true})
		_, err := s.c.SignInExperience(t.Context())
		if err == nil || !strings.HasPrefix(err.Error(), "logtoapi: get sign-in experience: ") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("token endpoint down", func(t *testing.T) {
		t.Parallel()
		s := newStandin(t)
		s.srv.Inject("POST", "/oidc/token", logtotest.Fault{Status: 503, Body: "busy"})
		err := s.c.CheckAccess(t.Context())
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Status != 503 {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestStandin141SignInPlanSendsOnlyItsKeys: against 1.41 (the sign-in experience has five more
// objects), reading the sign-in experience and applying the phone sign-in plan sends only
// signUp and signIn, and the five new objects are as they were.
func TestStandin141SignInPlanSendsOnlyItsKeys(t *testing.T) {
	t.Parallel()
	newKeys := []string{"customUiCsp", "passwordExpiration", "signUpProfileFields", "usernamePolicy", "verificationCodePolicy"}
	s := newStandin(t, logtotest.WithVersion("1.41.0"))
	ctx := t.Context()
	if _, err := s.c.CreateTwilioConnector(ctx, twilioConfig("AC00000000000000000000000000000000"), ""); err != nil {
		t.Fatal(err)
	}
	var before map[string]json.RawMessage
	if err := json.Unmarshal(s.srv.SignInExperience(), &before); err != nil {
		t.Fatal(err)
	}
	cur, err := s.c.SignInExperience(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range newKeys {
		if _, ok := before[k]; !ok {
			t.Fatalf("the 1.41 stand-in has no %s", k)
		}
		if string(cur.Raw(k)) != string(before[k]) {
			t.Errorf("read %s = %s, want %s", k, cur.Raw(k), before[k])
		}
	}
	if _, err := s.c.ApplySignInPlan(ctx, logtoapi.PlanPhoneSignIn(cur)); err != nil {
		t.Fatal(err)
	}
	var patches []map[string]json.RawMessage
	for _, r := range s.srv.Requests() {
		if r.Method == http.MethodPatch && r.Path == "/api/sign-in-exp" {
			var body map[string]json.RawMessage
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatal(err)
			}
			patches = append(patches, body)
		}
	}
	if len(patches) != 1 {
		t.Fatalf("%d PATCH requests, want 1", len(patches))
	}
	var sent []string
	for k := range patches[0] {
		sent = append(sent, k)
	}
	slices.Sort(sent)
	if !slices.Equal(sent, []string{"signIn", "signUp"}) {
		t.Errorf("PATCH sent %v, want only signIn and signUp", sent)
	}
	var after map[string]json.RawMessage
	if err := json.Unmarshal(s.srv.SignInExperience(), &after); err != nil {
		t.Fatal(err)
	}
	for _, k := range newKeys {
		if string(after[k]) != string(before[k]) {
			t.Errorf("%s changed: %s, was %s", k, after[k], before[k])
		}
	}
}

// TestStandin141Applications: application objects with appLevelAccessControlEnabled (1.41) decode
// in every call that reads them.
func TestStandin141Applications(t *testing.T) {
	t.Parallel()
	s := newStandin(t, logtotest.WithVersion("1.41.0"))
	ctx := t.Context()
	app, err := s.c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{
		Name: "Bookstore", RedirectURIs: []string{"http://localhost:3000/logto/sign-in-callback"},
	})
	if err != nil || app.ID == "" {
		t.Fatalf("create = %+v, %v", app, err)
	}
	raw, _ := s.srv.Application(app.ID)
	if !strings.Contains(string(raw), `"appLevelAccessControlEnabled":false`) {
		t.Fatalf("the 1.41 stand-in's application: %s", raw)
	}
	got, err := s.c.GetApplication(ctx, app.ID)
	if err != nil || got.ID != app.ID || got.Name != "Bookstore" || len(got.RedirectURIs) != 1 {
		t.Errorf("get = %+v, %v", got, err)
	}
	list, err := s.c.FindTraditionalApplications(ctx, "Bookstore")
	if err != nil || len(list) != 1 || list[0].ID != app.ID {
		t.Errorf("find = %+v, %v", list, err)
	}
	set, err := s.c.SetApplicationURIs(ctx, app.ID, []string{"http://localhost:3001/logto/sign-in-callback"}, nil)
	if err != nil || set.RedirectURIs[0] != "http://localhost:3001/logto/sign-in-callback" {
		t.Errorf("set URIs = %+v, %v", set, err)
	}
}

// TestApplicationNeverReadsSecretField: the client takes client secrets from /secrets only, never
// from an application object's `secret` (internal in 1.19-1.41, gone in 1.42).
func TestApplicationNeverReadsSecretField(t *testing.T) {
	t.Parallel()
	for _, version := range versionsAnd142 {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s := newStandin(t, logtotest.WithVersion(version))
			ctx := t.Context()
			id, secret := s.srv.AddTraditionalApp("Bookstore", nil, nil)
			raw, _ := s.srv.Application(id)
			var obj map[string]any
			_ = json.Unmarshal(raw, &obj)
			obj["secret"] = "leaked-from-the-application-object"
			leaky, _ := json.Marshal(obj)
			s.srv.Inject(http.MethodGet, "/api/applications/{id}", logtotest.Fault{Status: http.StatusOK, Body: string(leaky)})
			app, err := s.c.GetApplication(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(fmt.Sprintf("%#v", app), "leaked") {
				t.Errorf("the application kept the secret field: %#v", app)
			}
			got, err := s.c.ApplicationSecret(ctx, id)
			if err != nil || got != secret {
				t.Errorf("ApplicationSecret = %q, %v; want the Default secret from /secrets", got, err)
			}
		})
	}
}

// TestStandin141UsernameConflictExplained: a 409 from PATCH /api/sign-in-exp (the body the 1.41
// stand-in gives when usernames differ only by case) comes back as *APIError with a plain
// explanation.
func TestStandin141UsernameConflictExplained(t *testing.T) {
	t.Parallel()
	s := newStandin(t, logtotest.WithVersion("1.41.0"))
	ctx := t.Context()
	a, b := s.srv.AddUser("15550000001"), s.srv.AddUser("15550000002")
	s.srv.SetUsername(a, "Alice")
	s.srv.SetUsername(b, "alice")
	real409 := patchSignInExp(t, s, `{"usernamePolicy":{"caseSensitive":false,"minLength":1,"maxLength":128,`+
		`"allowedChars":{"lowercase":true,"uppercase":true,"numbers":true,"underscore":true}}}`)
	if _, err := s.c.CreateTwilioConnector(ctx, twilioConfig("AC00000000000000000000000000000000"), ""); err != nil {
		t.Fatal(err)
	}
	cur, err := s.c.SignInExperience(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.srv.Inject(http.MethodPatch, "/api/sign-in-exp", logtotest.Fault{Status: http.StatusConflict, Body: real409, Times: 1})
	_, err = s.c.ApplySignInPlan(ctx, logtoapi.PlanPhoneSignIn(cur))
	var ae *logtoapi.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusConflict || ae.Code != "sign_in_experiences.username_policy_case_conflicts_exist" {
		t.Fatalf("apply = %v", err)
	}
	if x := logtoapi.Explain(err); !strings.Contains(x, "differ only by case") || !strings.Contains(x, "Console") {
		t.Errorf("Explain = %q", x)
	}
}

// patchSignInExp sends PATCH /api/sign-in-exp with a Management token of the stand-in and
// returns the body; it fails the test unless the answer is 409.
func patchSignInExp(t *testing.T, s *standin, body string) string {
	t.Helper()
	id, secret := s.srv.AddM2MApp("raw", true)
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {logtotest.ManagementResource}, "scope": {"all"}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.srv.URL+"/oidc/token", strings.NewReader(form.Encode()))
	req.SetBasicAuth(id, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	_ = resp.Body.Close()
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPatch, s.srv.URL+"/api/sign-in-exp", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err = s.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("PATCH: %d %s, want 409", resp.StatusCode, b)
	}
	return string(b)
}
