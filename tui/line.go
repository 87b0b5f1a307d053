package tui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"
)

// LineInput is a process's one reader of standard input: it hands its
// reader at most one line per Read. huh's accessible prompts make a new
// bufio.Scanner for every question, and a command may ask several questions
// (a confirm, then the wizard); with one LineInput for all of them, no
// reader swallows the answers meant for the next. Make one per process
// (NewLineInput) and give it to every prompt and to Run as Options.In.
type LineInput struct {
	raw     io.Reader
	br      *bufio.Reader
	mu      sync.Mutex
	pending []byte
	eof     bool
}

// NewLineInput reads r one line at a time.
func NewLineInput(r io.Reader) *LineInput {
	return &LineInput{raw: r, br: bufio.NewReader(r)}
}

// Read implements io.Reader: at most the rest of one line.
func (l *LineInput) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.pending) == 0 {
		line, err := l.br.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				l.eof = true
			}
			return 0, err //nolint:wrapcheck // io.Reader contract
		}
		l.pending = line
	}
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	return n, nil
}

// ReadLine reads one line, without its line ending. At the end of the input
// it returns what was left and io.EOF.
func (l *LineInput) ReadLine() (string, error) {
	var b []byte
	buf := make([]byte, 256)
	for {
		n, err := l.Read(buf)
		b = append(b, buf[:n]...)
		if len(b) > 0 && b[len(b)-1] == '\n' {
			return strings.TrimRight(string(b), "\r\n"), nil
		}
		if err != nil {
			return strings.TrimRight(string(b), "\r\n"), err
		}
	}
}

// Ended reports whether the input has ended.
func (l *LineInput) Ended() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.eof
}

// Terminal is the reader under l when it is a terminal (Bubble Tea and huh
// read keys from its file descriptor), else nil.
func (l *LineInput) Terminal() io.Reader {
	if isTerminal(l.raw) {
		return l.raw
	}
	return nil
}

// lineInputOf is in as a LineInput: itself when it is one.
func lineInputOf(in io.Reader) *LineInput {
	if li, ok := in.(*LineInput); ok {
		return li
	}
	return NewLineInput(in)
}

// ttyLineInput is a LineInput over a terminal; huh reads password fields
// straight from its file descriptor.
type ttyLineInput struct {
	*LineInput
	fd uintptr
}

func (t ttyLineInput) Fd() uintptr { return t.fd }

// RunLines walks steps line by line with huh's accessible prompts: the same
// steps, forms, validation and Execute as the interactive runner. Run picks
// it; it is exported for callers and tests that want it directly.
func RunLines(ctx context.Context, steps []Step, opts Options) error {
	opts = opts.withDefaults()
	li := lineInputOf(opts.In)
	var in io.Reader = li
	env := FormEnv{Line: true}
	if t := li.Terminal(); t != nil {
		in = ttyLineInput{LineInput: li, fd: t.(interface{ Fd() uintptr }).Fd()}
		env.MaskSecrets = true
	}
	lr := &lineRunner{
		ctx: ctx, steps: steps, opts: opts, in: in, li: li, env: env,
		out: colorprofile.NewWriter(opts.Out, opts.Env),
	}
	return lr.run()
}

type lineRunner struct {
	mu        sync.Mutex // guards out while the panel watcher prints
	lastPanel string
	ctx       context.Context
	steps     []Step
	opts      Options
	in        io.Reader
	li        *LineInput
	env       FormEnv
	out       io.Writer
}

func (r *lineRunner) printf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, _ = fmt.Fprintf(r.out, format, a...)
}

// showPanel prints the panel's text when it changed since last shown.
func (r *lineRunner) showPanel() {
	if r.opts.Panel == nil {
		return
	}
	p := strings.TrimSpace(r.opts.Panel())
	r.mu.Lock()
	out := newLines(r.lastPanel, p)
	if p != "" {
		r.lastPanel = p
	}
	r.mu.Unlock()
	if out != "" {
		r.printf("%s\n", out)
	}
}

// newLines returns the lines of cur that were not in prev, so a panel
// that gains a line (an SMS status) prints that line, not the whole
// panel again. The first panel prints whole.
func newLines(prev, cur string) string {
	if cur == "" || cur == prev {
		return ""
	}
	seen := map[string]bool{}
	for l := range strings.SplitSeq(prev, "\n") {
		seen[l] = true
	}
	var out []string
	for l := range strings.SplitSeq(cur, "\n") {
		if !seen[l] {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// watchPanel prints the panel while a step runs (e.g. the sandbox SMS inbox
// while the verify step waits); the returned func stops it.
func (r *lineRunner) watchPanel() (stop func()) {
	r.showPanel()
	ch := r.opts.PanelRefresh
	if ch == nil || r.opts.Panel == nil {
		return func() {}
	}
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case _, ok := <-ch:
				if !ok {
					return
				}
				r.showPanel()
			case <-quit:
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-done
		r.showPanel()
	}
}

// watchProgress adds a progress channel to *ctx and prints, each on its
// own line, the texts the step reports with Report until the returned func
// is called.
func (r *lineRunner) watchProgress(ctx *context.Context) (stop func()) {
	p := newProgress()
	*ctx = withProgress(*ctx, p)
	quit := make(chan struct{})
	done := make(chan struct{})
	last := ""
	show := func() {
		for _, t := range p.take() {
			if t != "" && t != last {
				last = t
				r.printf("%s\n", wrapLines(t, lineWidth))
			}
		}
	}
	go func() {
		defer close(done)
		for {
			select {
			case <-p.notify:
				show()
			case <-quit:
				show() // what the step said before it returned
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

type lineChoice int

// Choices offered after a failure. Each has its own block so iota is clear.
const (
	choiceRetry lineChoice = iota
	choiceEdit
	choiceSkip
	choiceBack
	choiceQuit
)

func (r *lineRunner) run() error {
	var history []int
	formAt := -1                            // the step the user went back to: ask, do not run it on its own
	printed := map[int]string{}             // the last line printed per step: no duplicate ✓ lines
	once := func(i int, key, line string) { // key: the line without the Ready note
		if printed[i] != key {
			printed[i] = key
			r.printf("%s\n", line)
		}
	}
	i := 0
	for i < len(r.steps) {
		if err := r.ctx.Err(); err != nil {
			return fmt.Errorf("%w: %w", ErrInterrupted, err)
		}
		s := r.steps[i]
		if skipped(s) {
			once(i, skipLine(s), skipLine(s))
			i++
			continue
		}
		r.printf("\nStep %d/%d · %s\n\n", i+1, len(r.steps), s.Title())
		res, note, next, err := r.doStep(s, len(history) > 0, formAt != i)
		if err != nil {
			return err
		}
		switch next {
		case choiceBack:
			i = history[len(history)-1]
			history = history[:len(history)-1]
			formAt = i
			continue
		case choiceQuit:
			return ErrInterrupted
		case choiceRetry, choiceEdit, choiceSkip:
		}
		if res.Commit != nil {
			res.Commit()
		}
		if next == choiceSkip {
			once(i, skippedLine(s.Title(), res.Summary), skippedLine(s.Title(), res.Summary))
		} else {
			once(i, checkLine(s.Title(), res.Summary), checkLine(s.Title(), withNote(res.Summary, note)))
		}
		if formAt == i {
			formAt = -1
		}
		if d := strings.TrimRight(res.Details, "\n "); d != "" {
			r.printf("\n%s\n", d)
		}
		if r.opts.Checkpoint != nil {
			if persist := r.opts.Checkpoint(s.ID()); persist != nil {
				if err := persist(); err != nil {
					r.printf("%s\n", notSavedLine(r.steps, s.ID(), err))
				}
			}
		}
		history = append(history, i)
		i++
	}
	return nil
}

// doStep loads, asks and executes one step, handling failures. It returns the
// result to commit with choiceRetry (done) or choiceSkip, or choiceBack /
// choiceQuit. With auto, a Ready step runs without asking and note is its
// Ready note.
func (r *lineRunner) doStep(s Step, canBack, auto bool) (res Result, note string, next lineChoice, err error) {
	rd := lineRenderer(s)
	if ld, ok := s.(Loader); ok {
		for {
			ctx, cancel := context.WithTimeout(r.ctx, stepTimeout(s))
			stop := r.watchProgress(&ctx)
			apply, err := ld.Load(ctx)
			stop()
			cancel()
			if err == nil {
				if apply != nil {
					apply()
				}
				break
			}
			if r.opts.NonInteractive {
				return Result{}, "", choiceQuit, err
			}
			c, cerr := r.failed(s, err, false, false, canBack)
			if cerr != nil || c != choiceRetry {
				return Result{}, "", c, cerr
			}
		}
	}
	ok, n := ready(s)
	auto = ok && auto
	switch {
	case auto:
		note = n
	case r.opts.NonInteractive:
		env := r.env
		env.r = rd
		if s.Form(env) != nil {
			return Result{}, "", choiceQuit, missingInput(s)
		}
	}
	// The guide comes after Load: it may show what was loaded. A step run
	// without asking has no use for it.
	if g := strings.TrimSpace(rd.Render(s.Guide())); g != "" && !auto {
		r.printf("%s\n\n", wrapLines(g, lineWidth))
	}
	ask, hasForm := !auto && !r.opts.NonInteractive, auto
	for {
		if ask {
			var err error
			if hasForm, err = r.ask(s); err != nil {
				return Result{}, "", choiceQuit, err
			}
		}
		// Only a step's own waiting text is worth a line; a generic
		// "Working…" before every answer is noise to a screen reader.
		if t := rd.Render(waitingText(s)); t != "" {
			r.printf("%s\n", t)
		}
		ctx, cancel := context.WithTimeout(r.ctx, stepTimeout(s))
		stopProgress := r.watchProgress(&ctx)
		stop := r.watchPanel()
		var err error
		res, err = s.Execute(ctx)
		stop()
		stopProgress()
		cancel()
		if err == nil {
			return res, note, choiceRetry, nil
		}
		if r.ctx.Err() != nil {
			return Result{}, "", choiceQuit, fmt.Errorf("%w: %w", ErrInterrupted, r.ctx.Err())
		}
		if r.opts.NonInteractive {
			return Result{}, "", choiceQuit, err
		}
		c, cerr := r.failed(s, err, hasForm, true, canBack)
		if cerr != nil {
			return Result{}, "", c, cerr
		}
		switch c {
		case choiceRetry:
			ask = false
			if auto { // the failure may have changed an answer: ask for the note again
				if ok, n := ready(s); ok {
					note = n
				} else {
					note = ""
				}
			}
		case choiceEdit:
			if auto { // its guide was not shown: the step ran on its own
				if g := strings.TrimSpace(rd.Render(s.Guide())); g != "" {
					r.printf("%s\n\n", wrapLines(g, lineWidth))
				}
				auto = false
			}
			ask, note = true, ""
		case choiceSkip:
			return s.(Optional).SkipResult(), "", choiceSkip, nil
		case choiceBack, choiceQuit:
			return Result{}, "", c, nil
		}
	}
}

// ask runs the step's questions: page by page for a Paged step (skipping
// hidden pages), else its whole form. It reports whether anything was asked.
func (r *lineRunner) ask(s Step) (bool, error) {
	env := r.env
	env.r = lineRenderer(s)
	p, ok := s.(Paged)
	if !ok {
		f := s.Form(env)
		return f != nil, r.form(f)
	}
	pages := p.Pages(env)
	for _, pg := range pages {
		if pg.Hide != nil && pg.Hide() {
			continue
		}
		if err := r.form(huh.NewForm(pg.Group())); err != nil {
			return true, err
		}
	}
	return len(pages) > 0, nil
}

func (r *lineRunner) failed(s Step, err error, canEdit, canSkip, canBack bool) (lineChoice, error) {
	r.printf("%s\n", wrapLines("✗ "+errorText(err), lineWidth))
	if h := lineRenderer(s).Render(hintFor(s, err)); h != "" {
		r.printf("  %s\n", strings.ReplaceAll(wrapLines(h, lineWidth-2), "\n", "\n  "))
	}
	opts := []huh.Option[lineChoice]{huh.NewOption(choiceRetryLabel, choiceRetry)}
	if canEdit {
		opts = append(opts, huh.NewOption(choiceEditLabel, choiceEdit))
	}
	if _, ok := s.(Optional); ok && canSkip {
		opts = append(opts, huh.NewOption(choiceSkipLabel, choiceSkip))
	}
	if canBack {
		opts = append(opts, huh.NewOption(choiceBackLabel, choiceBack))
	}
	opts = append(opts, huh.NewOption(choiceQuitLabel, choiceQuit))
	choice := choiceRetry
	f := huh.NewForm(huh.NewGroup(huh.NewSelect[lineChoice]().
		Title("What now?").Options(opts...).Value(&choice)))
	if err := r.form(f); err != nil {
		return choiceQuit, err
	}
	return choice, nil
}

// form runs f in accessible mode. It returns ErrInterrupted when the context
// ends and ErrInputEnded when the input ran out.
func (r *lineRunner) form(f *huh.Form) error {
	if f == nil {
		return nil
	}
	f = f.WithAccessible(true).WithInput(r.in).WithOutput(r.out).WithShowHelp(false)
	done := make(chan error, 1)
	go func() { done <- f.RunWithContext(r.ctx) }()
	select {
	case err := <-done:
		if r.li.Ended() {
			return ErrInputEnded
		}
		if err != nil {
			if errors.Is(err, huh.ErrUserAborted) {
				return ErrInterrupted
			}
			return fmt.Errorf("tui: form: %w", err)
		}
		return nil
	case <-r.ctx.Done():
		return fmt.Errorf("%w: %w", ErrInterrupted, r.ctx.Err())
	}
}
