package modcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// commandLine finds a spelled-out command line of the program in a text.
var commandLine = regexp.MustCompile(`logto-twilio( (setup|doctor|rotate|teardown|workshop|sandbox|help|completion)\b| --?[a-z])`)

// helpText names the constants and fields that hold help text: --help shows
// them as they are, and TestSuggestionsParse (cmd/logto-twilio) parses their
// examples through the command tree.
var helpText = regexp.MustCompile(`(?i)(long|example|usage)$`)

// allowed are the other texts that may name a command, each with why.
var allowed = map[string]string{
	"internal/cmdline/cmdline.go":   "the one place the program's name is written",
	"internal/workshop/cards.go":    "a workshop card is read on another person's machine: its command is the plain one (cardCommand)",
	"internal/workshop/workshop.go": "the description Logto shows for an attendee app, not a command to run",
	"internal/sandbox/sandbox.go":   "the name of the sandbox's M2M app",
	"scripts/gendocs/main.go":       "writes docs/reference.md, read by anyone: the plain command, as the other docs name it",
}

// TestNoCommandLineSpelledOut (issue 18): every command line the program
// prints for the user to run is built by one helper (the Invocation, through
// a cmdline.Func), which repeats the run's --sandbox, --config-dir and
// --preset and names the program as this user can run it. A string literal
// that spells one out bypasses it; so none may, outside help text and the
// places listed in allowed.
func TestNoCommandLineSpelledOut(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	found, scanned := 0, 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if _, ok := allowed[filepath.ToSlash(rel)]; ok {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		scanned++
		for _, at := range spelledOut(fset, f) {
			t.Errorf("%s spells out a command line", at)
			found++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 50 {
		t.Fatalf("scanned only %d files from %s", scanned, root)
	}
	if found > 0 {
		t.Errorf("%d command lines are spelled out: build them with the Invocation (factory) or a cmdline.Func", found)
	}
}

// spelledOut reports where f's string literals spell out a command line,
// outside help text.
func spelledOut(fset *token.FileSet, f *ast.File) []string {
	var out []string
	skip := map[ast.Node]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for _, name := range n.Names {
				if helpText.MatchString(name.Name) {
					for _, v := range n.Values {
						skip[v] = true
					}
				}
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok && helpText.MatchString(k.Name) {
				skip[n.Value] = true
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && helpText.MatchString(sel.Sel.Name) && i < len(n.Rhs) {
					skip[n.Rhs[i]] = true
				}
			}
		}
		if skip[n] {
			return false
		}
		if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
			if v, err := strconv.Unquote(bl.Value); err == nil && commandLine.MatchString(v) {
				out = append(out, fset.Position(bl.Pos()).String()+": "+strconv.Quote(commandLine.FindString(v)))
			}
		}
		return true
	})
	return out
}

// TestSpelledOutFinds: the scan finds a spelled-out command, and passes over
// help text.
func TestSpelledOutFinds(t *testing.T) {
	t.Parallel()
	src := `package p
const rootExample = "logto-twilio doctor"
var c = struct{ Example, Short string }{Example: "logto-twilio rotate", Short: "x"}
func f() string { return "Run logto-twilio teardown again" }
func g() string { return "Run logto-twilio --sandbox" }
func h() string { return "logto-twilio sandbox (M2M) is a name" }
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := spelledOut(fset, f)
	if len(got) != 3 {
		t.Errorf("found %q, want the teardown, --sandbox and sandbox lines", got)
	}
}
