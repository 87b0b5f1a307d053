package logtotest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// WithHandler's routes answer on the stand-in's listener beside Logto's, through the same
// middleware; every other path answers as it did without them.
func TestWithHandler(t *testing.T) {
	t.Parallel()
	inbox := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"messages":[]}`)
	})
	reset := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, "reset "+string(b))
	})
	s := NewServer(WithHandler("GET /__sandbox/inbox", inbox), WithHandler("POST /__sandbox/reset", reset))
	t.Cleanup(s.Close)
	plain := NewServer()
	t.Cleanup(plain.Close)

	do := func(s *Server, method, path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	for _, tc := range []struct {
		method, path, body string
		status             int
		want               string // the body, if it is known
		sameAsPlain        bool   // the same status and body as a stand-in without WithHandler
	}{
		{http.MethodGet, "/__sandbox/inbox", "", http.StatusOK, `{"messages":[]}`, false},
		{http.MethodPost, "/__sandbox/reset", "all", http.StatusOK, "reset all", false}, // the middleware kept the body
		{http.MethodGet, "/__sandbox/nope", "", http.StatusNotFound, "", true},
		{http.MethodGet, "/api/nope", "", http.StatusNotFound, "", true},
		{http.MethodGet, "/oidc/jwks", "", http.StatusOK, "", false}, // each server has its own key
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			status, body := do(s, tc.method, tc.path, tc.body)
			want := tc.want
			if tc.sameAsPlain {
				plainStatus, plainBody := do(plain, tc.method, tc.path, tc.body)
				if plainStatus != tc.status {
					t.Fatalf("without WithHandler: %d %s, want %d", plainStatus, plainBody, tc.status)
				}
				want = plainBody
			}
			if status != tc.status || (want != "" && body != want) {
				t.Errorf("%d %q, want %d %q", status, body, tc.status, want)
			}
		})
	}

	// The requests were recorded, and a fault injected on the pattern applies.
	var recorded bool
	for _, r := range s.Requests() {
		recorded = recorded || (r.Method == http.MethodPost && r.Path == "/__sandbox/reset" && string(r.Body) == "all")
	}
	if !recorded {
		t.Errorf("POST /__sandbox/reset not in Requests()")
	}
	s.Inject(http.MethodGet, "/__sandbox/inbox", Fault{Status: http.StatusServiceUnavailable, Body: "down", Times: 1})
	if status, body := do(s, http.MethodGet, "/__sandbox/inbox", ""); status != http.StatusServiceUnavailable || body != "down" {
		t.Errorf("with a fault: %d %q", status, body)
	}
	if status, _ := do(s, http.MethodGet, "/__sandbox/inbox", ""); status != http.StatusOK {
		t.Errorf("after the fault: %d", status)
	}
}

// A pattern that conflicts with one of the stand-in's routes panics, as http.ServeMux does.
func TestWithHandlerConflictPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("no panic for a pattern that conflicts with GET /oidc/jwks")
		}
	}()
	s := NewUnstartedServer(WithHandler("GET /oidc/jwks", http.NotFoundHandler()))
	s.Close()
}
