package logtotest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// mgmtGet calls the Management API with a fresh M2M token and returns status and body.
func mgmtGet(t *testing.T, s *logtotest.Server, path string) (int, string) {
	t.Helper()
	id, secret := s.AddM2MApp("tamper", true)
	form := "grant_type=client_credentials&resource=" + logtotest.ManagementResource + "&scope=all"
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, s.URL+"/oidc/token", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	_ = resp.Body.Close()
	req, _ = http.NewRequestWithContext(context.Background(), http.MethodGet, s.URL+"/api"+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestTamper: the helpers change what the Management API then answers.
func TestTamper(t *testing.T) {
	s := logtotest.NewServer()
	defer s.Close()
	appID, _ := s.AddTraditionalApp("demo", []string{"http://localhost:3000/logto/sign-in-callback"}, []string{"http://localhost:3000"})
	if !s.SetRedirectURIs(appID, nil, []string{"http://localhost:3000"}) || s.SetRedirectURIs("nope", nil, nil) {
		t.Fatal("SetRedirectURIs")
	}
	if _, body := mgmtGet(t, s, "/applications/"+appID); !strings.Contains(body, `"redirectUris":[]`) {
		t.Errorf("redirect URIs kept: %s", body)
	}
	if _, body := mgmtGet(t, s, "/applications/"+appID+"/secrets"); !s.RemoveApplicationSecrets(appID) || !strings.Contains(body, "Default secret") {
		t.Fatal("RemoveApplicationSecrets")
	}
	if _, body := mgmtGet(t, s, "/applications/"+appID+"/secrets"); body != "[]" {
		t.Errorf("secrets kept: %s", body)
	}

	id := s.SetSMSConnector("http-sms", json.RawMessage(`{"endpoint":"http://127.0.0.1:9/a"}`))
	if !s.SetConnectorConfig(id, json.RawMessage(`{"endpoint":"http://127.0.0.1:9/b"}`)) {
		t.Fatal("SetConnectorConfig")
	}
	if _, body := mgmtGet(t, s, "/connectors"); !strings.Contains(body, "/b") {
		t.Errorf("config kept: %s", body)
	}
	// A second SMS connector: Logto refuses to list connectors (api-contracts §A.3).
	extra := s.AddExtraSMSConnector("http-sms", nil)
	if status, body := mgmtGet(t, s, "/connectors"); status != http.StatusBadRequest || !strings.Contains(body, "connector.more_than_one_sms") {
		t.Errorf("two SMS connectors: %d %s", status, body)
	}
	if !s.RemoveConnector(extra) || !s.RemoveConnector(id) || s.RemoveConnector(id) {
		t.Fatal("RemoveConnector")
	}
	if _, body := mgmtGet(t, s, "/connectors"); body != "[]" {
		t.Errorf("connectors kept: %s", body)
	}

	seed := string(s.SignInExperience())
	s.ResetSignInExperience()
	if got := string(s.SignInExperience()); got != seed {
		t.Errorf("reset changed a fresh tenant's sign-in experience")
	}
}

// TestSetSignInMode: the Management API then answers the mode that was set; an unknown mode
// is refused and changes nothing.
func TestSetSignInMode(t *testing.T) {
	t.Parallel()
	s := logtotest.NewServer()
	t.Cleanup(s.Close)
	if !s.SetSignInMode("SignIn") {
		t.Fatal("SetSignInMode(SignIn) = false")
	}
	if s.SetSignInMode("Nobody") {
		t.Error("SetSignInMode(Nobody) = true")
	}
	status, body := mgmtGet(t, s, "/sign-in-exp")
	var got struct {
		SignInMode string `json:"signInMode"`
	}
	if err := json.Unmarshal([]byte(body), &got); status != http.StatusOK || err != nil || got.SignInMode != "SignIn" {
		t.Errorf("GET /api/sign-in-exp: %d %q (%v), want signInMode SignIn", status, got.SignInMode, err)
	}
}
