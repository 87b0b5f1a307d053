package logtotest

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// oidcSupportedScopes are the scopes this stand-in grants; others are ignored, as oidc-provider
// ignores unknown scopes.
var oidcSupportedScopes = map[string]bool{
	"openid": true, "offline_access": true, "profile": true, "phone": true, "email": true,
	"address": true, "custom_data": true, "identities": true, "roles": true,
}

var oidcSupportedPrompts = map[string]bool{"none": true, "login": true, "consent": true, "select_account": true}

// handleAuth is GET/POST /oidc/auth (fixtures 211, 280-283, 285, 310, 314).
func (p *oidcProvider) handleAuth(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "could not parse the request"))
		return
	}
	q := r.Form
	ap := oidcAuthParams{
		ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), Scope: q.Get("scope"),
		State: q.Get("state"), Nonce: q.Get("nonce"), CodeChallenge: q.Get("code_challenge"),
		CodeChallengeMethod: q.Get("code_challenge_method"), Prompt: q.Get("prompt"),
		Resource: q.Get("resource"), FirstScreen: q.Get("first_screen"), InteractionMode: q.Get("interaction_mode"),
	}
	iss := p.issuer()
	// Errors before the redirect URI is known good are 400 JSON, never a redirect (fixtures 280, 281).
	fail := func(code, desc string) {
		e := newOIDCError(code, desc)
		e.State, e.Iss = ap.State, iss
		writeOIDCError(w, http.StatusBadRequest, e)
	}
	if ap.ClientID == "" {
		fail("invalid_request", "missing required parameter 'client_id'")
		return
	}
	cl, ok := p.be.client(ap.ClientID)
	if !ok {
		fail("invalid_client", "invalid client "+ap.ClientID)
		return
	}
	if ap.RedirectURI == "" {
		if len(cl.RedirectURIs) != 1 {
			fail("invalid_request", "missing required parameter 'redirect_uri'")
			return
		}
		ap.RedirectURI = cl.RedirectURIs[0]
	}
	if !oidcContainsURI(cl.RedirectURIs, ap.RedirectURI) {
		fail("invalid_redirect_uri",
			"redirect_uri did not match any of the client's registered redirect_uris")
		return
	}
	// From here on errors go back to the client's callback (fixtures 282, 283).
	back := func(code, desc string) {
		koaRedirect(w, http.StatusSeeOther, oidcCallbackURL(ap.RedirectURI, [][2]string{
			{"error", code}, {"error_description", desc}, {"state", ap.State}, {"iss", iss},
		}), true)
	}
	switch {
	case q.Get("response_type") == "":
		back("invalid_request", "missing required parameter 'response_type'")
		return
	case q.Get("response_type") != "code":
		back("unsupported_response_type", "unsupported response_type requested")
		return
	case ap.Nonce != "" && !oidcHasScope(ap.Scope, "openid"):
		back("invalid_request", "openid scope must be requested when using the nonce parameter")
		return
	case ap.CodeChallengeMethod != "" && ap.CodeChallengeMethod != "S256":
		back("invalid_request", "not supported value of code_challenge_method")
		return
	case ap.CodeChallenge != "" && ap.CodeChallengeMethod == "":
		back("invalid_request", "plain code_challenge_method fallback disabled, code_challenge_method must be provided")
		return
	case ap.CodeChallengeMethod != "" && ap.CodeChallenge == "":
		back("invalid_request", "code_challenge must be provided with code_challenge_method")
		return
	case ap.CodeChallenge != "" && len(ap.CodeChallenge) != 43:
		back("invalid_request", "code_challenge must be a string with a minimum length of 43 characters")
		return
	case (cl.Type == "SPA" || cl.Type == "Native") && ap.CodeChallenge == "":
		back("invalid_request", "Authorization Server policy requires PKCE to be used for this request")
		return
	}
	for pr := range strings.FieldsSeq(ap.Prompt) {
		if !oidcSupportedPrompts[pr] {
			back("invalid_request", "unsupported prompt value requested")
			return
		}
	}
	// Keep the supported scopes in the order asked; offline_access only with prompt=consent.
	var granted []string
	for s := range strings.FieldsSeq(ap.Scope) {
		if !oidcSupportedScopes[s] || (s == "offline_access" && !oidcHasScope(ap.Prompt, "consent")) {
			continue
		}
		granted = append(granted, s)
	}
	ap.Scope = strings.Join(granted, " ")

	p.mu.Lock()
	defer p.mu.Unlock()
	sess, live := p.liveSession(r)
	if live {
		p.setSessionCookie(w, sess) // refreshed on every request, as koa-session does (fixtures 310, 314)
	}
	if oidcHasScope(ap.Prompt, "login") {
		live = false
	}
	if oidcHasScope(ap.Prompt, "none") && !live {
		back("login_required", "End-User authentication is required")
		return
	}
	in := &oidcInteraction{
		uid: oidcNewUID(), clientID: cl.ID, params: ap, created: time.Now(), stage: "login",
		verifications: map[string]*expVerification{},
	}
	p.inter[in.uid] = in
	p.setInteractionCookies(w, in)
	in.sessionID = oidcNewUID()
	if live {
		in.stage, in.accountID, in.sessionID = "consent", sess.accountID, sess.id
		p.logInteractionCreate(r, in)
		koaRedirect(w, http.StatusSeeOther, "/consent?app_id="+url.QueryEscape(cl.ID), true)
		return
	}
	p.logInteractionCreate(r, in)
	koaRedirect(w, http.StatusSeeOther, p.firstScreen(in), true)
}

// logInteractionCreate writes Interaction.Create (r3-002; the consent prompt's details are
// inferred). p.mu must be held.
func (p *oidcProvider) logInteractionCreate(r *http.Request, in *oidcInteraction) {
	prompt := map[string]any{"name": "login", "details": map[string]any{}, "reasons": []string{"no_session"}}
	if in.stage == "consent" {
		prompt = map[string]any{"name": "consent", "details": map[string]any{}, "reasons": []string{"op_scopes_missing"}}
	}
	p.logEvent(r, "Interaction.Create", nil, in.clientID, in.accountID, map[string]any{
		"sessionId": in.sessionID, "params": in.params.logParams(), "prompt": prompt, "interactionId": in.uid,
	})
}

// logInteractionEnd writes Interaction.End (r3-002). p.mu must be held.
func (p *oidcProvider) logInteractionEnd(r *http.Request, in *oidcInteraction) {
	p.logEvent(r, "Interaction.End", nil, in.clientID, "", map[string]any{
		"sessionId": in.sessionID, "params": in.params.logParams(), "interactionId": in.uid,
	})
}

// firstScreen is the sign-in page the interaction starts on.
func (p *oidcProvider) firstScreen(in *oidcInteraction) string {
	path := "/sign-in"
	if in.params.FirstScreen == "register" || in.params.InteractionMode == "signUp" {
		path = "/register"
	}
	return path + "?app_id=" + url.QueryEscape(in.clientID)
}

// oidcCallbackURL appends parameters to a redirect URI in the given order, skipping empty values.
func oidcCallbackURL(base string, params [][2]string) string {
	var b strings.Builder
	b.WriteString(base)
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	for _, claimKV := range params {
		if claimKV[1] == "" {
			continue
		}
		b.WriteString(sep + claimKV[0] + "=" + url.QueryEscape(claimKV[1]))
		sep = "&"
	}
	return b.String()
}

func oidcSessionNotFound(w http.ResponseWriter) {
	respondJSON(w, http.StatusBadRequest, expError{
		Code: "session.not_found", Message: "Session not found. Please go back and sign in again.",
		Error: "invalid_request", ErrorDescription: "interaction session not found",
	})
}

// handleAuthResume is GET /oidc/auth/{uid}: after the sign-in it goes to /consent (fixture 295),
// after the consent to the client's callback with a code (fixture 297).
func (p *oidcProvider) handleAuthResume(w http.ResponseWriter, r *http.Request) {
	uid := r.PathValue("uid")
	p.mu.Lock()
	defer p.mu.Unlock()
	resume, ok := p.signedCookie(r, "_interaction_resume")
	in, found := p.inter[uid]
	if !ok || resume != uid || !found || time.Since(in.created) > oidcInteractionTTL {
		oidcSessionNotFound(w)
		return
	}
	switch in.stage {
	case "login":
		if in.accountID == "" {
			// Not signed in yet: show the sign-in page again.
			koaRedirect(w, http.StatusSeeOther, p.firstScreen(in), true)
			return
		}
		s := &oidcSession{id: oidcNewUID(), accountID: in.accountID, loginAt: time.Now()}
		p.sessions[s.id] = s
		delete(p.inter, in.uid)
		next := &oidcInteraction{
			uid: oidcNewUID(), clientID: in.clientID, params: in.params, created: time.Now(),
			stage: "consent", accountID: in.accountID, verifications: map[string]*expVerification{},
		}
		next.sessionID = s.id
		p.inter[next.uid] = next
		p.logInteractionEnd(r, in)
		p.logInteractionCreate(r, next)
		p.setInteractionCookies(w, next)
		p.setSessionCookie(w, s)
		koaRedirect(w, http.StatusSeeOther, "/consent?app_id="+url.QueryEscape(in.clientID), true)
	default: // consent
		sess, live := p.liveSession(r)
		if !live || sess.accountID != in.accountID {
			in.stage, in.accountID = "login", ""
			koaRedirect(w, http.StatusSeeOther, p.firstScreen(in), true)
			return
		}
		if !in.consented {
			koaRedirect(w, http.StatusSeeOther, "/consent?app_id="+url.QueryEscape(in.clientID), true)
			return
		}
		delete(p.inter, in.uid)
		p.logInteractionEnd(r, in)
		code := p.issueCode(in)
		// oidc-provider stores the session under a new id once the grant is added.
		delete(p.sessions, sess.id)
		sess.id = oidcNewUID()
		p.sessions[sess.id] = sess
		p.clearCookie(w, "_interaction_resume", "/oidc/auth/"+in.uid)
		p.setSessionCookie(w, sess)
		koaRedirect(w, http.StatusSeeOther, oidcCallbackURL(in.params.RedirectURI, [][2]string{
			{"code", code}, {"state", in.params.State}, {"iss", p.issuer()},
		}), true)
	}
}

// handleConsent is GET /consent: first-party apps are consented at once, with no screen, and the
// browser goes back to /oidc/auth/{uid} (fixtures 221, 296, 311).
func (p *oidcProvider) handleConsent(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in, ok := p.interactionFromCookie(r)
	if !ok {
		oidcSessionNotFound(w)
		return
	}
	if in.stage == "consent" {
		in.consented = true
	}
	koaRedirect(w, http.StatusFound, p.be.endpoint()+"/oidc/auth/"+in.uid, false)
}

// issueCode creates a grant and its authorization code. p.mu must be held.
func (p *oidcProvider) issueCode(in *oidcInteraction) string {
	g := &oidcGrant{
		id: oidcNewUID(), clientID: in.clientID, accountID: in.accountID, scope: in.params.Scope,
		nonce: in.params.Nonce, resource: in.params.Resource,
	}
	c := &oidcAuthCode{
		code: oidcOpaque(), grant: g, redirectURI: in.params.RedirectURI,
		codeChallenge: in.params.CodeChallenge, expires: time.Now().Add(oidcCodeTTL),
	}
	p.codes[c.code] = c
	return c.code
}
