package steps

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// loadOnly runs a Loader step's Load and apply (no form: Ready must not
// need one).
func loadOnly(t *testing.T, s tui.Step) {
	t.Helper()
	if ld, ok := s.(tui.Loader); ok {
		apply, err := ld.Load(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if apply != nil {
			apply()
		}
	}
}

func readyOf(t *testing.T, s tui.Step) (bool, string) {
	t.Helper()
	r, ok := s.(tui.Readier)
	if !ok {
		t.Fatalf("%s is not a tui.Readier", s.ID())
	}
	return r.Ready()
}

// withSources is p with the sources of its values set to src.
func withSources(p Prefill, src Source) Prefill {
	p.MarkSources(src)
	return p
}

// TestReady checks, step by step, when a step runs without its form and
// what its note says: given values (flag, env, answers, sandbox), the
// saved setup, obvious choices, --yes, and nothing given.
func TestReady(t *testing.T) {
	t.Parallel()
	env := withSources(fullPrefill(), SourceEnv)
	flagged := fullPrefill()
	flagged.SetSource(AnswerEndpoint, SourceFlag)
	yes := Prefill{Yes: true}
	answered := Prefill{}
	if err := answered.ApplyAnswers(map[string]string{
		AnswerEndpoint: "http://localhost:3001", AnswerMethod: "manual", AnswerTestPhone: "+15005550006",
		AnswerSignInApply: "no", AnswerStarter: "yes", AnswerStarterDir: "out", AnswerService: "new",
		AnswerTemplatesPrefix + "SignIn": "Code {{code}}", AnswerConnector: "keep", AnswerMode: "fresh",
	}); err != nil {
		t.Fatal(err)
	}
	saved := func() *State { st := readyState(); st.Setup.TestPhone = "+15005550006"; return st }
	fresh := func(p Prefill) func() *State { return func() *State { return NewState(p) } }
	tests := []struct {
		name     string
		state    func() *State
		step     func(*State, *Deps) tui.Step
		world    func(*world)
		want     bool
		wantNote string
	}{
		{"welcome asks", fresh(Prefill{}), stepOf(newWelcome), nil, false, ""},
		{"welcome --yes", fresh(yes), stepOf(newWelcome), nil, true, "default, --yes"},
		{"welcome answers", fresh(answered), stepOf(newWelcome), nil, true, "from answers"},
		{"endpoint env", fresh(env), stepOf(newEndpoint), nil, true, "from env"},
		{"endpoint flag", fresh(flagged), stepOf(newEndpoint), nil, true, "from flag"},
		{"endpoint answers", fresh(answered), stepOf(newEndpoint), nil, true, "from answers"},
		{"endpoint saved", saved, stepOf(newEndpoint), nil, true, "from saved"},
		{"endpoint default asks", fresh(Prefill{}), stepOf(newEndpoint), nil, false, ""},
		{"endpoint default --yes", fresh(yes), stepOf(newEndpoint), nil, true, "default, --yes"},
		{"endpoint default --non-interactive: never guessed", fresh(Prefill{NonInteractive: true}), stepOf(newEndpoint), nil, false, ""},
		{"method M2M env", fresh(env), stepOf(newMethod), nil, true, "M2M app from env"},
		{"method answers", fresh(answered), stepOf(newMethod), nil, true, "from answers"},
		{"method saved", saved, stepOf(newMethod), nil, true, "from saved"},
		{"method asks", fresh(Prefill{}), stepOf(newMethod), nil, false, ""},
		{"credentials env", func() *State { st := NewState(env); st.Setup.Method = config.MethodAuto; return st }, stepOf(newCreds), nil, true, "from env"},
		{"credentials saved", saved, stepOf(newCreds), nil, true, "from saved"},
		{"credentials asks", func() *State { st := NewState(Prefill{}); st.Setup.Method = config.MethodAuto; return st }, stepOf(newCreds), nil, false, ""},
		{"app: none of the name", saved, stepOf(newApp), nil, true, "no app of that name yet"},
		{"app: the saved one", saved, stepOf(newApp), func(w *world) {
			w.logto.apps = []logtoapi.Application{{ID: "app1", Name: "Bookstore"}}
		}, true, "from saved"},
		{"app: another of the name asks", saved, stepOf(newApp), func(w *world) {
			w.logto.apps = []logtoapi.Application{{ID: "other", Name: "Bookstore"}}
		}, false, ""},
		{"twilio env", fresh(env), stepOf(newTwilio), nil, true, "from env"},
		{"twilio saved", saved, stepOf(newTwilio), nil, true, "from saved"},
		{"twilio asks", fresh(Prefill{}), stepOf(newTwilio), nil, false, ""},
		{"service saved", saved, stepOf(newService), nil, true, "from saved"},
		{"service: the only one with a sender", func() *State { st := readyState(); st.Setup.ServiceSID = ""; return st }, stepOf(newService), func(w *world) {
			w.twilio.services = append(w.twilio.services, twiliosetup.Service{SID: "MG2", FriendlyName: "Empty"})
		}, true, "the only Messaging Service with a sender"},
		{"service: one number, no service", func() *State { st := readyState(); st.Setup.ServiceSID = ""; return st }, stepOf(newService), func(w *world) {
			w.twilio.services = nil
		}, true, "no Messaging Service yet: a new one with the only SMS number"},
		{"service: two with senders asks", func() *State { st := readyState(); st.Setup.ServiceSID = ""; return st }, stepOf(newService), func(w *world) {
			w.twilio.services = append(w.twilio.services, twiliosetup.Service{SID: "MG2", FriendlyName: "Other", Senders: 1})
		}, false, ""},
		{"templates saved", saved, stepOf(newTemplates), nil, true, "from saved"},
		{"templates answers", fresh(answered), stepOf(newTemplates), nil, true, "from answers"},
		{"templates asks", fresh(Prefill{}), stepOf(newTemplates), nil, false, ""},
		{"templates --yes", fresh(yes), stepOf(newTemplates), nil, true, "default, --yes"},
		{"test phone flag", func() *State { st := NewState(flagged); st.Prefill.SetSource(AnswerTestPhone, SourceFlag); return st }, stepOf(newTestSMS), nil, true, "from flag"},
		{"test phone saved", saved, stepOf(newTestSMS), nil, true, "from saved"},
		{"test phone asks", fresh(Prefill{}), stepOf(newTestSMS), nil, false, ""},
		{"starter asks", saved, stepOf(newStarter), nil, false, ""},
		{"starter --yes", fresh(yes), stepOf(newStarter), nil, true, "default, --yes"},
		{"starter answers", fresh(answered), stepOf(newStarter), nil, true, "from answers"},
		{"summary", saved, stepOf(newSummary), nil, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			if tt.world != nil {
				tt.world(w)
			}
			s := tt.step(tt.state(), &w.deps)
			loadOnly(t, s)
			ok, note := readyOf(t, s)
			if ok != tt.want || (ok && note != tt.wantNote) {
				t.Fatalf("Ready() = %v, %q; want %v, %q", ok, note, tt.want, tt.wantNote)
			}
		})
	}
}

// stepOf adapts a step constructor for the table.
func stepOf[S tui.Step](f func(*State, *Deps) S) func(*State, *Deps) tui.Step {
	return func(st *State, d *Deps) tui.Step { return f(st, d) }
}

// TestReadyConnector: --yes updates this account's connector, but never
// replaces another provider's (or another account's) without the answer.
func TestReadyConnector(t *testing.T) {
	t.Parallel()
	other := &logtoapi.Connector{ID: "aliyun1", ConnectorID: "aliyun-short-message-service"}
	tests := []struct {
		name     string
		current  *logtoapi.Connector
		prefill  Prefill
		want     bool
		choice   string
		wantNote string
	}{
		{name: "none: created", want: true},
		{name: "another provider, --yes: asks", current: other, prefill: Prefill{Yes: true}},
		{name: "another provider, --non-interactive: asks", current: other, prefill: Prefill{NonInteractive: true}},
		{name: "another provider, answered replace", current: other, prefill: Prefill{Answers: map[string]string{AnswerConnector: connReplace}}, want: true, choice: connReplace, wantNote: "from answers"},
		{name: "another provider, answered keep", current: other, prefill: Prefill{Answers: map[string]string{AnswerConnector: connKeep}}, want: true, choice: connKeep, wantNote: "from answers"},
		{name: "another provider, answered update: not its choice", current: other, prefill: Prefill{Answers: map[string]string{AnswerConnector: connUpdate}}},
		{name: "this account, --yes: update", current: twilioConnector("tw1", accountSID), prefill: Prefill{Yes: true}, want: true, choice: connUpdate, wantNote: "default, --yes"},
		{name: "this account: asks", current: twilioConnector("tw1", accountSID)},
		{name: "another account, --yes: asks", current: twilioConnector("tw1", "AC99999999999999999999999999999999"), prefill: Prefill{Yes: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.logto.connector = tt.current
			st := readyState()
			st.Prefill = tt.prefill
			s := newConnector(st, &w.deps)
			loadOnly(t, s)
			ok, note := s.Ready()
			if ok != tt.want || (ok && (note != tt.wantNote || s.choice != tt.choice && tt.choice != "")) {
				t.Fatalf("Ready() = %v, %q (choice %q); want %v, %q (%q)", ok, note, s.choice, tt.want, tt.wantNote, tt.choice)
			}
			if !ok {
				var mi *config.MissingInputError
				if err := s.MissingInput(); !errors.As(err, &mi) || mi.AnswerKey != AnswerConnector {
					t.Fatalf("MissingInput() = %v", err)
				}
			}
		})
	}
}

// TestMissingInputs: each step's MissingInput names its answer ID and the
// flag or variable that gives it, and no secret.
func TestMissingInputs(t *testing.T) {
	t.Parallel()
	w := newWorld()
	st := NewState(Prefill{})
	for _, tt := range []struct {
		step tui.MissingInputer
		want string
	}{
		{newEndpoint(st, &w.deps), "--logto-endpoint, LOGTO_ENDPOINT or the answer endpoint"},
		{newMethod(st, &w.deps), "the answer method"},
		{newCreds(st, &w.deps), "LOGTO_M2M_APP_ID and LOGTO_M2M_APP_SECRET or the answer m2m-app-id and m2m-app-secret"},
		{newTwilio(st, &w.deps), "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN or the answer twilio-account-sid and twilio-auth-token"},
		{newService(st, &w.deps), "the answer service"},
		{newTestSMS(st, &w.deps), "--test-phone or the answer test-phone"},
		{newSignIn(st, &w.deps), "the answer signin-apply"},
		{newStarter(st, &w.deps), "the answer starter"},
		{newWelcome(st, &w.deps), "the answer mode"},
	} {
		err := tt.step.MissingInput()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%T: %v, want %q", tt.step, err, tt.want)
		}
	}
}

// TestEndpointIssuerAlias: Logto's issuer names the same loopback Logto by
// another host; the failure offers the issuer's address, and one retry
// (enter) uses it.
func TestEndpointIssuerAlias(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.disc = logtoapi.Discovery{Issuer: "http://localhost:3001/oidc"}
	p := Prefill{Endpoint: "http://127.0.0.1:3001"}
	p.SetSource(AnswerEndpoint, SourceFlag)
	st := NewState(p)
	s := newEndpoint(st, &w.deps)
	if ok, note := s.Ready(); !ok || note != "from flag" {
		t.Fatalf("Ready() = %v, %q", ok, note)
	}
	_, err := s.Execute(t.Context())
	wantProblem(t, err, "Logto calls itself http://localhost:3001/oidc", "to use http://localhost:3001")
	if s.value != "http://localhost:3001" {
		t.Fatalf("the form is not prefilled with the issuer's address: %q", s.value)
	}
	if ok, note := s.Ready(); !ok || note != "the address Logto reports" {
		t.Fatalf("Ready() after the fix = %v, %q", ok, note)
	}
	res, err := s.Execute(t.Context()) // retry: one key
	if err != nil || !strings.HasPrefix(res.Summary, "http://localhost:3001 ") {
		t.Fatalf("retry: %q, %v", res.Summary, err)
	}
	for _, tt := range []struct{ endpoint, issuer, want string }{
		{"http://127.0.0.1:3001", "http://localhost:3001/oidc", "http://localhost:3001"},
		{"http://localhost:3001", "http://127.0.0.1:3001/oidc", "http://127.0.0.1:3001"},
		{"http://localhost:3001", "http://[::1]:3001/oidc", "http://[::1]:3001"},
		{"http://localhost:3001", "http://localhost:3002/oidc", ""},
		{"http://localhost:3001", "https://localhost:3001/oidc", ""},
		{"http://localhost:3001", "http://example.com:3001/oidc", ""},
		{"https://abc.logto.app", "https://def.logto.app/oidc", ""},
	} {
		e, err := logtoapi.ParseEndpoint(tt.endpoint)
		if err != nil {
			t.Fatal(err)
		}
		if got := aliasAddress(e, tt.issuer); got != tt.want {
			t.Errorf("aliasAddress(%s, %s) = %q, want %q", tt.endpoint, tt.issuer, got, tt.want)
		}
	}
}

// TestWizardYes runs the whole wizard in the interactive runner with --yes
// and every answer prefilled: no key is pressed. With another provider's
// SMS connector in the tenant, --yes stops at the connector's question:
// replacing it needs an explicit answer.
func TestWizardYes(t *testing.T) {
	t.Parallel()
	for _, other := range []bool{false, true} {
		w := newWorld()
		if other {
			w.logto.connector = &logtoapi.Connector{ID: "aliyun1", ConnectorID: "aliyun-short-message-service"}
		}
		w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
		p := fullPrefill()
		p.Yes = true
		st := NewState(p)
		d := newDriver()
		m := tui.NewModel(t.Context(), All(st, w.deps), tui.Options{Width: 80, Height: 24, Observe: d.observe})
		tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
			teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.NoTTY)))
		if other {
			d.until(t, "the connector's question", func(s tui.Snapshot) bool { return s.ID == "connector" && s.Phase == tui.PhaseForm })
			for _, c := range w.logto.list() {
				if strings.HasPrefix(c, "CreateConnector") {
					t.Fatalf("--yes replaced the connector: %v", w.logto.list())
				}
			}
			tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
			tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
			continue
		}
		final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*tui.Model)
		if final.Phase() != tui.PhaseDone || st.Setup.SignedInPhone != "+15005550006" || st.Setup.ExpressDir != "" {
			t.Fatalf("phase %v, setup %+v", final.Phase(), st.Setup)
		}
		out, err := io.ReadAll(tm.FinalOutput(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"(default, --yes)", "(prefilled)", "✓ Summary"} {
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("the output lacks %q", want)
			}
		}
	}
}
