package steps

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

func TestProblemErrorIsPlain(t *testing.T) {
	t.Parallel()
	refused := &url.Error{
		Op: "Get", URL: "http://localhost:3001/oidc/.well-known/openid-configuration",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)},
	}
	_, parseErr := logtoapi.ParseEndpoint("localhost:3001")
	_, phoneErr := twiliosetup.ParsePhone("", "")
	tests := []struct {
		name      string
		p         *Problem
		want      string
		forbidden []string
	}{
		{
			name: "connection refused",
			p:    &Problem{What: "Logto did not answer", Err: fmt.Errorf("logtoapi: discovery: is Logto running? %w", refused)},
			want: "Logto did not answer: nothing answers at that address (connection refused)",
		},
		{
			name: "unknown host",
			p:    &Problem{What: "Logto did not answer", Err: fmt.Errorf("logtoapi: discovery: %w", &net.DNSError{Name: "logto.example", IsNotFound: true})},
			want: `Logto did not answer: there is no host named "logto.example"`,
		},
		{
			name: "timeout",
			p:    &Problem{What: "Twilio did not answer", Err: fmt.Errorf("twiliosetup: fetch: %w", context.DeadlineExceeded)},
			want: "Twilio did not answer: no answer in time",
		},
		{
			name: "Logto API error with details",
			p: &Problem{What: "The M2M app cannot use the Management API", Err: fmt.Errorf("logtoapi: check access: get management API token: %w",
				&logtoapi.APIError{Status: 401, Code: "oidc.invalid_client", Message: "An OIDC error occurred: oidc.invalid_client.", Details: "client authentication failed"})},
			want: "The M2M app cannot use the Management API: Logto answered 401 oidc.invalid_client (client authentication failed)",
		},
		{
			name:      "package prefixes",
			p:         &Problem{What: "That is not a Logto address", Err: parseErr},
			want:      `That is not a Logto address: add the scheme: did you mean "http://localhost:3001"?`,
			forbidden: []string{"logtoapi"},
		},
		{
			name: "Logto's replace refusal",
			p: &Problem{What: "Cannot save the Twilio connector", Err: fmt.Errorf("logtoapi: create connector: %w",
				&logtoapi.WouldReplaceError{Current: logtoapi.Connector{ID: "c1", ConnectorID: "aliyun-short-message-service"}})},
			want:      "Cannot save the Twilio connector: creating a Twilio connector would delete the tenant's SMS connector c1 (aliyun-short-message-service)",
			forbidden: []string{"logtoapi", "agree"},
		},
		{
			name: "Logto unreachable from Logto (a sentinel)",
			p: &Problem{What: "Logto could not send the test SMS", Err: fmt.Errorf("logtoapi: test connector: %w: %w",
				logtoapi.ErrTwilioUnreachable, &logtoapi.APIError{Status: 500})},
			want: "Logto could not send the test SMS: Logto could not reach Twilio (Logto answered 500)",
		},
		{
			name:      "twiliosetup input error",
			p:         &Problem{What: "That phone number is not valid", Err: fmt.Errorf("steps: %w", phoneErr)},
			want:      "That phone number is not valid: invalid phone number: empty",
			forbidden: []string{"twiliosetup"},
		},
		{
			name: "demo port in use",
			p:    &Problem{What: "Cannot start the demo app", Err: fmt.Errorf("demo: start: %w", &demo.PortInUseError{Port: 3000, Err: syscall.EADDRINUSE})},
			want: "Cannot start the demo app: port 3000 is already in use on 127.0.0.1 (is another server, maybe the Express starter, running?)",
		},
		{
			name: "Twilio error",
			p: &Problem{What: "Twilio will not text +14155550100", Err: fmt.Errorf("twiliosetup: send: %w", &twiliosetup.Error{
				Code: 21608, What: "Trial accounts can only text verified numbers.", Message: "+14155550100 is not a verified caller ID",
			})},
			want: "Twilio will not text +14155550100: Trial accounts can only text verified numbers (Twilio error 21608: +14155550100 is not a verified caller ID)",
		},
		{
			name: "Twilio error without explanation",
			p:    &Problem{What: "Twilio refused", Err: &twiliosetup.Error{Code: 30008, Message: "Unknown error."}},
			want: "Twilio refused: Unknown error (Twilio error 30008)",
		},
		{
			name: "canceled",
			p:    &Problem{What: "Lost track of the test SMS", Err: fmt.Errorf("twiliosetup: follow: %w", context.Canceled)},
			want: "Lost track of the test SMS: stopped before it finished",
		},
		{name: "no cause", p: &Problem{What: "Only what"}, want: "Only what"},
		{name: "no what", p: &Problem{Err: &logtoapi.InputError{Op: "endpoint", Msg: "enter your Logto endpoint"}}, want: "enter your Logto endpoint"},
		{name: "an error without a plain form is shown as it is", p: &Problem{What: "Failed", Err: errors.New("x: y")}, want: "Failed: x: y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.p.Error(); got != tt.want {
				t.Errorf("Error() = %q\n            want %q", got, tt.want)
			}
			for _, f := range tt.forbidden {
				if strings.Contains(tt.p.Error(), f) {
					t.Errorf("Error() %q contains %q", tt.p.Error(), f)
				}
			}
			if tt.p.Err != nil && !errors.Is(tt.p, tt.p.Err) {
				t.Error("the cause is not kept for errors.Is")
			}
		})
	}
}

func TestExplainNetworkErrorHasHint(t *testing.T) {
	t.Parallel()
	err := explain("Twilio did not answer", fmt.Errorf("twiliosetup: %w", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}))
	wantProblem(t, err, "connection refused", "server is running")
}

func TestFieldErrorsArePlain(t *testing.T) {
	t.Parallel()
	empty := ""
	tests := []struct {
		name, in string
		validate func(string) error
		want     string
	}{
		{name: "endpoint without scheme", in: "localhost:3001", validate: orDefault(&empty, validateEndpoint), want: "add the scheme"},
		{name: "endpoint scheme typo", in: "htp://x", validate: orDefault(&empty, validateEndpoint), want: `unsupported scheme "htp"`},
		{name: "Console URL", in: "https://abc.logto.app/console/applications", validate: orDefault(&empty, validateEndpoint), want: "Console"},
		{name: "short Auth Token", in: "abc", validate: orDefault(&empty, validateToken), want: "Auth Token must be 32 characters"},
		{name: "Account SID", in: "XY123", validate: orDefault(&empty, validateSID), want: "must start with"},
		{name: "template without code", in: "Your code", validate: validateTemplate, want: "{{code}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.validate(tt.in)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			for _, pkg := range []string{"logtoapi", "twiliosetup"} {
				if strings.Contains(err.Error(), pkg) {
					t.Errorf("error %q names a Go package", err)
				}
			}
			if strings.Count(err.Error(), "{{code}}") > 1 {
				t.Errorf("error %q repeats itself", err)
			}
		})
	}
}

func TestEndpointGuideNamesTheSavedLogto(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, saved, given string
		want               bool
	}{
		{name: "another Logto given", saved: "http://127.0.0.1:40935", given: "http://127.0.0.1:45961", want: true},
		{name: "same Logto", saved: "http://localhost:3001", given: "http://localhost:3001/", want: false},
		{name: "nothing given", saved: "http://localhost:3001", want: false},
		{name: "nothing saved", given: "http://localhost:3001", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := NewState(Prefill{Endpoint: tt.given})
			st.Setup.Endpoint = tt.saved
			g := newEndpoint(st, &Deps{}).Guide()
			if got := strings.Contains(g, "The saved setup used "+tt.saved); got != tt.want {
				t.Errorf("guide names the saved Logto: %v, want %v:\n%s", got, tt.want, g)
			}
		})
	}
}

func TestExplainScopeError(t *testing.T) {
	t.Parallel()
	err := explain("The M2M app cannot use the Management API", fmt.Errorf("logtoapi: check access: %w",
		&logtoapi.ScopeError{AppID: "m2m1", Scope: "", ConsoleURL: "http://localhost:3002/console/applications/m2m1/roles"}))
	wantProblem(t, err, `The M2M app cannot use the Management API: the app lacks the "Logto Management API access" role`,
		"Roles, assign the role \"Logto Management API access\", then {key:retry} to try again. The app's page: http://localhost:3002/console/applications/m2m1/roles")
	if strings.Contains(err.Error(), "scope") {
		t.Errorf("error %q talks about token scopes", err)
	}
}

// TestSummaryDetailsCarryTheReport: the ✓ line is one line; the report is
// in Details (both runners print them), and the guide shows it only in the
// interactive runner's frame.
func TestSummaryDetailsCarryTheReport(t *testing.T) {
	t.Parallel()
	st := readyState()
	st.Setup.SignedInPhone = "+15005550006"
	st.Setup.AppName = "Book{store" // an unmatched brace in what the user typed
	s := newSummary(st, &Deps{Store: &config.Store{Dir: "/cfg"}})
	res, err := s.Execute(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary != "SMS sign-in works (signed in as +15005550006)" {
		t.Errorf("summary %q", res.Summary)
	}
	for _, want := range []string{"Saved in", "Next:", "logto-twilio", "Book{store"} {
		if !strings.Contains(res.Details, want) {
			t.Errorf("details lack %q:\n%s", want, res.Details)
		}
	}
	// The frame says the report follows (at 80×24 the whole report would
	// be cut); the Details print it whole.
	if g := (tui.FormEnv{}).Render(s.Guide()); strings.Contains(g, "Saved in") || !strings.Contains(g, "printed below") {
		t.Errorf("the interactive guide should announce the report, not show it:\n%s", g)
	}
	if g := (tui.FormEnv{Line: true}).Render(s.Guide()); strings.Contains(g, "Saved in") {
		t.Errorf("the line guide repeats the report:\n%s", g)
	}
}

func TestProviderName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"aliyun-short-message-service":  "Aliyun",
		"tencent-short-message-service": "Tencent",
		"http-sms":                      "http-sms",
		"-short-message-service":        "-short-message-service",
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			if got := providerName(in); got != want {
				t.Errorf("providerName(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestTemplatePagesNameTheMessage(t *testing.T) {
	t.Parallel()
	s := newTemplates(readyState(), &newWorld().deps)
	pages := s.Pages(tui.FormEnv{})
	if len(pages) != 10 {
		t.Fatalf("%d pages, want the question and 9 texts", len(pages))
	}
	for typ, want := range map[string]string{"Register": "Sign-up", "SignIn": "Sign-in", "Unknown": "Unknown"} {
		if got := usageName(typ); got != want {
			t.Errorf("usageName(%q) = %q, want %q", typ, got, want)
		}
	}
	for _, typ := range twiliosetup.DefaultTemplates() {
		if _, ok := usageNames[typ.UsageType]; !ok {
			t.Errorf("usage type %q has no name", typ.UsageType)
		}
	}
}

func TestWelcomeSandbox(t *testing.T) {
	t.Parallel()
	for _, sandbox := range []bool{false, true} {
		t.Run(fmt.Sprint("sandbox=", sandbox), func(t *testing.T) {
			t.Parallel()
			g := newWelcome(NewState(Prefill{Sandbox: sandbox}), &Deps{}).Guide()
			if got := strings.Contains(g, "You need:"); got == sandbox {
				t.Errorf("guide asks for real accounts: %v:\n%s", got, g)
			}
			if got := strings.Contains(g, "stand-ins"); got != sandbox {
				t.Errorf("guide names the sandbox: %v:\n%s", got, g)
			}
			if !strings.Contains(g, "This wizard sets up SMS sign-in") {
				t.Errorf("the introduction is gone:\n%s", g)
			}
		})
	}
}

func TestMethodGuideInTheSandbox(t *testing.T) {
	t.Parallel()
	for _, sandbox := range []bool{false, true} {
		g := newMethod(NewState(Prefill{Sandbox: sandbox}), &Deps{}).Guide()
		if got := strings.Contains(g, "choose the first option"); got != sandbox {
			t.Errorf("sandbox=%v: the guide points to the ready M2M app: %v", sandbox, got)
		}
	}
}
