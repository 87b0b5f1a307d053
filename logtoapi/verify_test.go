package logtoapi_test

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

func TestVerifyAppCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, fixture string
		want          logtoapi.AppCheck
	}{
		{"right secret", "120", logtoapi.AppCredentialsOK},
		{"wrong secret", "121", logtoapi.AppSecretWrong},
		{"unknown app", "123", logtoapi.AppUnknown},
		{"machine-to-machine app", "122", logtoapi.AppNotTraditional},
		{"expired secret", "044", logtoapi.AppSecretWrong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newReplay(t, map[string]string{"POST /oidc/token": tt.fixture})
			got, err := logtoapi.VerifyAppCredentials(t.Context(), r.srv.Client(), r.endpoint(t), bookstoreID, "appSecretValue")
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if got.String() == "" {
				t.Error("empty String()")
			}
			req := r.all()[0]
			wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(bookstoreID+":appSecretValue"))
			if req.Auth != wantAuth {
				t.Errorf("Authorization = %q, want %q", req.Auth, wantAuth)
			}
			form, _ := url.ParseQuery(string(req.Body))
			if form.Get("grant_type") != "authorization_code" || form.Get("code") == "" || form.Has("client_secret") {
				t.Errorf("form = %v", form)
			}
		})
	}
}

func TestVerifyAppCredentialsUnexpected(t *testing.T) {
	t.Parallel()
	r := newReplay(t, map[string]string{"POST /oidc/token": "071"}) // 500 without code
	_, err := logtoapi.VerifyAppCredentials(t.Context(), r.srv.Client(), r.endpoint(t), bookstoreID, "appSecretValue")
	var ae *logtoapi.APIError
	if !errors.As(err, &ae) || ae.Status != 500 {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "logtoapi: verify app credentials: ") || strings.Contains(err.Error(), "appSecretValue") {
		t.Errorf("err = %q", err)
	}
}

func TestVerifyAppCredentialsBadInput(t *testing.T) {
	t.Parallel()
	e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: noNetwork{t}}
	tests := []struct {
		name, id, secret, wantMsg string
		e                         logtoapi.Endpoint
	}{
		{"empty id", "", "s3cretvalue", "App ID is empty", e},
		{"padded id", " " + bookstoreID, "s3cretvalue", "spaces or line breaks around it", e},
		{"id with slash", "abc/def", "s3cretvalue", "never has", e},
		{"empty secret", bookstoreID, "", "App secret is empty", e},
		{"blank secret", bookstoreID, "   ", "App secret is empty", e},
		{"padded secret", bookstoreID, "s3cretvalue\n", "App secret has spaces", e},
		{"zero endpoint", bookstoreID, "s3cretvalue", "no endpoint", logtoapi.Endpoint{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := logtoapi.VerifyAppCredentials(t.Context(), hc, tt.e, tt.id, tt.secret)
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want %q", err, tt.wantMsg)
			}
			if strings.Contains(err.Error(), "s3cretvalue") {
				t.Errorf("error %q contains the secret", err)
			}
		})
	}
}

// TestVerifyAppCredentialsNoRedirectURI: a real Logto 1.37.1 answered doctor's probe for
// an app with no redirect URI at all with 400 oidc.invalid_redirect_uri (issue 23), before
// it looked at the secret. The body is fixture 280's error (the same code at /oidc/auth,
// ../shared/contracts/logto-fixtures/280-get-oidc-auth-unregistered-redirect-uri.json,
// without state and iss). The secret is then untested: no error, no verdict on it.
func TestVerifyAppCredentialsNoRedirectURI(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/oidc/token" {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, noRedirectURIBody)
	}))
	t.Cleanup(srv.Close)
	e, err := logtoapi.ParseEndpoint(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, err := logtoapi.VerifyAppCredentials(t.Context(), srv.Client(), e, bookstoreID, "appSecretValue")
	if err != nil || got != logtoapi.AppNoRedirectURI {
		t.Fatalf("VerifyAppCredentials = %v, %v; want %v", got, err, logtoapi.AppNoRedirectURI)
	}
	if s := got.String(); !strings.Contains(s, "not checked") || !strings.Contains(s, "no redirect URI") {
		t.Errorf("String() = %q", s)
	}
}

// noRedirectURIBody is fixture 280's error body without state and iss.
const noRedirectURIBody = `{"code":"oidc.invalid_redirect_uri","message":"` + "`redirect_uri` did not match any of the client's registered `redirect_uris`." +
	`","error":"invalid_redirect_uri","error_description":"redirect_uri did not match any of the client's registered redirect_uris"}`
