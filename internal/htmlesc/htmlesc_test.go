package htmlesc

import (
	"html/template"
	"strings"
	"testing"
)

// samples are the hostile and ordinary values every escaper is checked with.
var samples = []string{
	"", "plain", "+15551234567", `<script>alert(1)</script>`, `"quoted" & 'single'`,
	"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>",
	"http://localhost:3001/a?b=c&d=e#f", "HTTPS://x.example/%41%zz%", "mailto:a@b.c", "/relative/p:ath",
	"a\x00b", "bad \xff utf-8 \ufdd0 \ufffe", "ünïcödé ✓", "100%", "a b\tc\nd", "x+y=z;w,v!$*@[]",
}

// TestSameAsHTMLTemplate renders every sample with html/template in each place and compares.
func TestSameAsHTMLTemplate(t *testing.T) {
	tm := template.Must(template.New("t").Parse(
		`<p>{{.}}</p>|<title>{{.}}</title>|<i data-x="{{.}}">|<a href="/r?app_id={{.}}">|<form action="{{.}}">`))
	for _, s := range samples {
		var b strings.Builder
		if err := tm.Execute(&b, s); err != nil {
			t.Fatal(err)
		}
		want := b.String()
		got := "<p>" + Text(s) + "</p>|<title>" + Text(s) + `</title>|<i data-x="` + Text(s) + `">|<a href="/r?app_id=` +
			URLQuery(s) + `">|<form action="` + URL(s) + `">`
		if got != want {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want)
		}
	}
}

// TestNothingUnescaped checks that no sample reaches the output with markup, quotes or a
// javascript: scheme intact.
func TestNothingUnescaped(t *testing.T) {
	for _, s := range samples {
		for name, out := range map[string]string{"Text": Text(s), "URLQuery": URLQuery(s), "URL": URL(s)} {
			if strings.ContainsAny(out, "<>\"'\x00") {
				t.Errorf("%s(%q) = %q keeps markup or a quote", name, s, out)
			}
			if strings.Contains(strings.ToLower(out), "javascript:") && name == "URL" {
				t.Errorf("%s(%q) = %q keeps a javascript: URL", name, s, out)
			}
		}
	}
	for _, s := range []string{"javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "vbscript:x"} {
		if got := URL(s); got != Unsafe {
			t.Errorf("URL(%q) = %q, want %q", s, got, Unsafe)
		}
	}
	if got := URL("https://ok.example/a b"); got != "https://ok.example/a%20b" {
		t.Errorf("URL(https…) = %q", got)
	}
}
