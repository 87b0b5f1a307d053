package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/demo"

	"github.com/logto-twilio/logto-twilio/internal/atomicfile"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// StateFile holds the stand-ins' state in the sandbox folder, beside
// the sandbox's own setup.json and secrets.json.
const StateFile = "sandbox-state.json"

// sandboxStateVersion is the version of StateFile.
const sandboxStateVersion = 1

// sandboxState is StateFile: where the stand-ins listened (the
// Logto stand-in's URL is its issuer, so both come back on the same ports
// when they can), which
// app is the sandbox's M2M app, and both stand-ins' snapshots. It holds the
// stand-ins' made-up credentials: mode 0600, like secrets.json.
type sandboxState struct {
	Version    int    `json:"version"`
	LogtoAddr  string `json:"logtoAddr"`            // 127.0.0.1:PORT
	TwilioAddr string `json:"twilioAddr,omitempty"` // 127.0.0.1:PORT
	M2MAppID   string `json:"m2mAppId"`
	// LogtoVersion is the Logto version the Logto stand-in imitates,
	// chosen when the sandbox was made ("" in a file from before there was
	// a choice: logtotest.DefaultVersion).
	LogtoVersion string          `json:"logtoVersion,omitempty"`
	Logto        json.RawMessage `json:"logto"`
	Twilio       json.RawMessage `json:"twilio"`
}

// readState reads StateFile; nil when there is none. A file that
// cannot be read is moved aside and the sandbox starts fresh, as a corrupt
// setup.json does.
func (e *Env) readState() (*sandboxState, error) {
	b, err := os.ReadFile(e.statePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: read %s: %w", e.statePath, err)
	}
	var st sandboxState
	derr := json.NewDecoder(bytes.NewReader(b)).Decode(&st)
	if derr == nil && st.Version > sandboxStateVersion {
		return nil, fmt.Errorf("sandbox: %s was made by a newer logto-twilio (version %d; this one reads version %d): update logto-twilio, then run this again; this version does not change the file",
			e.statePath, st.Version, sandboxStateVersion)
	}
	if derr == nil && st.Version != sandboxStateVersion {
		derr = fmt.Errorf("version %d, this program reads version %d", st.Version, sandboxStateVersion)
	}
	if derr != nil {
		return e.setAside(derr)
	}
	return &st, nil
}

// setAside moves an unusable state file to a free .bak name and says so; a
// read-only run refuses it instead, and changes nothing.
func (e *Env) setAside(why error) (*sandboxState, error) {
	if e.private {
		return nil, fmt.Errorf("sandbox: %s is damaged (%w), so the sandbox cannot be checked; the next --sandbox command that saves keeps a copy of it as %s and starts the stand-ins fresh",
			e.statePath, why, filepath.Base(e.statePath)+".bak")
	}
	bak := atomicfile.FreeName(e.statePath + ".bak")
	if err := os.Rename(e.statePath, bak); err != nil {
		return nil, fmt.Errorf("sandbox: %s is unusable (%w) and could not be moved aside: %w", e.statePath, why, err)
	}
	e.Notes = append(e.Notes, fmt.Sprintf("%s could not be read (%v); it was moved to %s and the stand-ins start fresh: choose Start over.", e.statePath, why, bak))
	return nil, nil
}

// start builds both stand-ins: from st when given, else freshly seeded.
func (e *Env) start(st *sandboxState) error {
	var twAddr, lgAddr string
	if st != nil && !e.private {
		twAddr, lgAddr = st.TwilioAddr, st.LogtoAddr
	}
	tl, err := listenAgain(twAddr, "Twilio")
	if err != nil {
		return err
	}
	e.tw = twiliotest.NewServer(twiliotest.WithListener(tl), twiliotest.WithMiddleware(e.watchChanges), twiliotest.WithoutRequestLog())
	if st != nil {
		if err := e.tw.Restore(st.Twilio); err != nil {
			e.tw.Close()
			if _, aerr := e.setAside(err); aerr != nil {
				return aerr
			}
			return e.start(nil)
		}
	}
	if e.tw.AuthToken(sandboxAccountSID) == "" {
		seedTwilio(e.tw)
	}

	l, err := listenAgain(lgAddr, "Logto")
	if err != nil {
		e.tw.Close()
		return err
	}
	e.lg = logtotest.NewUnstartedServer(logtotest.WithListener(l), logtotest.WithTwilioBaseURL(e.tw.URL), logtotest.WithVersion(e.logtoVer),
		logtotest.WithMiddleware(e.control), logtotest.WithMiddleware(e.watchChanges), logtotest.WithoutRequestLog())
	if st != nil {
		if err := e.lg.Restore(st.Logto); err != nil {
			e.lg.Close()
			e.tw.Close()
			if _, aerr := e.setAside(err); aerr != nil {
				return aerr
			}
			return e.start(nil)
		}
		e.m2mAppID = st.M2MAppID
	}
	if e.m2mAppID == "" || len(e.lg.AppSecrets(e.m2mAppID)) == 0 {
		e.m2mAppID, _ = e.lg.AddM2MApp(sandboxM2MName, true)
	}
	e.lg.Start()
	return nil
}

// seedTwilio gives the Twilio stand-in the sandbox's trial account: a
// Messaging Service with a number, and the test phone as a verified caller
// ID (trial accounts may text only those).
func seedTwilio(tw *twiliotest.Server) {
	tw.AddAccount(twiliotest.Account{
		SID: sandboxAccountSID, AuthToken: sandboxAuthToken,
		FriendlyName: "Sandbox trial account", Type: "Trial",
	})
	tw.AddNumber(sandboxAccountSID, sandboxSender)
	tw.AddService(sandboxAccountSID, "Sandbox notifications", sandboxSender)
	tw.AddVerifiedCallerID(sandboxAccountSID, sandboxTestPhone)
}

// listenAgain listens where a stand-in listened last time (addr), so its
// URL stays the same; when that port is taken (or on the first run), on a
// free loopback port.
func listenAgain(addr, what string) (net.Listener, error) {
	lc := net.ListenConfig{}
	if host, _, err := net.SplitHostPort(addr); err == nil && host == "127.0.0.1" {
		if l, err := lc.Listen(context.Background(), "tcp", addr); err == nil {
			return l, nil
		}
	}
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen on 127.0.0.1 for the %s stand-in: %w", what, err)
	}
	return l, nil
}

// moved handles stand-ins that could not come back on their old ports:
// the sandbox's saved setup (the sandbox owns that folder) is pointed at
// the new URLs, and the user is told what still names the old Logto.
func (e *Env) moved(st *sandboxState, saved config.Setup) error {
	oldLogto, oldTwilio := "http://"+st.LogtoAddr, "http://"+st.TwilioAddr
	logtoMoved := st.LogtoAddr != "" && e.lg.URL != oldLogto
	twilioMoved := st.TwilioAddr != "" && e.tw.URL != oldTwilio
	if !logtoMoved && !twilioMoved {
		return nil
	}
	if saved.Endpoint == oldLogto || saved.TwilioBaseURL == oldTwilio {
		if err := rewriteSavedURLs(e.Store.Dir, map[string]string{oldLogto: e.lg.URL, oldTwilio: e.tw.URL}); err != nil {
			return err
		}
	}
	if !logtoMoved {
		return nil // Logto's Twilio connector was told the new URL at start
	}
	note := fmt.Sprintf("%s was taken, so the sandbox's Logto now runs at %s", oldLogto, e.lg.URL)
	if saved.Endpoint == oldLogto {
		note += "; the saved sandbox setup was updated"
	}
	if saved.ExpressDir != "" {
		note += "; the Express starter in " + saved.ExpressDir + " still names the old address (write it again on the Express starter step)"
	}
	e.Notes = append(e.Notes, note+".")
	return nil
}

// rewriteSavedURLs rewrites, in the sandbox's setup.json, the endpoint,
// issuer and Twilio base URL that start with an old stand-in URL (a key of
// moves) to the new one, keeping every other field as it is.
func rewriteSavedURLs(dir string, moves map[string]string) error {
	path := filepath.Join(dir, config.SetupFile)
	b, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return fmt.Errorf("sandbox: read %s: %w", path, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil //nolint:nilerr // the wizard's welcome step reports an unreadable setup.json
	}
	for _, k := range []string{"endpoint", "issuer", "twilioBaseUrl"} {
		var v string
		if json.Unmarshal(m[k], &v) != nil {
			continue
		}
		for from, to := range moves {
			if from != to && (v == from || strings.HasPrefix(v, from+"/")) {
				m[k], _ = json.Marshal(to + strings.TrimPrefix(v, from))
			}
		}
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("sandbox: encode %s: %w", path, err)
	}
	if err := atomicfile.Write(path, append(out, '\n'), 0o600); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}

// readSetupQuietly reads the saved setup without moving a corrupt file
// aside (the welcome step does that, and reports it); zero when unreadable.
func readSetupQuietly(dir string) config.Setup {
	var su config.Setup
	b, err := os.ReadFile(filepath.Clean(filepath.Join(dir, config.SetupFile)))
	if err != nil {
		return config.Setup{}
	}
	if json.Unmarshal(b, &su) != nil {
		return config.Setup{}
	}
	return su
}

// isLoopbackURL reports whether u is an http URL on a loopback address, as
// every sandbox endpoint is.
func isLoopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "http" {
		return false
	}
	if p.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(p.Hostname())
	return ip != nil && ip.IsLoopback()
}

// pickDemoPort decides the demo server's port at start: --port when given;
// else the saved one when free (the app's redirect URI is registered for
// it); else def (3000) when free; else a free port. note says why it is not
// def.
func pickDemoPort(flagPort, savedPort, def int) (port int, note string) {
	if flagPort > 0 {
		return flagPort, ""
	}
	if savedPort > 0 && demo.PortFree(savedPort) {
		if savedPort != def {
			return savedPort, fmt.Sprintf("The demo app uses port %d, as in the saved sandbox setup.", savedPort)
		}
		return savedPort, ""
	}
	if demo.PortFree(def) {
		return def, ""
	}
	p, err := anyFreePort()
	if err != nil {
		// Let the verify step report the busy port, as without --sandbox.
		return def, ""
	}
	return p, fmt.Sprintf("Port %d is busy, so the demo app uses port %d.", def, p)
}

func anyFreePort() (int, error) {
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "localhost:0")
	if err != nil {
		return 0, fmt.Errorf("sandbox: find a free port: %w", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}
