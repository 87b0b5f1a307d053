package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/internal/e2etest"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// The end user of these tests: +1 201 555 0199, typed as Logto's page expects (country code
// field "1", national number), stored by Logto as digits only.
const (
	phoneNational = "2015550199"
	phoneE164     = "+12015550199"
	phoneDigits   = "12015550199"
)

// tenant is a Logto stand-in wired to a Twilio stand-in, set up the way the wizard leaves a real
// tenant: a Twilio SMS connector and phone sign-in enabled.
type tenant struct {
	logto  *logtotest.Server
	twilio *twiliotest.Server
	mgmt   *logtoapi.Client
}

func newTenant(t *testing.T) *tenant {
	t.Helper()
	tw := twiliotest.NewServer()
	t.Cleanup(tw.Close)
	acct := "AC" + strings.Repeat("0123456789abcdef", 2)
	tw.AddAccount(twiliotest.Account{SID: acct, FriendlyName: "E2E"})
	mg := tw.AddService(acct, "Logto sign-in", "+15017122661")

	lg := logtotest.NewServer(logtotest.WithTwilioBaseURL(tw.URL))
	t.Cleanup(lg.Close)

	templates := []map[string]string{}
	for _, u := range []string{"SignIn", "Register", "ForgotPassword", "Generic"} {
		templates = append(templates, map[string]string{
			"usageType": u, "content": "E2E: your code is {{code}} (" + u + " template).",
		})
	}
	cfg, err := json.Marshal(map[string]any{
		"accountSID": acct, "authToken": tw.AuthToken(acct), "fromMessagingServiceSID": mg, "templates": templates,
	})
	if err != nil {
		t.Fatal(err)
	}
	lg.SetSMSConnector(logtoapi.TwilioFactoryID, cfg)

	ep, err := logtoapi.ParseEndpoint(lg.URL)
	if err != nil {
		t.Fatal(err)
	}
	id, secret := lg.AddM2MApp("e2e wizard", true)
	mgmt, err := logtoapi.New(ep, logtoapi.M2MCredentials{AppID: id, AppSecret: secret}, lg.Client())
	if err != nil {
		t.Fatal(err)
	}
	cur, err := mgmt.SignInExperience(t.Context())
	if err != nil {
		t.Fatalf("reading the sign-in experience: %v", err)
	}
	if plan := logtoapi.PlanPhoneSignIn(cur); !plan.NoChange() {
		if _, err := mgmt.ApplySignInPlan(t.Context(), plan); err != nil {
			t.Fatalf("enabling phone sign-in: %v", err)
		}
	}
	return &tenant{logto: lg, twilio: tw, mgmt: mgmt}
}

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

// signInByPhone signs in through an app at base (the demo or the Express starter) with the
// national number typed after the country code, reading the code from the Twilio stand-in's
// inbox, and returns the phone number the app shows.
func signInByPhone(browser context.Context, t *testing.T, tn *tenant, base string) string {
	t.Helper()
	return e2etest.SignInByPhone(browser, t, e2etest.PhoneSignIn{
		AppURL: base, LogtoURL: tn.logto.URL, CountryCode: "1", Number: phoneNational,
		Code: func(ctx context.Context) (string, error) {
			msg, err := tn.twilio.WaitMessage(ctx, phoneE164)
			if err != nil {
				return "", fmt.Errorf("no SMS reached the Twilio stand-in: %w", err)
			}
			m := sixDigits.FindStringSubmatch(msg.Body)
			if m == nil || !strings.Contains(msg.Body, "SignIn template") {
				return "", fmt.Errorf("SMS body %q: want a 6-digit code from the SignIn template", msg.Body)
			}
			return m[1], nil
		},
	})
}

// signOut clicks the app's sign-out control, goes through Logto's end-session page, and checks
// the app is signed out, also after a reload.
func signOut(browser context.Context, t *testing.T, base string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#sign-out")),
		chromedp.WaitVisible(chromedp.CSS("#sign-in")),
	); err != nil {
		loc, _ := chromedp.Run(browser, chromedp.Location())
		t.Fatalf("sign-out: %v (browser at %s)", err, loc)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || strings.TrimSuffix(loc, "/") != base {
		t.Errorf("after sign-out the browser is at %q (%v), want %s", loc, err, base)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#sign-in"))); err != nil {
		t.Fatalf("reload after sign-out: %v", err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#phone").length`))
	if err != nil || n != 0 {
		t.Errorf("after sign-out and reload the page still shows a phone number (%d, %v)", n, err)
	}
	// Logto's session ended too: signing in again asks for the phone number.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#sign-in")),
		chromedp.WaitVisible(chromedp.CSS("#identifier-form input[name=identifier]")),
	); err != nil {
		loc, _ := chromedp.Run(browser, chromedp.Location())
		t.Errorf("after sign-out, sign-in did not show Logto's sign-in page: %v (browser at %s)", err, loc)
	}
}

func TestE2EDemoSignIn(t *testing.T) {
	e2etest.SkipShort(t)
	browser := e2etest.Chromium(t)
	tn := newTenant(t)

	// The wizard creates the app first, then registers the demo's URIs.
	appID, secret := tn.logto.AddTraditionalApp("E2E demo", nil, nil)
	srv, err := demo.New(demo.Config{Endpoint: tn.logto.URL, AppID: appID, AppSecret: secret, HTTPClient: tn.logto.Client()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	u, err := srv.Start(t.Context(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(u, "/")
	if _, err := tn.mgmt.SetApplicationURIs(t.Context(), appID,
		[]string{demo.RedirectURI(base)}, []string{demo.PostLogoutRedirectURI(base)}); err != nil {
		t.Fatalf("registering the demo's URIs: %v", err)
	}

	if got := signInByPhone(browser, t, tn, base); got != phoneE164 {
		t.Errorf("the demo shows the phone %q, want %q", got, phoneE164)
	}
	select {
	case si := <-srv.SignIns():
		if si.PhoneNumber != phoneE164 || si.Subject == "" {
			t.Errorf("reported sign-in %+v", si)
		}
		users := tn.logto.Users()
		if len(users) != 1 || users[0].ID != si.Subject || users[0].PhoneNumber != phoneDigits {
			t.Errorf("stand-in users %+v, sign-in subject %q", users, si.Subject)
		}
	default:
		t.Error("the demo reported no sign-in")
	}
	signOut(browser, t, base)
}

func TestE2EExpressSignIn(t *testing.T) {
	e2etest.SkipShort(t)
	npm := e2etest.Need(t, "npm")
	node := e2etest.Need(t, "node")
	browser := e2etest.Chromium(t)
	tn := newTenant(t)

	port := freePort(t)
	base := fmt.Sprintf("http://localhost:%d", port)
	appID, secret := tn.logto.AddTraditionalApp("E2E Express", []string{demo.RedirectURI(base)}, []string{demo.PostLogoutRedirectURI(base)})

	dir := t.TempDir()
	if _, err := demo.WriteExpressStarter(dir, demo.ExpressValues{
		Endpoint: tn.logto.URL, AppID: appID, AppSecret: secret, BaseURL: base,
	}, nil); err != nil {
		t.Fatal(err)
	}
	e2etest.NPMInstall(t, npm, dir)
	logs := e2etest.StartExpress(t, node, dir, base)

	// It prints the URL registered with Logto, and no other.
	if out := logs(); !strings.Contains(out, "Listening on "+base+"\n") || strings.Contains(out, "127.0.0.1") {
		t.Errorf("the Express app's output does not name %s alone:\n%s", base, out)
	}
	checkExpressHosts(t, port, base)
	checkExpressErrorPages(t, base)

	if got := signInByPhone(browser, t, tn, base); got != phoneE164 {
		t.Errorf("the Express app shows the phone %q, want %q\nnode output:\n%s", got, phoneE164, logs())
	}
	signOut(browser, t, base)
	checkExpressWithoutEnv(t, node, dir)
	if t.Failed() {
		t.Logf("node output:\n%s", logs())
	}
}

// noRedirects is an HTTP client that returns redirects as they are, without a cookie jar.
var noRedirects = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       30 * time.Second,
}

// get sends GET url (with the Host header host, unless "") and returns the response and its body.
func get(t *testing.T, url, host string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, http.NoBody)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp, string(body)
}

// checkExpressHosts: a request to another name of the Express app's machine goes to the base
// URL, same path and query, before any session is made (the session cookie of 127.0.0.1 would
// not come back from Logto, which returns to the base URL).
func checkExpressHosts(t *testing.T, port int, base string) {
	t.Helper()
	at := fmt.Sprintf("http://127.0.0.1:%d", port)
	for _, tc := range []struct{ url, host, want string }{
		{at + "/", "", base + "/"},
		{at + "/?from=e2e&x=1", "", base + "/?from=e2e&x=1"},
		{at + "/logto/sign-in", fmt.Sprintf("[::1]:%d", port), base + "/logto/sign-in"},
		{at + "/logto/sign-in-callback?code=c&state=s", "", base + "/logto/sign-in-callback?code=c&state=s"},
	} {
		resp, _ := get(t, tc.url, tc.host)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != tc.want {
			t.Errorf("GET %s (Host %q): %d to %q, want 302 to %s", tc.url, tc.host, resp.StatusCode, loc, tc.want)
		}
		if c := resp.Header.Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("GET %s (Host %q) set cookies %q before sending the browser to %s", tc.url, tc.host, c, base)
		}
	}
}

// stackTrace finds what a Node.js stack trace or error name would put on a page.
var stackTrace = regexp.MustCompile(`LogtoClientError|LogtoRequestError|LogtoError|node_modules|\n\s+at |file://|\.js:\d+:\d+`)

// checkExpressErrorPages: the sign-in callback without a sign-in session shows a page that says
// so and starts again, and a failing one (a code Logto does not know) a short page; neither
// shows a stack trace.
func checkExpressErrorPages(t *testing.T, base string) {
	t.Helper()
	resp, body := get(t, base+"/logto/sign-in-callback?code=abc&state=xyz", "")
	if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(body, "This sign-in was started somewhere else") || !strings.Contains(body, `href="/logto/sign-in"`) {
		t.Errorf("the callback without a sign-in session: %d %s, want 400 with the page to sign in again:\n%s",
			resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if stackTrace.MatchString(body) {
		t.Errorf("the callback without a sign-in session shows a stack trace:\n%s", body)
	}

	// A sign-in session, then a callback with its state and a code Logto never issued.
	resp, _ = get(t, base+"/logto/sign-in", "")
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || loc.Query().Get("state") == "" {
		t.Fatalf("GET /logto/sign-in: %d to %q (%v), want a redirect to Logto with a state", resp.StatusCode, resp.Header.Get("Location"), err)
	}
	resp, body = get(t, base+"/logto/sign-in-callback?code=never-issued&state="+url.QueryEscape(loc.Query().Get("state")), "", resp.Cookies()...)
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "The details are in the terminal") {
		t.Errorf("the callback with a code Logto never issued: %d, want 500 with the short page:\n%s", resp.StatusCode, body)
	}
	if stackTrace.MatchString(body) {
		t.Errorf("the callback with a code Logto never issued shows a stack trace:\n%s", body)
	}
}

// checkExpressWithoutEnv: started without .env, the app says which variables are missing and how
// to write .env again, and exits 1.
func checkExpressWithoutEnv(t *testing.T, node, dir string) {
	t.Helper()
	env, aside := filepath.Join(dir, ".env"), filepath.Join(dir, "env.aside")
	if err := os.Rename(env, aside); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Rename(aside, env); err != nil {
			t.Error(err)
		}
	}()
	args := e2etest.StartScript(t, node, dir)
	cmd := exec.CommandContext(t.Context(), args[0], args[1:]...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("without .env the app exited with %v, want exit status 1:\n%s", err, out)
	}
	for _, want := range []string{
		"There is no .env in this folder, so LOGTO_ENDPOINT, LOGTO_APP_ID, LOGTO_APP_SECRET, BASE_URL, SESSION_SECRET are not set.",
		`To write it, run logto-twilio setup and answer Yes to "Write the Express starter?" with this folder.`,
		"copy .env.example to .env",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("without .env the app's output lacks %q:\n%s", want, out)
		}
	}
}

// freePort returns a loopback port that was free a moment ago (node needs it before it starts).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
