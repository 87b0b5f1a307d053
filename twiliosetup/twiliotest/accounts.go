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
