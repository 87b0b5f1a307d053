package logtotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// seededTenant is a tenant as the wizard leaves it: an M2M app with the Management role, a
// Traditional app with URIs, a Twilio connector, phone sign-in enabled and one user.
func seededTenant(t *testing.T) (s *Server, m2mID, m2mSecret, appID string) {
	t.Helper()
	s = NewServer()
	t.Cleanup(s.Close)
	m2mID, m2mSecret = s.AddM2MApp("wizard (M2M)", true)
	appID, _ = s.AddTraditionalApp("Bookstore",
		[]string{"http://localhost:3000/callback"}, []string{"http://localhost:3000"})
	s.SetSMSConnector("twilio-short-message-service", json.RawMessage(`{"accountSID":"AC1","authToken":"tok","fromMessagingServiceSID":"MG1","templates":[{"usageType":"Generic","content":"{{code}}"}]}`))
	s.mu.Lock()
	s.signInExp.set("signUp", json.RawMessage(`{"identifiers":["phone"],"password":false,"verify":true}`))
	s.apps[appID].Secrets = append(s.apps[appID].Secrets, appSecret{Name: "rotated", Value: "second", CreatedAt: 2})
	s.mu.Unlock()
	s.AddUser("14155550123")
	return s, m2mID, m2mSecret, appID
}

func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	src, m2mID, m2mSecret, appID := seededTenant(t)
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}

	dst := NewUnstartedServer()
	if err := dst.Restore(snap); err != nil {
		t.Fatal(err)
	}
	dst.Start()
	t.Cleanup(dst.Close)

	for _, id := range []string{m2mID, appID} {
		a, _ := src.Application(id)
		b, ok := dst.Application(id)
		if !ok || !sameJSON(a, b) {
			t.Errorf("application %s after restore:\n%s\nwant\n%s", id, b, a)
		}
	}
	if a, b := mustConnector(t, src), mustConnector(t, dst); !sameJSON(a, b) {
		t.Errorf("connector after restore:\n%s\nwant\n%s", b, a)
	}
	if a, b := src.SignInExperience(), dst.SignInExperience(); !sameJSON(a, b) || !strings.Contains(string(compact(b)), `"signUp":{"identifiers":["phone"]`) {
		t.Errorf("sign-in experience after restore:\n%s\nwant\n%s", b, a)
	}
	if u := dst.Users(); len(u) != 1 || u[0].PhoneNumber != "14155550123" || !u[0].CreatedAt.Equal(src.Users()[0].CreatedAt) {
		t.Errorf("users after restore: %+v", u)
	}
	if got := dst.AppSecrets(appID); len(got) != 2 || got[0] != "second" {
		t.Errorf("AppSecrets after restore = %q, want the rotated one first", got)
	}
	again, err := dst.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(snap, again) {
		t.Errorf("a restored tenant's snapshot differs:\n%s\nwant\n%s", again, snap)
	}

	// The restored M2M app still gets a Management API token (its role came along).
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {ManagementResource}, "scope": {"all"}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, dst.URL+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(m2mID, m2mSecret)
	resp, err := dst.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct{ Scope string }
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	if resp.StatusCode != http.StatusOK || tok.Scope != "all" {
		t.Errorf("token for the restored M2M app: %d scope %q", resp.StatusCode, tok.Scope)
	}
}

// sameJSON compares two JSON texts but for whitespace: a snapshot keeps values, not the
// layout of the seed files.
func sameJSON(a, b []byte) bool { return bytes.Equal(compact(a), compact(b)) }

func compact(b []byte) []byte {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return b
	}
	return out.Bytes()
}

func mustConnector(t *testing.T, s *Server) json.RawMessage {
	t.Helper()
	c, ok := s.SMSConnector()
	if !ok {
		t.Fatal("no SMS connector")
	}
	return c
}

func TestRestoreRefusesBadSnapshots(t *testing.T) {
	t.Parallel()
	src, m2mID, _, _ := seededTenant(t)
	good, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	_ = json.Unmarshal(good, &generic)
	with := func(k string, v any) []byte {
		m := map[string]any{}
		for kk, vv := range generic {
			m[kk] = vv
		}
		m[k] = v
		b, _ := json.Marshal(m)
		return b
	}
	for name, in := range map[string][]byte{
		"not JSON":        []byte("{nope"),
		"empty":           nil,
		"another version": with("version", 99),
		"twilio's":        with("kind", "twiliotest"),
		"no roles":        with("roles", []any{}),
		"app without id":  with("apps", []any{map[string]any{"name": "x"}}),
		"log without id":  with("logs", []any{map[string]any{"key": "x"}}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := NewServer()
			defer s.Close()
			id, _ := s.AddM2MApp("kept", true)
			if err := s.Restore(in); !errors.Is(err, ErrSnapshot) {
				t.Errorf("Restore = %v, want ErrSnapshot", err)
			}
			if _, ok := s.Application(id); !ok {
				t.Errorf("a refused snapshot changed the tenant")
			}
			if _, ok := s.Application(m2mID); ok {
				t.Errorf("a refused snapshot added an application")
			}
		})
	}
}

// The audit logs and the SMS log survive a Snapshot and Restore: after a restart of the sandbox,
// GET /api/logs still shows who signed in, and SentSMS which codes were sent.
func TestSnapshotKeepsLogsAndSMS(t *testing.T) {
	t.Parallel()
	tt := newTestTenant(t)
	id, secret := tt.s.AddM2MApp("wizard", true)
	cb, err := tt.s.NewBrowser().SignInByPhone(t.Context(), authQuery(tt.appID, nil), "12015550199")
	if err != nil {
		t.Fatal(err)
	}
	exchange(t, tt, cb, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
	tt.s.AddLog(Log{Key: LogKeyExchangeByAuthorizationCode, ApplicationID: "other", UserID: "u2", CreatedAt: time.Now().Add(time.Minute)})
	// A code Twilio refused: the SMS log keeps the connector's error as text.
	tt.tw.mu.Lock()
	tt.tw.status, tt.tw.body = http.StatusBadRequest, `{"code":21211,"message":"Invalid 'To' Phone Number","status":400}`
	tt.tw.mu.Unlock()
	if _, err := tt.s.NewBrowser().SignInByPhone(t.Context(), authQuery(tt.appID, nil), "12015550100"); err == nil {
		t.Fatal("a sign-in with a refused SMS succeeded")
	}

	snap, err := tt.s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	dst := NewUnstartedServer()
	if err := dst.Restore(snap); err != nil {
		t.Fatal(err)
	}
	dst.Start()
	t.Cleanup(dst.Close)

	exchanges := func(logs []Log) (n int) { // the sign-in's own Interaction.* entries come before
		for _, l := range logs {
			if l.Key == LogKeyExchangeByAuthorizationCode {
				n++
			}
		}
		return n
	}
	if got, want := dst.Logs(), tt.s.Logs(); exchanges(want) != 2 || !sameLogs(got, want) {
		t.Errorf("Logs after restore:\n%+v\nwant\n%+v", got, want)
	}
	_, srcTok := mgmtToken(t, tt.s, id, secret)
	_, dstTok := mgmtToken(t, dst, id, secret)
	for _, query := range []string{"", "applicationId=" + tt.appID, "page=1&page_size=1"} {
		srcStatus, srcH, srcList := getLogs(t, tt.s, srcTok["access_token"].(string), query)
		dstStatus, dstH, dstList := getLogs(t, dst, dstTok["access_token"].(string), query)
		if dstStatus != http.StatusOK || dstStatus != srcStatus || dstH.Get("Total-Number") != srcH.Get("Total-Number") ||
			!sameJSON(marshalNoEscape(dstList), marshalNoEscape(srcList)) {
			t.Errorf("GET /api/logs?%s after restore: %d Total-Number %q %v\nwant %d %q %v", query,
				dstStatus, dstH.Get("Total-Number"), dstList, srcStatus, srcH.Get("Total-Number"), srcList)
		}
	}

	got, want := dst.SentSMS(), tt.s.SentSMS()
	if len(want) != 2 || want[1].Err == nil || len(got) != len(want) {
		t.Fatalf("SentSMS after restore:\n%+v\nwant\n%+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.To != w.To || g.Code != w.Code || g.UsageType != w.UsageType || g.AppID != w.AppID || errText(g.Err) != errText(w.Err) {
			t.Errorf("SMS %d after restore: %+v, want %+v", i, g, w)
		}
	}
	if last, ok := dst.LastSMS("12015550199"); !ok || last.Code != want[0].Code {
		t.Errorf("LastSMS after restore: %+v %v", last, ok)
	}
	again, err := dst.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(snap, again) {
		t.Errorf("a restored tenant's snapshot differs:\n%s\nwant\n%s", again, snap)
	}
}

// A version 1 snapshot written before logs and SMS were kept still restores, with none of them
// (Restore replaces the logs and SMS the server had).
func TestRestoreSnapshotWithoutLogs(t *testing.T) {
	t.Parallel()
	src, _, _, appID := seededTenant(t)
	src.AddLog(Log{Key: LogKeyExchangeByAuthorizationCode, ApplicationID: appID, UserID: "u1"})
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(snap, &generic); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		drop     []string
		wantLogs int
	}{
		{"as written", nil, 1},
		{"older, without logs and sms", []string{"logs", "sms"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := map[string]any{}
			for k, v := range generic {
				m[k] = v
			}
			for _, k := range tc.drop {
				delete(m, k)
			}
			in, _ := json.Marshal(m)
			dst := NewUnstartedServer()
			dst.AddLog(Log{Key: "before.restore"})
			if err := dst.Restore(in); err != nil {
				t.Fatalf("Restore: %v", err)
			}
			if got := dst.Logs(); len(got) != tc.wantLogs {
				t.Errorf("Logs after restore: %+v, want %d", got, tc.wantLogs)
			}
			if _, ok := dst.Application(appID); !ok {
				t.Errorf("the application did not come back")
			}
		})
	}
}

func sameLogs(a, b []Log) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.ID != y.ID || x.Key != y.Key || x.Result != y.Result || x.ApplicationID != y.ApplicationID ||
			x.UserID != y.UserID || !x.CreatedAt.Equal(y.CreatedAt) {
			return false
		}
	}
	return true
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
