package logtotest

// The round-3 recordings (testdata/r3, real Logto 1.37.1; see its README) replayed against the
// stand-in with the replayer of oidc_replay_test.go: status, content type, Cache-Control,
// WWW-Authenticate, Location, Set-Cookie names and JSON bodies for the exchanges; for the log
// lists, Total-Number, the Link line and the key sets of every entry, its payload, params and
// error.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// loadR3 reads testdata/r3/r3-<prefix>-*<suffix>.json; a list of headers (Set-Cookie) becomes
// one header of lines, as cookieNames reads them.
func loadR3(t *testing.T, prefix, suffix string) recorded {
	t.Helper()
	m, err := filepath.Glob(filepath.Join("testdata", "r3", "r3-"+prefix+"-*"+suffix+".json"))
	if err != nil || len(m) != 1 {
		t.Fatalf("r3 fixture %s…%s: %v %v", prefix, suffix, m, err)
	}
	raw, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		recorded
		ResponseHeaders map[string]any `json:"responseHeaders"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", m[0], err)
	}
	f.recorded.ResponseHeaders = map[string]string{}
	for k, v := range f.ResponseHeaders {
		switch v := v.(type) {
		case string:
			f.recorded.ResponseHeaders[k] = v
		case []any:
			var lines []string
			for _, l := range v {
				lines = append(lines, l.(string))
			}
			f.recorded.ResponseHeaders[k] = strings.Join(lines, "\n")
		}
	}
	return f.recorded
}

// recordedAppIn is the client_id of a recorded authorization request.
func recordedAppIn(t *testing.T, f recorded) string {
	t.Helper()
	u, err := url.Parse(f.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("client_id")
}

// TestReplayR3SendCode replays the attendee's test SMS (GET /oidc/auth → PUT /api/experience →
// send-code) in the tenants of r3-010..021: Twilio refusing, signInMode "Register", and no SMS
// connector (501, not 400).
func TestReplayR3SendCode(t *testing.T) {
	twilioBody := func(prefix string) func(*testTenant) {
		return func(tt *testTenant) {
			var body struct {
				Data struct{ Message string } `json:"data"`
			}
			_ = json.Unmarshal(loadR3(t, prefix, "send-code").ResponseBody, &body)
			var status struct{ Status int }
			_ = json.Unmarshal([]byte(body.Data.Message), &status)
			tt.tw.mu.Lock()
			defer tt.tw.mu.Unlock()
			tt.tw.status, tt.tw.body = status.Status, body.Data.Message
		}
	}
	noConnector := func(tt *testTenant) {
		tt.s.mu.Lock()
		defer tt.s.mu.Unlock()
		tt.s.connectors = nil
	}
	tests := []struct {
		prefix string
		setup  func(*testTenant)
		sms    int // SMS that reached Twilio
	}{
		{"010", twilioBody("010"), 1},
		{"011", twilioBody("011"), 1},
		{"012", func(tt *testTenant) {
			tt.s.mu.Lock()
			defer tt.s.mu.Unlock()
			tt.s.signInExp.set("signInMode", json.RawMessage(`"Register"`))
		}, 1},
		{"020", func(tt *testTenant) {
			noConnector(tt)
			tt.s.mu.Lock()
			defer tt.s.mu.Unlock()
			tt.s.signInExp = seedSignInExp() // a tenant after teardown
		}, 0},
		{"021", noConnector, 0},
	}
	for _, tc := range tests {
		t.Run(tc.prefix, func(t *testing.T) {
			tt := newTestTenant(t)
			tc.setup(tt)
			r := newReplayer(t, tt)
			auth := loadR3(t, tc.prefix, "auth")
			r.learn(recordedAppIn(t, auth), tt.appID)
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, tt.s.URL+authQuery(tt.appID, nil), nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept", "application/json")
			resp, err := r.b.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			// exp.py did not keep Cache-Control; the same request recorded with it (285) has no-store.
			auth.ResponseHeaders["Cache-Control"] = loadRecorded(t, "285").header("Cache-Control")
			r.compare(tc.prefix+"-auth", auth, resp, got)
			r.stepWith(tc.prefix+"-put-experience", loadR3(t, tc.prefix, "put-experience"), stepOpt{})
			r.stepWith(tc.prefix+"-send-code", loadR3(t, tc.prefix, "send-code"), stepOpt{})
			if n := len(tt.tw.calls()); n != tc.sms {
				t.Errorf("%d SMS reached Twilio, want %d", n, tc.sms)
			}
		})
	}
}

// TestReplayR3Revocation replays r3-030..032: 200 text/plain with an empty body, 400, 401, and
// no Cache-Control on any of them (the token endpoint's answers have one).
func TestReplayR3Revocation(t *testing.T) {
	tt := newTestTenant(t)
	r := newReplayer(t, tt)
	r.stepWith("030", loadR3(t, "030", ""), stepOpt{noCookies: true})
	r.stepWith("031", loadR3(t, "031", ""), stepOpt{noCookies: true})
	r.stepWith("032", loadR3(t, "032", ""), stepOpt{noCookies: true, basicSecret: "wrong-secret"})
}

// credentialProbe is doctor's secret check: a made-up code at /oidc/token.
func credentialProbe(t *testing.T, tt *testTenant, secret string) (int, map[string]any) {
	t.Helper()
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {"logto-twilio-made-up-code"},
		"redirect_uri": {"http://localhost/logto-twilio-credential-check"},
	}
	return postTokenAs(t, tt, secret, form)
}

// logEntry is one entry of GET /api/logs, decoded.
type logEntry struct {
	Key     string         `json:"key"`
	Payload map[string]any `json:"payload"`
}

// entryShape is what the replay compares of an entry: its key, result, the keys of its payload
// and of its params, and the keys of its error (decoded when it is a JSON string) with
// error_detail.
func entryShape(t *testing.T, e logEntry) string {
	t.Helper()
	sub := func(k string) []string {
		m, _ := e.Payload[k].(map[string]any)
		return keys(m)
	}
	params := sub("params")
	if strings.HasPrefix(e.Key, "Interaction.") { // the authorization request's, nonce or not
		params = slices.DeleteFunc(params, func(k string) bool { return k == "nonce" })
	}
	shape := e.Key + " " + e.Payload["result"].(string) + " payload" + strings.Join(keys(e.Payload), ",") +
		" params" + strings.Join(params, ",")
	switch errV := e.Payload["error"].(type) {
	case string:
		var m map[string]any
		if err := json.Unmarshal([]byte(errV), &m); err != nil {
			t.Errorf("%s: error is not a JSON string: %q", e.Key, errV)
		}
		shape += " error(string)" + strings.Join(keys(m), ",") + " " + m["error_detail"].(string)
	case map[string]any:
		shape += " error" + strings.Join(keys(errV), ",")
	}
	return shape
}

func decodeEntries(t *testing.T, raw []byte) []logEntry {
	t.Helper()
	var out []logEntry
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("log list: %v", err)
	}
	return out
}

// getLogsAs replays a recorded GET /api/logs with our app id and returns the answer.
func getLogsAs(t *testing.T, s *Server, token string, f recorded, recApp, ourApp string) (*http.Response, []logEntry) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+strings.ReplaceAll(f.Path(), recApp, ourApp), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != f.Status {
		t.Fatalf("status %d, recorded %d: %s", resp.StatusCode, f.Status, b)
	}
	return resp, decodeEntries(t, b)
}

// Path is the recorded path with its query.
func (f recorded) Path() string {
	u, _ := url.Parse(f.URL)
	return u.RequestURI()
}

// TestReplayR3Logs: what `workshop status` reads. The attendee's credential probe and one
// browser sign-in give exactly r3-003's two entries (Success newest, then the probe's Error);
// every kind of ExchangeTokenBy entry in r3-001 (probes with the right and a wrong secret, sign-ins)
// has the recorded shape; the Link line is r3-001's; and without logKey (r3-002) the sign-in's
// Interaction.* entries come too, each of a recorded key with the recorded shape.
func TestReplayR3Logs(t *testing.T) {
	tt := newTestTenant(t)
	id, secret := tt.s.AddM2MApp("wizard", true)
	_, tok := mgmtToken(t, tt.s, id, secret)
	token := tok["access_token"].(string)

	if status, out := credentialProbe(t, tt, tt.secret); status != http.StatusBadRequest || out["code"] != "oidc.invalid_grant" {
		t.Fatalf("probe: %d %v", status, out)
	}
	cb, err := tt.s.NewBrowser().SignInByPhone(t.Context(), authQuery(tt.appID, nil), "12015550199")
	if err != nil {
		t.Fatal(err)
	}
	exchange(t, tt, cb, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")

	// r3-003: the attendee's app, exactly.
	f3 := loadR3(t, "003", "")
	resp, got := getLogsAs(t, tt.s, token, f3, "2cwkgqe45p3s2z6i8e925", tt.appID)
	rec := decodeEntries(t, f3.ResponseBody)
	if resp.Header.Get("Total-Number") != f3.header("Total-Number") || len(got) != len(rec) {
		t.Fatalf("Total-Number %q and %d entries, recorded %q and %d", resp.Header.Get("Total-Number"), len(got), f3.header("Total-Number"), len(rec))
	}
	for i := range rec {
		if a, b := entryShape(t, got[i]), entryShape(t, rec[i]); a != b {
			t.Errorf("entry %d:\n got %s\nwant %s", i, a, b)
		}
	}

	// r3-001: a probe with a wrong secret too; every shape we write is a recorded one, and the
	// first Link line is the recorded one.
	if status, _ := credentialProbe(t, tt, "wrong-secret"); status != http.StatusUnauthorized {
		t.Fatalf("probe with a wrong secret: %d", status)
	}
	f1 := loadR3(t, "001", "")
	const recApp1 = "ry39ozo6bcxgdmz4q7fux"
	resp, got = getLogsAs(t, tt.s, token, f1, recApp1, tt.appID)
	recShapes := map[string]bool{}
	for _, e := range decodeEntries(t, f1.ResponseBody) {
		recShapes[entryShape(t, e)] = true
	}
	ourShapes := map[string]bool{}
	for _, e := range got {
		ourShapes[entryShape(t, e)] = true
	}
	if len(got) != 3 || len(ourShapes) != 3 {
		t.Errorf("%d entries of %d shapes, want 3 (success, probe, probe with a wrong secret)", len(got), len(ourShapes))
	}
	for s := range ourShapes {
		if !recShapes[s] {
			t.Errorf("entry shape not recorded: %s\nrecorded: %v", s, slices.Sorted(mapsKeys(recShapes)))
		}
	}
	wantLink := strings.ReplaceAll(strings.ReplaceAll(f1.header("Link"), "http://127.0.0.1:3001", tt.s.URL), recApp1, tt.appID)
	if links := resp.Header.Values("Link"); len(links) == 0 || links[0] != wantLink {
		t.Errorf("Link lines %q, recorded first line %q", links, wantLink)
	}

	// r3-002: without logKey.
	f2 := loadR3(t, "002", "")
	_, got = getLogsAs(t, tt.s, token, f2, recApp1, tt.appID)
	recByKey := map[string]string{}
	for _, e := range decodeEntries(t, f2.ResponseBody) {
		if e.Payload["result"] == "Success" || strings.HasPrefix(e.Key, "Interaction.") {
			recByKey[e.Key+" "+e.Payload["result"].(string)+userIDShape(e)] = entryShape(t, e)
		}
	}
	var seen []string
	for _, e := range got {
		k := e.Key + " " + e.Payload["result"].(string) + userIDShape(e)
		seen = append(seen, e.Key)
		if want, ok := recByKey[k]; ok && entryShape(t, e) != want {
			t.Errorf("%s:\n got %s\nwant %s", k, entryShape(t, e), want)
		}
	}
	for _, key := range []string{
		"Interaction.Create", "Interaction.SignIn.Create", "Interaction.SignIn.Verification.PhoneVerificationCode.Create",
		"Interaction.SignIn.Update", "Interaction.Register.Identifier.Submit", "Interaction.Register.Submit", "Interaction.End",
	} {
		if !slices.Contains(seen, key) {
			t.Errorf("no %s entry without logKey: %v", key, seen)
		}
	}
}

// userIDShape tells Interaction.Create with a signed-in user (the consent step) from one without.
func userIDShape(e logEntry) string {
	if _, ok := e.Payload["userId"]; ok && e.Key == "Interaction.Create" {
		return " (user)"
	}
	return ""
}
