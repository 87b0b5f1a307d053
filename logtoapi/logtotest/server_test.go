package logtotest

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// mgmtToken gets a client-credentials token for the Management API.
func mgmtToken(t *testing.T, s *Server, id, secret string) (status int, body map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {ManagementResource}, "scope": {"all"}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/oidc/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(id, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &body)
	return resp.StatusCode, body
}

func TestSmokeTokenAndList(t *testing.T) {
	s := NewServer()
	defer s.Close()
	id, secret := s.AddM2MApp("wizard", true)
	status, body := mgmtToken(t, s, id, secret)
	if status != http.StatusOK || body["scope"] != "all" {
		t.Fatalf("token: %d %v", status, body)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/api/applications", nil)
	req.Header.Set("Authorization", "Bearer "+body["access_token"].(string))
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"name":"wizard"`) {
		t.Fatalf("list: %d %s", resp.StatusCode, b)
	}
}

func TestWithListener(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewUnstartedServer(WithListener(l))
	if want := "http://" + l.Addr().String(); s.URL != want {
		t.Fatalf("URL before Start %q, want %q", s.URL, want)
	}
	s.Start()
	defer s.Close()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/oidc/.well-known/openid-configuration", nil)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&d)
	if resp.StatusCode != http.StatusOK || d.Issuer != s.URL+"/oidc" || d.TokenEndpoint != s.URL+"/oidc/token" {
		t.Errorf("discovery %d %+v", resp.StatusCode, d)
	}
}
