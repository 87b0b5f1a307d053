package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/workshop"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// The facilitator's secrets in a workshop room: no attendee may ever see them.
const (
	roomTwilioSID   = "ACa1b2c3d4e5f60718293a4b5c6d7e8f90"
	roomTwilioToken = "RoomTwilioAuthToken0123456789abcd"
	roomServiceSID  = "MGf0e1d2c3b4a5968778695a4b3c2d1e0f"
)

// workshopRoom is a facilitator's Logto (the stand-in) with the shared Twilio connector
// and phone sign-in, set up through the Management API with an M2M app, and the cards
// workshop.Prepare wrote. Twilio is a fake that accepts every message and keeps the bodies.
type workshopRoom struct {
	lg        *logtotest.Server
	client    *logtoapi.Client // the facilitator's (M2M)
	m2mSecret string
	dir       string // the facilitator's config dir
	cards     []string

	mu   sync.Mutex
	sent []string // what Twilio received (form bodies)
}

func newWorkshopRoom(t testing.TB, attendees, port int) *workshopRoom {
	t.Helper()
	r := &workshopRoom{dir: t.TempDir()}
	tw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_ = req.ParseForm()
		r.mu.Lock()
		r.sent = append(r.sent, req.Form.Encode())
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"sid":"SM00000000000000000000000000000001","status":"accepted"}`))
	}))
	t.Cleanup(tw.Close)
	r.lg = logtotest.NewServer(logtotest.WithTwilioBaseURL(tw.URL), logtotest.WithHTTPClient(tw.Client()))
	t.Cleanup(r.lg.Close)
	id, secret := r.lg.AddM2MApp("logto-twilio", true)
	r.m2mSecret = secret
	e, err := logtoapi.ParseEndpoint(r.lg.URL)
	if err != nil {
		t.Fatal(err)
	}
	if r.client, err = logtoapi.New(e, logtoapi.M2MCredentials{AppID: id, AppSecret: secret}, r.lg.Client()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg := logtoapi.TwilioConfig{AccountSID: roomTwilioSID, AuthToken: roomTwilioToken, FromMessagingServiceSID: roomServiceSID}
	for _, u := range []string{"SignIn", "Register", "ForgotPassword", "Generic"} {
		cfg.Templates = append(cfg.Templates, logtoapi.SMSTemplate{UsageType: u, Content: "Workshop code: {{code}}"})
	}
	conn, err := r.client.CreateTwilioConnector(ctx, cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	cur, err := r.client.SignInExperience(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.client.ApplySignInPlan(ctx, logtoapi.PlanPhoneSignIn(cur)); err != nil {
		t.Fatal(err)
	}
	err = config.Store{Dir: r.dir}.Save(config.Setup{
		Version: config.SchemaVersion, Endpoint: e.String(), Method: config.MethodAuto, M2MAppID: id,
		DemoPort: port, ConnectorID: conn.ID, TwilioAccountSID: roomTwilioSID, SignInConfigured: true,
	}, config.Secrets{Version: config.SchemaVersion, M2MAppSecret: config.Secret(secret), TwilioAuthToken: roomTwilioToken})
	if err != nil {
		t.Fatal(err)
	}
	res, err := workshop.Prepare(ctx, workshop.Config{
		Dir: r.dir, HTTPClient: r.lg.Client(), Attendees: attendees, Port: port,
		OutDir: filepath.Join(t.TempDir(), "cards"), Concurrency: workshop.MaxConcurrency,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Apps {
		r.cards = append(r.cards, a.Card)
	}
	return r
}

// twilioBodies is what the fake Twilio received.
func (r *workshopRoom) twilioBodies() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sent...)
}

// shared is the tenant's shared state that attendees must not change: the SMS
// connector and the sign-in experience, as the stand-in holds them.
func (r *workshopRoom) shared(t testing.TB) string {
	t.Helper()
	conn, ok := r.lg.SMSConnector()
	if !ok {
		t.Fatal("the room has no SMS connector")
	}
	return string(conn) + "\n" + string(r.lg.SignInExperience())
}

// moveCard rewrites the card at path for another demo port and registers that port's
// URIs on its app (the facilitator's side, with M2M): in-process attendees cannot all
// listen on the workshop's one port.
func (r *workshopRoom) moveCard(t testing.TB, path string, port int) {
	t.Helper()
	card, err := workshop.ReadCard(path)
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("http://localhost:%d", port)
	if _, err := r.client.SetApplicationURIs(context.Background(), card.AppID,
		[]string{base + "/logto/sign-in-callback"}, []string{base, base + "/"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`(?m)^port: \d+$`).ReplaceAll(b, fmt.Appendf(nil, "port: %d", port))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// signInOnDemo signs in on the demo at base as a browser would, with the stand-in's
// Experience API (logtotest.Browser): the demo's /logto/sign-in, the phone and its code,
// then the demo's callback. It retries until the demo listens, or until exited is closed
// (the run is over: its demo never will; nil for never).
func signInOnDemo(ctx context.Context, lg *logtotest.Server, base, phoneDigits string, exited <-chan struct{}) error {
	jar, _ := cookiejar.New(nil)
	demoClient := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		resp, err := demoClient.Do(req)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp, nil
	}
	resp, err := get(base + "/logto/sign-in")
	for tick := time.NewTicker(20 * time.Millisecond); err != nil; {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the demo at %s never answered: %w", base, err)
		case <-exited:
			return fmt.Errorf("the run exited before its demo at %s answered: %w", base, err)
		case <-tick.C:
			resp, err = get(base + "/logto/sign-in")
		}
	}
	if resp.StatusCode/100 != 3 {
		return fmt.Errorf("demo sign-in answered %d", resp.StatusCode)
	}
	cb, err := lg.NewBrowser().SignInByPhone(ctx, resp.Header.Get("Location"), phoneDigits)
	if err != nil {
		return err
	}
	if resp, err = get(cb); err != nil {
		return err
	}
	if resp.StatusCode/100 != 3 {
		return fmt.Errorf("demo callback answered %d", resp.StatusCode)
	}
	// The browser then loads the signed-in page the callback sends it to,
	// which the demo waits for before it stops (demo.LandingGrace).
	_, _ = get(resp.Header.Get("Location"))
	return nil
}

// assertNoFacilitatorSecret fails when text holds the M2M secret or the Twilio token.
func assertNoFacilitatorSecret(t testing.TB, where, text, m2mSecret string) {
	t.Helper()
	for name, v := range map[string]string{"M2M secret": m2mSecret, "Twilio Auth Token": roomTwilioToken} {
		if strings.Contains(text, v) {
			t.Errorf("%s contains the %s", where, name)
		}
	}
}
