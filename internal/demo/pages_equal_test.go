package demo

import (
	"bytes"
	"html/template"
	"net/http/httptest"
	"strings"
	"testing"
)

// The pages were html/template files; pages.go writes them by hand. These tests render the old
// templates (testdata/oldtemplates) and require the same bytes for the same inputs, hostile ones
// included.

func oldTemplate(t *testing.T, page string) *template.Template {
	t.Helper()
	tm, err := template.ParseFiles("testdata/oldtemplates/layout.html", "testdata/oldtemplates/"+page)
	if err != nil {
		t.Fatal(err)
	}
	return tm.Lookup(page)
}

func oldRender(t *testing.T, tm *template.Template, data any) string {
	t.Helper()
	var b bytes.Buffer
	if err := tm.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const hostile = `<script>alert("x")</script> & 'q' +1 javascript:alert(1) ` + "\x00\xff"

func TestHomePageSameAsTemplate(t *testing.T) {
	tm := oldTemplate(t, "home.html")
	cases := map[string]*SignIn{
		"signed out": nil,
		"signed in":  {Subject: "u1", PhoneNumber: "+15551234567", Claims: map[string]any{"sub": "u1", "phone_number": "+15551234567", "phone_number_verified": true, "iat": 1.7e9, "aud": []any{"a", "b"}}},
		"no phone":   {Subject: "u2", Claims: map[string]any{}},
		"nil claims": {Subject: "u3", PhoneNumber: "+4915112345678"},
		"hostile":    {Subject: hostile, PhoneNumber: hostile, Claims: map[string]any{hostile: hostile, "n": map[string]any{"k": hostile}}},
	}
	for name, si := range cases {
		t.Run(name, func(t *testing.T) {
			d := homeData{Title: "Sign in", SignIn: si}
			if si != nil {
				d.Title = "Signed in"
				d.Claims = claimRows(si.Claims)
			}
			want := oldRender(t, tm, d)
			rec := httptest.NewRecorder()
			p, err := loadPages()
			if err != nil {
				t.Fatal(err)
			}
			p.home(rec, si)
			if got := rec.Body.String(); got != want {
				t.Errorf("home page differs from the template:\n got %s\nwant %s", got, want)
			}
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
			}
			checkNoInjection(t, rec.Body.String())
		})
	}
}

func TestErrorPageSameAsTemplate(t *testing.T) {
	tm := oldTemplate(t, "error.html")
	for name, pr := range map[string]problem{
		"full":    {Status: 400, Title: "Sign-in failed", Message: "The state did not match.", Next: "Start again.", Detail: "state_mismatch"},
		"minimal": {Status: 502, Title: "Bad gateway", Message: "Logto did not answer."},
		"next":    {Status: 500, Title: "T", Message: "M", Next: "N"},
		"detail":  {Status: 500, Title: "T", Message: "M", Detail: "D"},
		"hostile": {Status: 400, Title: hostile, Message: hostile, Next: hostile, Detail: hostile},
	} {
		t.Run(name, func(t *testing.T) {
			want := oldRender(t, tm, pr)
			rec := httptest.NewRecorder()
			p, err := loadPages()
			if err != nil {
				t.Fatal(err)
			}
			p.problem(rec, pr)
			if got := rec.Body.String(); got != want {
				t.Errorf("error page differs from the template:\n got %s\nwant %s", got, want)
			}
			if rec.Code != pr.Status {
				t.Errorf("status %d, want %d", rec.Code, pr.Status)
			}
			checkNoInjection(t, rec.Body.String())
		})
	}
}

// checkNoInjection fails when a hostile value reached the page unescaped.
func checkNoInjection(t *testing.T, page string) {
	t.Helper()
	for _, bad := range []string{"<script>", `"x"`, "'q'", "\x00"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q unescaped", bad)
		}
	}
}
