package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/logto-twilio/logto-twilio/internal/htmlesc"
)

// The demo's two pages (home and error), written by hand rather than with html/template, whose
// reachable Execute keeps every exported method in the binary (about 4 MiB). Every value goes
// through htmlesc, which escapes byte for byte as html/template did (pages_equal_test.go).

type pages struct{}

func loadPages() (*pages, error) { return &pages{}, nil }

type claimRow struct{ Name, Value string }

type homeData struct {
	Title  string
	SignIn *SignIn
	Claims []claimRow
}

func (p *pages) home(w http.ResponseWriter, si *SignIn) {
	d := homeData{Title: "Sign in", SignIn: si}
	if si != nil {
		d.Title = "Signed in"
		d.Claims = claimRows(si.Claims)
	}
	var b bytes.Buffer
	writeTop(&b, d.Title)
	b.WriteString("\n")
	if si == nil {
		b.WriteString(`
<h1>Sign in with your phone</h1>
<div class="card" id="signed-out">
  <p>You are not signed in. Sign in with your phone number: Logto sends you a code by SMS (Twilio).</p>
  <form method="get" action="/logto/sign-in">
    <p><button type="submit" id="sign-in">Sign in</button></p>
  </form>
</div>
`)
	} else {
		phone := "(none)"
		if si.PhoneNumber != "" {
			phone = htmlesc.Text(si.PhoneNumber)
		}
		b.WriteString(`
<h1>Signed in</h1>
<p class="muted" id="done">Phone sign-in with Logto and Twilio works. logto-twilio has seen this sign-in: you can go back to the terminal.</p>
<div class="card" id="signed-in">
  <p>Phone number</p>
  <p class="phone" id="phone">` + phone + `</p>
  <p>User ID (<code>sub</code>): <code id="sub">` + htmlesc.Text(si.Subject) + `</code></p>
</div>
<h2>ID token claims</h2>
<table id="claims">
`)
		for _, c := range d.Claims {
			b.WriteString(`  <tr><th><code>` + htmlesc.Text(c.Name) + `</code></th><td><code>` + htmlesc.Text(c.Value) + "</code></td></tr>\n")
		}
		b.WriteString(`</table>
<form method="post" action="/logto/sign-out">
  <p><button type="submit" id="sign-out">Sign out</button></p>
</form>
`)
	}
	b.WriteString("\n")
	writeBottom(&b)
	send(w, http.StatusOK, &b)
}

// claimRows lists claims by name; strings are shown as they are, other values as JSON.
func claimRows(claims map[string]any) []claimRow {
	rows := make([]claimRow, 0, len(claims))
	for k, v := range claims {
		var s string
		switch x := v.(type) {
		case string:
			s = x
		default:
			b, err := json.Marshal(x)
			if err != nil {
				s = fmt.Sprint(x)
			} else {
				s = string(b)
			}
		}
		rows = append(rows, claimRow{Name: k, Value: s})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows
}

func (p *pages) problem(w http.ResponseWriter, pr problem) {
	var b bytes.Buffer
	writeTop(&b, pr.Title)
	b.WriteString(`
<div class="card error" id="error">
  <h1>` + htmlesc.Text(pr.Title) + `</h1>
  <p id="message">` + htmlesc.Text(pr.Message) + `</p>
  `)
	if pr.Next != "" {
		b.WriteString(`<p id="next"><strong>What to do:</strong> ` + htmlesc.Text(pr.Next) + `</p>`)
	}
	b.WriteString("\n  ")
	if pr.Detail != "" {
		b.WriteString(`<p class="muted">Details: <code id="detail">` + htmlesc.Text(pr.Detail) + `</code></p>`)
	}
	b.WriteString(`
</div>
<form method="get" action="/">
  <p><button type="submit" class="secondary">Back to the demo</button></p>
</form>
`)
	writeBottom(&b)
	send(w, pr.Status, &b)
}

// pageStyle is the text of the pages' only style sheet, an inline <style>; the
// Content-Security-Policy allows it by its hash (styleSource), and no other style.
const pageStyle = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 46rem; padding: 0 1rem; color: #1f2328; line-height: 1.5; }
  h1 { font-size: 1.6rem; margin-bottom: .25rem; }
  .muted { color: #59636e; }
  .card { border: 1px solid #d1d9e0; border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
  .phone { font-size: 1.5rem; font-weight: 600; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eef1f4; vertical-align: top; }
  th { width: 14rem; font-weight: 500; }
  td code, p code { word-break: break-all; }
  button { font: inherit; font-weight: 600; padding: .5rem 1.1rem; border-radius: 6px; border: 1px solid #5d34f2; background: #5d34f2; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #5d34f2; }
  .error { border-color: #cf222e; }
  .error h1 { color: #cf222e; }
`

// writeTop writes the head of every page, up to and with <body>.
func writeTop(b *bytes.Buffer, title string) {
	b.WriteString(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + htmlesc.Text(title) + ` · logto-twilio demo</title>
<style>` + pageStyle + `</style>
</head>
<body>
`)
}

// writeBottom writes the footer that closes every page.
func writeBottom(b *bytes.Buffer) {
	b.WriteString(`
<p class="muted">Demo sign-in server of logto-twilio (the Go twin of Logto's Express sample).</p>
</body>
</html>
`)
	b.WriteString("\n")
}

func send(w http.ResponseWriter, status int, b *bytes.Buffer) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}
