package doctor

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// breakCase changes the stand-ins (or the saved setup) behind the wizard's back and says
// which rows stop passing; every other row must still PASS.
type breakCase struct {
	name  string
	opt   standOpt
	mod   func(s *stand)
	want  map[string]Status
	noSMS bool // do not ask for a test SMS
	// network: the case reaches Logto by another host name (localhost), which only a real
	// listener answers; it runs outside a synctest bubble, in real time.
	network bool
}

func breakCases() []breakCase {
	return []breakCase{
		{name: "healthy", want: nil},
		{name: "healthy full account", opt: standOpt{full: true}},
		{name: "redirect URI removed", mod: func(s *stand) {
			s.lg.SetRedirectURIs(s.appID, nil, []string{"http://localhost:3000"})
			s.noRedirectURIProbe()
		}, want: map[string]Status{IDApp: Fail, IDAppSecret: Skip}},
		{name: "redirect URI removed, manual setup", opt: standOpt{manual: true}, mod: func(s *stand) {
			s.lg.SetRedirectURIs(s.appID, nil, []string{"http://localhost:3000"})
			s.noRedirectURIProbe()
		}, want: map[string]Status{IDM2M: Skip, IDApp: Skip, IDAppSecret: Fail, IDConnector: Skip, IDSignIn: Skip, IDTestSMS: Skip}},
		{name: "post sign-out URI removed", mod: func(s *stand) {
			s.lg.SetRedirectURIs(s.appID, []string{"http://localhost:3000/logto/sign-in-callback"}, nil)
		}, want: map[string]Status{IDApp: Warn}},
		{
			name: "demo port changed", mod: func(s *stand) { s.cfg.Port = 3005 },
			want: map[string]Status{IDApp: Fail},
		},
		{
			name: "app secret deleted", mod: func(s *stand) { s.lg.RemoveApplicationSecrets(s.appID) },
			want: map[string]Status{IDAppSecret: Fail},
		},
		{
			name: "connector deleted", mod: func(s *stand) { s.lg.RemoveConnector(s.connID) },
			want: map[string]Status{IDConnector: Fail},
		},
		{name: "second SMS connector", mod: func(s *stand) {
			s.lg.AddExtraSMSConnector("http-sms", json.RawMessage(`{"endpoint":"http://127.0.0.1:9/sms"}`))
		}, want: map[string]Status{IDConnector: Fail}},
		{name: "connector is another provider", mod: func(s *stand) {
			s.lg.SetSMSConnector("http-sms", json.RawMessage(`{"endpoint":"http://127.0.0.1:9/sms"}`))
		}, want: map[string]Status{IDConnector: Fail}},
		{name: "workshop's shared connector", mod: func(s *stand) {
			// The saved setup names another service than the shared connector uses.
			s.cfg.Setup.ServiceSID = "MG" + strings.Repeat("f", 32)
		}, want: map[string]Status{IDConnector: Warn}},
		{name: "template without code", mod: func(s *stand) {
			s.setConnector(func(tc *logtoapi.TwilioConfig) { tc.Templates[1].Content = "Your code is here" })
		}, want: map[string]Status{IDTemplates: Fail, IDTestSMS: Skip}},
		{name: "required template missing", mod: func(s *stand) {
			s.setConnector(func(tc *logtoapi.TwilioConfig) { tc.Templates = tc.Templates[1:] })
		}, want: map[string]Status{IDTemplates: Fail, IDTestSMS: Skip}},
		{name: "optional templates missing", mod: func(s *stand) {
			s.setConnector(func(tc *logtoapi.TwilioConfig) { tc.Templates = tc.Templates[:4] })
		}, want: map[string]Status{IDTemplates: Warn}},
		{name: "connector token masked", mod: func(s *stand) {
			s.setConnector(func(tc *logtoapi.TwilioConfig) { tc.AuthToken = "" })
		}},
		{
			name: "sign-in experience reset", mod: func(s *stand) { s.lg.ResetSignInExperience() },
			want: map[string]Status{IDSignIn: Fail},
		},
		{
			name: "Twilio token revoked", mod: func(s *stand) { s.tw.RevokeAuthToken(acctSID) },
			want: map[string]Status{IDTwilio: Fail, IDService: Skip, IDTrialPhone: Skip, IDTestSMS: Skip},
		},
		{
			name: "Twilio account suspended", mod: func(s *stand) { s.tw.SetAccountStatus(acctSID, "suspended") },
			want: map[string]Status{IDTwilio: Fail, IDService: Skip, IDTrialPhone: Skip, IDTestSMS: Skip},
		},
		{
			name: "service without sender", mod: func(s *stand) { s.tw.RemoveSenders(s.svc) },
			want: map[string]Status{IDService: Fail, IDTestSMS: Skip},
		},
		{
			name: "trial with unverified phone", noSMS: true, mod: func(s *stand) { s.cfg.Setup.TestPhone = "+15557654321" },
			want: map[string]Status{IDTrialPhone: Fail, IDTestSMS: Skip},
		},
		{
			name: "test SMS to unverified phone", mod: func(s *stand) { s.cfg.SendTestSMS = "+15557654321" },
			want: map[string]Status{IDTrialPhone: Fail, IDTestSMS: Skip},
		},
		{
			name: "test SMS undelivered", opt: standOpt{full: true}, mod: func(s *stand) { s.tw.FailDelivery(testPhone, 30003) },
			want: map[string]Status{IDTestSMS: Fail},
		},
		{name: "M2M role removed", mod: func(s *stand) {
			id, secret := s.lg.AddM2MApp("no role", false)
			s.cfg.Setup.M2MAppID, s.cfg.Secrets.M2MAppSecret = id, config.Secret(secret)
		}, want: map[string]Status{IDM2M: Fail, IDApp: Skip, IDConnector: Skip, IDSignIn: Skip, IDTestSMS: Skip}},
		{
			name: "M2M secret wrong", mod: func(s *stand) { s.cfg.Secrets.M2MAppSecret = "wrongwrongwrongwrongwrongwrong12" },
			want: map[string]Status{IDM2M: Fail, IDApp: Skip, IDConnector: Skip, IDSignIn: Skip, IDTestSMS: Skip},
		},
		{
			name: "manual setup", opt: standOpt{manual: true},
			want: map[string]Status{IDM2M: Skip, IDApp: Skip, IDConnector: Skip, IDSignIn: Skip, IDTestSMS: Skip},
		},
		{name: "issuer mismatch", network: true, mod: func(s *stand) {
			s.cfg.Setup.Endpoint = strings.Replace(s.lg.URL, "127.0.0.1", "localhost", 1)
		}, want: map[string]Status{IDEndpoint: Fail}},
		{name: "partial setup", noSMS: true, mod: func(s *stand) {
			st := &s.cfg.Setup
			st.TwilioAccountSID, st.ServiceSID, st.Templates, st.ConnectorID, st.ConnectorAction, st.TestPhone, st.SignInConfigured = "", "", nil, "", "", "", false
			s.cfg.Secrets.TwilioAuthToken = ""
		}, want: map[string]Status{IDSetup: Warn, IDConnector: Skip, IDTwilio: Skip, IDService: Skip, IDTemplates: Skip, IDTrialPhone: Skip, IDTestSMS: Skip}},
	}
}

// setConnector rewrites the Twilio connector's config in the stand-in.
func (s *stand) setConnector(f func(tc *logtoapi.TwilioConfig)) {
	s.t.Helper()
	raw, ok := s.lg.SMSConnector()
	if !ok {
		s.t.Fatal("no SMS connector")
	}
	var k logtoapi.Connector
	if err := json.Unmarshal(raw, &k); err != nil {
		s.t.Fatal(err)
	}
	tc, err := k.TwilioConfig()
	if err != nil {
		s.t.Fatal(err)
	}
	f(&tc)
	b, err := json.Marshal(tc)
	if err != nil {
		s.t.Fatal(err)
	}
	s.lg.SetConnectorConfig(k.ID, b)
}

// TestChecks runs doctor on a healthy stand and on stands broken on purpose: the broken
// row (and the rows that depend on it) stop passing, with a detail and a hint; every other
// row still passes; no secret is printed; nothing is written.
func TestChecks(t *testing.T) {
	t.Parallel()
	for _, tc := range breakCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.network {
				testChecks(t, tc)
				return
			}
			synctest.Test(t, func(t *testing.T) {
				tc.opt.mem = true
				testChecks(t, tc)
			})
		})
	}
}

// testChecks runs one break case; in a synctest bubble (both stand-ins in memory) the
// test SMS is followed in fake time.
func testChecks(t *testing.T, tc breakCase) {
	s := newStand(t, tc.opt)
	if !tc.noSMS {
		s.cfg.SendTestSMS = testPhone
	}
	s.cfg.Command = hintCommand
	if tc.mod != nil {
		tc.mod(s)
	}
	rep := s.run()
	checkHints(t, rep)
	text := rep.Text(80, false)
	for _, id := range order {
		c, ok := rep.Find(id)
		if !ok {
			t.Errorf("no %s row\n%s", id, text)
			continue
		}
		want, listed := tc.want[id]
		if !listed {
			want = Pass
		}
		if c.Status != want {
			t.Errorf("%s = %s, want %s: %s\n%s", id, c.Status, want, c.Detail, text)
		}
		if c.Detail == "" {
			t.Errorf("%s has no detail", id)
		}
		if c.Status == Fail && c.Hint == "" {
			t.Errorf("%s FAILs without a hint: %s", id, c.Detail)
		}
	}
	if got, want := rep.Failed(), hasFail(tc.want); got != want {
		t.Errorf("Failed() = %v, want %v", got, want)
	}
	assertNoSecret(t, rep, s.secrets())
	assertNoWrites(t, s, !tc.noSMS)
	assertConsoleGuessSaid(t, rep, s)
	t.Logf("\n%s", text)
}

// assertConsoleGuessSaid checks that every Console link in a hint says its address is a
// guess: the stand-in is a self-hosted Logto whose admin endpoint doctor does not know (a
// real one had its Console on port 3012, not 3002).
func assertConsoleGuessSaid(t *testing.T, rep Report, s *stand) {
	t.Helper()
	e, err := logtoapi.ParseEndpoint(s.cfg.Setup.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	note := e.Console().GuessNote()
	if note == "" {
		t.Fatal("the stand-in's Console address is not a guess")
	}
	for _, c := range rep.Checks {
		if n := strings.Count(c.Hint, "/console/"); n > 0 && strings.Count(c.Hint, note) != n {
			t.Errorf("%s: a Console link does not say its address is a guess: %q", c.ID, c.Hint)
		}
	}
}

func hasFail(m map[string]Status) bool {
	for _, s := range m {
		if s == Fail {
			return true
		}
	}
	return false
}

// assertNoSecret checks that no secret appears in the text (with and without colour) or
// JSON report.
func assertNoSecret(t *testing.T, rep Report, secrets []string) {
	t.Helper()
	js, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{rep.Text(80, false), rep.Text(200, true), rep.Text(40, false), string(js)} {
		for _, sec := range secrets {
			if sec != "" && strings.Contains(out, sec) {
				t.Fatalf("a secret appears in the report:\n%s", out)
			}
		}
	}
}

// assertNoWrites checks that doctor changed nothing: only reads, token requests and (when
// asked) the connector test and the SMS it sends.
func assertNoWrites(t *testing.T, s *stand, sms bool) {
	t.Helper()
	for _, r := range s.lg.Requests()[s.setupRequests:] {
		switch {
		case r.Method == http.MethodGet:
		case r.Method == http.MethodPost && r.Path == "/oidc/token":
		case sms && r.Method == http.MethodPost && r.Path == "/api/connectors/"+logtoapi.TwilioFactoryID+"/test":
		default:
			t.Errorf("doctor sent %s %s to Logto", r.Method, r.Path)
		}
	}
	for _, r := range s.tw.Requests() {
		switch {
		case r.Method == http.MethodGet:
		case sms && r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/Messages.json"):
		default:
			t.Errorf("doctor sent %s %s to Twilio", r.Method, r.Path)
		}
	}
}

// TestNoSetup: without a saved setup, doctor says so and how to start.
func TestNoSetup(t *testing.T) {
	t.Parallel()
	rep := Run(t.Context(), Config{})
	if len(rep.Checks) != 1 || rep.Checks[0].ID != IDSetup || rep.Checks[0].Status != Fail || !strings.Contains(rep.Checks[0].Hint, "logto-twilio setup") {
		t.Fatalf("report = %+v", rep)
	}
	if !rep.Failed() {
		t.Error("Failed() = false")
	}
}

// normalised returns rep with durations set to 0 (for goldens).
func normalised(rep Report) Report {
	out := Report{Version: rep.Version}
	for _, c := range rep.Checks {
		c.Duration = 0
		out.Checks = append(out.Checks, c)
	}
	return out
}

// TestGolden keeps the text report at 80 columns (no colour) and the JSON report of a
// healthy stand and of one with a revoked Twilio token. `go test ./doctor -update`
// rewrites them.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mod  func(s *stand)
	}{
		{"healthy", nil},
		{"broken", func(s *stand) {
			s.tw.RevokeAuthToken(acctSID)
			s.lg.SetRedirectURIs(s.appID, []string{"http://localhost:8080/logto/sign-in-callback"}, []string{"http://localhost:3000"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStand(t, standOpt{})
			s.cfg.SendTestSMS = testPhone
			if tc.mod != nil {
				tc.mod(s)
			}
			rep := normalised(s.run())
			for i := range rep.Checks {
				rep.Checks[i].Detail, rep.Checks[i].Hint = s.normalise(rep.Checks[i].Detail), s.normalise(rep.Checks[i].Hint)
			}
			t.Run("text", func(t *testing.T) { golden.RequireEqual(t, rep.Text(80, false)) })
			t.Run("json", func(t *testing.T) {
				js, err := rep.JSON()
				if err != nil {
					t.Fatal(err)
				}
				golden.RequireEqual(t, string(js))
			})
		})
	}
}

// TestTextWidth: every line of the text report fits the width; colour only when asked.
func TestTextWidth(t *testing.T) {
	t.Parallel()
	s := newStand(t, standOpt{})
	s.lg.SetRedirectURIs(s.appID, nil, nil)
	rep := s.run()
	for _, w := range []int{40, 60, 80, 120} {
		for _, l := range strings.Split(strings.TrimRight(rep.Text(w, false), "\n"), "\n") {
			// Only a word or a command in backquotes wider than the line (a URL)
			// may pass the edge, whole, on a line of its own.
			text := strings.TrimSpace(l[strings.LastIndex(strings.TrimRight(l, " "), "  ")+1:])
			if n := len([]rune(l)); n > w && len(words(text)) != 1 {
				t.Errorf("width %d: line of %d: %q", w, n, l)
			}
		}
	}
	if strings.Contains(rep.Text(80, false), "\x1b[") {
		t.Error("escape codes without colour")
	}
	if !strings.Contains(rep.Text(80, true), "\x1b[31mFAIL\x1b[0m") {
		t.Error("no red FAIL with colour")
	}
}

// TestJSONSchema: the JSON report has exactly the documented fields.
func TestJSONSchema(t *testing.T) {
	t.Parallel()
	rep := Report{Version: SchemaVersion, Checks: []Check{
		{ID: IDEndpoint, Status: Pass, Detail: "d", Duration: 1500 * time.Millisecond},
		{ID: IDApp, Status: Fail, Detail: "d", Hint: "h"},
	}}
	js, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "ok", "totals", "checks"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	if len(doc) != 4 {
		t.Errorf("fields = %v", doc)
	}
	c := doc["checks"].([]any)[0].(map[string]any)
	if len(c) != 5 || c["durationMs"] != float64(1500) || c["hint"] != "" {
		t.Errorf("check = %v", c)
	}
	if doc["ok"] != false {
		t.Errorf("ok = %v", doc["ok"])
	}
}

var (
	_ = logtotest.Fault{}
	_ = twiliotest.Fault{}
)

// BenchmarkDoctor measures a full doctor run (all checks, no test SMS) against the
// stand-ins on loopback.
func BenchmarkDoctor(b *testing.B) {
	s := newStand(b, standOpt{})
	b.ResetTimer()
	for b.Loop() {
		rep := Run(b.Context(), s.cfg)
		if rep.Failed() {
			b.Fatal(rep.Text(80, false))
		}
	}
}

// TestCheckPanics: a check that panics becomes a FAIL row; the run goes on.
func TestCheckPanics(t *testing.T) {
	t.Parallel()
	r := newRun(Config{Found: true})
	r.check(t.Context(), IDApp, time.Second, func(context.Context) Check { panic("boom") })
	c := r.results[IDApp]
	if c.Status != Fail || !strings.Contains(c.Detail, "crashed (boom)") || c.Hint == "" {
		t.Fatalf("row = %+v", c)
	}
}
