package steps

import (
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

	"github.com/logto-twilio/logto-twilio/internal/config"

	tea "charm.land/bubbletea/v2"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// againFlags stands for the command layer's cmdline.Func: a run started with
// --sandbox and --config-dir (and --port 3005, which a --port in args
// replaces).
func againFlags(sub string, args ...string) string {
	flags := []string{"--sandbox", "--config-dir", "/tmp/cfg"}
	if !slices.Contains(args, "--port") {
		flags = append(flags, "--port", "3005")
	}
	return cmdline.Plain(sub, append(flags, args...)...)
}

// TestFollowUpCommandsRepeatTheRunsFlags (issue 14, items 1–2): every
// command a step suggests repeats the flags the run was started with.
func TestFollowUpCommandsRepeatTheRunsFlags(t *testing.T) {
	t.Parallel()
	t.Run("port busy", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		st.Prefill.Again = againFlags
		w.demo.startErr = fmt.Errorf("demo: start: %w", &demo.PortInUseError{Port: 3000, Err: syscall.EADDRINUSE})
		_, err := run(t, newVerify(st, &w.deps))
		wantProblem(t, err, "port 3000 is already in use",
			"run {lit:56:logto-twilio --sandbox --config-dir /tmp/cfg --port 3004} to use port 3004, free now;")
	})
	t.Run("summary", func(t *testing.T) {
		t.Parallel()
		st := readyState()
		st.Prefill.Again = againFlags
		st.Prefill.Sandbox = true
		st.Setup.ExpressDir = "logto-express-sample"
		s := newSummary(st, &Deps{Store: &config.Store{Dir: "/tmp/cfg"}})
		res, err := s.Execute(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"  logto-twilio --sandbox --config-dir /tmp/cfg --port 3005\n",
			"  logto-twilio doctor --sandbox --config-dir /tmp/cfg --port 3005\n",
			"  logto-twilio rotate --sandbox --config-dir /tmp/cfg --port 3005\n",
			"  logto-twilio teardown --sandbox --config-dir /tmp/cfg --port 3005\n",
			"start logto-twilio sandbox serve --sandbox --config-dir /tmp/cfg --port 3005 first",
		} {
			if !strings.Contains(res.Details, want) {
				t.Errorf("details lack %q:\n%s", want, res.Details)
			}
		}
		if g := (tui.FormEnv{Line: true}).Render(s.Guide()); !strings.Contains(g, "run logto-twilio --sandbox --config-dir /tmp/cfg --port 3005 again to check it") {
			t.Errorf("not signed in: guide %q", g)
		}
	})
	t.Run("starter in the sandbox", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		st.Prefill.Again = againFlags
		st.Prefill.Sandbox = true
		s := newStarter(st, &w.deps)
		s.write, s.dir = true, "logto-express-sample"
		res, err := s.Execute(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Summary, "start logto-twilio sandbox serve --sandbox --config-dir /tmp/cfg --port 3005 first") {
			t.Errorf("summary %q", res.Summary)
		}
	})
}

// TestTwilioBaseURLIsSaved (issue 14, item 2): the Twilio base URL is saved
// with the setup; a later run without it is told what is missing instead of
// "Twilio refused the credentials"; and when nothing answers, the step says
// so rather than that the credentials were refused.
func TestTwilioBaseURLIsSaved(t *testing.T) {
	t.Parallel()
	t.Run("saved", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := NewState(Prefill{TwilioBaseURL: "http://127.0.0.1:4010"})
		s := newTwilio(st, &w.deps)
		s.sid, s.token = accountSID, twilioToken
		res, err := s.Execute(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		res.Commit()
		if st.Setup.TwilioBaseURL != "http://127.0.0.1:4010" {
			t.Fatalf("TwilioBaseURL %q", st.Setup.TwilioBaseURL)
		}
	})
	t.Run("missing on resume", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		st.Prefill.Again = againFlags
		st.Setup.TwilioBaseURL = "http://127.0.0.1:4010"
		s := newTwilio(st, &w.deps)
		s.sid, s.token = accountSID, twilioToken
		_, err := s.Execute(t.Context())
		wantProblem(t, err, "made with --twilio-base-url http://127.0.0.1:4010, and this run was not given it",
			"--port 3005 --twilio-base-url http://127.0.0.1:4010")
		if len(w.twilio.list()) != 0 {
			t.Fatalf("Twilio was called: %q", w.twilio.list())
		}
		// The other steps' Twilio calls say the same.
		if _, err := newService(st, &w.deps).twilio(); err == nil || !strings.Contains(err.Error(), "--twilio-base-url") {
			t.Fatalf("service step: %v", err)
		}
	})
	t.Run("nothing answered", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.twilio.errs["Account"] = fmt.Errorf("twiliosetup: account: %w",
			&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
		st := NewState(Prefill{TwilioBaseURL: "http://127.0.0.1:4010"})
		s := newTwilio(st, &w.deps)
		s.sid, s.token = accountSID, twilioToken
		_, err := s.Execute(t.Context())
		wantProblem(t, err, "Twilio did not answer at http://127.0.0.1:4010: nothing answers at that address", "Check your network")
		if strings.Contains(err.Error(), "refused the credentials") {
			t.Errorf("error %q: nothing answered, yet it says the credentials were refused", err)
		}
	})
}

// TestCredentialsNeverShowASecret (issue 14, item 4): the M2M App ID and
// secret swapped are caught by the ID's shape before any call; Logto's
// echo of a client ID ("invalid client <id>") never shows what was typed
// into the secret field; pasted quotes are trimmed the same way in every
// field.
func TestCredentialsNeverShowASecret(t *testing.T) {
	t.Parallel()
	const logtoSecret = "E736ooyaJwrKGFXUePSTQmv8a0hcdvso" // the shape of a real one (fixture 001)
	newStep := func(w *world) (*State, *credsStep) {
		st := NewState(Prefill{})
		st.Setup.Endpoint, st.Setup.Method = "http://localhost:3001", config.MethodAuto
		s := newCreds(st, &w.deps)
		s.Form(tui.FormEnv{})
		return st, s
	}
	t.Run("swapped", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		_, s := newStep(w)
		s.appID, s.secret = logtoSecret, "schcd6fv8p7jad4k1udy3"
		_, err := s.Execute(t.Context())
		wantProblem(t, err, "this looks like a secret, not an App ID", "their own fields")
		if strings.Contains(err.Error(), logtoSecret) || len(w.logto.list()) != 0 {
			t.Fatalf("error %q, calls %q", err, w.logto.list())
		}
		if validateAppID(logtoSecret) == nil || strings.Contains(validateAppID(logtoSecret).Error(), logtoSecret) {
			t.Fatalf("the form's validator: %v", validateAppID(logtoSecret))
		}
	})
	t.Run("echo masked", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		// Logto echoes the client ID it does not know; here the secret
		// field's value reached it.
		w.logto.errs["CheckAccess"] = fmt.Errorf("logtoapi: token: %w", &logtoapi.APIError{
			Status: 400, Code: "oidc.invalid_client", OAuth: "invalid_client", Details: "invalid client " + m2mSecret,
		})
		_, s := newStep(w)
		s.appID, s.secret = "schcd6fv8p7jad4k1udy3", m2mSecret
		_, err := s.Execute(t.Context())
		wantProblem(t, err, "invalid client ••••", "App ID and App secret")
	})
	t.Run("quotes trimmed alike", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st, s := newStep(w)
		s.appID, s.secret = " \"schcd6fv8p7jad4k1udy3\"\n", "'"+m2mSecret+"'\n"
		res, err := s.Execute(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		res.Commit()
		if st.Setup.M2MAppID != "schcd6fv8p7jad4k1udy3" || st.Secrets.M2MAppSecret.Reveal() != m2mSecret {
			t.Fatalf("saved %q and a secret of %d characters", st.Setup.M2MAppID, len(st.Secrets.M2MAppSecret.Reveal()))
		}
	})
}

// TestSaveProblems (issue 14, item 3): a folder the system refuses to
// write is named once with the fix; an existing secrets file others can
// read is made private and the user is told.
func TestSaveProblems(t *testing.T) {
	t.Parallel()
	t.Run("refused write", func(t *testing.T) {
		t.Parallel()
		// Tests may run as root, which writes anywhere: the refusal is made.
		cause := fmt.Errorf("steps: write x: %w", &os.PathError{Op: "open", Path: "/ro/cfg/.setup.json.1.tmp", Err: syscall.EACCES})
		err := explain("", &config.SaveError{Dir: "/ro/cfg", Err: cause})
		var se *config.SaveError
		if !errors.As(err, &se) {
			t.Fatalf("%v: not a SaveError", err)
		}
		wantProblem(t, err, "cannot save in /ro/cfg: it is not writable", "--config-dir <a writable folder>")
		var p *Problem
		if !errors.As(err, &p) || !strings.Contains(p.Hint(), "chmod u+w /ro/cfg") || strings.Contains(err.Error(), ".tmp") {
			t.Errorf("error %q, hint %q", err, p.Hint())
		}
	})
	t.Run("readable secrets", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, config.SecretsFile)
		if err := os.WriteFile(path, []byte(`{"version":1}`), 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := config.Store{Dir: dir}.Load()
		if err != nil {
			t.Fatal(err)
		}
		want := path + " was readable by other users (mode 0644); it is now 0600."
		if !slices.Contains(l.Problems, want) {
			t.Errorf("problems %q, want %q", l.Problems, want)
		}
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v, %v", fi.Mode(), err)
		}
		// Said once: the next load has nothing to say.
		if l, _ := (config.Store{Dir: dir}).Load(); len(l.Problems) != 0 {
			t.Errorf("problems again: %q", l.Problems)
		}
	})
}

// failingOpener has no browser to open.
type failingOpener struct{}

func (failingOpener) Open(string) error { return errors.New("no browser") }

// TestActionsAnswer (issue 14, item 5): alt+o says when nothing could
// open; alt+y says what it sent; the sandbox offers no Console.
func TestActionsAnswer(t *testing.T) {
	t.Parallel()
	find := func(acts []tui.Action, id string) tui.Action {
		for _, a := range acts {
			if a.ID == id {
				return a
			}
		}
		t.Fatalf("no action %q", id)
		return tui.Action{}
	}
	t.Run("open fails", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.deps.Open = failingOpener{}
		st := readyState()
		act := find(newVerify(st, &w.deps).Actions(), actOpen)
		if msg := act.Run()(); msg != tui.Notice("Could not open a browser: open http://localhost:3000 yourself.") {
			t.Fatalf("alt+o answered %#v", msg)
		}
	})
	t.Run("copy says so", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		act := find(newVerify(readyState(), &w.deps).Actions(), actCopyURL)
		msg, ok := act.Run()().(tea.BatchMsg)
		if !ok {
			t.Fatalf("alt+y: %T", msg)
		}
		var notice tui.Notice
		for _, c := range msg {
			if n, ok := c().(tui.Notice); ok {
				notice = n
			}
		}
		if notice != "Sent the URL to the clipboard; if nothing was copied, your terminal does not allow it: copy it from the screen." {
			t.Fatalf("alt+y answered %q", notice)
		}
	})
	t.Run("sandbox has no Console", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		st.Prefill.Sandbox = true
		for _, s := range All(st, w.deps) {
			a, ok := s.(tui.Actioner)
			if !ok {
				continue
			}
			for _, act := range a.Actions() {
				if act.Key.Enabled() && strings.Contains(act.Key.Help().Desc, "Console") {
					t.Errorf("step %s offers %q in the sandbox", s.ID(), act.Key.Help().Desc)
				}
			}
		}
	})
}

// TestVerifyPicksUpALateSignIn (issue 14, item 6): the wait says how long
// it lasts; a sign-in that arrives after the timeout box is picked up by
// WatchLate (the demo app still runs); without a running demo app there is
// nothing to watch.
func TestVerifyPicksUpALateSignIn(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newWorld()
		st := readyState()
		s := newVerify(st, &w.deps)
		if !strings.Contains(s.WaitingText(), "Waiting for the sign-in (up to 15 minutes)…") {
			t.Errorf("waiting text %q", s.WaitingText())
		}
		if _, ok := s.WatchLate(t.Context()); ok {
			t.Fatal("WatchLate without a demo app gave a result")
		}
		ctx, cancel := context.WithTimeout(t.Context(), s.Timeout())
		defer cancel()
		if _, err := s.Execute(ctx); err == nil {
			t.Fatal("no timeout")
		}
		w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
		res, ok := s.WatchLate(t.Context())
		if !ok {
			t.Fatal("the late sign-in was not picked up")
		}
		res.Commit()
		if st.Setup.SignedInPhone != "+15005550006" || !st.Setup.IsDone("verify") {
			t.Fatalf("signed in %q, done %q", st.Setup.SignedInPhone, st.Setup.Done)
		}
		// The watch ends with its context.
		ctx2, cancel2 := context.WithCancel(t.Context())
		cancel2()
		if _, ok := s.WatchLate(ctx2); ok {
			t.Fatal("a cancelled watch gave a result")
		}
	})
	var _ tui.LateWatcher = (*verifyStep)(nil)
}

// TestWelcomeSaysTheTwilioBaseURLIsMissing (issue 14, item 2).
func TestWelcomeSaysTheTwilioBaseURLIsMissing(t *testing.T) {
	t.Parallel()
	st := readyState()
	st.Found = true
	st.Prefill.Again = againFlags
	st.Setup.TwilioBaseURL = "http://127.0.0.1:4010"
	g := (tui.FormEnv{}).Render(newWelcome(st, &Deps{}).Guide())
	if !strings.Contains(g, "run logto-twilio --sandbox --config-dir /tmp/cfg --port 3005 --twilio-base-url http://127.0.0.1:4010 instead.") {
		t.Fatalf("guide:\n%s", g)
	}
	st.Prefill.TwilioBaseURL = "http://127.0.0.1:4010"
	if g := newWelcome(st, &Deps{}).Guide(); strings.Contains(g, "not given it") {
		t.Fatalf("given, yet:\n%s", g)
	}
}
