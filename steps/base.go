package steps

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/logto-twilio/logto-twilio/assets"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// base is what every step shares: its ID and title, the shared State and
// Deps, and the helpers below (clients, actions, results, validators).
//
// Texts never name a key: they say {key:edit}, {key:back}, {action:open}…
// and the tui runner renders the key, or in plain mode the matching choice
// or the URL (see tui.Renderer).
type base struct {
	id, title string
	st        *State
	d         *Deps
}

// Action IDs the steps' texts name as {action:ID}.
const (
	actOpen         = "open"          // open the step's page (a Console page, the demo)
	actCopyRedirect = "copy-redirect" // copy the redirect URI
	actCopyLogout   = "copy-logout"   // copy the post sign-out redirect URI
	actCopyConfig   = "copy-config"   // copy the connector config JSON
	actCopyURL      = "copy-url"      // copy the demo's URL
)

// notSavedYet is the answer to "Saved it in the Console?" while it is not:
// the key that opens the page, or its URL where there is no such key.
func (b *base) notSavedYet() string {
	if b.canOpen() {
		return "save it in the Console first ({tui:{action:open} opens the page}{line:{action:open}})"
	}
	return "save it in the Console first ({action:open})"
}

// GuideText returns assets/guide/<id>.md, trimmed ("" if there is none).
func GuideText(id string) string {
	b, err := fs.ReadFile(assets.Guide, "guide/"+id+".md")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func (b *base) ID() string    { return b.id }
func (b *base) Title() string { return b.title }
func (b *base) Guide() string { return GuideText(b.id) }

// Skip passes over a step that succeeded before when the user resumes.
func (b *base) Skip() bool {
	if presetNote(b.st, b.id) != "" {
		return true // the workshop card answers it
	}
	return b.st.Mode == ModeResume && b.st.Setup.IsDone(b.id)
}

// SkipNote says why a step is passed over (tui.SkipNoter).
func (b *base) SkipNote() string {
	if n := presetNote(b.st, b.id); n != "" {
		return n
	}
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
		return logtoapi.Endpoint{}, problem("The Logto endpoint is not set", "Go back to the endpoint step ({key:back}).", err)
	}
	return e, nil
}

// console is the Logto Console of the saved endpoint (zero without one).
func (b *base) console() logtoapi.Console {
	e, err := logtoapi.ParseEndpoint(b.st.Setup.Endpoint)
	if err != nil {
		return logtoapi.Console{}
	}
	return e.Console()
}

func (b *base) logto() (Logto, error) {
	e, err := b.endpoint()
	if err != nil {
		return nil, err
	}
	if b.st.Setup.Method != config.MethodAuto {
		return nil, problem("This step needs Management API access", "Choose the automatic method on the app method step.", nil)
	}
	c, err := b.d.NewLogto(e, logtoapi.M2MCredentials{AppID: b.st.Setup.M2MAppID, AppSecret: b.st.Secrets.M2MAppSecret.Reveal()})
	if err != nil {
		return nil, explain("Cannot use the M2M credentials", err)
	}
	return c, nil
}

func (b *base) twilio() (Twilio, error) {
	if err := b.twilioElsewhere(); err != nil {
		return nil, err
	}
	c, err := b.d.NewTwilio(twiliosetup.Credentials{
		AccountSID: b.st.Setup.TwilioAccountSID,
		AuthToken:  b.st.Secrets.TwilioAuthToken.Reveal(),
	})
	if err != nil {
		return nil, explain("Cannot use the Twilio credentials", err)
	}
	return c, nil
}

// canOpen reports whether URLs can be opened in a browser (not with
// --no-browser, over SSH or without an opener).
func (b *base) canOpen() bool { return b.d.Open != nil && !b.st.Prefill.NoBrowser }

// openAction opens url in the browser on alt+o (inside a command, never in
// Update). Where nothing can open it the key is disabled, so texts show
// the URL instead of the key ({action:open}).
//
// The sandbox has no Console: its Console action is left out (disabled,
// and texts say so instead of naming a page that does not exist).
func (b *base) openAction(help, url string) tui.Action {
	k := key.NewBinding(key.WithKeys("alt+o"), key.WithHelp("alt+o", help))
	show := url
	if b.st.Prefill.Sandbox && strings.Contains(help, "Console") {
		url, show = "", "the sandbox has no Console"
	}
	k.SetEnabled(b.canOpen() && url != "")
	return tui.Action{
		ID:   actOpen,
		Key:  k,
		Show: show,
		Run: func() tea.Cmd {
			if !b.canOpen() || url == "" {
				return nil
			}
			open := b.d.Open
			return func() tea.Msg {
				if err := open.Open(url); err != nil {
					return tui.Notice("Could not open a browser: open " + url + " yourself.")
				}
				return tui.Notice("Opened " + url + " in your browser.")
			}
		},
	}
}

// copyAction copies text to the clipboard on keys. show is what the line
// runner shows in its place: the value, or a masked copy when it holds a
// secret.
func (b *base) copyAction(id, keys, help, show string, text func() string) tui.Action {
	return tui.Action{
		ID:   id,
		Key:  key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, help)),
		Show: show,
		Run: func() tea.Cmd {
			t := text()
			if b.d.Clipboard == nil {
				// The terminal copies (OSC 52) and never says whether it
				// did: say what was sent, and what to do if nothing was.
				return tea.Batch(tea.SetClipboard(t), func() tea.Msg {
					return tui.Notice("Sent the " + strings.TrimPrefix(help, "copy ") + " to the clipboard; if " +
						"nothing was copied, your terminal does not allow it: copy it from the screen.")
				})
			}
			cb := b.d.Clipboard
			return func() tea.Msg {
				if err := cb.Copy(t); err != nil {
					return tui.Notice("Could not copy to the clipboard: copy it from the screen.")
				}
				return tui.Notice("Copied the " + strings.TrimPrefix(help, "copy ") + ".")
			}
		},
	}
}

// firstNonEmpty returns the first value that is not blank, trimmed.
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
