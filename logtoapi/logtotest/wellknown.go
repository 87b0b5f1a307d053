package logtotest

import (
	"encoding/json"
	"net/http"
	"slices"
)

// registerWellKnown adds the public GET /api/.well-known/sign-in-exp, which Logto's sign-in page
// reads without a token (packages/core/src/routes/well-known: getFullSignInExperience). Its body
// is the sign-in experience without forgotPasswordMethods (nor emailBlocklistPolicy, where a
// version has it), plus socialConnectors, ssoConnectors, forgotPassword {phone, email} and
// isDevelopmentTenant. The stand-in has no social, SSO or email connectors; forgotPassword.phone
// says whether an SMS connector exists.
func (s *Server) registerWellKnown(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/.well-known/sign-in-exp", s.getWellKnownSignInExp)
}

func (s *Server) getWellKnownSignInExp(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	out := without(s.signInExp, "forgotPasswordMethods", "emailBlocklistPolicy")
	hasSMS := s.smsConnectorLocked() != nil
	s.mu.Unlock()
	forgot, _ := json.Marshal(map[string]bool{"phone": hasSMS, "email": false})
	out.set("socialConnectors", json.RawMessage(`[]`))
	out.set("ssoConnectors", json.RawMessage(`[]`))
	out.set("forgotPassword", forgot)
	out.set("isDevelopmentTenant", json.RawMessage(`false`))
	respondJSON(w, http.StatusOK, out)
}

// without is a copy of o without the keys drop.
func without(o *orderedObject, drop ...string) *orderedObject {
	out := &orderedObject{vals: map[string]json.RawMessage{}}
	for _, k := range o.keys {
		if !slices.Contains(drop, k) {
			out.set(k, o.vals[k])
		}
	}
	return out
}
