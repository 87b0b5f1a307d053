package demo

import (
	"crypto/rand"
	"net/http"
	"sync"
	"time"
)

const (
	sessionCookie = "logto_demo_session"
	sessionTTL    = 24 * time.Hour
	pendingTTL    = 10 * time.Minute
	maxSessions   = 10000
)

// pendingAuth is what a started sign-in must find again at the callback.
type pendingAuth struct {
	state, nonce, verifier string
	started                time.Time
}

// session is server-side; the cookie only carries its random key.
type session struct {
	pending map[string]pendingAuth // by state: several tabs may start a sign-in
	user    *SignIn
	touched time.Time
}

type sessionStore struct {
	mu sync.Mutex
	m  map[string]*session
}

func newSessionStore() *sessionStore { return &sessionStore{m: map[string]*session{}} }

// user returns the signed-in user of the request's session, or nil.
func (st *sessionStore) user(r *http.Request, now time.Time) *SignIn {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	sess, ok := st.m[c.Value]
	if !ok {
		return nil
	}
	if now.Sub(sess.touched) > sessionTTL {
		delete(st.m, c.Value)
		return nil
	}
	sess.touched = now
	return sess.user
}

// takePending removes and returns the pending sign-in started with state. found says whether the
// request had a live session at all.
func (st *sessionStore) takePending(r *http.Request, now time.Time, state string) (p pendingAuth, ok, found bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return pendingAuth{}, false, false
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	sess, live := st.m[c.Value]
	if !live || now.Sub(sess.touched) > sessionTTL {
		return pendingAuth{}, false, false
	}
	sess.touched = now
	found = len(sess.pending) > 0
	p, ok = sess.pending[state]
	if ok {
		delete(sess.pending, state)
		ok = now.Sub(p.started) <= pendingTTL
	}
	return p, ok, found
}

// update runs f on the request's session under the lock, creating the session (and setting its
// cookie) when there is none.
func (st *sessionStore) update(w http.ResponseWriter, r *http.Request, now time.Time, f func(*session)) {
	key := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		key = c.Value
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	sess, ok := st.m[key]
	if !ok || now.Sub(sess.touched) > sessionTTL {
		st.evict(now)
		key = rand.Text()
		sess = &session{pending: map[string]pendingAuth{}}
		st.m[key] = sess
		http.SetCookie(w, newSessionCookie(r, key, 0))
	}
	sess.touched = now
	for k, p := range sess.pending {
		if now.Sub(p.started) > pendingTTL {
			delete(sess.pending, k)
		}
	}
	f(sess)
}

// evict drops expired sessions, and the oldest ones when there are too many. Caller holds mu.
func (st *sessionStore) evict(now time.Time) {
	for k, s := range st.m {
		if now.Sub(s.touched) > sessionTTL {
			delete(st.m, k)
		}
	}
	for len(st.m) >= maxSessions {
		oldestKey, oldest := "", now
		for k, s := range st.m {
			if !s.touched.After(oldest) {
				oldestKey, oldest = k, s.touched
			}
		}
		delete(st.m, oldestKey)
	}
}

// destroy removes the request's session and expires its cookie.
func (st *sessionStore) destroy(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		st.mu.Lock()
		delete(st.m, c.Value)
		st.mu.Unlock()
	}
	http.SetCookie(w, newSessionCookie(r, "", -1))
}

// login replaces the request's session with a new one (a new key) holding user; pending sign-ins
// of the old session are dropped.
func (st *sessionStore) login(w http.ResponseWriter, r *http.Request, now time.Time, user *SignIn) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if c, err := r.Cookie(sessionCookie); err == nil {
		delete(st.m, c.Value)
	}
	st.evict(now)
	key := rand.Text()
	st.m[key] = &session{pending: map[string]pendingAuth{}, user: user, touched: now}
	http.SetCookie(w, newSessionCookie(r, key, 0))
}

// newSessionCookie is the session cookie for r: HttpOnly, SameSite=Lax, and Secure when r came
// over TLS. maxAge -1 deletes it.
func newSessionCookie(r *http.Request, value string, maxAge int) *http.Cookie {
	//nolint:gosec // G124: the demo serves plain HTTP on localhost (the redirect URI registered in Logto), where some browsers drop Secure cookies; Secure is set whenever the request came over TLS
	return &http.Cookie{
		Name:     sessionCookie,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   r.TLS != nil,
	}
}
