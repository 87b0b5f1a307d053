package workshop

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// enableSMSSignIn does what the facilitator's `setup` did: the shared Twilio connector and
// phone sign-in, through the Management API.
func (r *room) enableSMSSignIn(t *testing.T) {
	t.Helper()
	f, err := load(Config{Dir: r.dir}.withDefaults(), r.srv.Client(), false)
	if err != nil {
		t.Fatal(err)
	}
	cfg := logtoapi.TwilioConfig{
		AccountSID: "ACa1b2c3d4e5f60718293a4b5c6d7e8f90", AuthToken: twilioToken, FromMessagingServiceSID: "MGf0e1d2c3b4a5968778695a4b3c2d1e0f",
		Templates: []logtoapi.SMSTemplate{
			{UsageType: "SignIn", Content: "Your code is {{code}}."},
			{UsageType: "Register", Content: "Your code is {{code}}."},
			{UsageType: "ForgotPassword", Content: "Your code is {{code}}."},
			{UsageType: "Generic", Content: "Your code is {{code}}."},
		},
	}
	if _, err := f.client.CreateTwilioConnector(t.Context(), cfg, ""); err != nil {
		t.Fatal(err)
	}
	cur, err := f.client.SignInExperience(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.ApplySignInPlan(t.Context(), logtoapi.PlanPhoneSignIn(cur)); err != nil {
		t.Fatal(err)
	}
}

// signIn signs a new phone user in through the app of the card, as the attendee's demo does:
// the browser part, then the code exchange with the card's credentials.
func (r *room) signIn(t *testing.T, card Card, phone string) {
	t.Helper()
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://localhost:3000/logto/sign-in-callback"
	q := url.Values{
		"client_id": {card.AppID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid profile phone"}, "state": {"st"}, "nonce": {"nn"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	cb, err := r.srv.NewBrowser().SignInByPhone(t.Context(), "/oidc/auth?"+q.Encode(), phone)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(cb)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, r.srv.URL+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(card.AppID, card.AppSecret)
	var tok struct {
		IDToken string `json:"id_token"`
	}
	getJSON(t, r.srv.Client(), req, &tok)
	if tok.IDToken == "" {
		t.Fatal("no ID token")
	}
}

// NO RECORDING backs what Status reads: GET /api/logs and the log Logto writes on a code
// exchange were never recorded on a real Logto; the stand-in follows the served spec and
// Logto's source (logtoapi/logtotest/logs.go).
func TestStatusShowsWhoSignedIn(t *testing.T) {
	r := newRoom(t)
	r.enableSMSSignIn(t)
	res, err := Prepare(t.Context(), r.cfg(3), nil)
	if err != nil {
		t.Fatal(err)
	}
	list, err := Status(t.Context(), r.cfg(0))
	if err != nil || len(list) != 3 {
		t.Fatalf("%v %v", list, err)
	}
	for _, s := range list {
		if s.SignedIn || s.Err != nil {
			t.Errorf("before any sign-in: %+v", s)
		}
	}
	card, err := ReadCard(res.Apps[1].Card)
	if err != nil {
		t.Fatal(err)
	}
	r.signIn(t, card, "12015550101")
	r.signIn(t, card, "12015550102")

	list, err = Status(t.Context(), r.cfg(0))
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{false, true, false}
	for i, s := range list {
		if s.SignedIn != want[i] || s.Number != i+1 || s.Err != nil {
			t.Errorf("app %d: %+v, want signed in %v", i+1, s, want[i])
		}
	}
	if s := list[1]; s.SignIns != 2 || s.Users != 2 || s.Last.IsZero() || s.AppID != card.AppID {
		t.Errorf("app 2: %+v", s)
	}
	js, err := StatusJSON(list)
	if err != nil {
		t.Fatal(err)
	}
	checkStatusJSON(t, js, 3, 1)
	if strings.Contains(string(js), card.AppSecret) {
		t.Error("the status JSON shows an app secret")
	}
	var out bytes.Buffer
	WriteStatus(&out, list)
	text := out.String()
	for _, w := range []string{"· Bookstore 01  no sign-in yet", "✓ Bookstore 02  signed in (2 sign-ins, 2 users; last ", "1 of 3 apps have a sign-in."} {
		if !strings.Contains(text, w) {
			t.Errorf("status text lacks %q:\n%s", w, text)
		}
	}
}

func TestStatusWithoutPrepare(t *testing.T) {
	r := newRoom(t)
	if _, err := Status(t.Context(), r.cfg(0)); err == nil || !strings.Contains(err.Error(), "run `⟦workshop prepare⟧` with --attendees") {
		t.Errorf("err %v", err)
	}
}

// TestWriteStatusSummary: the summary line says how many apps could not be read, so
// "0 of 2 apps have a sign-in" never stands for "none could be asked".
func TestWriteStatusSummary(t *testing.T) {
	t.Parallel()
	refused := errors.New("connection refused")
	for _, tc := range []struct {
		name string
		list []AppStatus
		want string
	}{
		{"all read", []AppStatus{{Name: "A"}, {Name: "B", SignedIn: true}}, "1 of 2 apps have a sign-in.\n"},
		{"none read", []AppStatus{{Name: "A", Err: refused}, {Name: "B", Err: refused}}, "0 of 2 apps have a sign-in; 2 could not be read (see above).\n"},
	} {
		var b bytes.Buffer
		WriteStatus(&b, tc.list)
		if !strings.HasSuffix(b.String(), tc.want) {
			t.Errorf("%s: the summary of\n%s\nwant %q", tc.name, b.String(), tc.want)
		}
	}
}
