package steps

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

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
