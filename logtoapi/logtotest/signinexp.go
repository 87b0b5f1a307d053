package logtotest

import (
	"encoding/json"
	"net/http"
)

var (
	signInIdentifiers    = []string{"username", "email", "phone"}
	secondaryIdentifiers = []string{"username", "email", "phone", "emailOrPhone"}
	forgotPasswordKinds  = []string{"EmailVerificationCode", "PhoneVerificationCode"}
	signInModes          = []string{"SignIn", "Register", "SignInAndRegister"}
)

// patchableSince142 are sign-in experience keys PATCH accepts only from 1.42.
var patchableSince142 = []string{"passwordExpiration", "verificationCodePolicy", "usernamePolicy", "customUiCsp", "signUpProfileFields"}

type signUpConfig struct {
	Identifiers          []string              `json:"identifiers"`
	Password             bool                  `json:"password"`
	Verify               bool                  `json:"verify"`
	SecondaryIdentifiers []secondaryIdentifier `json:"secondaryIdentifiers,omitempty"`
}

type secondaryIdentifier struct {
	Identifier string `json:"identifier"`
	Verify     *bool  `json:"verify,omitempty"`
}

type signInMethod struct {
	Identifier        string `json:"identifier"`
	Password          bool   `json:"password"`
	VerificationCode  bool   `json:"verificationCode"`
	IsPasswordPrimary bool   `json:"isPasswordPrimary"`
}

type signInConfig struct {
	Methods []signInMethod `json:"methods"`
}

func (s *Server) registerSignInExp(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/sign-in-exp", s.requireManagement(s.getSignInExp))
	mux.HandleFunc("PATCH /api/sign-in-exp", s.requireManagement(s.patchSignInExp))
}

func (s *Server) getSignInExp(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	respondJSON(w, http.StatusOK, s.signInExp)
}

// signUpLocked returns the stored sign-up settings.
func (s *Server) signUpLocked() signUpConfig {
	var su signUpConfig
	_ = json.Unmarshal(s.signInExp.get("signUp"), &su)
	return su
}

// signInLocked returns the stored sign-in settings.
func (s *Server) signInLocked() signInConfig {
	var si signInConfig
	_ = json.Unmarshal(s.signInExp.get("signIn"), &si)
	return si
}

func readSignUp(c *checker, body map[string]json.RawMessage) (signUpConfig, bool) {
	obj, ok := c.object(body, "signUp", false)
	if !ok {
		return signUpConfig{}, false
	}
	path := []any{"signUp"}
	var su signUpConfig
	before := len(c.issues)
	if arr, ok := c.array(obj, "identifiers", true, path); ok {
		su.Identifiers = []string{}
		for i, raw := range arr {
			if v, ok := c.enum(raw, signInIdentifiers, join(path, "identifiers", i)); ok {
				su.Identifiers = append(su.Identifiers, v)
			}
		}
	}
	su.Password, _ = c.boolean(obj, "password", true, path)
	su.Verify, _ = c.boolean(obj, "verify", true, path)
	if arr, ok := c.array(obj, "secondaryIdentifiers", false, path); ok {
		su.SecondaryIdentifiers = []secondaryIdentifier{}
		for i, raw := range arr {
			var el map[string]json.RawMessage
			if jsType(raw) != "object" || json.Unmarshal(raw, &el) != nil {
				c.typeIssue(join(path, "secondaryIdentifiers", i), "object", raw)
				continue
			}
			p := join(path, "secondaryIdentifiers", i)
			var si secondaryIdentifier
			if v, ok := el["identifier"]; ok {
				si.Identifier, _ = c.enum(v, secondaryIdentifiers, join(p, "identifier"))
			} else {
				c.typeIssue(join(p, "identifier"), "'"+joinOptions(secondaryIdentifiers)+"'", nil)
			}
			if v, ok := c.boolean(el, "verify", false, p); ok {
				si.Verify = &v
			}
			su.SecondaryIdentifiers = append(su.SecondaryIdentifiers, si)
		}
	}
	return su, len(c.issues) == before
}

func joinOptions(o []string) string {
	out := ""
	for i, s := range o {
		if i > 0 {
			out += "' | '"
		}
		out += s
	}
	return out
}

func readSignIn(c *checker, body map[string]json.RawMessage) (signInConfig, bool) {
	obj, ok := c.object(body, "signIn", false)
	if !ok {
		return signInConfig{}, false
	}
	path := []any{"signIn"}
	before := len(c.issues)
	si := signInConfig{Methods: []signInMethod{}}
	if arr, ok := c.array(obj, "methods", true, path); ok {
		for i, raw := range arr {
			p := join(path, "methods", i)
			var el map[string]json.RawMessage
			if jsType(raw) != "object" || json.Unmarshal(raw, &el) != nil {
				c.typeIssue(p, "object", raw)
				continue
			}
			var m signInMethod
			if v, ok := el["identifier"]; ok {
				m.Identifier, _ = c.enum(v, signInIdentifiers, join(p, "identifier"))
			} else {
				c.typeIssue(join(p, "identifier"), "'"+joinOptions(signInIdentifiers)+"'", nil)
			}
			m.Password, _ = c.boolean(el, "password", true, p)
			m.VerificationCode, _ = c.boolean(el, "verificationCode", true, p)
			m.IsPasswordPrimary, _ = c.boolean(el, "isPasswordPrimary", true, p)
			si.Methods = append(si.Methods, m)
		}
	}
	return si, len(c.issues) == before
}

// signInExpRuleError is a RequestError of the sign-in experience rules (400).
type signInExpRuleError struct{ code, message string }

func connectorNotFound(typ string) *signInExpRuleError {
	return &signInExpRuleError{"sign_in_experiences.enabled_connector_not_found", "Enabled " + typ + " connector not found."}
}

// validateSignUpLocked is core/src/libraries/sign-in-experience/sign-up.ts.
func (s *Server) validateSignUpLocked(su signUpConfig) *signInExpRuleError {
	needs := map[string]bool{}
	for _, id := range su.Identifiers {
		needs[id] = true
	}
	for _, sec := range su.SecondaryIdentifiers {
		switch sec.Identifier {
		case "emailOrPhone":
			needs["email"], needs["phone"] = true, true
		default:
			needs[sec.Identifier] = true
		}
	}
	if needs["email"] && !s.hasConnectorTypeLocked("Email") {
		return connectorNotFound("Email")
	}
	if needs["phone"] && !s.hasConnectorTypeLocked("Sms") {
		return connectorNotFound("Sms")
	}
	if (contains(su.Identifiers, "email") || contains(su.Identifiers, "phone")) && !su.Verify {
		return &signInExpRuleError{"sign_in_experiences.passwordless_requires_verify", "Must enable verify for email/phone sign up identifier."}
	}
	return nil
}

// validateSignInLocked is core/src/libraries/sign-in-experience/sign-in.ts (1.26 and later: the
// sign-up identifier need not be a sign-in method).
func (s *Server) validateSignInLocked(si signInConfig, su signUpConfig) *signInExpRuleError {
	for _, m := range si.Methods {
		if m.Identifier == "email" && m.VerificationCode && !s.hasConnectorTypeLocked("Email") {
			return connectorNotFound("Email")
		}
		if m.Identifier == "phone" && m.VerificationCode && !s.hasConnectorTypeLocked("Sms") {
			return connectorNotFound("Sms")
		}
	}
	for _, m := range si.Methods {
		if !m.Password && !m.VerificationCode {
			return &signInExpRuleError{"sign_in_experiences.at_least_one_authentication_factor", "You have to select at least one authentication factor."}
		}
	}
	if su.Verify && !su.Password {
		for _, m := range si.Methods {
			if m.Identifier != "username" && !m.VerificationCode {
				return &signInExpRuleError{
					"sign_in_experiences.code_sign_in_must_be_enabled",
					"Verification code sign in must be enabled when set a password is not required in sign up.",
				}
			}
		}
	}
	return nil
}

// patchSignInExp stores each key it is sent whole (jsonbMode 'replace'), after Logto's rules;
// unknown keys (top level and inside signUp/signIn) are stripped.
func (s *Server) patchSignInExp(w http.ResponseWriter, r *http.Request) {
	body, ok := readObject(w, r)
	if !ok {
		return
	}
	c := checker{}
	su, hasSignUp := readSignUp(&c, body)
	si, hasSignIn := readSignIn(&c, body)
	var forgot []string
	fArr, hasForgot := c.array(body, "forgotPasswordMethods", false, nil)
	for i, raw := range fArr {
		if v, ok := c.enum(raw, forgotPasswordKinds, []any{"forgotPasswordMethods", i}); ok {
			forgot = append(forgot, v)
		}
	}
	if raw, ok := body["signInMode"]; ok {
		c.enum(raw, signInModes, []any{"signInMode"})
	}
	if !c.ok() {
		respondGuard(w, c.issues)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	effectiveSignUp := s.signUpLocked()
	if hasSignUp {
		if err := s.validateSignUpLocked(su); err != nil {
			respondLogtoError(w, http.StatusBadRequest, err.code, err.message, nil)
			return
		}
		effectiveSignUp = su
	}
	if hasSignIn {
		if err := s.validateSignInLocked(si, effectiveSignUp); err != nil {
			respondLogtoError(w, http.StatusBadRequest, err.code, err.message, nil)
			return
		}
	}
	mfaRaw, hasMFA := body["mfa"]
	if hasMFA && jsType(mfaRaw) != "object" {
		c.typeIssue([]any{"mfa"}, "object", mfaRaw)
		respondGuard(w, c.issues)
		return
	}
	if hasSignIn || hasMFA {
		effectiveSignIn := s.signInLocked()
		if hasSignIn {
			effectiveSignIn = si
		}
		effectiveMFA := s.signInExp.get("mfa")
		if hasMFA {
			effectiveMFA = mfaRaw
		}
		if phoneMFAConflicts(effectiveSignIn, effectiveMFA) {
			respondLogtoError(w, http.StatusBadRequest, "sign_in_experiences.phone_verification_code_cannot_be_used_for_sign_in",
				"Phone verification code cannot be used for sign-in when it is enabled as an MFA factor.", nil)
			return
		}
	}
	if hasForgot {
		for _, f := range forgot {
			if f == "EmailVerificationCode" && !s.hasConnectorTypeLocked("Email") {
				respondLogtoError(w, http.StatusBadRequest, "sign_in_experiences.forgot_password_method_requires_connector",
					"Forgot password method requires a corresponding email connector to be configured.", nil)
				return
			}
			if f == "PhoneVerificationCode" && !s.hasConnectorTypeLocked("Sms") {
				respondLogtoError(w, http.StatusBadRequest, "sign_in_experiences.forgot_password_method_requires_connector",
					"Forgot password method requires a corresponding sms connector to be configured.", nil)
				return
			}
		}
	}
	next := s.signInExp.clone()
	for _, k := range s.signInExp.keys {
		raw, ok := body[k]
		if !ok || k == "tenantId" || k == "id" {
			continue
		}
		switch k {
		case "signUp":
			next.set(k, marshalNoEscape(su))
		case "signIn":
			next.set(k, marshalNoEscape(si))
		case "forgotPasswordMethods":
			if forgot == nil {
				forgot = []string{}
			}
			next.set(k, marshalNoEscape(forgot))
		default:
			next.set(k, raw)
		}
	}
	if s.atLeast142() {
		for _, k := range patchableSince142 {
			if raw, ok := body[k]; ok {
				next.set(k, raw)
			}
		}
	}
	s.signInExp = next
	respondJSON(w, http.StatusOK, s.signInExp)
}

// phoneMFAConflicts: an SMS code cannot be both a sign-in method and an MFA factor.
func phoneMFAConflicts(si signInConfig, mfa json.RawMessage) bool {
	var m struct {
		Factors []string `json:"factors"`
	}
	if json.Unmarshal(mfa, &m) != nil || !contains(m.Factors, "PhoneVerificationCode") {
		return false
	}
	for _, method := range si.Methods {
		if method.Identifier == "phone" && method.VerificationCode {
			return true
		}
	}
	return false
}
