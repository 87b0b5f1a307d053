package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// maxPending bounds the sign-ins one browser session may have started and not finished.
const maxPending = 20

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	now := s.now()
	s.sessions.update(w, r, now, func(sess *session) {
		for len(sess.pending) >= maxPending {
			var oldest string
			for k, p := range sess.pending {
				if oldest == "" || p.started.Before(sess.pending[oldest].started) {
					oldest = k
				}
			}
			delete(sess.pending, oldest)
		}
		sess.pending[state] = pendingAuth{state: state, nonce: nonce, verifier: verifier, started: now}
	})
	opts := []oauth2.AuthCodeOption{
		oidc.Nonce(nonce),
		oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("prompt", "consent"),
	}
	if r.URL.Path == routeSignUp {
		// As @logto/express's sign-up action: Logto opens its create-account screen.
		opts = append(opts, oauth2.SetAuthURLParam("first_screen", "register"))
	}
	u := s.oauth.AuthCodeURL(state, opts...)
	http.Redirect(w, r, u, http.StatusFound)
}

// problem is an error page: what happened, and what to do.
type problem struct {
	Status  int
	Title   string
	Message string
	Next    string
	Detail  string
}

func (s *Server) handleCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, ok, found := s.sessions.takePending(r, s.now(), q.Get("state"))
	switch {
	case !ok && !found:
		s.fail(w, problem{
			Status:  http.StatusBadRequest,
			Title:   "No sign-in in progress",
			Message: "This browser has no sign-in in progress with the demo: its session cookie is missing or expired, or the demo server was restarted since the sign-in started.",
			Next:    "Go back to the demo's home page and sign in again.",
		})
		return
	case !ok:
		s.fail(w, problem{
			Status:  http.StatusBadRequest,
			Title:   "State mismatch",
			Message: "The state Logto sent back does not match the sign-in this browser started, so the response was rejected (it may be stale, replayed or forged).",
			Next:    "Go back to the demo's home page and sign in again.",
		})
		return
	}
	if e := q.Get("error"); e != "" {
		s.fail(w, problem{
			Status:  http.StatusBadRequest,
			Title:   "Logto refused the sign-in",
			Message: fmt.Sprintf("Logto answered with the error %q: %s", e, q.Get("error_description")),
			Next:    "Check the app's settings in the Logto Console, then sign in again.",
		})
		return
	}
	if iss := q.Get("iss"); iss != "" && iss != s.issuer {
		s.fail(w, problem{
			Status:  http.StatusBadRequest,
			Title:   "Wrong issuer",
			Message: fmt.Sprintf("The sign-in response comes from the issuer %q, but the demo expects %q.", iss, s.issuer),
			Next:    "Use the Logto endpoint the browser signs in at; Logto's ENDPOINT setting must match it.",
		})
		return
	}
	code := q.Get("code")
	if code == "" {
		s.fail(w, problem{
			Status:  http.StatusBadRequest,
			Title:   "No authorization code",
			Message: "Logto's response has no authorization code.",
			Next:    "Go back to the demo's home page and sign in again.",
		})
		return
	}

	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, s.hc)
	tok, err := s.oauth.Exchange(ctx, code, oauth2.VerifierOption(p.verifier))
	if err != nil {
		s.fail(w, exchangeProblem(err))
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		s.fail(w, problem{
			Status:  http.StatusBadGateway,
			Title:   "No ID token",
			Message: "Logto's token response has no ID token (was the openid scope refused?).",
			Next:    "Sign in again; if it keeps happening, check the app type (Traditional web) in the Logto Console.",
		})
		return
	}
	idt, err := s.verifier.Verify(ctx, raw)
	if err != nil {
		s.fail(w, s.verifyProblem(raw, err))
		return
	}
	if idt.Nonce != p.nonce {
		s.fail(w, problem{
			Status:  http.StatusBadRequest,
			Title:   "Nonce mismatch",
			Message: "The ID token's nonce does not match the one this sign-in sent, so the token was rejected (it may be replayed).",
			Next:    "Go back to the demo's home page and sign in again.",
		})
		return
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			s.fail(w, problem{
				Status:  http.StatusBadRequest,
				Title:   "Access token does not match the ID token",
				Message: "The ID token's at_hash does not match the access token Logto returned with it.",
				Next:    "Go back to the demo's home page and sign in again.",
				Detail:  err.Error(),
			})
			return
		}
	}
	si, err := signInFrom(idt)
	if err != nil {
		s.fail(w, problem{
			Status:  http.StatusBadGateway,
			Title:   "Unreadable ID token",
			Message: "The ID token's claims could not be read.",
			Detail:  err.Error(),
		})
		return
	}
	s.sessions.login(w, r, s.now(), &si)
	s.signedIn()
	select {
	case s.signIns <- si:
	default:
	}
	http.Redirect(w, r, s.baseURL+"/", http.StatusFound)
}

func signInFrom(idt *oidc.IDToken) (SignIn, error) {
	var raw json.RawMessage
	if err := idt.Claims(&raw); err != nil {
		return SignIn{}, fmt.Errorf("demo: reading ID token claims: %w", err)
	}
	claims := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&claims); err != nil {
		return SignIn{}, fmt.Errorf("demo: decoding ID token claims: %w", err)
	}
	phone, _ := claims["phone_number"].(string)
	return SignIn{Subject: idt.Subject, PhoneNumber: e164(phone), Claims: claims}, nil
}

// e164 turns Logto's phone_number claim (digits only, e.g. "15551234567") into E.164 with a
// "+" ("+15551234567"). A value that already starts with "+" is kept; "" stays "".
func e164(phone string) string {
	phone = strings.TrimSpace(phone)
	if phone == "" || strings.HasPrefix(phone, "+") {
		return phone
	}
	return "+" + phone
}

func exchangeProblem(err error) problem {
	p := problem{
		Status:  http.StatusBadGateway,
		Title:   "Logto did not accept the sign-in code",
		Message: "Exchanging the authorization code for tokens failed.",
		Next:    "Go back to the demo's home page and sign in again.",
		Detail:  err.Error(),
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		switch re.ErrorCode {
		case "invalid_client":
			p.Message = "Logto rejected the app's credentials (invalid_client): the app secret is wrong, or the app was deleted."
			p.Next = "Check the App ID and App secret in the Logto Console (Applications → your app), then run the wizard's app step again."
		case "invalid_grant":
			p.Message = "Logto rejected the authorization code (invalid_grant): it expired, was already used, or the redirect URI or PKCE verifier did not match."
		}
		p.Detail = fmt.Sprintf("HTTP %d %s %s", re.Response.StatusCode, re.ErrorCode, re.ErrorDescription)
	}
	return p
}

func (s *Server) verifyProblem(raw string, err error) problem {
	p := problem{
		Status:  http.StatusBadRequest,
		Title:   "The ID token was rejected",
		Message: "The ID token Logto returned did not pass verification.",
		Next:    "Go back to the demo's home page and sign in again.",
		Detail:  err.Error(),
	}
	var exp *oidc.TokenExpiredError
	if errors.As(err, &exp) {
		p.Title = "Expired ID token"
		p.Message = fmt.Sprintf("The ID token expired at %s.", exp.Expiry.UTC().Format("2006-01-02 15:04:05 UTC"))
		p.Next = "Check that this computer's clock and Logto's clock are right, then sign in again."
		return p
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "failed to verify signature") || strings.HasPrefix(msg, "oidc: malformed jwt") {
		p.Title = "Invalid ID token signature"
		p.Message = "The ID token's signature does not verify against Logto's signing keys (JWKS): the token was altered or was not signed by this Logto."
		return p
	}
	claims := unverifiedClaims(raw)
	if iss, _ := claims["iss"].(string); iss != s.issuer {
		p.Title = "Wrong issuer"
		p.Message = fmt.Sprintf("The ID token was issued by %q, but the demo expects %q.", iss, s.issuer)
		p.Next = "Use the Logto endpoint that issued the token; Logto's ENDPOINT setting must match the URL the wizard uses."
		return p
	}
	if !audienceHas(claims["aud"], s.cfg.AppID) {
		p.Title = "Wrong audience"
		p.Message = fmt.Sprintf("The ID token is meant for another app (aud %v), not for the app ID %q.", claims["aud"], s.cfg.AppID)
		p.Next = "Check that the App ID given to the wizard is the app you sign in to."
		return p
	}
	return p
}

// unverifiedClaims decodes a JWT payload without checking anything; only to explain an error.
func unverifiedClaims(raw string) map[string]any {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

func audienceHas(aud any, id string) bool {
	switch a := aud.(type) {
	case string:
		return a == id
	case []any:
		return slices.ContainsFunc(a, func(v any) bool { s, _ := v.(string); return s == id })
	}
	return false
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	s.sessions.destroy(w, r)
	s.signOutStarted()
	q := url.Values{}
	q.Set("client_id", s.cfg.AppID)
	q.Set("post_logout_redirect_uri", PostLogoutRedirectURI(s.baseURL))
	u := s.endSess
	if strings.Contains(u, "?") {
		u += "&" + q.Encode()
	} else {
		u += "?" + q.Encode()
	}
	status := http.StatusFound
	if r.Method == http.MethodPost {
		status = http.StatusSeeOther
	}
	http.Redirect(w, r, u, status)
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	u := s.sessions.user(r, s.now())
	s.pages.home(w, u)
	if u != nil {
		s.landed()
	} else {
		s.signedOut()
	}
}

func (s *Server) fail(w http.ResponseWriter, p problem) {
	s.pages.problem(w, p)
}
