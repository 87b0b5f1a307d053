package twiliotest

import "net/http"

// This file serves accounts.twilio.com/v1 auth-token rotation. The caller's account is
// the one named by its Basic auth.

func (s *Server) createSecondaryToken(c *call) {
	s.mu.Lock()
	a := s.accounts[c.acct.SID]
	a.secondary = randomHex(16)
	tok := a.secondary
	s.mu.Unlock()
	writeJSON(c.w, http.StatusCreated, map[string]any{
		"account_sid":          c.acct.SID,
		"date_created":         iso8601(c.now),
		"date_updated":         iso8601(c.now),
		"secondary_auth_token": tok,
		"url":                  c.base + "/v1/AuthTokens/Secondary",
	})
}

func (s *Server) deleteSecondaryToken(c *call) {
	s.mu.Lock()
	a := s.accounts[c.acct.SID]
	had := a.secondary != ""
	a.secondary = ""
	s.mu.Unlock()
	if !had {
		writeError(c.w, http.StatusNotFound, 20404, "No secondary Auth Token exists for this account")
		return
	}
	c.w.WriteHeader(http.StatusNoContent)
}

// promoteToken makes the secondary token the primary one; the old primary stops working
// at once.
func (s *Server) promoteToken(c *call) {
	s.mu.Lock()
	a := s.accounts[c.acct.SID]
	if a.secondary == "" {
		s.mu.Unlock()
		writeError(c.w, http.StatusNotFound, 20404, "No secondary Auth Token to promote")
		return
	}
	a.AuthToken, a.secondary = a.secondary, ""
	tok := a.AuthToken
	s.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]any{
		"account_sid":  c.acct.SID,
		"auth_token":   tok,
		"date_created": iso8601(c.now),
		"date_updated": iso8601(c.now),
		"url":          c.base + "/v1/AuthTokens/Promote",
	})
}

// What Twilio documents about the two tokens (twilio.com/docs/iam/api/secondary_authtoken and
// /authtoken, spec twilio_accounts_v1.json; api-contracts.md §B.8), and what this file does:
//   - POST /v1/AuthTokens/Secondary (201) creates the secondary token; it "works the same way
//     as your primary token", so both authenticate, for every API, until the promotion.
//     ❓ Creating one while one exists: Twilio keeps one secondary token per account, so the
//     stand-in replaces it (the earlier secondary stops working).
//   - POST /v1/AuthTokens/Promote (200) "will delete the current primary Auth Token, and
//     promote the secondary Auth Token to primary": from then on only the new token works,
//     and there is no secondary left. ❓ Without a secondary: 404 (code 20404).
//   - DELETE /v1/AuthTokens/Secondary (204) deletes the secondary: it stops working at once,
//     the primary is untouched. ❓ Without a secondary: 404 (code 20404).
// Either token may call these endpoints (both authenticate as the account).

// SecondaryAuthToken returns the account's secondary auth token, "" when it has none (or the
// account is unknown).
func (s *Server) SecondaryAuthToken(accountSID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[accountSID]; ok {
		return a.secondary
	}
	return ""
}

// Accepts reports whether a request authenticated with accountSID and token would be let in:
// token is the account's primary or secondary token and the account is not closed. Tests use
// it to check that a credential stored elsewhere (a Logto connector's config) still works.
func (s *Server) Accepts(accountSID, token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountSID]
	if !ok || a.Status == "closed" || token == "" {
		return false
	}
	return token == a.AuthToken || (a.secondary != "" && token == a.secondary)
}
