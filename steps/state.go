package steps

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/logto-twilio/logto-twilio/assets"
	"github.com/logto-twilio/logto-twilio/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// Modes chosen on the welcome step.
const (
	ModeFresh    = "fresh"    // every step runs (no saved setup, or start over)
	ModeResume   = "resume"   // steps that succeeded before are skipped
	ModeReverify = "reverify" // every step runs again, prefilled from the saved setup
)

// State is what the steps share: the saved setup and secrets, the prefilled
// answers and what this run learned. Steps write it only in Commit or a
// Loader's apply func, on the UI goroutine.
type State struct {
	Setup   Setup
	Secrets Secrets
	Prefill Prefill
	Mode    string

	// Problems found while loading the saved files (shown on the welcome step).
	Problems []string
	// Found is true when a saved setup was loaded.
	Found bool

	// Account is the Twilio account checked in this run.
	Account *twiliosetup.Account
	// SignIn is who signed in on the verify step.
	SignIn *demo.SignIn

	mu   sync.Mutex
	demo Demo // the running demo server, closed by Close
}

// NewState returns an empty state with the given prefilled answers.
func NewState(p Prefill) *State {
	return &State{Prefill: p, Mode: ModeFresh}
}

// Close stops the demo server if the verify step started it. cmd calls it
// after tui.Run returns.
func (st *State) Close() error {
	st.mu.Lock()
	d := st.demo
	st.demo = nil
	st.mu.Unlock()
	if d == nil {
		return nil
	}
	if err := d.Close(); err != nil {
		return fmt.Errorf("steps: stop demo server: %w", err)
	}
	return nil
}

// Port is the demo server's port: --port, else the saved one, else 3000.
func (st *State) Port() int {
	switch {
	case st.Prefill.Port > 0:
		return st.Prefill.Port
	case st.Setup.DemoPort > 0:
		return st.Setup.DemoPort
	}
	return DefaultPort
}

// BaseURL is where the browser reaches the demo: http://localhost:<port>.
func (st *State) BaseURL() string { return "http://localhost:" + strconv.Itoa(st.Port()) }

// Checkpoint returns the tui.Options.Checkpoint func that saves st into
// store after each step: it encodes on the UI goroutine (a snapshot) and
// writes in a command.
func Checkpoint(st *State, store *Store) func(stepID string) func() error {
	return func(string) func() error {
		if store == nil {
			return nil
		}
		setup, sec := st.Setup, st.Secrets
		setup.Version, sec.Version = SchemaVersion, SchemaVersion
		sb, err1 := json.MarshalIndent(setup, "", "  ")
		kb, err2 := json.Marshal(sec)
		return func() error {
			if err1 != nil {
				return fmt.Errorf("steps: encode setup: %w", err1)
			}
			if err2 != nil {
				return fmt.Errorf("steps: encode secrets: %w", err2)
			}
			if err := store.WriteFiles(sb, kb); err != nil {
				// The runner shows it: plain words, the cause kept for errors.Is.
				return &Problem{Err: err}
			}
			return nil
		}
	}
}

// GuideText returns assets/guide/<id>.md, trimmed ("" if there is none).
func GuideText(id string) string {
	b, err := fs.ReadFile(assets.Guide, "guide/"+id+".md")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// base is what every step shares.
type base struct {
	id, title string
	st        *State
	d         *Deps
	line      bool // the line runner: no alt+ keys (tui.LineModer)
}

// SetLineMode tells the step it runs in the line runner (tui.LineModer).
func (b *base) SetLineMode(on bool) { b.line = on }

// openPageHint is openHint for a validation message: "alt+o opens the
// page", or the URL.
func (b *base) openPageHint(url string) string {
	if b.line {
		return url
	}
	return "alt+o opens the page"
}

// openHint is what a text says about opening url: its alt+o key, or in the
// line runner (no keys) the URL itself.
func (b *base) openHint(url string) string {
	if b.line {
		return url
	}
	return "alt+o"
}

func (b *base) ID() string    { return b.id }
func (b *base) Title() string { return b.title }
func (b *base) Guide() string { return GuideText(b.id) }

// Skip passes over a step that succeeded before when the user resumes.
func (b *base) Skip() bool {
	return b.st.Mode == ModeResume && b.st.Setup.IsDone(b.id)
}

// SkipNote says why a step is passed over (tui.SkipNoter).
func (b *base) SkipNote() string {
	if b.st.Mode == ModeResume && b.st.Setup.IsDone(b.id) {
		return "done before"
	}
	return ""
}

// result builds a Result whose Commit also records the step as done.
func (b *base) result(summary string, commit func()) tui.Result {
	return tui.Result{Summary: summary, Commit: func() {
		if commit != nil {
			commit()
		}
		b.st.Setup.MarkDone(b.id)
	}}
}

func (b *base) endpoint() (logtoapi.Endpoint, error) {
	e, err := logtoapi.ParseEndpoint(b.st.Setup.Endpoint)
	if err != nil {
		return logtoapi.Endpoint{}, problem("The Logto endpoint is not set", "Go back to the endpoint step (ctrl+b).", err)
	}
	return e, nil
}

func (b *base) logto() (Logto, error) {
	e, err := b.endpoint()
	if err != nil {
		return nil, err
	}
	if b.st.Setup.Method != MethodAuto {
		return nil, problem("This step needs Management API access", "Choose the automatic method on the app method step.", nil)
	}
	c, err := b.d.NewLogto(e, logtoapi.M2MCredentials{AppID: b.st.Setup.M2MAppID, AppSecret: b.st.Secrets.M2MAppSecret.Reveal()})
	if err != nil {
		return nil, explain("Cannot use the M2M credentials", err)
	}
	return c, nil
}

func (b *base) twilio() (Twilio, error) {
	c, err := b.d.NewTwilio(twiliosetup.Credentials{
		AccountSID: b.st.Setup.TwilioAccountSID,
		AuthToken:  b.st.Secrets.TwilioAuthToken.Reveal(),
	})
	if err != nil {
		return nil, explain("Cannot use the Twilio credentials", err)
	}
	return c, nil
}

// openAction opens url in the browser on alt+o (inside a command, never in
// Update).
func (b *base) openAction(help, url string) tui.Action {
	return tui.Action{
		Key: key.NewBinding(key.WithKeys("alt+o"), key.WithHelp("alt+o", help)),
		Run: func() tea.Cmd {
			if b.d.Open == nil || b.st.Prefill.NoBrowser || url == "" {
				return nil
			}
			open := b.d.Open
			return func() tea.Msg { _ = open.Open(url); return nil }
		},
	}
}

// copyAction copies text to the clipboard.
func (b *base) copyAction(keys, help string, text func() string) tui.Action {
	return tui.Action{
		Key: key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, help)),
		Run: func() tea.Cmd {
			t := text()
			if b.d.Clipboard == nil {
				return tea.SetClipboard(t)
			}
			cb := b.d.Clipboard
			return func() tea.Msg { _ = cb.Copy(t); return nil }
		},
	}
}

// firstNonEmpty returns the first non-empty value.
func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// required is a huh validator for a field that must not be empty.
func required(what string) func(string) error {
	return func(v string) error {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("enter the %s", what)
		}
		return nil
	}
}

// orDefault adapts a validator for huh's accessible prompts, which validate
// the raw line: an empty line keeps the field's current value (*v), so that
// value is what gets checked.
func orDefault(v *string, f func(string) error) func(string) error {
	return plainValidator(func(s string) error {
		if strings.TrimSpace(s) == "" && v != nil && *v != "" {
			return f(*v)
		}
		return f(s)
	})
}

// plainValidator shows f's error in plain words (no Go package prefix):
// huh prints it under the field.
func plainValidator(f func(string) error) func(string) error {
	return func(s string) error {
		if err := f(s); err != nil {
			return errors.New(plainCause(err))
		}
		return nil
	}
}
