package demo

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"text/template"

	"github.com/logto-twilio/logto-twilio/assets"
)

// oldRenderStarter is the text/template rendering the starter used before fillMarkers.
func oldRenderStarter(t *testing.T, v ExpressValues) map[string]string {
	t.Helper()
	root, err := fs.Sub(assets.Express, "express")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		name := p
		if base, ok := strings.CutSuffix(p, ".tmpl"); ok {
			tm, err := template.New(base).Option("missingkey=error").Parse(string(data))
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := tm.Execute(&b, v); err != nil {
				return err
			}
			name, data = base, b.Bytes()
		}
		if rest, ok := strings.CutPrefix(name, "dot-"); ok {
			name = "." + rest
		}
		out[name] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStarterSameAsTemplate(t *testing.T) {
	for name, v := range map[string]ExpressValues{
		"local":     {Endpoint: "http://localhost:3001", AppID: "abc123", AppSecret: "s3cr3t", BaseURL: "http://localhost:3000", SessionSecret: "SESSION"},
		"oidc":      {Endpoint: "https://tenant.logto.app/oidc/", AppID: "x", AppSecret: "y", BaseURL: "https://demo.example:8443/", SessionSecret: "z"},
		"markers":   {Endpoint: "http://h/{{.AppID}}", AppID: "{{.AppSecret}}", AppSecret: "{{", BaseURL: "http://b/}}", SessionSecret: "{{.Nope}}"},
		"html-ish":  {Endpoint: "http://h", AppID: "<script>", AppSecret: "&amp;", BaseURL: "http://b", SessionSecret: "%s%v"},
		"generated": {Endpoint: "http://localhost:3001", AppID: "a", AppSecret: "b", BaseURL: "http://localhost:3000"},
	} {
		t.Run(name, func(t *testing.T) {
			cv, err := v.check()
			if err != nil {
				t.Fatal(err)
			}
			want := oldRenderStarter(t, cv)
			files, err := renderStarter(cv)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != len(want) {
				t.Errorf("%d files, want %d", len(files), len(want))
			}
			for _, f := range files {
				if w, ok := want[f.name]; !ok || string(f.data) != w {
					t.Errorf("%s differs from the template rendering:\n got %q\nwant %q", f.name, f.data, w)
				}
			}
		})
	}
}

func TestFillMarkers(t *testing.T) {
	vals := map[string]string{"A": "1", "B": "{{.A}}"}
	for _, tc := range []struct{ src, want, err string }{
		{src: "", want: ""},
		{src: "no markers", want: "no markers"},
		{src: "{{.A}}-{{.B}}-{{.A}}", want: "1-{{.A}}-1"},
		{src: "x {{.C}} y", err: "unknown marker {{.C}}"},
		{src: "x {{A}} y", err: "unknown marker {{A}}"},
		{src: "x {{ .A }} y", err: "unknown marker {{ .A }}"},
		{src: "{{if .A}}x{{end}}", err: "unknown marker {{if .A}}"},
		{src: "x {{.A", err: `a "{{" without its "}}"`},
	} {
		got, err := fillMarkers(tc.src, vals)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("fillMarkers(%q) error = %v, want %q", tc.src, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("fillMarkers(%q) = %q, %v, want %q", tc.src, got, err, tc.want)
		}
	}
}

// TestStarterMarkersAreKnown: every marker in the embedded starter files is one ExpressValues fills.
func TestStarterMarkersAreKnown(t *testing.T) {
	root, err := fs.Sub(assets.Express, "express")
	if err != nil {
		t.Fatal(err)
	}
	matches, err := fs.Glob(root, "*.tmpl")
	if err != nil || len(matches) == 0 {
		t.Fatalf("no .tmpl files: %v", err)
	}
	for _, m := range matches {
		data, err := fs.ReadFile(root, m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fillMarkers(string(data), ExpressValues{}.markers()); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
}
