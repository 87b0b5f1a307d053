package workshop

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// Secrets of the facilitator that must never leave secrets.json.
const (
	twilioToken = "TwilioAuthTokenZZ9876543210abcdef"
)

type room struct {
	srv       *logtotest.Server
	dir, out  string
	m2mSecret string
	tw        *httptest.Server
}

// newRoom starts the Logto stand-in with an M2M app and saves a complete facilitator setup.
func newRoom(t *testing.T) *room {
	t.Helper()
	tw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"sid":"SM00000000000000000000000000000001","status":"accepted"}`))
	}))
	t.Cleanup(tw.Close)
	srv := logtotest.NewServer(logtotest.WithTwilioBaseURL(tw.URL), logtotest.WithHTTPClient(tw.Client()))
	t.Cleanup(srv.Close)
	id, secret := srv.AddM2MApp("logto-twilio", true)
	r := &room{srv: srv, dir: t.TempDir(), out: filepath.Join(t.TempDir(), "cards"), m2mSecret: secret, tw: tw}
	err := config.Store{Dir: r.dir}.Save(config.Setup{
		Version: config.SchemaVersion, Endpoint: srv.URL, Method: config.MethodAuto, M2MAppID: id,
		DemoPort: 3000, ConnectorID: "conn123", SignInConfigured: true,
	}, config.Secrets{Version: config.SchemaVersion, M2MAppSecret: config.Secret(secret), TwilioAuthToken: twilioToken})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *room) cfg(n int) Config {
	return Config{Dir: r.dir, HTTPClient: r.srv.Client(), Attendees: n, OutDir: r.out, Command: hintCommand}
}

// apps returns the names of the stand-in's Traditional apps (with their descriptions),
// sorted, read through the Management API.
func (r *room) apps(t *testing.T) []string {
	t.Helper()
	l, err := config.Store{Dir: r.dir}.Load()
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {logtotest.ManagementResource}, "scope": {"all"}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, r.srv.URL+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(l.Setup.M2MAppID, r.m2mSecret)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	getJSON(t, r.srv.Client(), req, &tok)
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, r.srv.URL+"/api/applications?types=Traditional", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	var list []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	getJSON(t, r.srv.Client(), req, &list)
	var names []string
	for _, a := range list {
		n := a.Name
		if a.Description != AppDescription {
			n += " (not ours)"
		}
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func getJSON(t *testing.T, hc *http.Client, req *http.Request, out any) {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d", req.Method, req.URL, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

// collector gathers events from the progress callback.
type collector struct {
	mu     sync.Mutex
	events []Event
}

func (c *collector) add(ev Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, ev)
}

func (c *collector) all() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.events)
}

// filesUnder returns every file's content under dir, by path.
func filesUnder(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil //nolint:nilerr // a missing folder has no files
		}
		b, _ := os.ReadFile(p)
		out[p] = string(b)
		return nil
	})
	return out
}

func containsAny(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			return sec
		}
	}
	return ""
}
