package steps

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/internal/docs"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// VerifyTimeout is how long the verify step waits for the sign-in.
const VerifyTimeout = 15 * time.Minute

// verifyStep starts the demo server, opens the browser (in Execute, never in
// Update) and waits for the sign-in event.
type verifyStep struct {
	base
	signInOnly string // the sign-in-only reminder (Load); "" when Logto sends codes to any phone
}

func newVerify(st *State, d *Deps) *verifyStep {
	return &verifyStep{base: base{id: "verify", title: "Sign in for real", st: st, d: d}}
}

// Skip: the proof is re-run every time the wizard gets here.
func (s *verifyStep) Skip() bool { return false }

func (s *verifyStep) Form(tui.FormEnv) *huh.Form { return nil }

func (s *verifyStep) Timeout() time.Duration { return VerifyTimeout }

func (s *verifyStep) url() string { return s.st.BaseURL() }

func (s *verifyStep) WaitingText() string {
	how := "The browser opens it; if not, open it yourself."
	keys := "{tui: ({action:open} opens it again, {action:copy-url} copies the URL)}"
	if !s.canOpen() {
		how = "Open it in your browser."
		keys = "{tui: ({action:copy-url} copies the URL)}"
	}
	if tunnel := sshTunnel(s.st); tunnel != "" {
		how = fmt.Sprintf("This wizard runs over SSH, so that address is on this machine, not yours. "+
			"On your own computer, run %s and leave it running; then open %s in the browser there. "+
			"Logto sends that browser back to %s, which reaches the demo app only through this tunnel.",
			tui.Quote(tunnel), s.url(), tui.Quote(demo.RedirectURI(s.url())))
	}
	note := ""
	if s.signInOnly != "" {
		note = "\n" + s.signInOnly
	}
	return fmt.Sprintf("Demo app: %s\n%s Sign in with your phone number and the SMS code.%s\nWaiting for the sign-in (up to %s)…%s",
		s.url(), how, note, minutes(VerifyTimeout), keys)
}

// LoadingText says what Load reads (tui.LoadWaiter).
func (s *verifyStep) LoadingText() string { return "Reading the sign-in experience…" }

// Load reads the sign-in mode before the wait: in sign-in-only mode Logto sends no code
// to a phone without an account (1.41: it answers 200 and sends nothing), so the wait
// shows a reminder. It never fails: without the mode there is no reminder.
func (s *verifyStep) Load(ctx context.Context) (func(), error) {
	note := s.signInOnlyNote(ctx)
	return func() { s.signInOnly = note }, nil
}

// signInOnlyNote is the reminder of a sign-in-only Logto ("" otherwise). With Management
// API access (the user's own setup) it says whether the test phone has an account.
func (s *verifyStep) signInOnlyNote(ctx context.Context) string {
	e, err := logtoapi.ParseEndpoint(s.st.Setup.Endpoint)
	if err != nil || s.d.PublicSignIn == nil {
		return ""
	}
	if p, err := s.d.PublicSignIn(ctx, e); err != nil || !p.SignInOnly() {
		return ""
	}
	more := " " + docs.LogtoSignInOnly.More()
	const mode = "Logto is set to sign in only: it sends no code to a phone without an account, and shows no error."
	if s.st.Prefill.Preset != nil {
		return mode + " If no code comes, ask the facilitator to register your phone or to allow registration." + more
	}
	fix := "register it (Console → User management → Add user), or allow registration (Console → Sign-in experience)"
	unknown := mode + " To sign in with a new phone, " + fix + "." + more
	phone, err := twiliosetup.ParsePhone(s.st.Setup.TestPhone, "")
	if err != nil || s.st.Setup.Method != config.MethodAuto {
		return unknown
	}
	c, err := s.logto()
	if err != nil {
		return unknown
	}
	pa, ok := c.(PhoneAccounts)
	if !ok {
		return unknown
	}
	has, err := pa.PhoneHasAccount(ctx, phone.Digits())
	switch {
	case err != nil:
		return unknown
	case has:
		return "Logto is set to sign in only; " + phone.E164() + " has an account, so sign in with it: a phone without an account gets no code." + more
	}
	return "Logto is set to sign in only, and " + phone.E164() + " has no account, so no code will come to it: sign in with a phone that has one, or " + fix + "." + more
}

// sshTunnel is the ssh command, to run on the user's own computer, that makes the demo's
// http://localhost URL work in the browser there when the wizard runs over SSH: the user
// from $USER, the host from SSH_CONNECTION's server address (its third field). A Logto
// on this machine's loopback (the sandbox's stand-in, a Logto run locally) is forwarded
// too: the browser signs in on its pages. "" when not over SSH, or the server address is
// not known.
func sshTunnel(st *State) string {
	f := strings.Fields(st.Prefill.SSHConnection)
	if len(f) < 3 {
		return ""
	}
	dest := f[2]
	if u := st.Prefill.User; u != "" {
		dest = u + "@" + dest
	}
	port := strconv.Itoa(st.Port())
	args := []string{"-L", port + ":localhost:" + port}
	if u, err := url.Parse(st.Setup.Endpoint); err == nil && u.Scheme == "http" && u.Port() != "" && u.Port() != port && isLoopback(u.Hostname()) {
		host := u.Hostname()
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		args = append(args, "-L", u.Port()+":"+host+":"+u.Port())
	}
	return cmdline.Join("ssh", "", append(args, dest)...)
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *verifyStep) Actions() []tui.Action {
	return []tui.Action{
		s.openAction("open demo", s.url()),
		s.copyAction(actCopyURL, "alt+y", "copy URL", s.url(), s.url),
	}
}

// server returns the running demo server (Deps.Demos owns it), starting it
// once.
func (s *verifyStep) server(ctx context.Context) (Demo, string, error) {
	return s.d.Demos.Serve(func() (Demo, string, error) { return s.start(ctx) })
}

// start builds and starts the demo server for the saved app.
func (s *verifyStep) start(ctx context.Context) (Demo, string, error) {
	e, err := logtoapi.ParseEndpoint(s.st.Setup.Endpoint)
	if err != nil {
		return nil, "", problem("The Logto endpoint is not set", "Go back to the endpoint step ({key:back}).", err)
	}
	if s.st.Setup.AppID == "" || !s.st.Secrets.AppSecret.IsSet() {
		return nil, "", problem("The app's ID or secret is missing", "Go back ({key:back}) to the app steps.", nil)
	}
	srv, err := s.d.NewDemo(demo.Config{
		Endpoint: e.String(), AppID: s.st.Setup.AppID,
		AppSecret: s.st.Secrets.AppSecret.Reveal(), BaseURL: s.url(),
	})
	if err != nil {
		return nil, "", explain("Cannot set up the demo app", err)
	}
	u, err := srv.Start(ctx, net.JoinHostPort("localhost", strconv.Itoa(s.st.Port())))
	if err != nil {
		_ = srv.Close()
		var busy *demo.PortInUseError
		if errors.As(err, &busy) || errors.Is(err, syscall.EADDRINUSE) {
			return nil, "", problem("Cannot start the demo app", s.portBusyHint(), err)
		}
		var perm *demo.PortPermissionError
		if errors.As(err, &perm) && s.st.Prefill.Preset == nil {
			what, _ := perm.Explain()
			return nil, "", problem("Cannot start the demo app: "+what, s.portRootHint(), err)
		}
		return nil, "", explain("Cannot start the demo app", err)
	}
	return srv, u, nil
}

// portBusyHint says what to do when another program uses the demo's port. An
// attendee's card fixes the port (--port is refused with --preset), so they
// free it; otherwise the hint suggests a port free now, which the wizard
// then registers too.
func (s *verifyStep) portBusyHint() string {
	port := s.st.Port()
	if s.st.Prefill.Preset != nil {
		return presetPortHint(s.st)
	}
	free := s.d.FreePort
	if free == nil {
		free = firstFreePort
	}
	if p := free(port); p > 0 {
		return fmt.Sprintf("Another program uses port %d: stop it, or quit ({key:quit}) and run %s "+
			"to use port %d, free now; the wizard then registers that port too. %s",
			port, tui.Quote(s.st.Again("", "--port", strconv.Itoa(p))), p, docs.PortInUse.More())
	}
	return fmt.Sprintf("Another program uses port %d: stop it, or quit ({key:quit}) and run %s again with --port "+
		"and a port nothing listens on; the wizard then registers that port too. %s", port, tui.Quote(s.st.Again("")), docs.PortInUse.More())
}

// portRootHint says what to do when this user may not listen on the demo's
// port (below 1024 without root): the whole command line with a port above
// 1024, free now (3000 when it is), which the wizard then registers too.
func (s *verifyStep) portRootHint() string {
	free := s.d.FreePort
	if free == nil {
		free = firstFreePort
	}
	p := free(config.DefaultPort)
	if p <= 0 {
		p = config.DefaultPort
	}
	return fmt.Sprintf("Ports below %d need root: quit ({key:quit}) and run %s "+
		"to use port %d, free now; the wizard then registers that port too.",
		demo.PrivilegedPorts, tui.Quote(s.st.Again("", "--port", strconv.Itoa(p))), p)
}

func (s *verifyStep) Execute(ctx context.Context) (tui.Result, error) {
	srv, u, err := s.server(ctx)
	if err != nil {
		return tui.Result{}, err
	}
	if s.d.Open != nil && !s.st.Prefill.NoBrowser {
		_ = s.d.Open.Open(u) // a missing browser is fine: the URL is on screen
	}
	// The time left shows under the waiting text, once a minute.
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case in, ok := <-srv.SignIns():
			return s.signedIn(in, ok)
		case <-tick.C:
			if dl, ok := ctx.Deadline(); ok {
				tui.Report(ctx, "Time left to sign in: "+minutes(time.Until(dl).Round(time.Minute))+".")
			}
		case <-ctx.Done():
			what := fmt.Sprintf("No sign-in arrived in %s", minutes(VerifyTimeout))
			if errors.Is(ctx.Err(), context.Canceled) {
				what = "You stopped waiting for the sign-in"
			}
			return tui.Result{}, problem(what, "{key:retry} to wait again; the demo app keeps running at "+u+
				"{tui: and a sign-in there is still picked up}.", nil)
		}
	}
}

// signedIn is the result of a sign-in event (ok false: the server stopped).
func (s *verifyStep) signedIn(in demo.SignIn, ok bool) (tui.Result, error) {
	if !ok {
		return tui.Result{}, problem("The demo app stopped", "{key:retry} to start it again.", nil)
	}
	who := phoneE164(in.PhoneNumber)
	if who == "" {
		who = "user " + in.Subject
	}
	return s.result("signed in as "+who, func() {
		s.st.SignIn = &in
		s.st.Setup.SignedInPhone = who
	}), nil
}

// errNoDemo: no demo server runs (WatchLate never starts one).
var errNoDemo = errors.New("steps: no demo server runs")

// WatchLate picks up a sign-in that arrives after the wait failed (the
// timeout box is on screen and the demo app still runs): the runner then
// commits it as if the wait had seen it (tui.LateWatcher).
func (s *verifyStep) WatchLate(ctx context.Context) (tui.Result, bool) {
	srv, _, err := s.d.Demos.Serve(func() (Demo, string, error) { return nil, "", errNoDemo })
	if err != nil {
		return tui.Result{}, false
	}
	select {
	case in, ok := <-srv.SignIns():
		if !ok {
			return tui.Result{}, false
		}
		res, err := s.signedIn(in, true)
		return res, err == nil
	case <-ctx.Done():
		return tui.Result{}, false
	}
}

// minutes says a duration in whole minutes: "15 minutes", "1 minute".
func minutes(d time.Duration) string {
	return plural(int(d.Minutes()), "minute")
}

// phoneE164 adds the "+" Logto leaves out of its phone_number claim.
func phoneE164(p string) string {
	p = strings.TrimSpace(p)
	if p == "" || strings.HasPrefix(p, "+") {
		return p
	}
	return "+" + p
}
