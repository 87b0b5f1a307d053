package logtotest

import (
	"net/http"
	"slices"
	"time"
)

// Glue between the OIDC side and the Server (see server.go's "How the files fit together"): the
// backend the provider reads the tenant through, and the Server's methods over its state.

// serverBackend adapts *Server to oidcBackend.
type serverBackend struct{ *Server }

func (b serverBackend) client(id string) (oidcClient, bool) {
	v, ok := b.appClient(id)
	return oidcClient(v), ok
}

// authenticateClient uses token.go's client authentication (Logto's secret rules: expired
// secrets, the internal secret before 1.42); a public client (SPA, Native) may send only its id.
func (b serverBackend) authenticateClient(w http.ResponseWriter, r *http.Request) (oidcClient, bool) {
	form := r.PostForm
	if _, _, basic := r.BasicAuth(); !basic && form.Get("client_secret") == "" {
		if v, ok := b.appClient(form.Get("client_id")); ok && (v.Type == "SPA" || v.Type == "Native") {
			return oidcClient(v), true
		}
	}
	app, ok := b.Server.authenticateClient(w, r, form)
	if !ok {
		return oidcClient{}, false
	}
	v, ok := b.appClient(app.ID)
	return oidcClient(v), ok
}

func (b serverBackend) clock() time.Time { return b.now() }

// Users returns the end users created by phone sign-ups (or AddUser), oldest first.
func (s *Server) Users() []User {
	p := s.oidc
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]User, len(p.users))
	for i, u := range p.users {
		out[i] = *u
	}
	return out
}

// AddUser adds an end user with this phone number (digits only, as Logto stores it), so a test
// can start with a returning user. It returns the user's id.
func (s *Server) AddUser(phoneDigits string) string {
	p := s.oidc
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	u := &User{ID: expNewUserID(), PhoneNumber: phoneDigits, CreatedAt: now, UpdatedAt: now}
	p.users = append(p.users, u)
	return u.ID
}

// SentSMS returns every verification code the stand-in sent (or tried to send), oldest first.
func (s *Server) SentSMS() []SMS {
	p := s.oidc
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.sms)
}

// LastSMS returns the last verification code sent to this phone number (digits only).
func (s *Server) LastSMS(phoneDigits string) (SMS, bool) {
	p := s.oidc
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.sms) - 1; i >= 0; i-- {
		if p.sms[i].To == phoneDigits {
			return p.sms[i], true
		}
	}
	return SMS{}, false
}
