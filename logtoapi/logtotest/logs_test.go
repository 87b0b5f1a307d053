package logtotest

// NO RECORDING backs GET /api/logs or the log written on a code exchange (see logs.go): these
// tests pin the behaviour taken from the served spec and Logto's source, so it does not drift.

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

func getLogs(t *testing.T, s *Server, token, query string) (int, http.Header, []map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/api/logs?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	var out []map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, resp.Header, out
}

func TestLogsRecordCodeExchange(t *testing.T) {
	tt := newTestTenant(t)
	other, _ := tt.s.AddTraditionalApp("Other", []string{testRedirect}, []string{testPostLogout})
	id, secret := tt.s.AddM2MApp("wizard", true)
	_, tok := mgmtToken(t, tt.s, id, secret)
	token, _ := tok["access_token"].(string)

	if status, _, _ := getLogs(t, tt.s, "", "applicationId="+tt.appID); status != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", status)
	}
	if _, _, list := getLogs(t, tt.s, token, "applicationId="+tt.appID); len(list) != 0 {
		t.Fatalf("before any sign-in: %v", list)
	}

	cb, err := tt.s.NewBrowser().SignInByPhone(t.Context(), authQuery(tt.appID, nil), "12015550199")
	if err != nil {
		t.Fatal(err)
	}
	if got := tt.s.Logs(); len(got) != 0 {
		t.Fatalf("a sign-in without the code exchange logged %v", got)
	}
	exchange(t, tt, cb, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
	tt.s.AddLog(Log{Key: LogKeyExchangeByAuthorizationCode, ApplicationID: other, UserID: "u2", CreatedAt: time.Now().Add(time.Minute)})

	users := tt.s.Users()
	if len(users) != 1 {
		t.Fatalf("users %v", users)
	}
	status, h, list := getLogs(t, tt.s, token, "applicationId="+tt.appID+"&logKey="+LogKeyExchangeByAuthorizationCode+"&page=1&page_size=5")
	if status != http.StatusOK || len(list) != 1 || h.Get("Total-Number") != "1" {
		t.Fatalf("logs of the app: %d %v %v", status, h, list)
	}
	p, _ := list[0]["payload"].(map[string]any)
	if list[0]["key"] != LogKeyExchangeByAuthorizationCode || p["applicationId"] != tt.appID || p["userId"] != users[0].ID || p["result"] != "Success" {
		t.Errorf("entry %v", list[0])
	}
	if _, _, all := getLogs(t, tt.s, token, ""); len(all) != 2 || all[0]["payload"].(map[string]any)["applicationId"] != other {
		t.Errorf("all logs, newest first: %v", all)
	}
	if _, _, none := getLogs(t, tt.s, token, "applicationId="+tt.appID+"&logKey=ExchangeTokenBy.RefreshToken"); len(none) != 0 {
		t.Errorf("another key: %v", none)
	}
}
