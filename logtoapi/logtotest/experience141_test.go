package logtotest

// What the Experience API and the logs do differently from 1.41 (the team's contracts,
// logto-1.41/SUMMARY.md, P2-P4), each against both versions; and the token endpoint for an app
// with no redirect URI (issue 23, "Defects" §2).

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// startSend opens a new interaction in a fresh browser and sends one code (SignIn).
func startSend(t *testing.T, tt *testTenant, phone string) (int, map[string]any, *Browser) {
	t.Helper()
	b := tt.s.NewBrowser()
	if resp, _, err := b.Get(t.Context(), authQuery(tt.appID, nil)); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("authorization request: %v %v", resp, err)
	}
	if status, raw, err := b.API(t.Context(), "PUT", "/api/experience", map[string]string{"interactionEvent": "SignIn"}, nil); err != nil || status != http.StatusNoContent {
		t.Fatalf("PUT /api/experience: %d %s %v", status, raw, err)
	}
	status, raw, err := b.API(t.Context(), "POST", "/api/experience/verification/verification-code",
		map[string]any{"interactionEvent": "SignIn", "identifier": map[string]string{"type": "phone", "value": phone}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return status, out, b
}

// P2: the 11th send to one phone within 10 minutes, across interactions, is 429 on 1.41 (no
// Retry-After); 10 minutes after the first it goes through again. 1.37.1 keeps sending.
func TestSendCodeRateLimit(t *testing.T) {
	for _, v := range Versions {
		t.Run(v, func(t *testing.T) {
			var clock atomic.Int64
			clock.Store(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC).UnixMilli())
			tt := newTestTenantAt(t, func() time.Time { return time.UnixMilli(clock.Load()) }, Version(v))
			for i := range 10 {
				if status, out, _ := startSend(t, tt, "12015550199"); status != http.StatusOK {
					t.Fatalf("send %d: %d %v", i+1, status, out)
				}
				clock.Add(int64(30 * time.Second / time.Millisecond))
			}
			status, out, _ := startSend(t, tt, "12015550199")
			limited := v != DefaultVersion
			if limited {
				if status != http.StatusTooManyRequests || out["code"] != "request.message_rate_limited" ||
					out["message"] != "Too many messages sent to this recipient. Please try again later." {
					t.Fatalf("11th send: %d %v", status, out)
				}
			} else if status != http.StatusOK {
				t.Fatalf("11th send on 1.37.1: %d %v", status, out)
			}
			if n, want := len(tt.tw.calls()), map[bool]int{true: 10, false: 11}[limited]; n != want {
				t.Errorf("%d SMS reached Twilio, want %d", n, want)
			}
			// Another number is not limited.
			if status, out, _ := startSend(t, tt, "12015550100"); status != http.StatusOK {
				t.Errorf("another number: %d %v", status, out)
			}
			// The first send leaves the window: one more goes through.
			clock.Add(int64(10*time.Minute/time.Millisecond) - 10*int64(30*time.Second/time.Millisecond) + 1)
			if status, out, _ := startSend(t, tt, "12015550199"); status != http.StatusOK {
				t.Errorf("after the window: %d %v", status, out)
			}
		})
	}
	// The 429 carries no Retry-After.
	tt := newTestTenant(t, Version("1.41.0"))
	for range 10 {
		startSend(t, tt, "12015550199")
	}
	b := tt.s.NewBrowser()
	_, _, _ = b.Get(t.Context(), authQuery(tt.appID, nil))
	_, _, _ = b.API(t.Context(), "PUT", "/api/experience", map[string]string{"interactionEvent": "SignIn"}, nil)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.s.URL+"/api/experience/verification/verification-code",
		jsonBody(map[string]any{"interactionEvent": "SignIn", "identifier": map[string]string{"type": "phone", "value": "12015550199"}}))
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "" {
		t.Errorf("11th send: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// P3: with signInMode "SignIn", a SignIn code to a phone no user has is answered 200 on 1.41
// but no SMS goes out, and whatever code is tried does not match; 1.37.1 sends it. A returning
// user still gets the SMS on both.
func TestSignInOnlyUnknownPhone(t *testing.T) {
	for _, v := range Versions {
		t.Run(v, func(t *testing.T) {
			tt := newTestTenant(t, Version(v))
			tt.s.mu.Lock()
			tt.s.signInExp.set("signInMode", json.RawMessage(`"SignIn"`))
			tt.s.mu.Unlock()
			status, out, b := startSend(t, tt, "12015550199")
			if status != http.StatusOK || out["verificationId"] == nil {
				t.Fatalf("send: %d %v", status, out)
			}
			silent := v != DefaultVersion
			if n := len(tt.tw.calls()); n != map[bool]int{true: 0, false: 1}[silent] {
				t.Fatalf("%d SMS reached Twilio", n)
			}
			if silent {
				if got := len(tt.s.SentSMS()); got != 0 {
					t.Errorf("SentSMS lists %d", got)
				}
				status, raw, _ := b.API(t.Context(), "POST", "/api/experience/verification/verification-code/verify", map[string]any{
					"verificationId": out["verificationId"], "identifier": map[string]string{"type": "phone", "value": "12015550199"}, "code": "123456",
				}, nil)
				var e map[string]any
				_ = json.Unmarshal(raw, &e)
				if status != http.StatusBadRequest || e["code"] != "verification_code.code_mismatch" {
					t.Errorf("verify: %d %s", status, raw)
				}
			}
			tt.s.AddUser("12015550100")
			before := len(tt.tw.calls())
			if status, out, _ := startSend(t, tt, "12015550100"); status != http.StatusOK || len(tt.tw.calls()) != before+1 {
				t.Errorf("returning user: %d %v, %d SMS", status, out, len(tt.tw.calls())-before)
			}
		})
	}
}

// P4: start_time / end_time (epoch ms) filter the logs on 1.41; another format is 400
// guard.invalid_input. 1.37.1 ignores both.
func TestLogsTimeRange(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	ms := func(d time.Duration) string { return strconv.FormatInt(t0.Add(d).UnixMilli(), 10) }
	for _, v := range Versions {
		t.Run(v, func(t *testing.T) {
			s := NewServer(Version(v))
			t.Cleanup(s.Close)
			id, secret := s.AddM2MApp("wizard", true)
			_, tok := mgmtToken(t, s, id, secret)
			token := tok["access_token"].(string)
			for i := range 3 {
				s.AddLog(Log{Key: LogKeyExchangeByAuthorizationCode, ApplicationID: "app", CreatedAt: t0.Add(time.Duration(i) * time.Hour)})
			}
			v141 := v != DefaultVersion
			tests := []struct {
				query      string
				wantStatus int
				wantN      int
			}{
				{"start_time=" + ms(time.Hour), 200, map[bool]int{true: 2, false: 3}[v141]},
				{"end_time=" + ms(time.Hour), 200, map[bool]int{true: 2, false: 3}[v141]},
				{"start_time=" + ms(30*time.Minute) + "&end_time=" + ms(90*time.Minute), 200, map[bool]int{true: 1, false: 3}[v141]},
				{"start_time=yesterday", map[bool]int{true: 400, false: 200}[v141], 3},
				{"end_time=2026-12-07T10:00:00Z", map[bool]int{true: 400, false: 200}[v141], 3},
			}
			for _, tc := range tests {
				status, _, list := getLogs(t, s, token, tc.query)
				if status != tc.wantStatus || (status == 200 && len(list) != tc.wantN) {
					t.Errorf("?%s: %d, %d entries; want %d, %d", tc.query, status, len(list), tc.wantStatus, tc.wantN)
				}
			}
		})
	}
}

// An app with no redirect URI: the credential probe's made-up-code exchange is 400
// oidc.invalid_redirect_uri (seen on a real 1.37.1; the body is inferred, see oidc_token.go),
// and it is logged as a failed exchange.
func TestCodeExchangeWithoutRedirectURIs(t *testing.T) {
	tt := newTestTenant(t)
	appID, secret := tt.s.AddTraditionalApp("No redirect", nil, nil)
	probe := &testTenant{s: tt.s, tw: tt.tw, appID: appID, secret: secret}
	status, out := credentialProbe(t, probe, secret)
	if status != http.StatusBadRequest || out["code"] != "oidc.invalid_redirect_uri" || out["error"] != "invalid_redirect_uri" ||
		out["message"] != oidcInvalidRedirectURIMessage ||
		out["error_description"] != "redirect_uri did not match any of the client's registered redirect_uris" {
		t.Fatalf("probe: %d %v", status, out)
	}
	// A wrong secret is still a wrong secret.
	if status, out := credentialProbe(t, probe, "wrong-secret"); status != http.StatusUnauthorized {
		t.Errorf("probe with a wrong secret: %d %v", status, out)
	}
	var errs int
	for _, l := range tt.s.Logs() {
		if l.Key == LogKeyExchangeByAuthorizationCode && l.ApplicationID == appID && l.Result == "Error" {
			errs++
		}
	}
	if errs != 2 {
		t.Errorf("%d failed exchanges logged, want 2", errs)
	}
}

func jsonBody(v any) *strings.Reader {
	b, _ := json.Marshal(v)
	return strings.NewReader(string(b))
}
