package logtotest

import (
	"net/url"
	"strings"
	"testing"
)

// TestSignInPages checks the pages carry the documented hooks and escape what they echo.
func TestSignInPages(t *testing.T) {
	s := NewServer()
	defer s.Close()
	tests := []struct {
		path, event, title string
	}{
		{"/sign-in", "SignIn", "Sign in to your account"},
		{"/sign-in/verification-code", "SignIn", "Sign in to your account"},
		{"/register", "Register", "Create your account"},
		{"/register/verification-code", "Register", "Create your account"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, body, err := s.NewBrowser().Get(t.Context(), tc.path+"?app_id="+url.QueryEscape(`"><script>alert(1)</script>`))
			if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%v %v", resp, err)
			}
			page := string(body)
			for _, hook := range []string{
				`id="identifier-form"`, `name="countryCode"`, `name="identifier"`,
				`<button type="submit">`, `id="code-form"`, `name="code"`, `id="create-account-modal"`,
				`name="continue"`, `id="error"`, `data-event="` + tc.event + `"`, "<h1 id=\"title\">" + tc.title,
			} {
				if !strings.Contains(page, hook) {
					t.Errorf("page lacks %s", hook)
				}
			}
			if strings.Contains(page, "<script>alert(1)") {
				t.Error("app_id is not escaped")
			}
		})
	}
}
