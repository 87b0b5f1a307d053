package steps

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

var errBoom = errors.New("connection refused")

// run executes a step (Load and apply first, if it loads) and commits.
func run(t *testing.T, s tui.Step) (tui.Result, error) {
	t.Helper()
	ctx := t.Context()
	if ld, ok := s.(tui.Loader); ok {
		apply, err := ld.Load(ctx)
		if err != nil {
			return tui.Result{}, err
		}
		if apply != nil {
			apply()
		}
	}
	s.Form(tui.FormEnv{MaskSecrets: true}) // fills drafts like the runner does
	res, err := s.Execute(ctx)
	if err == nil && res.Commit != nil {
		res.Commit()
	}
	return res, err
}

// wantProblem checks err is a *Problem whose text and hint contain the parts.
func wantProblem(t *testing.T, err error, text, hint string) {
	t.Helper()
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatalf("err %v (%T), want *Problem", err, err)
	}
	if !strings.Contains(err.Error(), text) {
		t.Errorf("error %q lacks %q", err.Error(), text)
	}
	if !strings.Contains(p.Hint(), hint) {
		t.Errorf("hint %q lacks %q", p.Hint(), hint)
	}
	for _, s := range []string{m2mSecret, appSecret, twilioToken} {
		if strings.Contains(err.Error()+p.Hint(), s) {
			t.Errorf("error shows a secret: %q", err.Error())
		}
	}
}

func TestEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		input   string
		disc    logtoapi.Discovery
		discErr error
		text    string
		hint    string
		summary string
	}{
		{
			name: "oss", input: " http://localhost:3001/ ", disc: logtoapi.Discovery{Issuer: "http://localhost:3001/oidc"},
			summary: "http://localhost:3001 · Logto OSS (tenant default)",
		},
		{
			name: "cloud", input: "https://abc123.logto.app/", disc: logtoapi.Discovery{Issuer: "https://abc123.logto.app/oidc"},
			summary: "Logto Cloud (tenant abc123)",
		},
		{name: "unreachable", input: "http://localhost:3001", discErr: errBoom, text: "Logto did not answer"},
		{
			name: "connection refused", input: "http://localhost:3001",
			discErr: fmt.Errorf("logtoapi: discovery: %w", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}),
			text:    "Logto did not answer at http://localhost:3001: nothing answers at that address (connection refused)", hint: "Is Logto running?",
		},
		{
			name: "unknown host", input: "https://nosuchtenant.logto.app",
			discErr: fmt.Errorf("logtoapi: discovery: %w", &net.DNSError{Name: "nosuchtenant.logto.app", IsNotFound: true}),
			text:    `there is no host named "nosuchtenant.logto.app"`, hint: "typo",
		},
		{
			name: "issuer differs", input: "http://127.0.0.1:3001", disc: logtoapi.Discovery{Issuer: "http://localhost:3001/oidc"},
			text: "Logto calls itself http://localhost:3001/oidc",
		},
		{name: "not an address", input: "ftp://x", text: "not a Logto address"},
		{
			name: "html page", input: "http://localhost:3002",
			discErr: fmt.Errorf("logtoapi: discovery: %w", &logtoapi.DiscoveryError{
				URL: "http://localhost:3002/oidc/.well-known/openid-configuration", Kind: logtoapi.DiscoveryHTML,
				Err: errors.New("invalid character '<' looking for beginning of value"),
			}),
			text: "Logto's discovery document at http://localhost:3002/oidc/.well-known/openid-configuration is not JSON (it answered an HTML page)",
			hint: "not the Console (port 3002) or a proxy",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.disc, w.discErr = tt.disc, tt.discErr
			st := NewState(Prefill{})
			s := newEndpoint(st, &w.deps)
			s.value = tt.input
			res, err := run(t, s)
			if tt.text != "" {
				wantProblem(t, err, tt.text, tt.hint)
				if e := err.Error(); strings.Contains(e, "invalid character") || tt.disc.Issuer == "" && tt.name == "html page" && strings.Contains(e, "did not answer") {
					t.Errorf("error %q: raw decoder words or \"did not answer\" for a server that answered", e)
				}
				if st.Setup.Endpoint != "" {
					t.Fatal("a failed check changed the state")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Summary, tt.summary) || !st.Setup.IsDone("endpoint") {
				t.Fatalf("summary %q, done %v", res.Summary, st.Setup.Done)
			}
		})
	}
	if validateEndpoint("") == nil || validateEndpoint("http://localhost:3001") != nil {
		t.Fatal("validateEndpoint")
	}
}

func TestEndpointPrefill(t *testing.T) {
	t.Parallel()
	w := newWorld()
	st := NewState(Prefill{Endpoint: "http://flag:3001"})
	st.Setup.Endpoint = "http://saved:3001"
	s := newEndpoint(st, &w.deps)
	s.Form(tui.FormEnv{})
	if s.value != "http://flag:3001" {
		t.Fatalf("draft %q, want the flag's value", s.value)
	}
}

func TestMethod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		choice    string
		noBrowser bool
		method    string
		opened    []string
		summary   string
	}{
		{name: "have an M2M app", choice: choiceAutoHave, method: config.MethodAuto, summary: "automatic, with an M2M app"},
		{
			name: "create the M2M app", choice: choiceAutoCreate, method: config.MethodAuto,
			opened: []string{"http://localhost:3002/console/applications/create?type=MachineToMachine"}, summary: "Console page opened",
		},
		{name: "manual", choice: choiceManual, method: config.MethodManual, summary: "manual"},
		{name: "manual without browser", choice: choiceManual, noBrowser: true, method: config.MethodManual, summary: "· Console page: http://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			st := NewState(Prefill{NoBrowser: tt.noBrowser})
			st.Setup.Endpoint = "http://localhost:3001"
			s := newMethod(st, &w.deps)
			s.Form(tui.FormEnv{})
			s.choice = tt.choice
			res, err := s.Execute(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			res.Commit()
			if st.Setup.Method != tt.method || !strings.Contains(res.Summary, tt.summary) {
				t.Fatalf("method %q summary %q", st.Setup.Method, res.Summary)
			}
			opened := w.opener.list()
			if tt.opened != nil && (len(opened) != 1 || !strings.HasPrefix(opened[0], "http://localhost:3002/console")) {
				t.Fatalf("opened %q", opened)
			}
			if (tt.opened == nil && tt.choice != choiceManual || tt.noBrowser) && len(opened) != 0 {
				t.Fatalf("opened %q, want nothing", opened)
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	scope := &logtoapi.ScopeError{AppID: "m2m1", ConsoleURL: "http://localhost:3002/console/applications/m2m1/roles"}
	tests := []struct {
		name     string
		method   string
		check    logtoapi.AppCheck
		checkErr error
		access   error
		text     string
		hint     string
	}{
		{name: "auto ok", method: config.MethodAuto},
		{name: "auto without role", method: config.MethodAuto, access: scope, text: "cannot use the Management API"},
		{name: "auto unreachable", method: config.MethodAuto, access: errBoom, text: "connection refused"},
		{name: "manual ok", method: config.MethodManual, check: logtoapi.AppCredentialsOK},
		{name: "manual wrong secret", method: config.MethodManual, check: logtoapi.AppSecretWrong, text: "refused the App secret"},
		{name: "manual unknown", method: config.MethodManual, check: logtoapi.AppUnknown, text: "does not know that App ID"},
		{name: "manual not traditional", method: config.MethodManual, check: logtoapi.AppNotTraditional, text: "not a \"Traditional web\" app"},
		{name: "manual no redirect URI", method: config.MethodManual, check: logtoapi.AppNoRedirectURI, text: "refuses it before checking the secret", hint: "add the Redirect URI http://localhost:3000/logto/sign-in-callback"},
		{name: "manual check fails", method: config.MethodManual, checkErr: errBoom, text: "Cannot check the app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.check, w.checkErr = tt.check, tt.checkErr
			w.logto.errs["CheckAccess"] = tt.access
			st := NewState(Prefill{})
			st.Setup.Endpoint, st.Setup.Method = "http://localhost:3001", tt.method
			s := newCreds(st, &w.deps)
			s.Form(tui.FormEnv{})
			s.appID, s.secret = " id1 ", m2mSecret
			if tt.method == config.MethodManual {
				s.secret = appSecret
			}
			res, err := s.Execute(t.Context())
			if tt.text != "" {
				wantProblem(t, err, tt.text, tt.hint)
				if st.Setup.AppID != "" || st.Setup.M2MAppID != "" {
					t.Fatal("a failed check changed the state")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			res.Commit()
			if tt.method == config.MethodManual && (st.Setup.AppID != "id1" || st.Secrets.AppSecret.Reveal() != appSecret) ||
				tt.method == config.MethodAuto && (st.Setup.M2MAppID != "id1" || st.Secrets.M2MAppSecret.Reveal() != m2mSecret) {
				t.Fatalf("state %+v", st.Setup)
			}
		})
	}
}

// TestCredentialsPresetNoRedirectURI: an attendee cannot change the workshop's app, so
// when Logto finds the card's app without a redirect URI the fix is the facilitator's.
func TestCredentialsPresetNoRedirectURI(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.check = logtoapi.AppNoRedirectURI
	p := Prefill{}
	p.UsePreset(Preset{File: "bookstore-07.yaml", Name: "Bookstore 07", Endpoint: "http://localhost:3001", AppID: "app07", AppSecret: appSecret, Port: 3007})
	st := NewState(p)
	st.Setup.Endpoint, st.Setup.Method = "http://localhost:3001", config.MethodManual
	s := newCreds(st, &w.deps)
	_, err := run(t, s)
	wantProblem(t, err, "refuses it before checking the secret", "Tell the facilitator")
	wantProblem(t, err, "", "http://localhost:3007/logto/sign-in-callback")
}

func TestCredentialsPrefill(t *testing.T) {
	t.Parallel()
	w := newWorld()
	st := NewState(Prefill{M2MAppID: "m2m-env", M2MAppSecret: m2mSecret, AppID: "web-env", AppSecret: appSecret})
	st.Setup.Endpoint, st.Setup.Method = "http://localhost:3001", config.MethodAuto
	s := newCreds(st, &w.deps)
	if _, err := run(t, s); err != nil {
		t.Fatal(err)
	}
	if st.Setup.M2MAppID != "m2m-env" || !slices.Contains(w.logto.list(), "CheckAccess") {
		t.Fatalf("state %+v calls %q", st.Setup, w.logto.list())
	}
	st.Setup.Method = config.MethodManual
	s.Form(tui.FormEnv{})
	if s.appID != "web-env" || s.secret != appSecret {
		t.Fatalf("manual drafts %q", s.appID)
	}
	if len(s.Actions()) != 3 || !strings.Contains(s.Guide(), "http://localhost:3000/logto/sign-in-callback") {
		t.Fatalf("manual needs open + 2 copy keys and the URIs:\n%s", s.Guide())
	}
}

func TestApp(t *testing.T) {
	t.Parallel()
	redirect := "http://localhost:3000/logto/sign-in-callback"
	t.Run("creates with the URIs and reads the secret", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		st.Setup.AppID = ""
		s := newApp(st, &w.deps)
		res, err := run(t, s)
		if err != nil {
			t.Fatal(err)
		}
		if st.Setup.AppID != "newapp" || st.Secrets.AppSecret.Reveal() != appSecret || st.Setup.DemoPort != 3000 {
			t.Fatalf("state %+v", st.Setup)
		}
		if !strings.Contains(res.Summary, "created \"Bookstore\"") || strings.Contains(res.Summary, appSecret) {
			t.Fatalf("summary %q", res.Summary)
		}
		if slices.Contains(w.logto.list(), "SetURIs newapp") {
			t.Fatal("URIs set twice")
		}
		app := w.logto.apps[len(w.logto.apps)-1]
		if !slices.Equal(app.RedirectURIs, []string{redirect}) ||
			!slices.Equal(app.PostLogoutRedirectURIs, []string{"http://localhost:3000", "http://localhost:3000/"}) {
			t.Fatalf("created with %q and %q", app.RedirectURIs, app.PostLogoutRedirectURIs)
		}
	})
	t.Run("post sign-out URIs in both forms, without duplicates", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name     string
			has      []string // the existing app's post sign-out URIs
			want     []string // after; nil = no update
			redirect []string
		}{
			{
				name: "with a slash (the recorded real app)", has: []string{"http://localhost:3000/"}, redirect: []string{redirect},
				want: []string{"http://localhost:3000/", "http://localhost:3000"},
			},
			{
				name: "without a slash", has: []string{"http://localhost:3000", "http://x/"}, redirect: []string{redirect},
				want: []string{"http://localhost:3000", "http://x/", "http://localhost:3000/"},
			},
			{name: "none", redirect: []string{redirect}, want: []string{"http://localhost:3000", "http://localhost:3000/"}},
			{name: "both already", has: []string{"http://localhost:3000/", "http://localhost:3000"}, redirect: []string{redirect}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				w := newWorld()
				w.logto.apps = []logtoapi.Application{{ID: "old", Name: "Bookstore", RedirectURIs: tt.redirect, PostLogoutRedirectURIs: tt.has}}
				s := newApp(readyState(), &w.deps)
				if _, err := run(t, s); err != nil {
					t.Fatal(err)
				}
				set := slices.Contains(w.logto.list(), "SetURIs old")
				if tt.want == nil {
					if set {
						t.Fatalf("URIs updated although complete: %q", w.logto.uris)
					}
					return
				}
				if !set || !slices.Equal(w.logto.uris[1], tt.want) || !slices.Equal(w.logto.uris[0], tt.redirect) {
					t.Fatalf("set %v: redirect %q, post sign-out %q; want %q", set, w.logto.uris[0], w.logto.uris[1], tt.want)
				}
			})
		}
	})
	t.Run("asks before reusing, then adds the URIs", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.logto.apps = []logtoapi.Application{{ID: "old", Name: "Bookstore", RedirectURIs: []string{"http://other/cb"}}}
		st := readyState()
		s := newApp(st, &w.deps)
		apply, err := s.Load(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		apply()
		if s.Form(tui.FormEnv{}) == nil || s.choice != appReuse || len(s.existing) != 1 {
			t.Fatalf("choice %q existing %d", s.choice, len(s.existing))
		}
		res, err := s.Execute(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		res.Commit()
		if got := w.logto.uris[0]; !slices.Equal(got, []string{"http://other/cb", redirect}) {
			t.Fatalf("redirect URIs %q", got)
		}
		if st.Setup.AppID != "old" {
			t.Fatalf("app %q", st.Setup.AppID)
		}
	})
	t.Run("new name that exists is refused", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.logto.apps = []logtoapi.Application{{ID: "old", Name: "Bookstore"}}
		st := readyState()
		s := newApp(st, &w.deps)
		apply, _ := s.Load(t.Context())
		apply()
		s.choice = appNew
		_, err := s.Execute(t.Context())
		wantProblem(t, err, "exists already", "another name")
	})
	for _, name := range []string{"Find", "Create", "SetURIs", "Secret"} {
		t.Run("error from "+name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.logto.errs[name] = &logtoapi.APIError{Status: 500, Message: "boom"}
			st := readyState()
			st.Setup.AppID = ""
			s := newApp(st, &w.deps)
			s.name = "Other"
			s.choice = appNew
			if name == "SetURIs" {
				w.logto.apps = []logtoapi.Application{{ID: "old", Name: "Other"}}
				s.choice = appReuse
				s.existing = w.logto.apps
			}
			_, err := s.Execute(t.Context())
			if err == nil {
				t.Fatal("no error")
			}
			if st.Setup.AppID != "" || st.Secrets.AppSecret.Reveal() != appSecret {
				t.Fatal("a failed step changed the state")
			}
		})
	}
	t.Run("skipped for the manual method", func(t *testing.T) {
		t.Parallel()
		st := readyState()
		st.Setup.Method = config.MethodManual
		if !newApp(st, &newWorld().deps).Skip() {
			t.Fatal("not skipped")
		}
	})
}

func TestTwilio(t *testing.T) {
	t.Parallel()
	authErr := &twiliosetup.Error{Code: 20003, Status: 401, What: "the SID and token do not match", Next: "Copy both again from the Console home page."}
	tests := []struct {
		name       string
		sid, token string
		err        error
		text, hint string
	}{
		{name: "ok trial", sid: " " + accountSID + "\n", token: twilioToken},
		{name: "bad sid", sid: "XX123", token: twilioToken, text: "Account SID does not look right"},
		{name: "api key sid", sid: "SK0123456789abcdef0123456789abcdef", token: twilioToken, text: "that is an API key SID (SK…), not the Account SID"},
		{name: "bad token", sid: accountSID, token: "short", text: "Auth Token does not look right"},
		{name: "refused", sid: accountSID, token: twilioToken, err: authErr, text: "do not match", hint: "Copy both again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.twilio.errs["Account"] = tt.err
			st := NewState(Prefill{})
			s := newTwilio(st, &w.deps)
			s.sid, s.token = tt.sid, tt.token
			res, err := s.Execute(t.Context())
			if tt.text != "" {
				wantProblem(t, err, tt.text, tt.hint)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			res.Commit()
			if st.Setup.TwilioAccountSID != accountSID || !st.Setup.TwilioTrial || st.Secrets.TwilioAuthToken.Reveal() != twilioToken {
				t.Fatalf("state %+v", st.Setup)
			}
			if !strings.Contains(res.Summary, "trial: texts only verified numbers") || strings.Contains(res.Summary, twilioToken) {
				t.Fatalf("summary %q", res.Summary)
			}
		})
	}
}

func TestService(t *testing.T) {
	t.Parallel()
	t.Run("pick existing", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		st.Setup.ServiceSID = ""
		res, err := run(t, newService(st, &w.deps))
		if err != nil {
			t.Fatal(err)
		}
		if st.Setup.ServiceSID != "MG11111111111111111111111111111111" || !strings.Contains(res.Summary, "+15005550006") {
			t.Fatalf("state %+v summary %q", st.Setup, res.Summary)
		}
	})
	t.Run("create and attach", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.twilio.services = nil
		st := readyState()
		s := newService(st, &w.deps)
		if _, err := run(t, s); err != nil {
			t.Fatal(err)
		}
		want := []string{"Services", "Numbers", "CreateService " + DefaultServiceName, "Attach MGnew PN1", "EnsureSender MGnew", "Senders MGnew"}
		if got := w.twilio.list(); !slices.Equal(got, want) {
			t.Fatalf("calls %q, want %q", got, want)
		}
	})
	t.Run("nothing to send from", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.twilio.services, w.twilio.numbers = nil, nil
		_, err := newService(readyState(), &w.deps).Load(t.Context())
		wantProblem(t, err, "no Messaging Service and no phone number", "Buy a number")
	})
	t.Run("service without sender is stopped", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.twilio.errs["EnsureSender"] = &twiliosetup.Error{What: "the service has no sender", Next: "Add a number to it."}
		st := readyState()
		st.Setup.ServiceSID = ""
		_, err := run(t, newService(st, &w.deps))
		wantProblem(t, err, "has no sender", "Add a number")
		if st.Setup.ServiceSID != "" {
			t.Fatal("state changed")
		}
	})
	for _, name := range []string{"Services", "Numbers", "CreateService", "Attach"} {
		t.Run("error from "+name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.twilio.services = nil
			w.twilio.errs[name] = errBoom
			if _, err := run(t, newService(readyState(), &w.deps)); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestTemplates(t *testing.T) {
	t.Parallel()
	w := newWorld()
	st := readyState()
	st.Setup.Templates = nil
	s := newTemplates(st, &w.deps)
	res, err := run(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Setup.Templates) != len(twiliosetup.DefaultTemplates()) || !strings.Contains(res.Summary, "defaults") {
		t.Fatalf("templates %d summary %q", len(st.Setup.Templates), res.Summary)
	}
	s.edit = true
	s.texts[1] = "no code here"
	_, err = s.Execute(t.Context())
	wantProblem(t, err, "The Sign-in message (SignIn) is not valid", "{{code}}")
	if validateTemplate("Code: {{code}}") != nil || validateTemplate("Code") == nil {
		t.Fatal("validateTemplate")
	}
}

func TestConnector(t *testing.T) {
	t.Parallel()
	other := &logtoapi.Connector{ID: "aliyun1", ConnectorID: "aliyun-short-message-service", Type: "Sms"}
	tests := []struct {
		name      string
		current   *logtoapi.Connector
		choice    string // "" = the default the form picks
		wantCalls string
		action    string
		noForm    bool
	}{
		{name: "none: create", wantCalls: "CreateConnector replaces=", action: config.ConnectorCreated, noForm: true},
		{name: "other provider: keep by default", current: other, wantCalls: "", action: config.ConnectorKept},
		{name: "other provider: replace", current: other, choice: connReplace, wantCalls: "CreateConnector replaces=aliyun1", action: config.ConnectorCreated},
		{name: "twilio, other account: keep by default", current: twilioConnector("tw1", "ACother"), action: config.ConnectorKept},
		{name: "twilio, other account: update", current: twilioConnector("tw1", "ACother"), choice: connUpdate, wantCalls: "UpdateConnector tw1", action: config.ConnectorUpdated},
		{name: "twilio, same account: update by default", current: twilioConnector("tw1", accountSID), wantCalls: "UpdateConnector tw1", action: config.ConnectorUpdated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.logto.connector = tt.current
			st := readyState()
			s := newConnector(st, &w.deps)
			apply, err := s.Load(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			apply()
			if f := s.Form(tui.FormEnv{}); (f == nil) != tt.noForm {
				t.Fatalf("form %v, want none %v", f != nil, tt.noForm)
			}
			if tt.choice != "" {
				s.choice = tt.choice
			}
			res, err := s.Execute(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			res.Commit()
			calls := w.logto.list()[1:]
			if tt.wantCalls == "" && len(calls) != 0 || tt.wantCalls != "" && (len(calls) != 1 || calls[0] != tt.wantCalls) {
				t.Fatalf("calls %q, want %q", calls, tt.wantCalls)
			}
			if st.Setup.ConnectorAction != tt.action {
				t.Fatalf("action %q, want %q", st.Setup.ConnectorAction, tt.action)
			}
			if tt.wantCalls != "" && (w.logto.lastCfg.AuthToken != twilioToken || w.logto.lastCfg.FromMessagingServiceSID != st.Setup.ServiceSID) {
				t.Fatalf("config sent %+v", w.logto.lastCfg.FromMessagingServiceSID)
			}
			if strings.Contains(res.Summary, twilioToken) {
				t.Fatal("summary shows the token")
			}
		})
	}
	t.Run("would replace is explained", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.logto.errs["CreateConnector"] = &logtoapi.WouldReplaceError{Current: *other}
		s := newConnector(readyState(), &w.deps)
		s.choice = connCreate
		_, err := s.Execute(t.Context())
		wantProblem(t, err, "Cannot save the Twilio connector", "")
	})
	t.Run("incomplete settings", func(t *testing.T) {
		t.Parallel()
		st := readyState()
		st.Setup.ServiceSID = ""
		s := newConnector(st, &newWorld().deps)
		s.choice = connCreate
		_, err := s.Execute(t.Context())
		wantProblem(t, err, "incomplete", "Go back")
	})
	t.Run("manual shows masked JSON and copies the real one", func(t *testing.T) {
		t.Parallel()
		st := readyState()
		st.Setup.Method = config.MethodManual
		s := newConnector(st, &newWorld().deps)
		if strings.Contains(s.Guide(), twilioToken) || !strings.Contains(s.Guide(), st.Setup.ServiceSID) {
			t.Fatalf("guide:\n%s", s.Guide())
		}
		if !strings.Contains(s.configJSON(false), twilioToken) || !strings.Contains(s.configJSON(false), "fromMessagingServiceSID") {
			t.Fatal("the copied JSON lacks the token")
		}
		if len(s.Actions()) != 2 {
			t.Fatal("manual needs open + copy")
		}
	})
}

func TestTestSMS(t *testing.T) {
	t.Parallel()
	unverified := &twiliosetup.Error{
		Code: 21608, What: "trial accounts can only text verified numbers",
		Next: "Verify the number at " + twiliosetup.ConsoleVerifiedCallerIDs,
	}
	noSender := &twiliosetup.Error{What: "the Messaging Service has no sender", Next: "Add a sender to the service."}
	tests := []struct {
		name       string
		method     string
		noSend     bool // refused before anything is sent
		phone      string
		sender     string // the service's sender (its region is the default)
		want       string // E.164 saved; "" = +15005550006
		errs       map[string]error
		logtoErr   error
		final      twiliosetup.Message
		text, hint string
		result     string
	}{
		{name: "auto via Logto", method: config.MethodAuto, phone: "+1 500 555 0006", result: "delivered via Logto's connector"},
		{name: "bad phone", method: config.MethodAuto, phone: "12", text: "not valid"},
		{
			name: "national number, US sender", method: config.MethodAuto, phone: "(415) 555-0123", sender: "+15005550006",
			want: "+14155550123", result: "delivered via Logto's connector",
		},
		{
			name: "national number, GB sender", method: config.MethodManual, phone: "07700 900123", sender: "+447700900000",
			want: "+447700900123", result: "delivered",
		},
		{
			name: "national number, sender unknown", method: config.MethodAuto, phone: "(415) 555-0123",
			text: "not valid", hint: "international format",
		},
		{
			name: "national number, bad sender", method: config.MethodAuto, phone: "(415) 555-0123", sender: "nonsense",
			text: "not valid", hint: "international format",
		},
		{
			name: "trial unverified", method: config.MethodAuto, phone: "+15005550006", errs: map[string]error{"CheckCanText": unverified},
			text: "only text verified numbers", hint: "Verify the number", noSend: true,
		},
		{
			name: "manual trial unverified", method: config.MethodManual, phone: "+15005550006", errs: map[string]error{"CheckCanText": unverified},
			text: "only text verified numbers", hint: "Verify the number", noSend: true,
		},
		{
			name: "manual no sender", method: config.MethodManual, phone: "+15005550006", errs: map[string]error{"EnsureSender": noSender},
			text: "cannot send", hint: "Add a sender", noSend: true,
		},
		{
			name: "auto no sender", method: config.MethodAuto, phone: "+15005550006", errs: map[string]error{"EnsureSender": noSender},
			text: "cannot send", hint: "Add a sender", noSend: true,
		},
		{
			name: "Logto test fails", method: config.MethodAuto, phone: "+15005550006",
			logtoErr: &logtoapi.TwilioError{Code: 21211, Message: "invalid To"}, text: "Logto could not send",
		},
		{
			name: "auto undelivered", method: config.MethodAuto, phone: "+15005550006",
			final: twiliosetup.Message{SID: "SM1", Status: twiliosetup.StatusUndelivered, ErrorCode: 30007}, text: "not delivered", hint: "template plainer",
		},
		{
			name: "auto failed", method: config.MethodAuto, phone: "+15005550006",
			final: twiliosetup.Message{SID: "SM1", Status: twiliosetup.StatusFailed, ErrorCode: 30034}, text: "not delivered",
		},
		{
			name: "auto not listed by Twilio", method: config.MethodAuto, phone: "+15005550006",
			errs:   map[string]error{"Find": fmt.Errorf("twiliosetup: find: %w", twiliosetup.ErrMessageNotFound)},
			result: "sent via Logto's connector (not followed)",
		},
		{
			name: "auto lost track", method: config.MethodAuto, phone: "+15005550006", errs: map[string]error{"Follow": errBoom},
			text: "Lost track",
		},
		{
			name: "manual sent, no receipt", method: config.MethodManual, phone: "+15005550006",
			final: twiliosetup.Message{SID: "SM1", Status: twiliosetup.StatusSent}, result: "sent (no delivery receipt yet)",
		},
		{
			name: "manual delivered", method: config.MethodManual, phone: "+15005550006",
			final: twiliosetup.Message{SID: "SM1", Status: twiliosetup.StatusDelivered}, result: "delivered",
		},
		{
			name: "manual undelivered", method: config.MethodManual, phone: "+15005550006",
			final: twiliosetup.Message{SID: "SM1", Status: twiliosetup.StatusUndelivered, ErrorCode: 30003}, text: "not delivered",
		},
		{
			name: "manual send refused", method: config.MethodManual, phone: "+15005550006",
			errs: map[string]error{"Send": errBoom}, text: "did not accept",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			for k, v := range tt.errs {
				w.twilio.errs[k] = v
			}
			w.logto.errs["TestConnector"] = tt.logtoErr
			if tt.final.SID != "" {
				w.twilio.final = tt.final
			}
			st := readyState()
			st.Setup.Method = tt.method
			st.Setup.ServiceSender = tt.sender
			s := newTestSMS(st, &w.deps)
			s.phone = tt.phone
			if vErr := s.validatePhone(tt.phone); (vErr != nil) != (tt.text == "not valid") {
				t.Errorf("form validation of %q: %v", tt.phone, vErr)
			}
			res, err := s.Execute(t.Context())
			sent := slices.ContainsFunc(w.twilio.list(), func(c string) bool { return strings.HasPrefix(c, "Send ") }) ||
				slices.ContainsFunc(w.logto.list(), func(c string) bool { return strings.HasPrefix(c, "TestConnector ") })
			if tt.noSend && sent {
				t.Errorf("sent although refused: Twilio %q, Logto %q", w.twilio.list(), w.logto.list())
			}
			if tt.text != "" {
				wantProblem(t, err, tt.text, tt.hint)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e164 := cmp.Or(tt.want, "+15005550006")
			wantCalls := []string{
				"EnsureSender " + st.Setup.ServiceSID, "CheckCanText " + e164,
				"Send " + st.Setup.ServiceSID + " " + e164, "Follow SM1",
			}
			if tt.method == config.MethodAuto {
				wantCalls[2] = "Find " + e164 // after Logto's connector test, which gives no SID
				if tt.errs["Find"] != nil {
					wantCalls = wantCalls[:3]
				}
			}
			if got := w.twilio.list(); !isSubsequence(got, wantCalls) {
				t.Errorf("Twilio calls %q, want %q in that order", got, wantCalls)
			}
			res.Commit()
			want := cmp.Or(tt.want, "+15005550006")
			if st.Setup.TestPhone != want || !strings.Contains(st.Setup.TestResult, tt.result) {
				t.Fatalf("state %q %q, want %q", st.Setup.TestPhone, st.Setup.TestResult, want)
			}
			if tt.method == config.MethodAuto && !slices.Contains(w.logto.list(), "TestConnector "+want[1:]) {
				t.Fatalf("Logto calls %q (digits only expected)", w.logto.list())
			}
			if tt.method == config.MethodManual && strings.Contains(w.twilio.sentBody, "{{code}}") {
				t.Fatalf("body %q still has the placeholder", w.twilio.sentBody)
			}
		})
	}
	t.Run("a retry does not find the earlier message", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		first := time.Now().Add(-10 * time.Second).Truncate(time.Second)
		w.twilio.found.DateCreated = first
		s := newTestSMS(readyState(), &w.deps)
		s.phone = "+15005550006"
		if _, err := s.Execute(t.Context()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(w.twilio.since); d < 55*time.Second {
			t.Errorf("first search since %v ago, want about a minute of slack", d)
		}
		if _, err := s.Execute(t.Context()); err != nil {
			t.Fatal(err)
		}
		if !w.twilio.since.Equal(first.Add(time.Second)) {
			t.Errorf("retry searched since %v, want after the first message (%v)", w.twilio.since, first)
		}
	})
	t.Run("skip", func(t *testing.T) {
		t.Parallel()
		st := readyState()
		r := newTestSMS(st, &newWorld().deps).SkipResult()
		r.Commit()
		if st.Setup.TestResult != "skipped" {
			t.Fatal("skip not recorded")
		}
	})
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	t.Run("shows the changes, then applies", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		s := newSignIn(st, &w.deps)
		apply, err := s.Load(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		apply()
		if s.plan.NoChange() {
			t.Fatal("an empty sign-in experience must need changes")
		}
		if !strings.Contains(s.Guide(), "What will change") || s.Form(tui.FormEnv{}) == nil {
			t.Fatalf("guide:\n%s", s.Guide())
		}
		if !slices.Equal(w.logto.list(), []string{"SignInExperience"}) {
			t.Fatalf("PATCH before consent: %q", w.logto.list())
		}
		res, err := s.Execute(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		res.Commit()
		if !st.Setup.SignInConfigured || !slices.Contains(w.logto.list(), "ApplySignInPlan") {
			t.Fatal("not applied")
		}
	})
	t.Run("declined", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		s := newSignIn(st, &w.deps)
		apply, _ := s.Load(t.Context())
		apply()
		s.apply = false
		if s.plan.NoChange() {
			t.Fatal("an empty sign-in experience must need changes")
		}
		res, err := s.Execute(t.Context())
		if err != nil || slices.Contains(w.logto.list(), "ApplySignInPlan") || !strings.Contains(res.Summary, "left unchanged") {
			t.Fatalf("res %q err %v calls %q", res.Summary, err, w.logto.list())
		}
	})
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.logto.errs["ApplySignInPlan"] = &logtoapi.APIError{Status: 400, Code: "sign_in_experiences.code_sign_in_must_be_enabled"}
		st := readyState()
		s := newSignIn(st, &w.deps)
		apply, _ := s.Load(t.Context())
		apply()
		if s.plan.NoChange() {
			t.Fatal("an empty sign-in experience must need changes")
		}
		_, err := s.Execute(t.Context())
		wantProblem(t, err, "refused the sign-in change", "")
		if st.Setup.SignInConfigured {
			t.Fatal("state changed")
		}
	})
	t.Run("load error", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.logto.errs["SignInExperience"] = errBoom
		_, err := newSignIn(readyState(), &w.deps).Load(t.Context())
		wantProblem(t, err, "Cannot read the sign-in experience", "")
	})
	t.Run("manual", func(t *testing.T) {
		t.Parallel()
		st := readyState()
		st.Setup.Method = config.MethodManual
		s := newSignIn(st, &newWorld().deps)
		if _, err := run(t, s); err != nil || !st.Setup.SignInConfigured {
			t.Fatalf("err %v", err)
		}
	})
}

func TestVerify(t *testing.T) {
	t.Parallel()
	t.Run("signed in", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
		s := newVerify(st, &w.deps)
		res, err := run(t, s)
		if err != nil {
			t.Fatal(err)
		}
		if st.Setup.SignedInPhone != "+15005550006" || !strings.Contains(res.Summary, "+15005550006") {
			t.Fatalf("summary %q", res.Summary)
		}
		if got := w.opener.list(); !slices.Equal(got, []string{"http://localhost:3000"}) {
			t.Fatalf("opened %q", got)
		}
		if w.demo.cfg.AppSecret != appSecret || w.demo.cfg.BaseURL != "http://localhost:3000" {
			t.Fatalf("demo config %q", w.demo.cfg.BaseURL)
		}
		// A second run reuses the server; Close stops it once.
		w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "+15005550006"}
		if _, err := s.Execute(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := w.deps.Demos.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.deps.Demos.Close(); err != nil { // a second Close does nothing
			t.Fatal(err)
		}
		if got := w.demo.list(); !slices.Equal(got, []string{"Start localhost:3000", "Close"}) {
			t.Fatalf("demo calls %q", got)
		}
	})
	t.Run("no browser", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		st.Prefill.NoBrowser = true
		w.demo.signIns <- demo.SignIn{Subject: "u1"}
		res, err := run(t, newVerify(st, &w.deps))
		if err != nil || len(w.opener.list()) != 0 || !strings.Contains(res.Summary, "user u1") {
			t.Fatalf("err %v opened %q summary %q", err, w.opener.list(), res.Summary)
		}
	})
	t.Run("port busy", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.demo.startErr = fmt.Errorf("demo: start: %w", &demo.PortInUseError{Port: 3000, Err: syscall.EADDRINUSE})
		_, err := run(t, newVerify(readyState(), &w.deps))
		wantProblem(t, err, "Cannot start the demo app: port 3000 is already in use", "--port")
		if !errors.Is(err, syscall.EADDRINUSE) {
			t.Errorf("the cause is lost: %v", err)
		}
	})
	t.Run("missing app secret", func(t *testing.T) {
		t.Parallel()
		st := readyState()
		st.Secrets.AppSecret = ""
		_, err := run(t, newVerify(st, &newWorld().deps))
		wantProblem(t, err, "secret is missing", "Go back")
	})
	t.Run("times out", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			w := newWorld()
			s := newVerify(readyState(), &w.deps)
			ctx, cancel := context.WithTimeout(t.Context(), s.Timeout())
			defer cancel()
			start := time.Now()
			_, err := s.Execute(ctx)
			wantProblem(t, err, "No sign-in arrived in 15 minutes", "wait again")
			if time.Since(start) != VerifyTimeout {
				t.Fatalf("waited %v", time.Since(start))
			}
		})
	})
	t.Run("stopped with esc", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		s := newVerify(readyState(), &w.deps)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := s.Execute(ctx)
		wantProblem(t, err, "You stopped waiting for the sign-in", "wait again")
		if strings.Contains(err.Error(), "context canceled") {
			t.Errorf("error %q shows Go's context text", err)
		}
	})
}

func TestStarter(t *testing.T) {
	t.Parallel()
	w := newWorld()
	st := readyState()
	s := newStarter(st, &w.deps)
	res, err := run(t, s)
	if err != nil || res.Summary != "not written" || len(w.express.list()) != 0 {
		t.Fatalf("declined: %q %v", res.Summary, err)
	}
	s.write = true
	res, err = s.Execute(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	res.Commit()
	// Written where the user said; saved absolute, so rotate and teardown
	// find it from any folder.
	wantDir, _ := filepath.Abs(DefaultStarterDir)
	if got := w.express.list(); !slices.Equal(got, []string{DefaultStarterDir + " app1"}) || st.Setup.ExpressDir != wantDir {
		t.Fatalf("calls %q, saved %q (want %q)", got, st.Setup.ExpressDir, wantDir)
	}
	w.deps.WriteExpress = func(string, demo.ExpressValues, func(string) bool) ([]string, error) { return nil, errBoom }
	_, err = newStarter(st, &w.deps).Execute(t.Context())
	if err != nil {
		t.Fatal("declined by default on a new step must not write")
	}
	s2 := newStarter(st, &w.deps)
	s2.write, s2.dir = true, "x"
	_, err = s2.Execute(t.Context())
	wantProblem(t, err, "Cannot write the Express starter", "")

	// Every file already there: the line says so instead of "0 files".
	w.deps.WriteExpress = func(string, demo.ExpressValues, func(string) bool) ([]string, error) { return nil, nil }
	s3 := newStarter(st, &w.deps)
	s3.write, s3.dir = true, "x"
	res, err = s3.Execute(t.Context())
	if err != nil || !strings.HasPrefix(res.Summary, "nothing new in ") || !strings.Contains(res.Summary, "none is overwritten") {
		t.Fatalf("summary %q, err %v", res.Summary, err)
	}
}

func TestWelcome(t *testing.T) {
	t.Parallel()
	t.Run("fresh without saved state", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.deps.Store = &config.Store{Dir: t.TempDir()}
		st := NewState(Prefill{})
		res, err := run(t, newWelcome(st, &w.deps))
		if err != nil || st.Mode != ModeFresh || res.Summary != "starting fresh" {
			t.Fatalf("mode %q err %v", st.Mode, err)
		}
	})
	for _, mode := range []string{ModeResume, ModeReverify, ModeFresh} {
		t.Run("saved, "+mode, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			store := &config.Store{Dir: t.TempDir()}
			w.deps.Store = store
			saved := readyState()
			saved.Setup.Done = []string{"endpoint", "method"}
			if err := store.Save(saved.Setup, saved.Secrets); err != nil {
				t.Fatal(err)
			}
			st := NewState(Prefill{})
			s := newWelcome(st, &w.deps)
			apply, err := s.Load(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			apply()
			if !strings.Contains(s.Guide(), "Saved setup: 2 steps done") {
				t.Fatalf("guide:\n%s", s.Guide())
			}
			s.Form(tui.FormEnv{})
			s.choice = mode
			res, err := s.Execute(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			res.Commit()
			steps := All(st, w.deps)
			endpointSkipped := steps[1].(tui.Skipper).Skip()
			switch mode {
			case ModeResume:
				if !endpointSkipped || st.Secrets.AppSecret.Reveal() != appSecret {
					t.Fatal("resume must skip done steps and keep the secrets")
				}
			case ModeReverify:
				if endpointSkipped || st.Setup.Endpoint == "" {
					t.Fatal("re-verify runs every step, prefilled")
				}
			case ModeFresh:
				if endpointSkipped || st.Setup.Endpoint != "" {
					t.Fatal("start over forgets")
				}
				if l, _ := store.Load(); l.Found {
					t.Fatal("start over left the saved file")
				}
			}
		})
	}
	t.Run("corrupt file is reported", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		store := &config.Store{Dir: t.TempDir()}
		w.deps.Store = store
		if err := store.WriteFiles([]byte("{oops"), []byte("{}")); err != nil {
			t.Fatal(err)
		}
		st := NewState(Prefill{})
		s := newWelcome(st, &w.deps)
		if _, err := run(t, s); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(s.Guide(), "setup.json.bak") {
			t.Fatalf("guide:\n%s", s.Guide())
		}
	})
}

func TestSummaryAndAll(t *testing.T) {
	t.Parallel()
	st := readyState()
	st.Setup.SignedInPhone = "+15005550006"
	w := newWorld()
	w.deps.Store = &config.Store{Dir: "/home/u/.config/logto-twilio"}
	all := All(st, w.deps)
	var ids []string
	for _, s := range all {
		ids = append(ids, s.ID())
		if GuideText(s.ID()) == "" {
			t.Errorf("step %s has no assets/guide/%s.md", s.ID(), s.ID())
		}
	}
	want := []string{"welcome", "endpoint", "method", "credentials", "app", "twilio", "service", "templates", "connector", "testsms", "signin", "verify", "starter", "summary"}
	if !slices.Equal(ids, want) {
		t.Fatalf("order %q", ids)
	}
	res, err := all[len(all)-1].Execute(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	g := res.Details
	for _, s := range []string{"+15005550006", "setup.json", "http://localhost:3001"} {
		if !strings.Contains(g, s) {
			t.Errorf("summary lacks %q:\n%s", s, g)
		}
	}
	for _, s := range []string{appSecret, m2mSecret, twilioToken} {
		if strings.Contains(g, s) {
			t.Fatal("summary shows a secret")
		}
	}
}

// TestResumeWithOtherInputs: on resume, a flag naming another Logto or
// Twilio account makes its step run again, and its commit makes the steps
// that depended on the old value run again too.
func TestResumeWithOtherInputs(t *testing.T) {
	t.Parallel()
	done := []string{"endpoint", "method", "credentials", "app", "twilio", "service", "templates", "connector", "testsms", "signin"}
	tests := []struct {
		name      string
		prefill   Prefill
		step      int // index in All
		skip      bool
		run       func(t *testing.T, st *State, w *world) error
		stillDone []string
		undone    []string
	}{
		{name: "same endpoint flag: skipped", prefill: Prefill{Endpoint: "http://localhost:3001/"}, step: 1, skip: true},
		{name: "no flag: skipped", step: 1, skip: true},
		{name: "same port: app skipped", prefill: Prefill{Port: 3000}, step: 4, skip: true},
		{name: "other port: app runs", prefill: Prefill{Port: 3100}, step: 4, skip: false},
		{
			name: "other endpoint: runs, forgets the app and connector", prefill: Prefill{Endpoint: "http://localhost:4001"}, step: 1,
			run: func(t *testing.T, st *State, w *world) error {
				w.disc.Issuer = "http://localhost:4001/oidc"
				s := newEndpoint(st, &w.deps)
				_, err := run(t, s)
				return err
			},
			stillDone: []string{"endpoint", "method", "twilio", "service", "templates"},
			undone:    []string{"credentials", "app", "connector", "testsms", "signin"},
		},
		{
			name: "other Twilio account: runs, forgets the service", prefill: Prefill{TwilioAccountSID: "ACffffffffffffffffffffffffffffffff"}, step: 5,
			run: func(t *testing.T, st *State, w *world) error {
				s := newTwilio(st, &w.deps)
				_, err := run(t, s)
				return err
			},
			stillDone: []string{"endpoint", "app", "twilio", "templates", "signin"},
			undone:    []string{"service", "connector", "testsms"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			st := readyState()
			st.Prefill = tt.prefill
			st.Mode = ModeResume
			st.Setup.Done = slices.Clone(done)
			all := All(st, w.deps)
			if got := all[tt.step].(tui.Skipper).Skip(); got != tt.skip {
				t.Fatalf("%s skipped %v, want %v", all[tt.step].ID(), got, tt.skip)
			}
			if note := all[tt.step].(tui.SkipNoter).SkipNote(); tt.skip && note != "done before" {
				t.Errorf("%s skip note %q, want \"done before\"", all[tt.step].ID(), note)
			}
			if tt.run == nil {
				return
			}
			if err := tt.run(t, st, w); err != nil {
				t.Fatal(err)
			}
			for _, id := range tt.stillDone {
				if !st.Setup.IsDone(id) {
					t.Errorf("%s forgotten", id)
				}
			}
			for _, id := range tt.undone {
				if st.Setup.IsDone(id) {
					t.Errorf("%s still done", id)
				}
			}
		})
	}
}

// TestDefaultDeps: the real wiring builds clients without any request and
// refuses bad input before sending anything.
func TestDefaultDeps(t *testing.T) {
	t.Parallel()
	d := DefaultDeps(nil, nil)
	if d.Discover == nil || d.VerifyApp == nil || d.NewLogto == nil || d.NewTwilio == nil || d.NewDemo == nil || d.WriteExpress == nil {
		t.Fatal("DefaultDeps left a constructor nil")
	}
	if _, err := d.NewTwilio(twiliosetup.Credentials{AccountSID: "nope", AuthToken: twilioToken}); err == nil {
		t.Error("a bad Account SID was accepted")
	}
	e, err := logtoapi.ParseEndpoint("http://localhost:3001")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.NewLogto(e, logtoapi.M2MCredentials{}); err == nil {
		t.Error("empty M2M credentials were accepted")
	}
	if _, err := d.NewDemo(demo.Config{}); err == nil {
		t.Error("an empty demo config was accepted")
	}
}

// isSubsequence reports whether want appears in got in order (other calls may
// come between).
func isSubsequence(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}
