package workshop

import (
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oldSheetHTML is the html/template the sheet was written with; writeSheet must give its bytes.
// The attendee's command is cardCommand's, quoted for the shell (then escaped for HTML).
var oldSheetHTML = template.Must(template.New("sheet").Funcs(template.FuncMap{"cardCommand": cardCommand}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>logto-twilio workshop cards</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#111}
section{padding:2.5cm 2cm;break-after:page;page-break-after:always}
section:last-child{break-after:auto;page-break-after:auto}
h1{font-size:1.6em;margin:0 0 1em}
pre{font-size:1.25em;background:#f3f3f3;padding:.6em 1em;border-radius:4px}
table{border-collapse:collapse;font-size:1.05em}td{padding:.3em 1em .3em 0;vertical-align:top}
td.v{font-family:ui-monospace,monospace;word-break:break-all}
.note{color:#555;margin-top:2em}
</style></head><body>
{{range .}}<section>
<h1>logto-twilio workshop: {{.Card.Name}}</h1>
<p>Your own Logto app for today. To set up SMS sign-in with it, run:</p>
<pre>{{cardCommand .File}}</pre>
<p>({{.File}} comes with this sheet; ask the facilitator if you do not have it.)</p>
<p>Without the file, run <code>logto-twilio</code> and, when it asks for the app, paste:</p>
<table>
<tr><td>Logto endpoint</td><td class="v">{{.Card.Endpoint}}</td></tr>
<tr><td>App ID</td><td class="v">{{.Card.AppID}}</td></tr>
<tr><td>App secret</td><td class="v">{{.Card.AppSecret}}</td></tr>
<tr><td>Demo port</td><td class="v">{{.Card.Port}}</td></tr>
</table>
<p class="note">The demo then runs at http://localhost:{{.Card.Port}}; sign in there with your phone.
This app works until the facilitator removes the workshop apps.</p>
</section>
{{end}}</body></html>
`))

func TestSheetSameAsTemplate(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'q' +1 javascript:alert(1) ` + "\x00\xff"
	for name, entries := range map[string][]sheetEntry{
		"one": {{Card{Version: 1, Name: "Bookstore 01", Endpoint: "https://l.example", AppID: "a1", AppSecret: "s", Port: 3000}, "bookstore-01.yaml"}},
		"two": {
			{Card{Version: 1, Name: "Bookstore 01", Endpoint: "https://l.example", AppID: "a1", AppSecret: "x+y", Port: 3000}, "bookstore-01.yaml"},
			{Card{Version: 1, Name: "Bookstore 02", Endpoint: "http://localhost:3001", AppID: "a2", AppSecret: "y", Port: 0}, "b 02.yaml"},
		},
		"hostile": {{Card{Name: hostile, Endpoint: hostile, AppID: hostile, AppSecret: hostile, Port: -1}, hostile}},
	} {
		t.Run(name, func(t *testing.T) {
			var want strings.Builder
			if err := oldSheetHTML.Execute(&want, entries); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), SheetFile)
			if err := writeSheet(path, entries); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want.String() {
				t.Errorf("sheet differs from the template:\n got %s\nwant %s", got, want.String())
			}
			for _, bad := range []string{"<script>", `"x"`, "'q'", "\x00"} {
				if strings.Contains(string(got), bad) {
					t.Errorf("the sheet contains %q unescaped", bad)
				}
			}
		})
	}
}
