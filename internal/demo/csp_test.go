package demo

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var (
	styleElem   = regexp.MustCompile(`(?s)<style>(.*?)</style>`)
	notAllowed  = regexp.MustCompile(`(?i)<script|<link|<img|<iframe|\sstyle=|\son[a-z]+=|javascript:`)
	formActions = regexp.MustCompile(`<form method="(get|post)" action="([^"]*)"`)
)

// TestContentSecurityPolicy: every answer has a strict CSP (no script, nothing loaded, no
// framing, no <base>); the pages' one inline style sheet is allowed by its hash, which
// matches the page as served (a change to the style without the hash would leave the pages
// unstyled); the pages hold nothing the policy would block; and forms may go only to the demo
// and to Logto, where the sign-in and sign-out redirect.
func TestContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	f := newFakeIssuer(t)
	_, base := startDemo(t, f, nil)
	c := loopbackClient(t)
	want := "default-src 'none'; style-src " + styleSource + "; img-src 'self'; form-action 'self' " + base + " " + f.srv.URL +
		"; frame-ancestors 'none'; base-uri 'none'"

	cb, _ := startSignIn(t, c, base)
	pages := map[string]page{
		"signed out": get(t, c, http.MethodGet, base+"/"),
		"error":      get(t, c, http.MethodGet, base+"/logto/sign-in-callback?state=x&code=y"),
		"callback":   get(t, c, http.MethodGet, cb.String()),
		"signed in":  get(t, c, http.MethodGet, base+"/"),
		"sign-out":   get(t, c, http.MethodPost, base+"/logto/sign-out"),
		"not found":  get(t, c, http.MethodGet, base+"/logto/unknown"),
	}
	forms := map[string]bool{}
	for name, p := range pages {
		if got := p.header.Get("Content-Security-Policy"); got != want {
			t.Errorf("%s: Content-Security-Policy\n got %q\nwant %q", name, got, want)
		}
		if p.status/100 == 3 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
			continue
		}
		styles := styleElem.FindAllStringSubmatch(p.body, -1)
		if len(styles) != 1 {
			t.Errorf("%s: %d style sheets, want the one", name, len(styles))
			continue
		}
		sum := sha256.Sum256([]byte(styles[0][1]))
		if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; h != styleSource {
			t.Errorf("%s: the style sheet's hash is %s, the policy allows %s", name, h, styleSource)
		}
		if m := notAllowed.FindString(p.body); m != "" {
			t.Errorf("%s: the page has %q, which the policy blocks", name, m)
		}
		for _, m := range formActions.FindAllStringSubmatch(p.body, -1) {
			forms[m[1]+" "+m[2]] = true
		}
	}
	for _, f := range []string{"get /logto/sign-in", "post /logto/sign-out", "get /"} {
		if !forms[f] {
			t.Errorf("no form %q on the pages (%v): the form-action list was checked against them", f, forms)
		}
	}
	if len(forms) != 3 {
		t.Errorf("forms %v: a new one needs its target in form-action", forms)
	}
}

func TestCSPOrigin(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://abc.logto.app/oidc/auth":      "https://abc.logto.app",
		"http://localhost:3001/oidc/auth?x=1":  "http://localhost:3001",
		"http://[::1]:3001/oidc":               "http://[::1]:3001",
		"ftp://example.com/":                   "",
		"https://user:pw@example.com/":         "",
		"/relative":                            "",
		"":                                     "",
		"https://exa'mple.com/":                "",
		"https://example.com;script-src *.com": "",
	} {
		if got := cspOrigin(in); got != want {
			t.Errorf("cspOrigin(%q) = %q, want %q", in, got, want)
		}
	}
}
