package logtotest

import (
	_ "embed" // the sign-in page
	"net/http"
	"strings"
	"sync"

	"github.com/logto-twilio/logto-twilio/internal/htmlesc"
)

// The sign-in pages (Logto's /sign-in and /register), plain HTML with a little JavaScript that
// calls the Experience API as Logto's own pages do. The stable element names for browser tests
// are listed in pages/signin.html.
//
// The page is not an html/template (a reachable template Execute keeps every exported method in
// the binary, about 4 MiB): renderSignInPage replaces its "{{.Name}}" markers with values it
// escapes itself, byte for byte as html/template did (signinpage_equal_test.go).

//go:embed pages/signin.html
var signInSource string

// signInHTML is the page without its HTML comment (html/template dropped comments).
var signInHTML = sync.OnceValue(func() string { return stripHTMLComments(signInSource) })

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
		_, _ = w.Write([]byte(renderSignInPage(d)))
	}
}

// renderSignInPage fills in the page's markers, each escaped for where it stands: text and quoted
// attributes, and the app ID as a query value in the link to the other page.
func renderSignInPage(d signInPageData) string {
	// The whitespace around the link is what the template's {{if}}…{{else}}…{{end}} left.
	sw := "\n  <p class=\"switch\">Already have an account? <a id=\"sign-in\" href=\"/sign-in?app_id=" +
		htmlesc.URLQuery(d.AppID) + "\">Sign in</a></p>\n  "
	if d.Event == "SignIn" {
		sw = "\n  <p class=\"switch\">No account yet? <a id=\"create-account\" href=\"/register?app_id=" +
			htmlesc.URLQuery(d.AppID) + "\">Create account</a></p>\n  "
	}
	return strings.NewReplacer(
		"{{.Title}}", htmlesc.Text(d.Title),
		"{{.Event}}", htmlesc.Text(d.Event),
		"{{.Button}}", htmlesc.Text(d.Button),
		"{{.AppID}}", htmlesc.Text(d.AppID),
		"{{.Path}}", htmlesc.Text(d.Path),
		"{{.Switch}}", sw,
	).Replace(signInHTML())
}

// stripHTMLComments drops every "<!-- … -->" of s.
func stripHTMLComments(s string) string {
	var b strings.Builder
	for {
		before, rest, found := strings.Cut(s, "<!--")
		b.WriteString(before)
		if !found {
			return b.String()
		}
		_, s, _ = strings.Cut(rest, "-->")
	}
}
