package logtotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
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
