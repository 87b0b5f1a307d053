package steps

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// keyNames match what names a key of the interactive runner, which the
// line runner (screen readers, pipes) does not have: alt+…, ctrl+… other
// than ctrl+c (the terminal's interrupt, which stops both runners), esc,
// the failure keys e, s and r, and enter to retry (the line runner asks
// "What now?" instead). "Press enter to accept" stays: enter answers a
// prompt in both runners.
var keyNames = regexp.MustCompile(`(?i)\b(alt|shift|meta)\+\w|\bctrl\+[a-bd-z]\b|\besc\b|\bpress [esr]\b|` +
	`press enter to (retry|try again|wait again|start it again)|\(e\)|\(s\)`)

func assertNoKeyNames(t *testing.T, what, text string) {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if m := keyNames.FindString(line); m != "" {
			t.Errorf("%s names the key %q, which plain mode does not have: %q", what, m, line)
		}
	}
}

// TestKeyNamesPattern: the check above can fail.
func TestKeyNamesPattern(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"Press e; it starts with AC", "(ctrl+b)", "alt+y copies", "esc cancel", "then press enter to try again"} {
		if !keyNames.MatchString(bad) {
			t.Errorf("%q is not caught", bad)
		}
	}
	for _, ok := range []string{"ctrl+c stops safely", "Press enter to accept each answer", "Choose “Edit the answers”", "escape", "press enter to finish"} {
		if keyNames.MatchString(ok) {
			t.Errorf("%q is caught", ok)
		}
	}
}

// sourceTexts returns every string in the package's non-test sources that
// holds a placeholder, by file: a concatenation of literals is joined, and
// what is not a literal shows as "<…>" (so hints built with fmt keep their
// %s verbs).
func sourceTexts(t *testing.T) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
	}
	out := map[string][]string{}
	var join func(e ast.Expr) (string, bool)
	join = func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind == token.STRING {
				s, err := strconv.Unquote(e.Value)
				return s, err == nil
			}
		case *ast.BinaryExpr:
			if e.Op == token.ADD {
				l, lok := join(e.X)
				r, rok := join(e.Y)
				if lok || rok {
					return l + r, true
				}
			}
		case *ast.ParenExpr:
			return join(e.X)
		}
		return "<…>", false
	}
	{
		for name, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				e, ok := n.(ast.Expr)
				if !ok {
					return true
				}
				if _, lit := e.(*ast.BasicLit); !lit {
					if _, bin := e.(*ast.BinaryExpr); !bin {
						return true
					}
				}
				s, ok := join(e)
				if ok && strings.ContainsAny(s, "{") && regexp.MustCompile(`\{(key|action|tui|line):`).MatchString(s) {
					out[name] = append(out[name], s)
				}
				return false // the whole concatenation, once
			})
		}
	}
	return out
}

// stepTexts are what every step shows around its form, in states that
// change them: auto and manual method, with and without a browser. Each
// comes with the step's actions (for {action:…}).
func stepTexts(t *testing.T) []struct {
	name, text string
	actions    []tui.Action
} {
	t.Helper()
	var out []struct {
		name, text string
		actions    []tui.Action
	}
	for _, method := range []string{config.MethodAuto, config.MethodManual} {
		for _, noBrowser := range []bool{false, true} {
			w := newWorld()
			w.logto.connector = &logtoapi.Connector{ID: "aliyun1", ConnectorID: "aliyun-short-message-service", Type: "Sms"}
			st := readyState()
			st.Setup.Method = method
			st.Prefill.NoBrowser = noBrowser
			st.Setup.SignedInPhone = "+15005550006"
			for _, s := range All(st, w.deps) {
				if ld, ok := s.(tui.Loader); ok && s.ID() != "welcome" {
					if apply, err := ld.Load(context.Background()); err == nil && apply != nil {
						apply()
					}
				}
				var acts []tui.Action
				if a, ok := s.(tui.Actioner); ok {
					acts = a.Actions()
				}
				texts := map[string]string{"guide": s.Guide()}
				if wt, ok := s.(tui.Waiter); ok {
					texts["waiting"] = wt.WaitingText()
				}
				if lt, ok := s.(tui.LoadWaiter); ok {
					texts["loading"] = lt.LoadingText()
				}
				for _, k := range []string{"guide", "loading", "waiting"} {
					if texts[k] == "" {
						continue
					}
					out = append(out, struct {
						name, text string
						actions    []tui.Action
					}{fmt.Sprintf("%s %s (%s, browser %v)", s.ID(), k, method, !noBrowser), texts[k], acts})
				}
			}
		}
	}
	return out
}

// TestHints keeps a golden of every text in the steps' sources that names
// an action by intent (hints, instructions, validation messages), as the
// interactive runner and the line runner render it; and checks that no text
// of any step, in any state, names a key in plain mode.
func TestHints(t *testing.T) {
	t.Parallel()
	byFile := sourceTexts(t)
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	slices.Sort(files)
	// The actions each file's {action:…} names: its step's (manual
	// method, so every action is offered), else any step's.
	byStep := map[string][]tui.Action{}
	var acts []tui.Action
	w := newWorld()
	st := readyState()
	st.Setup.Method = config.MethodManual
	for _, s := range All(st, w.deps) {
		if a, ok := s.(tui.Actioner); ok {
			byStep[s.ID()] = a.Actions()
			for _, act := range a.Actions() {
				if !slices.ContainsFunc(acts, func(x tui.Action) bool { return x.ID == act.ID }) {
					acts = append(acts, act)
				}
			}
		}
	}
	tuiR, lineR := tui.FormEnv{}, tui.FormEnv{Line: true}
	var b strings.Builder
	n := 0
	for _, f := range files {
		fmt.Fprintf(&b, "== %s\n", f)
		fileActs := acts
		if a, ok := byStep[strings.TrimSuffix(f, ".go")]; ok {
			fileActs = a
		}
		for _, s := range byFile[f] {
			n++
			plain := renderWith(lineR, s, fileActs)
			fmt.Fprintf(&b, "tui:  %s\nline: %s\n\n", renderWith(tuiR, s, fileActs), plain)
			assertNoKeyNames(t, "a hint in "+f, plain)
			if strings.Contains(plain, "{key:") || strings.Contains(plain, "{action:") {
				t.Errorf("unrendered placeholder in %q", plain)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d texts with placeholders found in the sources", n)
	}
	golden.RequireEqual(t, b.String())

	for _, tt := range stepTexts(t) {
		plain := tui.RendererFor(true, tt.actions).Render(tt.text)
		assertNoKeyNames(t, tt.name, plain)
		if strings.Contains(plain, "{key:") || strings.Contains(plain, "{action:") || strings.Contains(plain, "{tui:") {
			t.Errorf("%s: unrendered placeholder in %q", tt.name, plain)
		}
	}
}

// renderWith renders s as env's runner does, with the given actions.
func renderWith(env tui.FormEnv, s string, acts []tui.Action) string {
	return strings.ReplaceAll(tui.RendererFor(env.Line, acts).Render(s), "\n", "\n      ")
}
