package logtotest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/logto-twilio/logto-twilio/internal/htmlesc"
)

// endSessionPage is oidc-provider's logoutSource as Logto serves it (fixture 300): a form that
// submits itself to action. It is written by hand, not with html/template (whose reachable Execute
// costs the binary about 4 MiB), with the same bytes: html/template dropped the leading
// "<!-- https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#logoutsource -->".
func endSessionPage(action, xsrf string) string {
	return `
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>Sign Out</title>
</head>
<body onload="document.getElementById('op.logoutForm').submit();">
  <form id="op.logoutForm" method="post" action="` + htmlesc.URL(action) + `"><input type="hidden" name="xsrf" value="` + htmlesc.Text(xsrf) + `"/></form>
  <input type="hidden" form="op.logoutForm" value="yes" name="logout" />
</body>
</html>
`
}

// oidcEndSessionSuccessPage is the page after a sign-out without post_logout_redirect_uri (fixture 305).
const oidcEndSessionSuccessPage = `<!-- https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#logoutsource -->
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>Sign Out</title>
</head>
<body>
<div class="viewBox">
  <div class="container">
    <main>
      <div class="message">You have successfully signed out.</div>
    </main>
  </div>
</div>
</body>
</html>
`

// handleEndSession is GET/POST /oidc/session/end (fixtures 235, 255, 300, 303).
func (p *oidcProvider) handleEndSession(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "could not parse the request"))
		return
	}
	clientID := r.Form.Get("client_id")
	postLogout := r.Form.Get("post_logout_redirect_uri")
	if hint := r.Form.Get("id_token_hint"); hint != "" {
		aud, ok := p.idTokenHintAudience(hint)
		if !ok {
			writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "could not validate id_token_hint"))
			return
		}
		if clientID != "" && clientID != aud {
			writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "client_id does not match the provided id_token_hint"))
			return
		}
		clientID = aud
	}
	if postLogout != "" {
		if clientID == "" {
			writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request",
				"post_logout_redirect_uri can only be used in combination with id_token_hint or client_id"))
			return
		}
		cl, ok := p.be.client(clientID)
		if !ok {
			writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_client", "invalid client "+clientID))
			return
		}
		if !oidcContainsURI(cl.PostLogoutRedirectURIs, postLogout) {
			writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "post_logout_redirect_uri not registered"))
			return
		}
	} else if clientID != "" {
		if _, ok := p.be.client(clientID); !ok {
			writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_client", "invalid client "+clientID))
			return
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	sess, ok := p.sessionAny(r)
	if !ok {
		// oidc-provider keeps the end-session state in a (new, anonymous) session.
		sess = &oidcSession{id: oidcNewUID(), loginAt: time.Now()}
		p.sessions[sess.id] = sess
	}
	x := oidcNewXSRF()
	p.xsrf[sess.id] = oidcEndSessionReq{xsrf: x, postLogout: postLogout, state: r.Form.Get("state")}
	p.setSessionCookie(w, sess)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(endSessionPage(p.issuer()+"/session/end/confirm", x)))
}

// sessionAny returns the session of the _session cookie, signed in or not. p.mu must be held.
func (p *oidcProvider) sessionAny(r *http.Request) (*oidcSession, bool) {
	id, ok := p.signedCookie(r, "_session")
	if !ok {
		return nil, false
	}
	s, ok := p.sessions[id]
	return s, ok
}

// idTokenHintAudience verifies an ID token we issued (expired ones are fine; a JWT, so the JWS
// compact serialization only) and returns its aud.
func (p *oidcProvider) idTokenHintAudience(hint string) (string, bool) {
	obj, err := jose.ParseSignedCompact(hint, []jose.SignatureAlgorithm{jose.ES384})
	if err != nil {
		return "", false
	}
	payload, err := obj.Verify(&p.key.PublicKey)
	if err != nil {
		return "", false
	}
	var c struct {
		Aud string `json:"aud"`
		Iss string `json:"iss"`
	}
	if json.Unmarshal(payload, &c) != nil || c.Iss != p.issuer() {
		return "", false
	}
	return c.Aud, true
}

// handleEndSessionConfirm is POST /oidc/session/end/confirm (fixtures 236, 301, 302, 304).
func (p *oidcProvider) handleEndSessionConfirm(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "could not parse the request"))
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	sess, ok := p.sessionAny(r)
	var req oidcEndSessionReq
	if ok {
		req = p.xsrf[sess.id]
	}
	if req.xsrf == "" || req.xsrf != r.PostForm.Get("xsrf") {
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "xsrf token invalid"))
		return
	}
	delete(p.xsrf, sess.id)
	delete(p.sessions, sess.id)
	p.setCookie(w, "_session", "", oidcCookieOpts{path: "/", expires: time.Unix(0, 0), httpOnly: true, signed: true})
	target := p.issuer() + "/session/end/success"
	if req.postLogout != "" {
		target = oidcCallbackURL(req.postLogout, [][2]string{{"state", req.state}})
	}
	koaRedirect(w, http.StatusSeeOther, target, true)
}

// handleEndSessionSuccess is GET /oidc/session/end/success (fixture 305).
func (p *oidcProvider) handleEndSessionSuccess(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(strings.TrimLeft(oidcEndSessionSuccessPage, "\n")))
}
