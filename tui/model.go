package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"
)

// Phase is where the current step is.
type Phase int

// The phases of a step, in the order a step normally goes through them.
const (
	PhaseLoading Phase = iota // Loader.Load runs
	PhaseForm                 // the form collects input
	PhaseRunning              // Execute runs
	PhaseFailed               // Load or Execute failed: retry, edit, skip or back
	PhaseDone                 // every step is committed
)

// String names the phase (used in goldens and test failures).
func (p Phase) String() string {
	switch p {
	case PhaseLoading:
		return "loading"
	case PhaseForm:
		return "form"
	case PhaseRunning:
		return "running"
	case PhaseFailed:
		return "failed"
	case PhaseDone:
		return "done"
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// Messages the runner sends itself. Results carry the step index and the
// attempt number; a result that does not match both is stale and dropped.
type (
	loadedMsg struct {
		step, attempt int
		apply         func()
		err           error
	}
	resultMsg struct {
		step, attempt int
		res           Result
		err           error
	}
	saveFailedMsg struct {
		step string
		err  error
	}
	// progressMsg is a text a running step sent with Report.
	progressMsg struct {
		step, attempt int
		text          string
		p             *progress
	}
	panelMsg struct{}
)

// RefreshPanel is a message a caller may send with Program.Send to redraw the
// panel; Options.PanelRefresh does the same through a channel.
type RefreshPanel struct{}

// Model is the interactive runner: a Bubble Tea model walking the steps.
type Model struct {
	ctx   context.Context
	steps []Step
	opts  Options

	idx      int
	phase    Phase
	failedIn Phase
	attempt  int
	history  []int

	// note is the Ready note of a step run without its form ("" when the
	// form was shown); the ✓ line gains it.
	note string
	// formAt is the step the user went back to: it shows its form rather
	// than run on its own again, until it commits (-1: none).
	formAt int
	// printed is the last line printed for each step, so going back and
	// forth does not print the same ✓ line twice.
	printed map[int]string

	form    *huh.Form
	hasForm bool // the current step asked something (edit makes sense)
	err     error
	cancel  context.CancelFunc
	// status is the latest text the running Load or Execute sent with
	// Report ("" until it sends one).
	status string
	// notice is what the last action said (see Notice), until a key.
	notice string

	// clock is the wait indicator of the current load or run; clocks
	// counts them (each gets its own id).
	clock  clock
	clocks int
	help   help.Model
	keys   KeyMap
	styles Styles
	isDark bool
	bg     *tea.BackgroundColorMsg
	// profile is the terminal's colour profile (NO_COLOR gives ASCII).
	// Bubble Tea downsamples the frame but not printed lines, so println
	// does it for them; Unknown leaves them as they are.
	profile colorprofile.Profile

	width, height int
	interrupted   bool

	// guideMemo and panelMemo keep the last wrapped and styled guide and
	// panel: each change of the wait indicator redraws the view, and those
	// two are most of its cost while they do not change.
	guideMemo, panelMemo memo

	progressDone <-chan struct{} // the running step's context's Done

	saver   *saver
	saveErr string // the save failure shown already (not shown again)
	saveSeq int
	latest  func() error // the newest checkpoint's persist func
}

// NewModel returns the interactive runner for steps. Run uses it; tests and
// callers that build their own tea.Program may use it directly.
func NewModel(ctx context.Context, steps []Step, opts Options) *Model {
	m := &Model{
		ctx:     ctx,
		steps:   steps,
		opts:    opts,
		help:    help.New(),
		keys:    DefaultKeyMap(),
		isDark:  true,
		width:   opts.Width,
		height:  opts.Height,
		saver:   &saver{},
		formAt:  -1,
		printed: map[int]string{},
	}
	m.styles = NewStyles(m.isDark)
	m.help.Styles = help.DefaultStyles(m.isDark)
	return m
}

// Phase reports the current phase.
func (m *Model) Phase() Phase { return m.phase }

// Index reports the index of the current step (len(steps) when done).
func (m *Model) Index() int { return m.idx }

// Err reports the error shown in the failed phase.
func (m *Model) Err() error { return m.err }

// Snapshot is where the runner is: for tests and instrumentation.
type Snapshot struct {
	Step  int    // index of the current step (len(steps) when done)
	ID    string // its ID ("" when done)
	Phase Phase
	Field string // key of the focused form field in PhaseForm, else ""
}

// Snapshot reports where the runner is.
func (m *Model) Snapshot() Snapshot {
	s := Snapshot{Step: m.idx, Phase: m.phase}
	if m.idx < len(m.steps) {
		s.ID = m.steps[m.idx].ID()
	}
	if m.phase == PhaseForm && m.form != nil {
		if f := m.form.GetFocusedField(); f != nil {
			s.Field = f.GetKey()
		}
	}
	return s
}

// Interrupted reports whether the user pressed ctrl+c.
func (m *Model) Interrupted() bool { return m.interrupted }

// Init starts the first step and asks the terminal for its background colour.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.waitPanel(), m.enter(0))
}

func (m *Model) waitPanel() tea.Cmd {
	ch := m.opts.PanelRefresh
	if ch == nil {
		return nil
	}
	ctx := m.ctx
	return func() tea.Msg {
		select {
		case _, ok := <-ch:
			if !ok {
				return nil
			}
			return panelMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	model, cmd := m.update(msg)
	if m.opts.Observe != nil {
		m.opts.Observe(m.Snapshot())
	}
	return model, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m, m.toForm(msg)
	case tea.ColorProfileMsg:
		m.profile = msg.Profile
		return m, m.toForm(msg)
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		m.bg = &msg
		m.styles = NewStyles(m.isDark)
		m.guideMemo, m.panelMemo = memo{}, memo{} // the styles changed
		m.help.Styles = help.DefaultStyles(m.isDark)
		return m, m.toForm(msg)
	case panelMsg:
		return m, m.waitPanel()
	case progressMsg:
		if msg.step != m.idx || msg.attempt != m.attempt || (m.phase != PhaseRunning && m.phase != PhaseLoading) {
			return m, nil // stale: its step ended
		}
		m.status = msg.text
		return m, m.waitProgress(msg.p, msg.step, msg.attempt)
	case RefreshPanel:
		return m, nil
	case Notice:
		m.notice = string(msg)
		return m, nil
	case saveFailedMsg:
		return m, m.saveFailed(msg)
	case loadedMsg:
		if msg.step != m.idx || msg.attempt != m.attempt || m.phase != PhaseLoading {
			return m, nil // stale
		}
		m.stopRunning()
		if msg.err != nil {
			m.fail(PhaseLoading, msg.err)
			return m, nil
		}
		if msg.apply != nil {
			msg.apply()
		}
		return m, m.start()
	case resultMsg:
		if msg.step != m.idx || msg.attempt != m.attempt || m.phase != PhaseRunning {
			return m, nil // stale
		}
		m.stopRunning()
		if msg.err != nil {
			m.fail(PhaseRunning, msg.err)
			return m, m.watchLate()
		}
		return m, m.commit(msg.res)
	case lateMsg:
		return m, m.late(msg)
	case clockMsg:
		if msg.id != m.clock.id || (m.phase != PhaseLoading && m.phase != PhaseRunning) {
			return m, nil // an earlier load or run's, or the wait is over: the ticks stop
		}
		return m, m.clock.update(msg)
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	}
	if m.phase == PhaseForm {
		return m, m.updateForm(msg)
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	m.notice = "" // an action's notice lasts until the next key
	if key.Matches(msg, m.keys.Quit) {
		return m.interrupt()
	}
	if m.phase == PhaseDone {
		return nil
	}
	if key.Matches(msg, m.keys.Back) {
		return m.back()
	}
	if m.phase == PhaseForm || m.phase == PhaseRunning {
		if a, ok := m.steps[m.idx].(Actioner); ok {
			for _, act := range a.Actions() {
				if key.Matches(msg, act.Key) && act.Run != nil {
					return act.Run()
				}
			}
		}
	}
	switch m.phase {
	case PhaseForm:
		return m.updateForm(msg)
	case PhaseLoading, PhaseRunning:
		if key.Matches(msg, m.keys.Cancel) && m.cancel != nil {
			m.cancel() // Execute returns the context error; that fails the step
		}
	case PhaseFailed:
		switch {
		case key.Matches(msg, m.keys.Retry):
			if m.failedIn == PhaseLoading {
				return m.load()
			}
			m.renote()
			return m.run()
		case key.Matches(msg, m.keys.Edit) && m.failedIn == PhaseRunning && m.hasForm:
			m.stopRunning() // a LateWatcher's wait ends
			return m.showForm()
		case key.Matches(msg, m.keys.Skip):
			if o, ok := m.steps[m.idx].(Optional); ok {
				m.stopRunning()
				return m.commitAs(o.SkipResult(), true)
			}
		}
	case PhaseDone:
	}
	return nil
}

func (m *Model) toForm(msg tea.Msg) tea.Cmd {
	if m.phase != PhaseForm || m.form == nil {
		return nil
	}
	return m.updateForm(msg)
}

func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	if m.form == nil {
		return nil
	}
	fm, cmd := m.form.Update(msg)
	if f, ok := fm.(*huh.Form); ok {
		m.form = f
	}
	switch m.form.State {
	case huh.StateCompleted:
		return tea.Batch(cmd, m.run())
	case huh.StateAborted:
		return m.interrupt()
	case huh.StateNormal:
	}
	return cmd
}

// enter moves to step i, passing over skipped steps, and starts it.
func (m *Model) enter(i int) tea.Cmd {
	var prints []tea.Cmd
	for i < len(m.steps) && skipped(m.steps[i]) {
		line := skipLine(m.steps[i])
		if p := m.printOnce(i, line, m.styles.Muted.Render(line)); p != nil {
			prints = append(prints, p)
		}
		i++
	}
	m.idx = i
	m.err = nil
	m.form = nil
	if i >= len(m.steps) {
		m.phase = PhaseDone
		return tea.Sequence(append(prints, tea.Quit)...)
	}
	var start tea.Cmd
	if _, ok := m.steps[i].(Loader); ok {
		start = m.load()
	} else {
		start = m.start()
	}
	return tea.Sequence(append(prints, start)...)
}

// start runs the current step without its form when it is Ready (and the
// user did not just go back to it), else shows its form.
func (m *Model) start() tea.Cmd {
	m.note = ""
	if m.formAt != m.idx {
		if ok, note := ready(m.steps[m.idx]); ok {
			m.note = note
			m.hasForm = true // edit, after a failure, opens the form
			return m.run()
		}
	}
	return m.showForm()
}

// renote asks a step that ran on its own again for its note before a
// retry: its failure may have changed an answer (the endpoint takes the
// address Logto reports).
func (m *Model) renote() {
	if m.note == "" {
		return
	}
	ok, note := ready(m.steps[m.idx])
	if !ok {
		note = ""
	}
	m.note = note
}

// printOnce prints text as step i's line unless the line (key: its text
// without the Ready note and styles) is what was printed for that step
// last: going back and forth does not repeat it.
func (m *Model) printOnce(i int, key, text string) tea.Cmd {
	if m.printed[i] == key {
		return nil
	}
	m.printed[i] = key
	return m.println(text)
}

func (m *Model) env() FormEnv {
	return FormEnv{MaskSecrets: true, r: m.renderer(m.steps[m.idx])}
}

func (m *Model) showForm() tea.Cmd {
	m.err = nil
	m.note = ""
	f := m.steps[m.idx].Form(m.env())
	m.hasForm = f != nil
	if f == nil {
		m.form = nil
		return m.run()
	}
	f = f.WithShowHelp(false).WithTheme(formTheme)
	if m.width > 0 {
		f = f.WithWidth(m.width)
	}
	m.form = f
	m.phase = PhaseForm
	if m.bg != nil {
		m.form.Update(*m.bg) // a new form learns the known background at once
	}
	return f.Init()
}

// stepContext starts a Load or Execute: its context (with the step's
// timeout and a progress channel for Report) and the command that shows
// what the step reports.
func (m *Model) stepContext() (context.Context, tea.Cmd) {
	m.stopRunning()
	m.status = ""
	ctx, cancel := context.WithTimeout(m.ctx, stepTimeout(m.steps[m.idx]))
	m.cancel = cancel
	p := newProgress()
	m.progressDone = ctx.Done()
	return withProgress(ctx, p), m.waitProgress(p, m.idx, m.attempt)
}

// waitProgress waits for the next text the step reports, until the step's
// context ends.
func (m *Model) waitProgress(p *progress, step, attempt int) tea.Cmd {
	done := m.progressDone
	return func() tea.Msg {
		for {
			select {
			case <-p.notify:
				if q := p.take(); len(q) > 0 {
					return progressMsg{step: step, attempt: attempt, text: q[len(q)-1], p: p}
				}
			case <-done:
				return nil
			}
		}
	}
}

func (m *Model) stopRunning() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

func (m *Model) load() tea.Cmd {
	m.attempt++
	m.phase = PhaseLoading
	m.err = nil
	step, idx, attempt := m.steps[m.idx], m.idx, m.attempt
	ld := step.(Loader)
	ctx, watch := m.stepContext()
	tick := m.startClock()
	return tea.Batch(tick, watch, func() tea.Msg {
		apply, err := ld.Load(ctx)
		return loadedMsg{step: idx, attempt: attempt, apply: apply, err: err}
	})
}

func (m *Model) run() tea.Cmd {
	m.attempt++
	m.phase = PhaseRunning
	m.err = nil
	m.form = nil
	step, idx, attempt := m.steps[m.idx], m.idx, m.attempt
	ctx, watch := m.stepContext()
	tick := m.startClock()
	return tea.Batch(tick, watch, func() tea.Msg {
		res, err := step.Execute(ctx)
		return resultMsg{step: idx, attempt: attempt, res: res, err: err}
	})
}

func (m *Model) fail(in Phase, err error) {
	m.phase = PhaseFailed
	m.failedIn = in
	m.err = err
}

func (m *Model) commit(res Result) tea.Cmd { return m.commitAs(res, false) }

// commitAs applies res; a step the user skipped after a failure gets a
// muted "– Title — summary" line, not a ✓.
func (m *Model) commitAs(res Result, skippedByUser bool) tea.Cmd {
	step := m.steps[m.idx]
	if res.Commit != nil {
		res.Commit()
	}
	m.history = append(m.history, m.idx)
	if m.formAt == m.idx {
		m.formAt = -1
	}
	style, line := m.styles.Check, checkLine(step.Title(), withNote(res.Summary, m.note))
	key := checkLine(step.Title(), res.Summary)
	if skippedByUser {
		style, line = m.styles.Muted, skippedLine(step.Title(), res.Summary)
		key = line
	}
	m.note = ""
	// Only the ✓ line is coloured; the Details under it are plain text.
	text := style.Render(hangingWrap(line, m.width))
	if d := strings.TrimRight(res.Details, "\n "); d != "" {
		text += "\n\n" + wrapDetails(d, m.width)
	}
	var cmds []tea.Cmd
	if p := m.printOnce(m.idx, key, text); p != nil {
		cmds = append(cmds, p)
	}
	if m.opts.Checkpoint != nil {
		if persist := m.opts.Checkpoint(step.ID()); persist != nil {
			m.saveSeq++
			m.latest = persist
			cmds = append(cmds, m.saveCmd(step.ID(), m.saveSeq, persist))
		}
	}
	cmds = append(cmds, m.enter(m.idx+1))
	return tea.Sequence(cmds...)
}

// interrupt cancels a running step and quits, after the newest checkpoint
// is written (its command may not have run yet). It quits rather than
// interrupts so Bubble Tea draws the final, empty frame (a killed program
// leaves its last frame on screen); Run reports ErrInterrupted.
func (m *Model) interrupt() tea.Cmd {
	m.stopRunning()
	m.interrupted = true
	if m.latest == nil {
		return tea.Quit
	}
	return tea.Sequence(m.saveCmd("", m.saveSeq, m.latest), tea.Quit)
}

func (m *Model) saveCmd(id string, seq int, persist func() error) tea.Cmd {
	sv := m.saver
	return func() tea.Msg {
		if err := sv.run(seq, persist); err != nil {
			return saveFailedMsg{step: id, err: err}
		}
		return nil
	}
}

// saver writes checkpoints one at a time and never lets an older snapshot
// overwrite a newer one.
type saver struct {
	mu      sync.Mutex
	written int
}

func (s *saver) run(seq int, persist func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq <= s.written {
		return nil
	}
	if err := persist(); err != nil {
		return err
	}
	s.written = seq
	return nil
}

func (m *Model) back() tea.Cmd {
	if len(m.history) == 0 {
		return nil
	}
	m.stopRunning()
	m.attempt++ // any result still on its way is now stale
	prev := m.history[len(m.history)-1]
	m.history = m.history[:len(m.history)-1]
	m.idx = prev
	m.err = nil
	m.note = ""
	m.formAt = prev // show its form: the user came back to change it
	if _, ok := m.steps[prev].(Loader); ok {
		return m.load()
	}
	return m.showForm()
}

// startClock starts the wait indicator of a load or run (see clockEvery) with
// a new id: ticks of an earlier one are dropped.
func (m *Model) startClock() tea.Cmd {
	m.clocks++
	var tick tea.Cmd
	m.clock, tick = newClock(m.clocks)
	return tick
}

// notSavedLine says a checkpoint failed, naming the step by its title.
func notSavedLine(steps []Step, id string, err error) string {
	after := ""
	for _, s := range steps {
		if s.ID() == id {
			after = " after “" + s.Title() + "”"
		}
	}
	return fmt.Sprintf("! Progress%s was not saved: %v", after, err)
}

// skippedLine is the line of a step skipped after a failure.
func skippedLine(title, summary string) string {
	if summary == "" {
		summary = "skipped"
	}
	return "– " + title + " — " + summary
}

func checkLine(title, summary string) string {
	if summary == "" {
		return "✓ " + title
	}
	return "✓ " + title + " — " + summary
}

// println prints a line above the frame in the terminal's colour profile.
func (m *Model) println(s string) tea.Cmd {
	if m.profile != colorprofile.Unknown && m.profile != colorprofile.TrueColor {
		var b strings.Builder
		w := &colorprofile.Writer{Forward: &b, Profile: m.profile}
		if _, err := w.WriteString(s); err == nil {
			s = b.String()
		}
	}
	return tea.Println(s)
}

// hintFor returns the hint of the error (or of the step), placeholders not
// yet rendered.
func hintFor(s Step, err error) string {
	var h Hinter
	if errors.As(err, &h) && h.Hint() != "" {
		return h.Hint()
	}
	if h, ok := s.(Hinter); ok {
		return h.Hint()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "It took too long. Check the address and your network, then retry."
	}
	if errors.Is(err, context.Canceled) {
		return "Cancelled. {key:retry} to try again."
	}
	return ""
}
