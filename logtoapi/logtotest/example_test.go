package logtotest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// A stand-in with an M2M app that has the Management API role: its token has scope "all".
func ExampleNewServer() {
	s := logtotest.NewServer()
	defer s.Close()
	id, secret := s.AddM2MApp("wizard", true)

	form := url.Values{"grant_type": {"client_credentials"}, "resource": {logtotest.ManagementResource}, "scope": {"all"}}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, s.URL+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := s.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var tok struct {
		Scope     string `json:"scope"`
		ExpiresIn int    `json:"expires_in"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	fmt.Println(resp.StatusCode, tok.Scope, tok.ExpiresIn)
	// Output: 200 all 3600
}

// Faults make one route misbehave, here once.
func ExampleServer_Inject() {
	s := logtotest.NewServer()
	defer s.Close()
	s.Inject(http.MethodGet, "/api/status", logtotest.Fault{Status: http.StatusBadGateway, Times: 1})
	for range 2 {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, s.URL+"/api/status", nil)
		resp, err := s.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// 502
	// 204
}
