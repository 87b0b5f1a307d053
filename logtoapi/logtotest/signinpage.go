package logtotest

import (
	"embed"
	"html/template"
	"net/http"
)

// The sign-in pages (Logto's /sign-in and /register), plain HTML with a little JavaScript that
// calls the Experience API as Logto's own pages do. The stable element names for browser tests
// are listed in pages/signin.html.

//go:embed pages/signin.html
var pagesFS embed.FS

var signInTemplate = template.Must(template.ParseFS(pagesFS, "pages/signin.html"))

type signInPageData struct {
	Title, Event, Button, AppID, Path string
}

func (p *oidcProvider) registerPages(mux *http.ServeMux) {
	signIn := signInPageData{Title: "Sign in to your account", Event: "SignIn", Button: "Sign in"}
	register := signInPageData{Title: "Create your account", Event: "Register", Button: "Create account"}
	mux.HandleFunc("GET /sign-in", p.page(signIn))
	mux.HandleFunc("GET /sign-in/verification-code", p.page(signIn))
	mux.HandleFunc("GET /register", p.page(register))
	mux.HandleFunc("GET /register/verification-code", p.page(register))
}

func (p *oidcProvider) page(d signInPageData) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d := d
		d.AppID = r.URL.Query().Get("app_id")
		if d.AppID == "" {
			d.AppID = oidcAppIDCookie(r)
		}
		d.Path = r.URL.Path
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := signInTemplate.Execute(w, d); err != nil {
			http.Error(w, "logtotest: sign-in page: "+err.Error(), http.StatusInternalServerError)
		}
	}
}
