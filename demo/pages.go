package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"sort"

	"github.com/logto-twilio/logto-twilio/assets"
)

type pages struct {
	homeT, errorT *template.Template
}

func loadPages() (*pages, error) {
	sub, err := fs.Sub(assets.Demo, "demo")
	if err != nil {
		return nil, fmt.Errorf("demo: pages: %w", err)
	}
	home, err := template.ParseFS(sub, "layout.html", "home.html")
	if err != nil {
		return nil, fmt.Errorf("demo: pages: %w", err)
	}
	errT, err := template.ParseFS(sub, "layout.html", "error.html")
	if err != nil {
		return nil, fmt.Errorf("demo: pages: %w", err)
	}
	return &pages{homeT: home.Lookup("home.html"), errorT: errT.Lookup("error.html")}, nil
}

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
	render(w, http.StatusOK, p.homeT, d)
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
	render(w, pr.Status, p.errorT, pr)
}

func render(w http.ResponseWriter, status int, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		http.Error(w, "demo: the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
