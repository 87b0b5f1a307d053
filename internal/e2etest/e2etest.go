// Package e2etest holds what the end-to-end tests share: finding the real
// tools they drive (Chromium, tmux, node, npm) and starting headless
// Chromium the way this project's machines need it. It is for tests only.
package e2etest

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Need returns the path of a tool an end-to-end test needs (the first of
// candidates, then tool, found on PATH). When none is there the test skips,
// except with CI=true, where it fails: end-to-end tests never skip in CI.
func Need(tb testing.TB, tool string, candidates ...string) string {
	tb.Helper()
	for _, c := range append(candidates, tool) {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is not installed, and CI=true: end-to-end tests must not skip in CI", tool)
	}
	tb.Skipf("%s is not installed (set CI=true to make this a failure)", tool)
	return ""
}

// SkipShort skips an end-to-end test under go test -short.
func SkipShort(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("end-to-end test; skipped with -short")
	}
}

// Chromium starts Debian's headless Chromium with a fresh profile and the
// flags this project's machines need, and returns the browser's context. It
// is closed when the test ends. Host names other than the loopback ones do not
// resolve, so the browser cannot reach beyond this machine.
func Chromium(tb testing.TB) context.Context {
	tb.Helper()
	chromium := Need(tb, "chromium", "/usr/bin/chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(tb.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Do starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// PhoneSignIn is one sign-in by SMS code, as a person does it in the browser.
type PhoneSignIn struct {
	// AppURL is the app's base URL: the demo server or the Express starter.
	AppURL string
	// LogtoURL, when set, is where the sign-in page must be.
	LogtoURL string
	// CountryCode (optional) and Number are typed into the sign-in page's
	// fields as given; a Number starting with "+" needs no country code.
	CountryCode, Number string
	// Code returns the code the user received once the page asks for it.
	Code func(ctx context.Context) (string, error)
	// Diagnose, when set, adds to a failure message (e.g. the terminal).
	Diagnose func() string
}

// SignInByPhone runs the whole browser flow on an app of this project's
// kind: home → sign-in → Logto's sign-in page → phone → the code →
// "create a new one?" (for a new phone) → back on the app, signed in. It returns the phone
// number the app shows.
func SignInByPhone(browser context.Context, tb testing.TB, p PhoneSignIn) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	fail := func(what string, err error) {
		tb.Helper()
		loc, _ := chromedp.Run(browser, chromedp.Location())
		page, _ := chromedp.Run(browser, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		extra := ""
		if p.Diagnose != nil {
			extra = "\n" + p.Diagnose()
		}
		tb.Fatalf("%s: %v (browser at %s)\npage:\n%s%s", what, err, loc, page, extra)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		tb.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			fail(what, err)
		}
	}
	step("open the app", chromedp.Navigate(p.AppURL+"/"), chromedp.WaitVisible(chromedp.CSS("#sign-in")))
	step("click sign in", chromedp.Click(chromedp.CSS("#sign-in")),
		chromedp.WaitVisible(chromedp.CSS("#identifier-form input[name=identifier]")))
	if p.LogtoURL != "" {
		if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasPrefix(loc, p.LogtoURL+"/sign-in") {
			tb.Fatalf("the sign-in page is at %q (%v), want %s/sign-in…", loc, err, p.LogtoURL)
		}
	}
	if p.CountryCode != "" {
		step("enter the country code", chromedp.SetValue(chromedp.CSS("#identifier-form input[name=countryCode]"), p.CountryCode))
	}
	step("enter the phone number",
		chromedp.SendKeys(chromedp.CSS("#identifier-form input[name=identifier]"), p.Number),
		chromedp.Click(chromedp.CSS("#identifier-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#code-form input[name=code]")),
	)
	code, err := p.Code(ctx)
	if err != nil {
		fail("reading the code", err)
	}
	step("type the code", chromedp.SendKeys(chromedp.CSS("#code-form input[name=code]"), code))
	// A new phone gets "create a new account?"; a returning one (a second
	// sign-in, e.g. after a rotation) goes straight back to the app.
	// Polling the page is the only way to see which came; the page may
	// navigate while it is evaluated, so an evaluation error is retried.
	next := ""
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for next == "" {
		next, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const b = document.querySelector("#create-account-modal button[name=continue]");
			if (b && b.offsetParent !== null) return "new";
			if (document.querySelector("#phone")) return "back";
			return "";
		})()`))
		if next != "" {
			break
		}
		select {
		case <-ctx.Done():
			fail("wait for the account question or the app", ctx.Err())
		case <-tick.C:
		}
	}
	if next == "new" {
		step("create the account (new phone)", chromedp.Click(chromedp.CSS("#create-account-modal button[name=continue]")))
	}
	step("back on the app, signed in", chromedp.WaitVisible(chromedp.CSS("#phone")))
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || strings.TrimSuffix(loc, "/") != p.AppURL {
		tb.Errorf("after sign-in the browser is at %q (%v), want %s", loc, err, p.AppURL)
	}
	phone, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#phone")))
	if err != nil {
		fail("reading the phone number", err)
	}
	return strings.TrimSpace(phone)
}

// sandboxPanelCode matches the line of the sandbox's inbox panel that shows a code sent to
// the sandbox's test phone.
var sandboxPanelCode = regexp.MustCompile(`(\d{6}) · (?:[a-z-]+ · )?\+14155550123 · \w+`)

// SandboxInboxCode is a PhoneSignIn.Code that reads the sign-in code from the sandbox's
// inbox panel on a terminal: the first code that was not on screen when SandboxInboxCode
// was called (the test SMS's code is older). screen reads the terminal; wait polls it until
// match holds (what names the wait in a failure).
func SandboxInboxCode(screen func() string, wait func(what string, match func(string) bool) string) func(context.Context) (string, error) {
	seen := map[string]bool{}
	for _, m := range sandboxPanelCode.FindAllStringSubmatch(screen(), -1) {
		seen[m[1]] = true
	}
	return func(context.Context) (string, error) {
		var code string
		wait("the sign-in code in the sandbox inbox panel", func(s string) bool {
			m := sandboxPanelCode.FindStringSubmatch(s)
			if m == nil || seen[m[1]] {
				return false
			}
			code = m[1]
			return true
		})
		return code, nil
	}
}
