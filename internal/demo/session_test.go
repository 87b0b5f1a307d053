package demo

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// withCookie is a request carrying the session cookie that rec set (none if rec set none).
func withCookie(t *testing.T, rec *httptest.ResponseRecorder) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			r.AddCookie(c)
		}
	}
	return r
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		after    time.Duration // since the last use of the session
		wantUser bool
	}{
		{"fresh", time.Minute, true},
		{"just within the TTL", sessionTTL, true},
		{"past the TTL", sessionTTL + time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newSessionStore()
			rec := httptest.NewRecorder()
			st.login(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil), t0, &SignIn{Subject: "u1"})
			r := withCookie(t, rec)
			if u := st.user(r, t0); u == nil || u.Subject != "u1" {
				t.Fatalf("user right after login = %+v", u)
			}
			if u := st.user(r, t0.Add(tt.after)); (u != nil) != tt.wantUser {
				t.Errorf("user after %v = %+v, want signed in: %v", tt.after, u, tt.wantUser)
			}
		})
	}
	t.Run("each use extends the session", func(t *testing.T) {
		t.Parallel()
		st := newSessionStore()
		rec := httptest.NewRecorder()
		st.login(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil), t0, &SignIn{Subject: "u1"})
		r := withCookie(t, rec)
		for i := 1; i <= 3; i++ {
			if u := st.user(r, t0.Add(time.Duration(i)*(sessionTTL-time.Minute))); u == nil {
				t.Fatalf("use %d: signed out, want the session kept alive by use", i)
			}
		}
	})
	t.Run("an expired session is replaced, with a new cookie", func(t *testing.T) {
		t.Parallel()
		st := newSessionStore()
		rec := httptest.NewRecorder()
		st.update(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil), t0, func(s *session) {
			s.pending["state1"] = pendingAuth{state: "state1", started: t0}
		})
		r := withCookie(t, rec)
		rec2 := httptest.NewRecorder()
		st.update(rec2, r, t0.Add(sessionTTL+time.Second), func(s *session) {
			if len(s.pending) != 0 {
				t.Errorf("the expired session's pending sign-ins are kept: %v", s.pending)
			}
		})
		old, renewed := r.Header.Get("Cookie"), withCookie(t, rec2).Header.Get("Cookie")
		if renewed == "" || renewed == old {
			t.Errorf("cookie after expiry %q, want a new one (old %q)", renewed, old)
		}
	})
}

func TestPendingSignInExpiry(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		after     time.Duration
		wantOK    bool
		wantFound bool // the session is still there ("State mismatch" rather than "No sign-in in progress")
	}{
		{"in time", pendingTTL, true, true},
		{"too late", pendingTTL + time.Second, false, true},
		{"session expired", sessionTTL + time.Second, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newSessionStore()
			rec := httptest.NewRecorder()
			st.update(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil), t0, func(s *session) {
				s.pending["state1"] = pendingAuth{state: "state1", nonce: "n", started: t0}
			})
			r := withCookie(t, rec)
			p, ok, found := st.takePending(r, t0.Add(tt.after), "state1")
			if found != tt.wantFound || ok != tt.wantOK || (ok && p.nonce != "n") {
				t.Errorf("takePending after %v = %+v, ok %v, found %v; want ok %v, found %v", tt.after, p, ok, found, tt.wantOK, tt.wantFound)
			}
			if _, ok, _ := st.takePending(r, t0.Add(tt.after), "state1"); ok {
				t.Error("a pending sign-in can be taken twice")
			}
		})
	}
}

// TestPendingSignInsAreBounded checks that one browser cannot grow its session without bound:
// after maxPending+1 started sign-ins, the oldest is gone and the newest still works.
func TestPendingSignInsAreBounded(t *testing.T) {
	t.Parallel()
	f := newFakeIssuer(t)
	_, base := startDemo(t, f, nil)
	c := loopbackClient(t)
	var cbs []string
	for range maxPending + 1 {
		cb, _ := startSignIn(t, c, base)
		cbs = append(cbs, cb.String())
	}
	if p := get(t, c, http.MethodGet, cbs[0]); p.status != http.StatusBadRequest || !strings.Contains(p.body, "State mismatch") {
		t.Errorf("the oldest sign-in: %d, want 400 State mismatch", p.status)
	}
	if p := get(t, c, http.MethodGet, cbs[len(cbs)-1]); p.status != http.StatusFound {
		t.Errorf("the newest sign-in: %d, want 302 (%s)", p.status, p.body)
	}
	get(t, c, http.MethodGet, base+"/") // the browser lands on the home page
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFakeIssuer(t)
	_, base := startDemo(t, f, nil)
	c := loopbackClient(t)
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
	}
	for _, route := range []string{"/", "/logto/sign-in", "/logto/sign-in-callback?state=x&code=y", "/logto/unknown"} {
		p := get(t, c, http.MethodGet, base+route)
		for k, v := range want {
			if got := p.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", route, k, got, v)
			}
		}
	}
}

// TestSessionsAreBounded checks that a flood of cookie-less requests cannot grow the store without
// bound: at maxSessions, the least recently used session makes room.
func TestSessionsAreBounded(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	st := newSessionStore()
	for i := range maxSessions {
		st.m[strconv.Itoa(i)] = &session{pending: map[string]pendingAuth{}, touched: t0.Add(time.Duration(i) * time.Millisecond)}
	}
	st.update(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil), t0.Add(time.Minute), func(*session) {})
	if len(st.m) > maxSessions {
		t.Errorf("%d sessions, want at most %d", len(st.m), maxSessions)
	}
	if _, ok := st.m["0"]; ok {
		t.Error("the least recently used session was kept")
	}
	if _, ok := st.m["1"]; !ok {
		t.Error("a newer session was dropped")
	}
}
