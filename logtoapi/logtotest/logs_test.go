package logtotest

// GET /api/logs and the entries the stand-in writes: r3_replay_test.go compares them with the
// recordings (testdata/r3); these tests pin the rest (filters, the served spec, 1.41's time range).

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
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
	for _, l := range tt.s.Logs() {
		if l.Key == LogKeyExchangeByAuthorizationCode {
			t.Fatalf("a sign-in without the code exchange logged %v", l)
		}
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
	if _, _, all := getLogs(t, tt.s, token, "logKey="+LogKeyExchangeByAuthorizationCode); len(all) != 2 || all[0]["payload"].(map[string]any)["applicationId"] != other {
		t.Errorf("all logs, newest first: %v", all)
	}
	if _, _, none := getLogs(t, tt.s, token, "applicationId="+tt.appID+"&logKey=ExchangeTokenBy.RefreshToken"); len(none) != 0 {
		t.Errorf("another key: %v", none)
	}
}

// The stand-in's ListLogs answer has every field the served spec requires, and the spec declares
// every query parameter the client sends.
func TestLogsMatchTheServedSpec(t *testing.T) {
	raw, err := os.ReadFile("testdata/spec/listlogs.openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]struct {
			Get struct {
				Parameters []struct{ Name string } `json:"parameters"`
				Responses  map[string]struct {
					Content map[string]struct {
						Schema struct {
							Items struct {
								Required   []string `json:"required"`
								Properties struct {
									Payload struct {
										Required []string `json:"required"`
									} `json:"payload"`
								} `json:"properties"`
							} `json:"items"`
						} `json:"schema"`
					} `json:"content"`
				} `json:"responses"`
			} `json:"get"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	op := spec.Paths["/api/logs"].Get
	var params []string
	for _, p := range op.Parameters {
		params = append(params, p.Name)
	}
	for _, p := range []string{"applicationId", "logKey", "userId", "page", "page_size"} {
		if !slices.Contains(params, p) {
			t.Errorf("the spec has no query parameter %q (has %v)", p, params)
		}
	}
	items := op.Responses["200"].Content["application/json"].Schema.Items
	if len(items.Required) == 0 || len(items.Properties.Payload.Required) == 0 {
		t.Fatalf("spec part not as expected: %+v", items)
	}

	s := NewServer()
	defer s.Close()
	id, secret := s.AddM2MApp("wizard", true)
	_, tok := mgmtToken(t, s, id, secret)
	s.AddLog(Log{Key: LogKeyExchangeByAuthorizationCode, ApplicationID: "app1", UserID: "user1"})
	_, _, list := getLogs(t, s, tok["access_token"].(string), "")
	if len(list) != 1 {
		t.Fatalf("logs %v", list)
	}
	for _, k := range items.Required {
		if _, ok := list[0][k]; !ok {
			t.Errorf("entry lacks %q: %v", k, list[0])
		}
	}
	payload, _ := list[0]["payload"].(map[string]any)
	for _, k := range items.Properties.Payload.Required {
		if _, ok := payload[k]; !ok {
			t.Errorf("payload lacks %q: %v", k, payload)
		}
	}
	if r := payload["result"]; r != "Success" && r != "Error" {
		t.Errorf("result %v", r)
	}
}
