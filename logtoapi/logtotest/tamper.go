package logtotest

import (
	"encoding/json"
	"slices"
)

// Helpers that change the tenant behind a client's back, as someone editing Logto in the
// Console (or its database) would, so that tests can check what a client notices.

// SetRedirectURIs replaces an application's redirect and post sign-out redirect URIs, as
// saving the app's page in the Console does. It reports whether the app exists.
func (s *Server) SetRedirectURIs(appID string, redirect, postLogout []string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[appID]
	if !ok {
		return false
	}
	a.RedirectURIs = append([]string{}, redirect...)
	a.PostLogoutRedirectURIs = append([]string{}, postLogout...)
	return true
}

// RemoveApplicationSecrets deletes every client secret of an application (as deleting them
// in the Console does): the secrets a client saved stop authenticating. It reports whether
// the app exists.
func (s *Server) RemoveApplicationSecrets(appID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[appID]
	if !ok {
		return false
	}
	a.Secrets = nil
	a.InternalSecret = ""
	return true
}

// RemoveConnector deletes a connector by row id, as the Console's "Remove" does (without
// the 1.41 password-expiration rule). It reports whether it existed.
func (s *Server) RemoveConnector(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.connectors)
	s.connectors = slices.DeleteFunc(s.connectors, func(c *connector) bool { return c.ID == id })
	return len(s.connectors) != n
}

// SetConnectorConfig replaces a connector's config without validation (Logto itself
// accepts templates without {{code}}, api-contracts §A.3). It reports whether the
// connector exists.
func (s *Server) SetConnectorConfig(id string, config json.RawMessage) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.connectorLocked(id)
	if c == nil {
		return false
	}
	c.Config = append(json.RawMessage(nil), config...)
	return true
}

// AddExtraSMSConnector adds an SMS connector WITHOUT deleting the existing ones: a state
// Logto's API never creates (POST /api/connectors replaces every other SMS connector), but
// that its database can hold (a manual insert, an old bug). Logto's GET /api/connectors
// then answers 400 connector.more_than_one_sms (api-contracts §A.3, from
// core/src/routes/connector/index.ts), and so does the stand-in. It returns the row id and
// panics if factoryID is not an installed SMS factory.
func (s *Server) AddExtraSMSConnector(factoryID string, config json.RawMessage) (id string) {
	f, ok := findFactory(factoryID)
	if !ok || f.Type != "Sms" {
		panic("logtotest: AddExtraSMSConnector: no SMS factory " + factoryID)
	}
	if len(config) == 0 {
		config = json.RawMessage(`{}`)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &connector{ID: randomShortID(), ConnectorID: factoryID, Config: config, Metadata: json.RawMessage(`{}`)}
	s.connectors = append(s.connectors, c)
	return c.ID
}

// ResetSignInExperience puts the sign-in experience back to a fresh tenant's (username
// and password), as if someone had undone the phone sign-in settings.
func (s *Server) ResetSignInExperience() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signInExp = s.seedSignInExp()
}

// SetSignInMode sets the sign-in experience's signInMode ("SignIn", "Register" or
// "SignInAndRegister"), as the Console's "Sign-in experience" page does; it reports
// whether mode is one of those.
func (s *Server) SetSignInMode(mode string) bool {
	if !slices.Contains(signInModes, mode) {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.signInExp.clone()
	next.set("signInMode", marshalNoEscape(mode))
	s.signInExp = next
	return true
}
