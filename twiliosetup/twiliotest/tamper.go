package twiliotest

// Helpers that change an account behind a client's back, as someone working in the Twilio
// Console would, so that tests can check what a client notices.

// RevokeAuthToken gives the account a new random primary auth token, as "Request a new
// token" + promotion in the Console does: the old token stops authenticating at once
// (api-contracts §B, AuthTokens/Promote). It returns the new token ("" for an unknown
// account).
func (s *Server) RevokeAuthToken(accountSID string) (newToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountSID]
	if !ok {
		return ""
	}
	a.AuthToken = randomHex(16)
	a.secondary = ""
	return a.AuthToken
}

// RemoveSenders takes every phone number out of a Messaging Service's sender pool (the
// numbers stay in the account), as removing them in the Console does. It returns how many
// were removed.
func (s *Server) RemoveSenders(serviceSID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, num := range s.numbers {
		if num.service == serviceSID {
			num.service = ""
			n++
		}
	}
	return n
}

// SetAccountStatus sets the account's status: "active", "suspended" or "closed". It
// reports whether the account exists.
func (s *Server) SetAccountStatus(accountSID, status string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountSID]
	if !ok {
		return false
	}
	a.Status = status
	return true
}
