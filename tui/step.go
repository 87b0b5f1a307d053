package tui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// Step is one page of a wizard.
type Step interface {
	// ID is a stable key: goldens, saved progress, assets/guide/<id>.md.
	ID() string
	// Title is shown in the header and in the "✓ Title — summary" line.
	Title() string
	// Guide is the text shown above the form. It may hold placeholders
	// ({key:edit}, {action:open}; see [Renderer]); it never names a key.
	Guide() string
	// Form returns a NEW form bound to the step's draft on every call, or nil
	// when there is nothing to ask. Forms are single-use; bound values keep
	// earlier answers, so a rebuilt form starts filled in.
	Form(env FormEnv) *huh.Form
	// Execute does the step's I/O. It runs inside a tea.Cmd (or in sequence in
	// the line runner), so it must not write shared state: it returns a
	// Result whose Commit the runner applies on the UI goroutine.
	Execute(ctx context.Context) (Result, error)
}

// FormEnv tells Step.Form how the form will be shown.
type FormEnv struct {
	// Line is true in the line runner (huh accessible prompts).
	Line bool
	// MaskSecrets is true when secret fields can be read without echo. It is
	// false only in the line runner when the input is not a terminal, where
	// huh cannot read a password field (use [SecretInput]).
	MaskSecrets bool

	r Renderer // the runner's renderer for this step
}

// Render resolves placeholders for the runner that shows the form, for
// texts the form shows itself (titles, validation messages).
func (e FormEnv) Render(text string) string {
	r := e.r
	r.line = e.Line
	return r.Render(text)
}

// SecretInput returns a huh input for a secret value bound to value: masked
// when env allows it, and a plain prompt otherwise (input from a pipe is
// never echoed). In the line runner an empty answer keeps the current value,
// as it does for other fields (huh's masked prompt would clear it).
func SecretInput(env FormEnv, value *string) *huh.Input {
	in := huh.NewInput()
	if env.MaskSecrets {
		in = in.EchoMode(huh.EchoModePassword)
	}
	if env.Line {
		return in.Accessor(keepIfEmpty{value})
	}
	return in.Value(value)
}

// keepIfEmpty ignores an empty answer when there is a value already.
type keepIfEmpty struct{ p *string }

func (a keepIfEmpty) Get() string { return *a.p }

func (a keepIfEmpty) Set(v string) {
	if v != "" || *a.p == "" {
		*a.p = v
	}
}

// LineTitle adds the current value to a field's title in the line runner,
// where huh's prompts do not show it: "Title [value]", or for a secret
// "Title [already set; enter keeps it]". Elsewhere it returns title.
func LineTitle(env FormEnv, title, current string, secret bool) string {
	switch {
	case !env.Line || current == "":
		return title
	case secret:
		return title + " [already set; enter keeps it]"
	}
	return title + " [" + current + "]"
}

// Result is what a successful Execute hands back.
type Result struct {
	// Summary is one secret-free line, printed as "✓ Title — Summary".
	Summary string
	// Details is more secret-free text (several lines, e.g. the last
	// step's report), printed as it is under the ✓ line; "" for none.
	Details string
	// Commit writes the step's outcome into shared state. The runner calls it
	// on the UI goroutine, only after Execute succeeded. It may be nil.
	Commit func()
}

// Skipper is implemented by steps that can be passed over (already satisfied
// by saved state or flags). Skip is asked each time the runner reaches the
// step, after earlier steps have committed.
type Skipper interface{ Skip() bool }

// SkipNoter is implemented by Skippers that say why they were passed over:
// the runner prints "– Title — <note>" ("done before", "not needed"),
// or "– Title — skipped" without it.
type SkipNoter interface{ SkipNote() string }

// skipLine is the line printed for a step that was passed over.
func skipLine(s Step) string {
	note := "skipped"
	if n, ok := s.(SkipNoter); ok && n.SkipNote() != "" {
		note = n.SkipNote()
	}
	return "– " + s.Title() + " — " + note
}

// Readier is implemented by steps that can tell that every input they need
// is given and valid (from a flag, the environment, an answers file, the
// saved setup, a preset) or that there is one obvious choice. The runner
// then runs Execute without showing the form: the step leaves its ✓ line
// with note added in brackets ("from env", "the only Messaging Service
// with a sender") and the wizard moves on. When that Execute fails the
// step shows its failure as usual, with edit to open the form (nothing is
// lost); after the user goes back to the step (ctrl+b) the runner shows its
// form instead. Ready is asked on the UI goroutine, after Load's apply.
type Readier interface {
	Ready() (ok bool, note string)
}

// MissingInputer is implemented by steps that can name what they lack when
// a non-interactive run ([Options].NonInteractive) reaches them not Ready:
// the runner returns that error. Without it the runner returns an
// [ErrNeedsInput] naming the step.
type MissingInputer interface {
	MissingInput() error
}

// ready reports whether s may run without its form, and the note.
func ready(s Step) (bool, string) {
	r, ok := s.(Readier)
	if !ok {
		return false, ""
	}
	return r.Ready()
}

// missingInput is the error of a non-interactive run that reached s, which
// is not Ready and has something to ask.
func missingInput(s Step) error {
	if m, ok := s.(MissingInputer); ok {
		if err := m.MissingInput(); err != nil {
			return err
		}
	}
	return fmt.Errorf("%w: %q has a question nobody answered", ErrNeedsInput, s.Title())
}

// withNote adds a Ready note to a summary: "summary (note)".
func withNote(summary, note string) string {
	switch {
	case note == "":
		return summary
	case summary == "":
		return "(" + note + ")"
	}
	return summary + " (" + note + ")"
}

// Loader is implemented by steps whose form depends on fetched data (a list of
// services, the current connector). Load runs inside a tea.Cmd before Form is
// called; the returned apply func (may be nil) runs on the UI goroutine and is
// where the step stores what it loaded.
type Loader interface {
	Load(ctx context.Context) (apply func(), err error)
}

// Action is an extra key a step offers, e.g. open a Console page or copy a
// URI to the clipboard. A step's texts name it as {action:ID}.
type Action struct {
	// ID names the action in the step's texts ("open", "copy-redirect").
	ID  string
	Key key.Binding // bind to alt+… or ctrl+… so letters still reach text fields
	// Show is what the action opens or copies, as the line runner (which
	// has no such keys) shows it instead: a URL, or a masked copy of a
	// value holding a secret. It must never hold a secret.
	Show string
	// Run returns the command to run; I/O (opening a browser) must happen
	// inside the returned tea.Cmd, never in Run itself.
	Run func() tea.Cmd
}

// Notice is a message an action's command may return: a short line the
// runner shows under the step until the next key ("Could not open a
// browser: open … yourself", "Copied …"), so a key never goes unanswered.
type Notice string

// Actioner is implemented by steps that offer extra keys in the form and
// running phases.
type Actioner interface{ Actions() []Action }

// Waiter is implemented by steps that show a text while Execute runs (it
// may hold placeholders). What changes while Execute runs (a delivery
// status) reaches the view through [Report], not through this text.
type Waiter interface{ WaitingText() string }

// LoadWaiter is implemented by Loaders that say what they fetch while Load
// runs ("Reading the Messaging Services…"); the runner shows "Loading…"
// without it.
type LoadWaiter interface{ LoadingText() string }

func loadingText(s Step) string {
	if w, ok := s.(LoadWaiter); ok && w.LoadingText() != "" {
		return w.LoadingText()
	}
	return "Loading…"
}

// Timeouter is implemented by steps whose Execute needs another limit than
// [DefaultTimeout] (the verify step waits minutes for a sign-in).
type Timeouter interface{ Timeout() time.Duration }

// Hinter is implemented by errors (or steps) that know what the user should
// do next. The runner shows the hint under the error, placeholders resolved.
type Hinter interface{ Hint() string }

// Optional is implemented by steps that may be skipped after a failure (the
// test SMS). SkipResult is applied as if Execute had returned it.
type Optional interface{ SkipResult() Result }

// DefaultTimeout bounds a step's Execute (and Load) unless it is a Timeouter.
const DefaultTimeout = 30 * time.Second

func stepTimeout(s Step) time.Duration {
	if t, ok := s.(Timeouter); ok && t.Timeout() > 0 {
		return t.Timeout()
	}
	return DefaultTimeout
}

func skipped(s Step) bool {
	sk, ok := s.(Skipper)
	return ok && sk.Skip()
}

func waitingText(s Step) string {
	if w, ok := s.(Waiter); ok {
		return w.WaitingText()
	}
	return ""
}

// Page is one group of questions. Hide (may be nil) hides the page based on
// answers given on earlier pages.
type Page struct {
	Group func() *huh.Group // a NEW group on every call
	Hide  func() bool
}

// Paged is implemented by steps whose later questions depend on earlier
// answers. huh's accessible mode asks every group, hidden or not, so the
// line runner asks a Paged step's pages one by one, skipping hidden ones;
// the interactive runner uses Form, which should be FormOf(Pages(env)).
type Paged interface {
	Pages(env FormEnv) []Page
}

// FormOf builds one form from pages, hiding each page while its Hide says so.
func FormOf(pages []Page) *huh.Form {
	groups := make([]*huh.Group, 0, len(pages))
	for _, p := range pages {
		g := p.Group()
		if p.Hide != nil {
			g = g.WithHideFunc(p.Hide)
		}
		groups = append(groups, g)
	}
	return huh.NewForm(groups...)
}
