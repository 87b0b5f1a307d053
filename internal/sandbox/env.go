package sandbox

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/logto-twilio/logto-twilio/internal/atomicfile"
	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/httpclient"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// Env is the sandbox's wiring for any command: the stand-ins (run by this
// process, the host, or by another one, see Guest), the clients that reach
// them, and the sandbox's own store. Close saves the state and stops what
// this process started.
type Env struct {
	// Dir is the sandbox folder (--config-dir, or the sandbox's own).
	Dir string
	// Store is the sandbox's setup.json and secrets.json, in Dir.
	Store *config.Store
	// Answers point every answer at the stand-ins: the endpoint, the
	// M2M app, the Twilio account, the test phone and the demo Port.
	Answers Answers
	// LogtoHTTP and TwilioHTTP are the clients for Logto and Twilio calls
	// (the host's TwilioHTTP serves *.twilio.com from its stand-in in
	// memory; a guest's sends it to the host's over loopback).
	LogtoHTTP, TwilioHTTP *http.Client
	// Panel is the sandbox SMS inbox, for the wizard's screen.
	Panel *Panel
	// Notes are sentences for the user about this start: the folder, a
	// demo port other than 3000, a Logto stand-in on a new port, a host
	// this run uses.
	Notes []string
	// Host, for a guest, is the process that serves the stand-ins; zero
	// when this process is the host.
	Host Serving

	lg        *logtotest.Server // nil for a guest
	tw        *twiliotest.Server
	logtoVer  string // the Logto version the Logto stand-in imitates
	statePath string
	m2mAppID  string
	key       string // the control key of the host's ServingFile
	// private: read-only stand-ins of this process alone (Options.ReadOnly)
	private bool
	// moves maps the saved stand-in URLs to where private ones run.
	moves map[string]string

	lock       *flock.Flock // LockFile, held by the host
	wizardLock *flock.Flock // WizardLockFile, held by a wizard

	saveMu    sync.Mutex // one Save at a time
	timerMu   sync.Mutex
	saveTimer timer // the pending save after a change; nil when none
	closing   bool
	afterFunc func(time.Duration, func()) timer // time.AfterFunc (tests replace it)

	shutdown chan struct{} // closed when Close begins: long-polled control requests end
	closed   sync.Once
	err      error
}

// timer is the part of *time.Timer the saver uses.
type timer interface{ Stop() bool }

// Options say which sandbox to open and what the command line asked of it.
type Options struct {
	// ConfigDir is --config-dir: the sandbox folder itself ("" = the
	// sandbox's own folder, see Dir).
	ConfigDir string
	// Getenv reads LOGTO_TWILIO_CONFIG_DIR (nil: none is set).
	Getenv func(string) string
	// Port is --port, the demo server's port (0: see pickDemoPort).
	Port int
	// TestPhone is --test-phone ("" = the sandbox's verified test phone).
	TestPhone string
	// Command is the command line of this run, as ServingFile names the
	// host to others (e.g. "logto-twilio sandbox serve").
	Command string
	// Wizard says the run is the setup wizard: it takes WizardLockFile.
	Wizard bool
	// NoDemo says the run starts no demo server (sandbox serve): no demo
	// port is picked, and no note says which.
	NoDemo bool
	// ReadOnly says the run writes nothing in the sandbox folder (doctor,
	// workshop status): it uses the host's stand-ins when one serves,
	// else runs private ones from the saved state, on new ports, which it
	// never saves and no other process finds (no lock, no ServingFile).
	// Relocate points a loaded setup at them.
	ReadOnly bool
	// Trace is the HTTP trace of --debug: the clients LogtoHTTP and
	// TwilioHTTP write their exchanges with the stand-ins to it (nil: none).
	Trace *httpclient.Trace
	// LogtoVersion is LogtoVersionEnv as set for this run ("": not set):
	// the Logto version a new sandbox's Logto stand-in imitates. An
	// existing sandbox keeps the version it was made with; asking it for
	// another is an error (see LogtoVersion).
	LogtoVersion string

	hostWait time.Duration // how long to wait for a host that does not answer (0: defaultHostWait)
}

// Answers are the sandbox's answers to the wizard's questions.
type Answers struct {
	Endpoint, TwilioBaseURL string
	Port                    int
	TwilioAccountSID        string
	TwilioAuthToken         config.Secret
	M2MAppID                string
	M2MAppSecret            config.Secret
	TestPhone               string
}

// Dir is the sandbox folder: --config-dir when given, else the
// folder "sandbox" inside the setup's folder (LOGTO_TWILIO_CONFIG_DIR, or
// the user's config directory + "/logto-twilio"). It is never the real
// setup's folder itself, so the sandbox's files never replace a real
// setup.json or secrets.json.
func Dir(o Options) (dir string, own bool, err error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if d := strings.TrimSpace(o.ConfigDir); d != "" {
		return d, false, nil
	}
	if d := strings.TrimSpace(getenv("LOGTO_TWILIO_CONFIG_DIR")); d != "" {
		return filepath.Join(d, "sandbox"), true, nil
	}
	s, err := config.DefaultStore()
	if err != nil {
		return "", false, fmt.Errorf("sandbox: %w (set --config-dir)", err)
	}
	return filepath.Join(s.Dir, "sandbox"), true, nil
}

// defaultHostWait is how long Open waits for a host that holds the lock but
// does not answer yet (it is starting).
const defaultHostWait = 10 * time.Second

// ErrWizardRunning is returned by Open for a wizard when another sandbox
// wizard runs in the same folder.
var ErrWizardRunning = errors.New("another sandbox wizard is running")

// Open starts the stand-ins from the sandbox folder's saved state (or
// seeds them on the first run), or, when another process runs them, finds
// that process and uses its stand-ins (see the package doc). Every command
// with --sandbox uses it, so `logto-twilio --sandbox` and then
// `logto-twilio doctor --sandbox` talk to the same Logto and Twilio.
func Open(o Options) (*Env, error) {
	if err := checkLogtoVersion(o.LogtoVersion); err != nil {
		return nil, err
	}
	dir, own, err := Dir(o)
	if err != nil {
		return nil, err
	}
	if !o.ReadOnly {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sandbox: create %s: %w", dir, err)
		}
	}
	e := &Env{
		Dir: dir, Store: &config.Store{Dir: dir}, statePath: filepath.Join(dir, StateFile), shutdown: make(chan struct{}),
		afterFunc: func(d time.Duration, f func()) timer { return time.AfterFunc(d, f) },
	}
	if own {
		e.Notes = append(e.Notes, "The sandbox keeps its setup and stand-ins in "+dir+"; remove that folder to start from scratch.")
	}
	if o.Wizard {
		if e.wizardLock, err = tryLock(filepath.Join(dir, WizardLockFile)); err != nil {
			return nil, err
		}
		if e.wizardLock == nil {
			return nil, fmt.Errorf("%w in %s: finish it (or press Ctrl-C in its terminal), then run this again", ErrWizardRunning, dir)
		}
	}
	if err := e.attach(o); err != nil {
		e.unlock()
		return nil, err
	}
	return e, nil
}

// attach makes this process the host, or a guest of the host.
func (e *Env) attach(o Options) error {
	if o.ReadOnly {
		if sv, err := readServing(e.Dir); err == nil {
			if a, err := fetchAnswers(sv); err == nil {
				return e.openGuest(o, sv, a)
			}
		}
		return e.openPrivate(o)
	}
	deadline := time.Now().Add(cmp.Or(o.hostWait, defaultHostWait))
	var last error
	for {
		l, err := tryLock(filepath.Join(e.Dir, LockFile))
		if err != nil {
			return err
		}
		if l != nil {
			e.lock = l
			return e.openHost(o)
		}
		sv, err := readServing(e.Dir)
		if err == nil {
			var a controlAnswers
			if a, err = fetchAnswers(sv); err == nil {
				return e.openGuest(o, sv, a)
			}
		}
		last = err
		if time.Now().After(deadline) {
			if sv.PID == 0 {
				return fmt.Errorf("sandbox: another process holds the sandbox in %s but says nowhere where its stand-ins run (%w): stop the other logto-twilio command that uses this folder, then run this again", e.Dir, last)
			}
			return fmt.Errorf("sandbox: %s holds the sandbox in %s but its stand-ins do not answer (%w): stop it (Ctrl-C in its terminal, or kill %d), then run this again",
				sv, e.Dir, last, sv.PID)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// fetchAnswers asks the host of sv for the sandbox's current credentials.
func fetchAnswers(sv Serving) (controlAnswers, error) {
	if !isLoopbackURL(sv.Logto) || !isLoopbackURL(sv.Twilio) {
		return controlAnswers{}, fmt.Errorf("%s names a non-loopback address", ServingFile)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sv.Logto+controlPrefix+"answers", nil)
	if err != nil {
		return controlAnswers{}, fmt.Errorf("sandbox: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+sv.Key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return controlAnswers{}, fmt.Errorf("sandbox: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return controlAnswers{}, fmt.Errorf("sandbox: %s answered %w", sv.Logto, errStatus(resp.StatusCode))
	}
	var a controlAnswers
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || a.Version != controlVersion {
		return controlAnswers{}, fmt.Errorf("sandbox: %s did not answer as a sandbox of this program", sv.Logto)
	}
	return a, nil
}

// openHost starts the stand-ins in this process, which holds LockFile.
func (e *Env) openHost(o Options) error {
	e.key = newKey() // before the stand-ins serve control requests
	if prev, err := readServing(e.Dir); err == nil {
		e.Notes = append(e.Notes, fmt.Sprintf("%s ended without stopping the sandbox's stand-ins; this run took them over.", prev))
	}
	if removed, err := atomicfile.RemoveStray(e.Dir, StateFile, ServingFile); err == nil && len(removed) > 0 {
		e.Notes = append(e.Notes, fmt.Sprintf("Removed %d temporary file(s) left in %s by a sandbox command that was killed while saving.", len(removed), e.Dir))
	}
	st, err := e.readState()
	if err != nil {
		return err
	}
	saved := readSetupQuietly(e.Dir)
	if st == nil && saved.Endpoint != "" && !isLoopbackURL(saved.Endpoint) {
		return fmt.Errorf("sandbox: %s holds a setup for %s, not a sandbox's; give --sandbox another --config-dir (the sandbox never writes over a real setup)", e.Dir, saved.Endpoint)
	}
	if err := e.useLogtoVersion(o, st.logtoVersion()); err != nil {
		return err
	}
	if err := e.start(st); err != nil {
		return err
	}
	if st != nil {
		if err := e.moved(st, saved); err != nil {
			e.stop()
			return err
		}
	}
	e.useOwn(o, saved)
	if OnStart != nil {
		OnStart(e.lg, e.tw)
	}
	// The first save makes the state file, so a later command finds this
	// sandbox even if this one is killed.
	if err := e.Save(); err != nil {
		e.Panel.Close()
		e.stop()
		return err
	}
	sv := Serving{
		PID: os.Getpid(), Command: o.Command, Logto: e.lg.URL, Twilio: e.tw.URL,
		Key: e.key, Started: time.Now().UTC().Truncate(time.Second),
	}
	if err := writeServing(e.Dir, sv); err != nil {
		e.Panel.Close()
		e.stop()
		return err
	}
	return nil
}

// openPrivate starts read-only stand-ins (Options.ReadOnly) from the saved
// state, on new loopback ports, and writes nothing: no lock, no
// ServingFile, no state, no rewritten setup.json (Relocate does that in
// memory).
func (e *Env) openPrivate(o Options) error {
	e.private = true
	st, err := e.readState()
	if err != nil {
		return err
	}
	if err := e.useLogtoVersion(o, st.logtoVersion()); err != nil {
		return err
	}
	saved := readSetupQuietly(e.Dir)
	if err := e.start(st); err != nil {
		return err
	}
	if st != nil {
		e.moves = map[string]string{"http://" + st.LogtoAddr: e.lg.URL, "http://" + st.TwilioAddr: e.tw.URL}
	}
	e.useOwn(o, saved)
	return nil
}

// useOwn sets the answers, clients and panel of a process that runs the
// stand-ins itself (the host, or private read-only ones).
func (e *Env) useOwn(o Options, saved config.Setup) {
	m2mSecret := ""
	if s := e.lg.AppSecrets(e.m2mAppID); len(s) > 0 {
		m2mSecret = s[0]
	}
	e.Answers = Answers{
		Endpoint:         e.lg.URL,
		TwilioBaseURL:    e.tw.URL,
		TwilioAccountSID: sandboxAccountSID,
		TwilioAuthToken:  config.Secret(e.tw.AuthToken(sandboxAccountSID)),
		M2MAppID:         e.m2mAppID,
		M2MAppSecret:     config.Secret(m2mSecret),
	}
	e.demoAnswers(o, saved)
	e.LogtoHTTP = httpclient.New(o.Trace.Wrap(http.DefaultTransport))
	e.TwilioHTTP = httpclient.New(o.Trace.Wrap(e.tw.Transport()))
	e.Panel = newPanel(localInbox{lg: e.lg, tw: e.tw}, strings.Join(e.Notes, "\n"))
}

// Relocate points a setup loaded from the sandbox folder at where this
// run's stand-ins are, when they are private ones on new ports
// (Options.ReadOnly); otherwise the saved setup already names them.
func (e *Env) Relocate(su *config.Setup) {
	for _, f := range []*string{&su.Endpoint, &su.Issuer, &su.TwilioBaseURL} {
		*f = e.RelocateURL(*f)
	}
}

// RelocateURL is u moved to where the stand-in it names runs now (see
// Relocate); any other URL as it is.
func (e *Env) RelocateURL(u string) string {
	for from, to := range e.moves {
		if from != "http://" && (u == from || strings.HasPrefix(u, from+"/")) {
			return to + strings.TrimPrefix(u, from)
		}
	}
	return u
}

// openGuest uses the stand-ins of the host sv, whose answers are a.
func (e *Env) openGuest(o Options, sv Serving, a controlAnswers) error {
	tw, err := httpclient.ParseTwilioBaseURL(sv.Twilio)
	if err != nil {
		return fmt.Errorf("sandbox: %s: %w", ServingFile, err)
	}
	if err := e.useLogtoVersion(o, cmp.Or(a.LogtoVersion, logtotest.DefaultVersion)); err != nil {
		return err
	}
	e.Host = sv
	e.Answers = Answers{
		Endpoint: sv.Logto, TwilioBaseURL: sv.Twilio,
		TwilioAccountSID: a.TwilioAccountSID, TwilioAuthToken: config.Secret(a.TwilioAuthToken),
		M2MAppID: a.M2MAppID, M2MAppSecret: config.Secret(a.M2MAppSecret),
	}
	e.demoAnswers(o, readSetupQuietly(e.Dir))
	e.LogtoHTTP = httpclient.New(o.Trace.Wrap(http.DefaultTransport))
	e.TwilioHTTP = httpclient.New(httpclient.Rewrite{Base: tw, Next: o.Trace.Wrap(http.DefaultTransport)})
	e.Notes = append(e.Notes, fmt.Sprintf("%s runs this sandbox's stand-ins; this run uses them, and they keep running after it.", sv))
	key := sv.Key
	e.Panel = newPanel(remoteInbox{
		hc: inboxClient(), endpoint: sv.Logto,
		auth: func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+key) },
	}, strings.Join(e.Notes, "\n"))
	return nil
}

// demoAnswers fills in the demo port and the test phone.
func (e *Env) demoAnswers(o Options, saved config.Setup) {
	e.Answers.TestPhone = cmp.Or(strings.TrimSpace(o.TestPhone), sandboxTestPhone)
	if o.NoDemo {
		e.Answers.Port = cmp.Or(o.Port, saved.DemoPort, config.DefaultPort)
		return
	}
	port, note := pickDemoPort(o.Port, saved.DemoPort, config.DefaultPort)
	if note != "" {
		e.Notes = append(e.Notes, note)
	}
	e.Answers.Port = port
}

// Guest reports whether another process runs the stand-ins this Env uses.
func (e *Env) Guest() bool { return e.lg == nil }

// saveDelay is the longest a change waits to be saved (see the package doc).
const saveDelay = 250 * time.Millisecond

// watchChanges wraps a stand-in's handler: after a request that may have
// changed it, the state is saved within saveDelay.
func (e *Env) watchChanges(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			e.changed()
		}
	})
}

// changed schedules a save, unless one is pending or Close has begun.
func (e *Env) changed() {
	e.timerMu.Lock()
	defer e.timerMu.Unlock()
	if e.saveTimer != nil || e.closing {
		return
	}
	e.saveTimer = e.afterFunc(saveDelay, e.saveNow)
}

// saveNow is the pending save. A failure is not reported here (the
// requests themselves succeeded): the next change tries again, and Close's
// save, which returns its error, has the last word.
func (e *Env) saveNow() {
	e.timerMu.Lock()
	e.saveTimer = nil
	closing := e.closing
	e.timerMu.Unlock()
	if !closing { // else Close saves
		_ = e.Save()
	}
}

// Save writes both stand-ins' state to the sandbox folder, atomically and
// with mode 0600 (it holds the sandbox's made-up credentials). A guest has
// nothing to save.
func (e *Env) Save() error {
	if e.Guest() || e.private {
		return nil
	}
	e.saveMu.Lock()
	defer e.saveMu.Unlock()
	lb, err := e.lg.Snapshot()
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	tb, err := e.tw.Snapshot()
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	b, err := json.Marshal(sandboxState{
		Version:    sandboxStateVersion,
		LogtoAddr:  strings.TrimPrefix(e.lg.URL, "http://"),
		TwilioAddr: strings.TrimPrefix(e.tw.URL, "http://"),
		M2MAppID:   e.m2mAppID, LogtoVersion: e.logtoVer, Logto: lb, Twilio: tb,
	})
	if err != nil {
		return fmt.Errorf("sandbox: encode state: %w", err)
	}
	if err := atomicfile.Write(e.statePath, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("sandbox: save the stand-ins: %w", err)
	}
	return nil
}

// Close saves the stand-ins' state and stops what this process started:
// the host's stand-ins (after removing ServingFile and before releasing
// LockFile), the panel, the wizard's lock. It is safe to call more than
// once; later calls return the first call's error.
func (e *Env) Close() error {
	e.closed.Do(func() {
		close(e.shutdown)
		if e.Panel != nil {
			e.Panel.Close()
		}
		e.timerMu.Lock()
		e.closing = true
		if e.saveTimer != nil {
			e.saveTimer.Stop()
			e.saveTimer = nil
		}
		e.timerMu.Unlock()
		var err error
		if e.private {
			e.stop()
		} else if !e.Guest() {
			err = e.Save()
			if rerr := removeServing(e.Dir); err == nil {
				err = rerr
			}
			e.stop()
		}
		e.unlock()
		e.err = err
	})
	return e.err
}

// unlock releases the locks this process holds.
func (e *Env) unlock() {
	for _, l := range []*flock.Flock{e.lock, e.wizardLock} {
		if l != nil {
			_ = l.Unlock()
		}
	}
}

func (e *Env) stop() {
	if e.lg != nil {
		e.lg.Close()
	}
	if e.tw != nil {
		e.tw.Close()
	}
}

// LogtoVersion is the Logto version the sandbox's Logto stand-in imitates
// (one of logtotest.Versions), whichever process runs it.
func (e *Env) LogtoVersion() string { return e.logtoVer }

// Logto is the host's Logto stand-in (for tests); nil for a guest.
func (e *Env) Logto() *logtotest.Server { return e.lg }

// Twilio is the host's Twilio stand-in (for tests); nil for a guest.
func (e *Env) Twilio() *twiliotest.Server { return e.tw }
