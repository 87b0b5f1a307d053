package logtotest

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
)

// hostileValues go into every field of the hand-written pages.
var hostileValues = []string{
	"", "abc123", `"><script>alert(1)</script>`, `' onload='x`, "javascript:alert(1)", "a&b+c=d?e#f/g",
	"\x00\xff ünï", "{{.Title}}",
}

// TestSignInPageSameAsTemplate renders testdata/signin-template.html (the page as an html/template,
// before signinpage.go wrote it by hand) and requires the same bytes for every field value.
func TestSignInPageSameAsTemplate(t *testing.T) {
	src, err := os.ReadFile("testdata/signin-template.html")
	if err != nil {
		t.Fatal(err)
	}
	old := template.Must(template.New("signin").Parse(string(src)))
	p := &oidcProvider{}
	for _, base := range []signInPageData{
		{Title: "Sign in to your account", Event: "SignIn", Button: "Sign in"},
		{Title: "Create your account", Event: "Register", Button: "Create account"},
	} {
		for _, v := range hostileValues {
			d := base
			d.AppID, d.Path = v, "/sign-in/"+v
			var want strings.Builder
			if err := old.Execute(&want, d); err != nil {
				t.Fatal(err)
			}
			got := renderSignInPage(d)
			// The handler serves the same page for an app_id in the query.
			rec := httptest.NewRecorder()
			p.page(base)(rec, httptest.NewRequest(http.MethodGet, "/sign-in/x?app_id="+url.QueryEscape(v), nil))
			hd := base
			hd.AppID, hd.Path = v, "/sign-in/x"
			if v == "" {
				hd.AppID = "" // no cookie either
			}
			if rec.Code != http.StatusOK || rec.Body.String() != renderSignInPage(hd) {
				t.Errorf("the handler serves another page for app_id %q (status %d)", v, rec.Code)
			}
			if got != want.String() {
				t.Errorf("%s page for %q differs from the template:\n got %s\nwant %s", d.Event, v, got, want.String())
			}
			benign := renderSignInPage(base)
			if strings.ContainsAny(v, `<>"'&`) && strings.Contains(got, v) {
				t.Errorf("%s page contains %q unescaped", d.Event, v)
			}
			for _, tag := range []string{"<script", "<a ", `"`, "'"} {
				if strings.Count(got, tag) != strings.Count(benign, tag) {
					t.Errorf("%s page for %q has %d %q, the page alone %d", d.Event, v, strings.Count(got, tag), tag, strings.Count(benign, tag))
				}
			}
		}
	}
}

// TestEndSessionPageSameAsTemplate does the same for oidc-provider's sign-out form.
func TestEndSessionPageSameAsTemplate(t *testing.T) {
	old := template.Must(template.New("end").Parse(`<!-- https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#logoutsource -->
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>Sign Out</title>
</head>
<body onload="document.getElementById('op.logoutForm').submit();">
  <form id="op.logoutForm" method="post" action="{{.Action}}"><input type="hidden" name="xsrf" value="{{.XSRF}}"/></form>
  <input type="hidden" form="op.logoutForm" value="yes" name="logout" />
</body>
</html>
`))
	actions := append([]string{"http://127.0.0.1:3001/oidc/session/end/confirm", "JavaScript:alert(1)", "data:text/html,x", "https://x/a b%41%zz"}, hostileValues...)
	for _, action := range actions {
		for _, x := range hostileValues {
			var want strings.Builder
			if err := old.Execute(&want, struct{ Action, XSRF string }{action, x}); err != nil {
				t.Fatal(err)
			}
			got := endSessionPage(action, x)
			if got != want.String() {
				t.Errorf("end-session page for %q, %q differs:\n got %s\nwant %s", action, x, got, want.String())
			}
			if strings.Contains(got, "<script>") || strings.Contains(strings.ToLower(got), `action="javascript:`) {
				t.Errorf("end-session page for %q, %q is unsafe", action, x)
			}
		}
	}
}

// TestSignInPageMarkersAreKnown: every marker of pages/signin.html is one renderSignInPage fills.
func TestSignInPageMarkersAreKnown(t *testing.T) {
	for _, event := range []string{"SignIn", "Register"} {
		page := renderSignInPage(signInPageData{Title: "T", Event: event, Button: "B", AppID: "a", Path: "/p"})
		if i := strings.Index(page, "{{"); i >= 0 {
			t.Errorf("%s page keeps a marker: %.40s", event, page[i:])
		}
		if strings.Contains(page, "<!--") {
			t.Errorf("%s page keeps an HTML comment", event)
		}
	}
}
