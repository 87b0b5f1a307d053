package logtoapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// fixture is one recorded exchange from testdata/fixtures.
type fixture struct {
	Method       string          `json:"method"`
	Path         string          `json:"path"`
	Status       int             `json:"status"`
	RequestBody  json.RawMessage `json:"requestBody"`
	ResponseBody json.RawMessage `json:"responseBody"`
}

// loadFixture reads testdata/fixtures/<prefix>-*.json.
func loadFixture(t *testing.T, prefix string) fixture {
	t.Helper()
	m, err := filepath.Glob(filepath.Join("testdata", "fixtures", prefix+"-*.json"))
	if err != nil || len(m) != 1 {
		t.Fatalf("fixture %s: found %v (%v)", prefix, m, err)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("fixture %s: %v", prefix, err)
	}
	return f
}

// recorded is a request the replay server received.
type recorded struct {
	Method, Path, Query, Auth string
	Body                      []byte
}

// replay serves recorded fixtures: routes maps "METHOD /escaped/path" to a fixture prefix
// (one answer for every call), or to several prefixes separated by "," (one per call, the
// last one repeats). Unknown routes fail the test.
type replay struct {
	t      *testing.T
	mu     sync.Mutex
	routes map[string][]string
	calls  map[string]int
	reqs   []recorded
	srv    *httptest.Server
}

func newReplay(t *testing.T, routes map[string]string) *replay {
	t.Helper()
	r := &replay{t: t, routes: map[string][]string{}, calls: map[string]int{}}
	for k, v := range routes {
		r.routes[k] = strings.Split(v, ",")
	}
	r.srv = httptest.NewServer(r)
	t.Cleanup(r.srv.Close)
	return r
}

// withToken adds the token endpoint answering with fixture 001 (scope "all").
func tokenRoutes(routes map[string]string) map[string]string {
	if _, ok := routes["POST /oidc/token"]; !ok {
		routes["POST /oidc/token"] = "001"
	}
	return routes
}

func (r *replay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	key := req.Method + " " + req.URL.EscapedPath()
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.RawQuery, Auth: req.Header.Get("Authorization"), Body: body})
	list, ok := r.routes[key]
	n := r.calls[key]
	r.calls[key]++
	r.mu.Unlock()
	if !ok {
		r.t.Errorf("replay: unexpected request %s", key)
		http.Error(w, "unexpected", http.StatusTeapot)
		return
	}
	if n >= len(list) {
		n = len(list) - 1
	}
	f := loadFixture(r.t, list[n])
	writeFixture(w, f)
}

func writeFixture(w http.ResponseWriter, f fixture) {
	if f.Status == http.StatusNoContent || len(f.ResponseBody) == 0 || string(f.ResponseBody) == "null" {
		w.WriteHeader(f.Status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Status)
	_, _ = w.Write(f.ResponseBody)
}

func (r *replay) endpoint(t *testing.T) logtoapi.Endpoint {
	t.Helper()
	e, err := logtoapi.ParseEndpoint(r.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (r *replay) client(t *testing.T) *logtoapi.Client {
	t.Helper()
	c, err := logtoapi.New(r.endpoint(t), logtoapi.M2MCredentials{AppID: "wizardm2mbootstrap001", AppSecret: m2mSecret}, r.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// requests returns the recorded requests, minus the token requests.
func (r *replay) apiRequests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []recorded
	for _, q := range r.reqs {
		if q.Path != "/oidc/token" {
			out = append(out, q)
		}
	}
	return out
}

func (r *replay) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[key]
}

const m2mSecret = "m2mSecretValue0123456789abcdefXY"

// noNetwork is a transport that fails the test when any request is sent.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(req *http.Request) (*http.Response, error) {
	n.t.Errorf("a request was sent: %s %s", req.Method, req.URL)
	return &http.Response{StatusCode: http.StatusTeapot, Body: io.NopCloser(bytes.NewReader(nil)), Request: req}, nil
}

// offlineClient returns a Client whose transport fails the test if used.
func offlineClient(t *testing.T) *logtoapi.Client {
	t.Helper()
	e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
	if err != nil {
		t.Fatal(err)
	}
	c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: "wizardm2mbootstrap001", AppSecret: m2mSecret}, &http.Client{Transport: noNetwork{t}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// handlerTransport serves requests in memory with h (no sockets: usable in synctest bubbles).
type handlerTransport struct{ h http.Handler }

func (h handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	res := rec.Result()
	res.Request = req
	return res, nil
}

// all returns every recorded request.
func (r *replay) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}
