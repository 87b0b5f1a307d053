package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
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

	if got := signInByPhone(browser, t, tn, base); got != phoneE164 {
		t.Errorf("the Express app shows the phone %q, want %q\nnode output:\n%s", got, phoneE164, logs())
	}
	signOut(browser, t, base)
	if t.Failed() {
		t.Logf("node output:\n%s", logs())
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
