package logtotest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

// TestE2ESignInPageInChromium signs a new phone in through the stand-in's own sign-in page in
// headless Chromium, using only the documented element hooks (pages/signin.html), then signs in
// again with the live session (no page, as fixtures 310-312).
func TestE2ESignInPageInChromium(t *testing.T) {
	e2etest.SkipShort(t)
	ctx := e2etest.Chromium(t)
	callbacks := make(chan url.Values, 4)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/logto/sign-in-callback" {
			select { // never block the handler: app.Close waits for it
			case callbacks <- r.URL.Query():
			default:
			}
		}
		_, _ = w.Write([]byte("<html><body><p id=app>app</p></body></html>"))
	}))
	defer app.Close()
	tw := newFakeTwilio(t)
	s := NewServer(WithTwilioBaseURL(tw.URL), WithHTTPClient(tw.Client()))
	defer s.Close()
	redirect := app.URL + "/logto/sign-in-callback"
	appID, _ := s.AddTraditionalApp("Bookstore", []string{redirect}, []string{app.URL + "/"})
	cfg, _ := json.Marshal(map[string]any{
		"accountSID": testAccountSID, "authToken": testAuthToken,
		"fromMessagingServiceSID": testServiceSID, "templates": []map[string]string{
			{"usageType": "SignIn", "content": "Your sign-in code is {{code}}."},
			{"usageType": "Register", "content": "Your sign-up code is {{code}}."},
			{"usageType": "Generic", "content": "Your code is {{code}}."},
		},
	})
	s.SetSMSConnector(TwilioFactoryID, cfg)
	enablePhoneSignIn(t, s)
	authURL := s.URL + "/oidc/auth?" + url.Values{
		"client_id": {appID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid offline_access profile phone"}, "state": {"st-1"}, "nonce": {"n-1"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"},
		"prompt": {"consent"},
	}.Encode()

	if err := chromedp.Do(ctx, chromedp.Navigate(authURL)); err != nil {
		t.Fatalf("open the authorization URL: %v", err)
	}
	step, cancelStep := context.WithTimeout(ctx, 30*time.Second)
	defer cancelStep()

	err := chromedp.Do(step,
		chromedp.WaitVisible(chromedp.CSS(`input[name=identifier]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=identifier]`), "201 555 0199"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=code]`)),
	)
	if err != nil {
		t.Fatalf("phone step: %v", err)
	}
	sent, err := chromedp.Run(step, chromedp.Text(chromedp.CSS(`#code-sent`)))
	if err != nil || !strings.Contains(sent, "+1 2015550199") {
		t.Errorf("code page says %q (%v)", sent, err)
	}
	loc, _ := chromedp.Run(step, chromedp.Location())
	if !strings.Contains(loc, "/sign-in/verification-code") {
		t.Errorf("code page URL %q", loc)
	}
	// The code as the person reads it: from the SMS Twilio received. Typing 6 digits submits.
	err = chromedp.Do(step,
		chromedp.SendKeys(chromedp.CSS(`input[name=code]`), tw.lastCode(t)),
		chromedp.WaitVisible(chromedp.CSS(`#create-account-modal button[name=continue]`)),
	)
	if err != nil {
		t.Fatalf("code step: %v", err)
	}
	modal, _ := chromedp.Run(step, chromedp.Text(chromedp.CSS(`#modal-text`)))
	if !strings.Contains(modal, "No account found for +1 2015550199") {
		t.Errorf("modal says %q", modal)
	}
	if err := chromedp.Do(step, chromedp.Click(chromedp.CSS(`#create-account-modal button[name=continue]`))); err != nil {
		t.Fatalf("continue: %v", err)
	}
	q := waitCallback(step, t, callbacks)
	if q.Get("code") == "" || q.Get("state") != "st-1" || q.Get("iss") != s.URL+"/oidc" {
		t.Errorf("callback %v", q)
	}
	if u := s.Users(); len(u) != 1 || u[0].PhoneNumber != "12015550199" {
		t.Errorf("users %+v", u)
	}
	if c := tw.calls(); len(c) != 1 || c[0].Form.Get("To") != "12015550199" || !strings.Contains(c[0].Form.Get("Body"), "sign-in code") {
		t.Errorf("SMS %+v", c)
	}

	// Again, with the live session: straight back to the app, no SMS. First let the app's page
	// finish loading, so the new navigation does not race the old one.
	if err := chromedp.Do(step, chromedp.WaitVisible(chromedp.CSS(`#app`))); err != nil {
		t.Fatalf("app page: %v", err)
	}
	if err := chromedp.Do(step, chromedp.Navigate(authURL)); err != nil {
		t.Fatalf("second authorization: %v", err)
	}
	if q := waitCallback(step, t, callbacks); q.Get("code") == "" {
		t.Errorf("SSO callback %v", q)
	}
	if n := len(tw.calls()); n != 1 {
		t.Errorf("SSO sent SMS: %d in all", n)
	}
}

func waitCallback(ctx context.Context, t *testing.T, ch <-chan url.Values) url.Values {
	t.Helper()
	select {
	case q := <-ch:
		return q
	case <-ctx.Done():
		t.Fatal("the browser never reached the app's callback")
		return nil
	}
}
