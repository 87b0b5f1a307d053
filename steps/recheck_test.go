package steps

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/doctor"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// standIns is the wizard wired as the sandbox wires it: the real clients (DefaultDeps)
// talking to the Logto and Twilio stand-ins in memory, with a fake demo server (the
// sign-in is handed to it) and fake starter files.
type standIns struct {
	lg      *logtotest.Server
	tw      *twiliotest.Server
	demo    *fakeDemo
	deps    Deps
	prefill Prefill
}

const standSender = "+15005550006"

func newStandIns(t *testing.T) *standIns {
	t.Helper()
	tw := twiliotest.NewServer(twiliotest.WithoutListener(), twiliotest.WithStatusStep(time.Millisecond))
	t.Cleanup(tw.Close)
	tw.AddAccount(twiliotest.Account{SID: accountSID, AuthToken: twilioToken, FriendlyName: "Workshop", Type: "Full"})
	tw.AddNumber(accountSID, standSender)
	tw.AddService(accountSID, "Main", standSender)
	lg := logtotest.NewUnstartedServer(logtotest.WithTwilioBaseURL(tw.URL), logtotest.WithHTTPClient(tw.Client()))
	t.Cleanup(lg.Close)
	m2mID, m2mSec := lg.AddM2MApp("logto-twilio M2M", true)
	fd := &fakeDemo{signIns: make(chan demo.SignIn, 1)}
	d := DefaultDeps(&http.Client{Transport: lg.Transport(), Timeout: 10 * time.Second}, tw.Client())
	d.NewDemo = func(cfg demo.Config) (Demo, error) {
		fd.cfg = cfg
		return fd, nil
	}
	d.WriteExpress = func(dir string, _ demo.ExpressValues, _ func(string) bool) ([]string, error) {
		return []string{dir + "/app.js", dir + "/.env"}, nil
	}
	d.Open = nil
	d.Store = &config.Store{Dir: t.TempDir()}
	return &standIns{lg: lg, tw: tw, demo: fd, deps: d, prefill: Prefill{
		Endpoint: lg.URL, M2MAppID: m2mID, M2MAppSecret: config.Secret(m2mSec),
		TwilioAccountSID: accountSID, TwilioAuthToken: twilioToken, TestPhone: standSender,
	}}
}

// run runs the whole wizard in plain mode from what the store holds, pressing enter
// at every question (the welcome's first answer is given), and returns the
// transcript.
func (s *standIns) run(t *testing.T, first string) (string, *State) {
	t.Helper()
	s.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
	st := NewState(s.prefill)
	var out bytes.Buffer
	err := tui.RunLines(t.Context(), All(st, s.deps), tui.Options{
		In: strings.NewReader(first + "\n" + strings.Repeat("\n", 40)), Out: &out, Env: []string{},
		Checkpoint: Checkpoint(st, s.deps.Store),
	})
	if err != nil {
		t.Fatalf("RunLines: %v\n%s", err, out.String())
	}
	assertNoSecrets(t, "transcript", out.String())
	return out.String(), st
}

// TestResumeRechecks: a setup made by the wizard, whose SMS connector is then deleted
// in the Console, is resumed: the re-check finds the connector gone, says so, and the
// connector step runs again (and the test SMS and sign-in steps after it). With
// everything still in place the resume re-checks it with reads only, and no step
// done before runs again.
func TestResumeRechecks(t *testing.T) {
	t.Parallel()
	for _, gone := range []bool{true, false} {
		name := "everything in place"
		if gone {
			name = "connector deleted"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStandIns(t)
			s.run(t, "y")
			saved, err := s.deps.Store.Load()
			if err != nil || len(saved.Setup.Done) != 13 || saved.Setup.ConnectorID == "" {
				t.Fatalf("the first run saved %+v (%v)", saved.Setup, err)
			}
			if gone && !s.lg.RemoveConnector(saved.Setup.ConnectorID) {
				t.Fatal("the stand-in has no such connector")
			}
			lgBefore, twBefore, smsBefore := len(s.lg.Requests()), len(s.tw.Requests()), len(s.tw.Inbox())

			out, st := s.run(t, "") // enter: resume, the default
			flat := strings.Join(strings.Fields(out), " ")
			if !strings.Contains(flat, "✓ Welcome — resuming where you stopped · 7 steps done before re-checked") {
				t.Errorf("the welcome's line does not say the steps were re-checked:\n%s", out)
			}
			if gone {
				for _, want := range []string{
					"! The tenant has no SMS connector: nobody can get a sign-in code. Running again: Logto SMS connector, Test SMS, Sign-in experience.",
					"✓ Logto SMS connector — created the Twilio connector",
					"✓ Test SMS —",
				} {
					if !strings.Contains(flat, want) {
						t.Errorf("the resume lacks %q:\n%s", want, out)
					}
				}
				if strings.Contains(out, "– Logto SMS connector — done before") {
					t.Errorf("the connector step was skipped:\n%s", out)
				}
				if st.Setup.ConnectorID == saved.Setup.ConnectorID || !st.Setup.IsDone("connector") {
					t.Errorf("connector %q (was %q), done %v", st.Setup.ConnectorID, saved.Setup.ConnectorID, st.Setup.Done)
				}
				if _, ok := s.lg.SMSConnector(); !ok {
					t.Error("the tenant has no SMS connector after the resume")
				}
				return
			}
			for _, want := range []string{"all still hold", "– Logto SMS connector — done before", "– Test SMS — done before", "– Sign-in experience — done before", "– The app — done before"} {
				if !strings.Contains(flat, want) {
					t.Errorf("the resume lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "! ") {
				t.Errorf("the resume shows a warning:\n%s", out)
			}
			// The re-check read Logto and Twilio, and changed nothing.
			read := map[string]bool{}
			for _, q := range s.lg.Requests()[lgBefore:] {
				read[q.Method+" "+q.Path] = true
				if q.Method != http.MethodGet && (q.Method != http.MethodPost || q.Path != "/oidc/token") {
					t.Errorf("the resume sent %s %s to Logto", q.Method, q.Path)
				}
			}
			if !read["GET /api/connectors"] || !read["GET /oidc/.well-known/openid-configuration"] {
				t.Errorf("the resume did not re-check Logto: %v", read)
			}
			twReqs := s.tw.Requests()[twBefore:]
			for _, q := range twReqs {
				if q.Method != http.MethodGet {
					t.Errorf("the resume sent %s %s to Twilio", q.Method, q.Path)
				}
			}
			if len(twReqs) == 0 {
				t.Error("the resume did not re-check Twilio")
			}
			if n := len(s.tw.Inbox()); n != smsBefore {
				t.Errorf("the resume sent %d SMS", n-smsBefore)
			}
		})
	}
}

// doneState is a finished automatic setup: every step done.
func doneState() *State {
	st := readyState()
	st.Found = true
	st.Setup.ConnectorID, st.Setup.ConnectorAction, st.Setup.SignInConfigured = "conn1", config.ConnectorCreated, true
	st.Setup.TestPhone, st.Setup.TestResult, st.Setup.SignedInPhone = "+15005550006", "delivered", "+15005550006"
	for _, s := range All(st, Deps{}) {
		if s.ID() != "welcome" {
			st.Setup.MarkDone(s.ID())
		}
	}
	return st
}

// row is a doctor row for the fake re-check.
func row(id string, status doctor.Status, detail string) doctor.Result {
	return doctor.Result{Check: doctor.Check{ID: id, Status: status, Detail: detail}}
}

// TestWelcomeRecheck: what a resume does with the re-check's rows: a FAIL (or a WARN
// the step can put right) reopens the step and the steps that use its result, with a
// line saying why; a check that could not run (no M2M credentials, no answer) reopens
// nothing and says what was not checked; only the steps done before are re-checked,
// not the ones a workshop card answers, and only on a resume.
func TestWelcomeRecheck(t *testing.T) {
	t.Parallel()
	pass := func(ids ...string) []doctor.Result {
		var rs []doctor.Result
		for _, id := range ids {
			rs = append(rs, row(id, doctor.Pass, "fine"))
		}
		return rs
	}
	allPass := pass(doctor.IDEndpoint, doctor.IDM2M, doctor.IDApp, doctor.IDAppSecret, doctor.IDConnector, doctor.IDTwilio, doctor.IDService, doctor.IDTemplates, doctor.IDSignIn)
	// with replaces rows of allPass.
	with := func(rs ...doctor.Result) doctor.Results {
		out := doctor.Results{}
		for _, p := range allPass {
			for _, r := range rs {
				if r.ID == p.ID {
					p = r
				}
			}
			out = append(out, p)
		}
		return out
	}
	unreached := row(doctor.IDConnector, doctor.Fail, "Cannot read the SMS connector: Logto answered 503 Service Unavailable.")
	unreached.Unreached = true
	tests := []struct {
		name     string
		mod      func(st *State)
		mode     string
		rows     doctor.Results
		wantAsk  []string // the checks asked for (nil: Recheck not called)
		reopen   []string
		summary  string
		lines    []string
		notLines []string
	}{
		{
			name: "all still hold", rows: with(),
			wantAsk: []string{"endpoint", "m2m", "app", "app-secret", "twilio", "service", "connector", "templates", "sign-in"},
			summary: "resuming where you stopped · 7 steps done before re-checked: all still hold",
		},
		{
			name: "service without a sender", rows: with(row(doctor.IDService, doctor.Fail, "The Messaging Service MG1 has no sender number, so Twilio cannot send through it.")),
			reopen:  []string{"service", "connector", "testsms", "signin"},
			summary: "resuming where you stopped · 7 steps done before re-checked: 4 steps run again",
			lines:   []string{"! The Messaging Service MG1 has no sender number, so Twilio cannot send through it. Running again: Messaging Service, Logto SMS connector, Test SMS, Sign-in experience."},
		},
		{
			name: "Twilio token revoked", rows: with(row(doctor.IDTwilio, doctor.Fail, "Twilio refuses the saved Auth Token of account AC1: it was revoked or rotated.")),
			reopen: []string{"twilio", "connector", "testsms", "signin"},
			lines:  []string{"Running again: Twilio credentials, Logto SMS connector, Test SMS, Sign-in experience."},
		},
		{
			name: "app lost its post sign-out URI", rows: with(row(doctor.IDApp, doctor.Warn, "The app \"Bookstore\" does not list the post sign-out redirect URI http://localhost:3000.")),
			reopen: []string{"app", "starter"},
			lines:  []string{"Running again: The app, Express starter."},
		},
		{
			name: "Logto did not answer", rows: with(unreached),
			summary: "resuming where you stopped · 7 steps done before re-checked: 1 not checked",
			lines:   []string{"! Not re-checked: Logto SMS connector. Cannot read the SMS connector: Logto answered 503 Service Unavailable. Kept as done; if one of them fails later, run the wizard again and choose \"Check everything again\"."},
		},
		{
			name: "M2M credentials refused",
			rows: with(row(doctor.IDM2M, doctor.Fail, "Logto refuses the saved M2M credentials (App ID m2m1): the app or its secret was deleted, rotated or has expired."),
				row(doctor.IDApp, doctor.Skip, "Not checked"), row(doctor.IDConnector, doctor.Skip, "Not checked"), row(doctor.IDSignIn, doctor.Skip, "Not checked")),
			reopen:  []string{"credentials"},
			summary: "resuming where you stopped · 7 steps done before re-checked: 1 step runs again, 3 not checked",
			lines: []string{
				"Running again: M2M credentials.",
				"! Not re-checked: The app, Logto SMS connector, Sign-in experience. Reading them in Logto needs the M2M credentials, which did not work.",
			},
		},
		{
			name: "manual setup",
			mod: func(st *State) {
				st.Setup.Method, st.Setup.M2MAppID, st.Secrets.M2MAppSecret = config.MethodManual, "", ""
				st.Setup.ConnectorAction = config.ConnectorManual
			},
			rows:    with(row(doctor.IDM2M, doctor.Skip, "Manual setup"), row(doctor.IDConnector, doctor.Skip, "Not checked"), row(doctor.IDSignIn, doctor.Skip, "Not checked")),
			wantAsk: []string{"endpoint", "app-secret", "twilio", "service", "connector", "templates", "sign-in"},
			summary: "resuming where you stopped · 6 steps done before re-checked: 2 not checked",
			lines:   []string{"! Not re-checked: Logto SMS connector, Sign-in experience. Reading them in Logto needs M2M credentials, and this setup has none (manual method)."},
		},
		{
			name: "sign-in only", rows: with(doctor.Result{Check: doctor.Check{
				ID: doctor.IDSignIn, Status: doctor.Warn, Detail: "Phone sign-in is on, but the sign-in mode is \"sign in only\": new phone numbers cannot sign up.",
				Hint: "Allow registration in the Console: http://localhost:3002/console/sign-in-experience",
			}}),
			lines:    []string{"! Phone sign-in is on, but the sign-in mode is \"sign in only\": new phone numbers cannot sign up. Allow registration in the Console: http://localhost:3002/console/sign-in-experience"},
			notLines: []string{"sign-in-experience."},
		},
		{
			name: "another connector kept", mod: func(st *State) { st.Setup.ConnectorAction = config.ConnectorKept },
			rows:     with(row(doctor.IDConnector, doctor.Warn, "The SMS connector a1 is aliyun, not Twilio (kept at setup).")),
			notLines: []string{"aliyun"},
		},
		{
			name: "connector not done yet", mod: func(st *State) { st.Setup.Undo("connector", "testsms", "signin", "verify", "starter") },
			rows:    with(),
			wantAsk: []string{"endpoint", "m2m", "app", "app-secret", "twilio", "service"},
		},
		{
			name: "workshop card", mod: func(st *State) {
				st.Prefill.UsePreset(testPreset())
				st.Setup.Method, st.Setup.AppID = config.MethodManual, "app07"
			},
			rows:    with(),
			wantAsk: []string{"endpoint", "app-secret"},
		},
		{name: "check everything again", mode: ModeReverify, rows: with()},
		{name: "start over", mode: ModeFresh, rows: with()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := doneState()
			if tt.mod != nil {
				tt.mod(st)
			}
			var asked []string
			called := false
			d := &Deps{Recheck: func(_ context.Context, cfg doctor.Config, ids ...string) doctor.Results {
				called = true
				asked = ids
				if !cfg.Found || cfg.Setup.Endpoint != st.Setup.Endpoint || cfg.Secrets.AppSecret != st.Secrets.AppSecret {
					t.Errorf("the re-check got config %+v", cfg)
				}
				return tt.rows
			}}
			mode := cmp.Or(tt.mode, ModeResume)
			s := newWelcome(st, d)
			s.choice = mode
			res, err := s.Execute(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			before := slices.Clone(st.Setup.Done)
			res.Commit()
			if mode != ModeResume {
				if called {
					t.Errorf("%s re-checked", mode)
				}
				return
			}
			if tt.wantAsk != nil && !slices.Equal(asked, tt.wantAsk) {
				t.Errorf("asked %v, want %v", asked, tt.wantAsk)
			}
			var undone []string
			for _, id := range before {
				if !st.Setup.IsDone(id) {
					undone = append(undone, id)
				}
			}
			if !slices.Equal(undone, tt.reopen) {
				t.Errorf("reopened %v, want %v", undone, tt.reopen)
			}
			if tt.summary != "" && res.Summary != tt.summary {
				t.Errorf("summary %q, want %q", res.Summary, tt.summary)
			}
			for _, l := range tt.lines {
				if !strings.Contains(res.Details, l) {
					t.Errorf("details lack %q:\n%s", l, res.Details)
				}
			}
			for _, l := range tt.notLines {
				if strings.Contains(res.Details, l) {
					t.Errorf("details have %q:\n%s", l, res.Details)
				}
			}
			if len(tt.lines) == 0 && res.Details != "" {
				t.Errorf("details %q, want none", res.Details)
			}
		})
	}
}

// TestRecheckTitlesFollowTheSteps: the re-check's titles and order are All's, and a
// step reopens only steps after it.
func TestRecheckTitlesFollowTheSteps(t *testing.T) {
	t.Parallel()
	for _, method := range []string{config.MethodAuto, config.MethodManual} {
		st := doneState()
		st.Setup.Method = method
		all := All(st, Deps{})
		ws := wizardSteps(st)
		if len(ws) != len(all) {
			t.Fatalf("%d steps, want %d", len(ws), len(all))
		}
		for i, s := range all {
			if ws[i].id != s.ID() || ws[i].title != s.Title() {
				t.Errorf("step %d: %v, want %s %q", i, ws[i], s.ID(), s.Title())
			}
		}
		for _, s := range ws {
			for _, d := range stepDependents(&st.Setup, s.id) {
				if slices.IndexFunc(ws, func(x recheckStep) bool { return x.id == d }) < slices.IndexFunc(ws, func(x recheckStep) bool { return x.id == s.id }) {
					t.Errorf("%s reopens %s, which comes before it", s.id, d)
				}
			}
		}
	}
}
