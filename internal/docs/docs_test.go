package docs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/docs"
)

// headingAnchors are the anchors GitHub gives the headings of a Markdown file: lower case,
// punctuation dropped (but - and _), spaces as hyphens.
func headingAnchors(t *testing.T, path string) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	inCode := false
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(l, "```") {
			inCode = !inCode
		}
		if inCode || !strings.HasPrefix(l, "#") {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(strings.TrimLeft(l, "#"))) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteRune(r)
			}
		}
		if out[b.String()] {
			t.Errorf("%s: two headings have the anchor %q (GitHub would add -1 to the second)", path, b.String())
		}
		out[b.String()] = true
	}
	return out
}

// anchorConstants are the constants of type Anchor declared in this package's source: every
// anchor the program can link to (a conversion docs.Anchor("…") elsewhere is caught by
// TestNoAnchorOutsideDocs).
func anchorConstants(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "docs.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Anchor" {
				continue
			}
			for i, n := range vs.Names {
				v, err := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
				if err != nil {
					t.Fatal(err)
				}
				out[n.Name] = v
			}
		}
	}
	return out
}

// TestAnchorsAreHeadings: every anchor the program links to is a heading of
// docs/troubleshooting.md, so no error box links to nowhere.
func TestAnchorsAreHeadings(t *testing.T) {
	t.Parallel()
	headings := headingAnchors(t, "../../docs/troubleshooting.md")
	consts := anchorConstants(t)
	if len(consts) < 20 {
		t.Fatalf("found only %d Anchor constants in docs.go: the scan is broken", len(consts))
	}
	for name, a := range consts {
		if !headings[a] {
			t.Errorf("%s = %q is not a heading of docs/troubleshooting.md", name, a)
		}
	}
	for code := range 1_000_000 {
		if a, ok := docs.TwilioAnchor(code); ok && !headings[string(a)] {
			t.Errorf("Twilio %d links %q, not a heading of docs/troubleshooting.md", code, a)
		}
	}
}

// TestNoAnchorOutsideDocs: the program builds troubleshooting links only from the constants
// above: no docs.Anchor("…") conversion and no hand-written link to the page elsewhere.
func TestNoAnchorOutsideDocs(t *testing.T) {
	t.Parallel()
	bad := regexp.MustCompile(`docs\.Anchor\(|troubleshooting\.md#`)
	err := walkGo("../..", func(path string, src []byte) {
		if strings.HasPrefix(path, "../../internal/docs/") {
			return
		}
		if loc := bad.FindIndex(src); loc != nil {
			t.Errorf("%s builds a troubleshooting link by hand (%q): use a docs.Anchor constant", path, src[loc[0]:loc[1]])
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestURLs(t *testing.T) {
	t.Parallel()
	if got, want := docs.Twilio20003.URL(), "https://github.com/logto-twilio/logto-twilio/blob/main/docs/troubleshooting.md#twilio-20003"; got != want {
		t.Errorf("URL() = %q, want %q", got, want)
	}
	if got, want := docs.TwilioMore(21211), "Troubleshooting: https://github.com/logto-twilio/logto-twilio/blob/main/docs/troubleshooting.md#twilio-21211"; got != want {
		t.Errorf("TwilioMore(21211) = %q, want %q", got, want)
	}
	if got, want := docs.TwilioMore(21606), "Twilio's page on this error: https://www.twilio.com/docs/errors/21606"; got != want {
		t.Errorf("TwilioMore(21606) = %q, want %q", got, want)
	}
}
