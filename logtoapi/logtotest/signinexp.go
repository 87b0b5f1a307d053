package logtotest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

var (
	signInIdentifiers    = []string{"username", "email", "phone"}
	secondaryIdentifiers = []string{"username", "email", "phone", "emailOrPhone"}
	forgotPasswordKinds  = []string{"EmailVerificationCode", "PhoneVerificationCode"}
	signInModes          = []string{"SignIn", "Register", "SignInAndRegister"}
)

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
	var v141 signInExp141Patch
	if s.atLeast141() {
		v141 = readSignInExp141(&c, body)
	}
	if !c.ok() {
		respondGuard(w, c.issues)
		return
	}
	if v141.cspSources {
		respondLogtoError(w, http.StatusBadRequest, "request.invalid_input",
			"Input is invalid. Custom UI CSP configuration is not available", nil)
		return
	}
	var users []User
	if v141.caseInsensitive {
		users = s.Users() // before s.mu: the OIDC side has its own lock
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v141.caseInsensitive && s.usernameCaseSensitiveLocked() {
		if conflicts := s.usernameCaseConflictsLocked(users); len(conflicts) > 0 {
			respondLogtoError(w, http.StatusConflict, "sign_in_experiences.username_policy_case_conflicts_exist",
				"Cannot switch to case-insensitive usernames while usernames that differ only by case exist. Resolve the conflicts and try again.",
				map[string]any{"totalConflicts": len(conflicts), "samples": conflicts[:min(len(conflicts), 20)]})
			return
		}
	}
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
	var passwordExpiration json.RawMessage
	if s.atLeast141() {
		var status int
		var code string
		passwordExpiration, status, code = s.passwordExpirationLocked(v141.passwordExpiration, fArr, hasForgot)
		if status != 0 {
			msg := map[string]string{
				"sign_in_experiences.password_expiration_requires_forgot_password": passwordExpirationNeedsForgotPassword,
			}[code]
			respondLogtoError(w, status, code, msg, nil)
			return
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
	for k, v := range v141.store {
		next.set(k, v)
	}
	if v141.passwordExpiration != nil {
		next.set("passwordExpiration", passwordExpiration)
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

// ---- 1.41: customUiCsp, passwordExpiration, signUpProfileFields, usernamePolicy,
// verificationCodePolicy (core/src/routes/sign-in-experience/index.ts at v1.41.0) ----

// signInExp141Patch is what a PATCH body says about the keys 1.41 added.
type signInExp141Patch struct {
	store              map[string]json.RawMessage // keys stored as given (after their guard)
	passwordExpiration *passwordExpirationPolicy  // nil: not sent
	caseInsensitive    bool                       // usernamePolicy.caseSensitive is false
	cspSources         bool                       // customUiCsp lists a source (Cloud only)
}

// passwordExpirationPolicy is PasswordExpirationPolicy, in its guard's key order.
type passwordExpirationPolicy struct {
	Enabled         *bool  `json:"enabled,omitempty"`
	ValidPeriodDays *int64 `json:"validPeriodDays,omitempty"`
	EnabledAt       *int64 `json:"enabledAt,omitempty"`
}

func (p passwordExpirationPolicy) on() bool { return p.Enabled != nil && *p.Enabled }

// readSignInExp141 checks the 1.41 keys against their guards (zod issues into c).
func readSignInExp141(c *checker, body map[string]json.RawMessage) signInExp141Patch {
	out := signInExp141Patch{store: map[string]json.RawMessage{}}
	if raw, ok := body["customUiCsp"]; ok {
		out.cspSources = readCustomUICSP(c, raw)
		out.store["customUiCsp"] = raw
	}
	if raw, ok := body["passwordExpiration"]; ok {
		out.passwordExpiration = readPasswordExpiration(c, raw)
	}
	if raw, ok := body["signUpProfileFields"]; ok && jsType(raw) != "null" {
		readSignUpProfileFields(c, raw)
		out.store["signUpProfileFields"] = raw
	} else if ok {
		out.store["signUpProfileFields"] = raw
	}
	if raw, ok := body["usernamePolicy"]; ok {
		if policy, ok := readUsernamePolicy(c, raw); ok {
			out.caseInsensitive = !policy.CaseSensitive
			out.store["usernamePolicy"] = marshalNoEscape(policy)
		}
	}
	if raw, ok := body["verificationCodePolicy"]; ok {
		if policy, ok := readVerificationCodePolicy(c, raw); ok {
			out.store["verificationCodePolicy"] = marshalNoEscape(policy)
		}
	}
	return out
}

// asObject reads raw as an object, or records a type issue at key.
func asObject(c *checker, key string, raw json.RawMessage) (map[string]json.RawMessage, bool) {
	var obj map[string]json.RawMessage
	if jsType(raw) != "object" || json.Unmarshal(raw, &obj) != nil {
		c.typeIssue([]any{key}, "object", raw)
		return nil, false
	}
	return obj, true
}

// readCustomUICSP is customUiCspGuard (strict: only scriptSrc and connectSrc, string arrays); it
// reports whether a source is listed.
func readCustomUICSP(c *checker, raw json.RawMessage) (sources bool) {
	obj, ok := asObject(c, "customUiCsp", raw)
	if !ok {
		return false
	}
	path := []any{"customUiCsp"}
	for k := range obj {
		if k != "scriptSrc" && k != "connectSrc" {
			c.issues = append(c.issues, zodIssue{Code: "unrecognized_keys", Path: path, Message: "Unrecognized key(s) in object: '" + k + "'"})
		}
	}
	for _, k := range []string{"scriptSrc", "connectSrc"} {
		arr, _ := c.array(obj, k, false, path)
		for i, el := range arr {
			if jsType(el) != "string" {
				c.typeIssue(join(path, k, i), "string", el)
			}
		}
		sources = sources || len(arr) > 0
	}
	return sources
}

// readPasswordExpiration is passwordExpirationPolicyGuard: {enabled?: false} (other keys
// stripped) or {enabled: true, validPeriodDays: int >= 1, enabledAt?: int >= 0}.
func readPasswordExpiration(c *checker, raw json.RawMessage) *passwordExpirationPolicy {
	obj, ok := asObject(c, "passwordExpiration", raw)
	if !ok {
		return nil
	}
	path := []any{"passwordExpiration"}
	var enabled *bool
	if v, ok := obj["enabled"]; ok {
		var b bool
		if jsType(v) != "boolean" || json.Unmarshal(v, &b) != nil {
			c.custom(path, "Invalid input")
			return nil
		}
		enabled = &b
	}
	if enabled == nil || !*enabled {
		return &passwordExpirationPolicy{Enabled: enabled}
	}
	days, okDays := jsonInt(obj["validPeriodDays"])
	at, hasAt := obj["enabledAt"]
	enabledAt, okAt := jsonInt(at)
	if !okDays || days < 1 || (hasAt && (!okAt || enabledAt < 0)) {
		c.custom(path, "Invalid input")
		return nil
	}
	p := &passwordExpirationPolicy{Enabled: enabled, ValidPeriodDays: &days}
	if hasAt {
		p.EnabledAt = &enabledAt
	}
	return p
}

// jsonInt reads a JSON integer.
func jsonInt(raw json.RawMessage) (int64, bool) {
	var f float64
	if jsType(raw) != "number" || json.Unmarshal(raw, &f) != nil || f != float64(int64(f)) {
		return 0, false
	}
	return int64(f), true
}

// readSignUpProfileFields is signUpProfileFieldsGuard: an array of {name: string}.
func readSignUpProfileFields(c *checker, raw json.RawMessage) {
	var arr []json.RawMessage
	if jsType(raw) != "array" || json.Unmarshal(raw, &arr) != nil {
		c.typeIssue([]any{"signUpProfileFields"}, "array", raw)
		return
	}
	for i, el := range arr {
		var obj map[string]json.RawMessage
		if jsType(el) != "object" || json.Unmarshal(el, &obj) != nil {
			c.typeIssue([]any{"signUpProfileFields", i}, "object", el)
			continue
		}
		c.str(obj, "name", true, []any{"signUpProfileFields", i})
	}
}

// usernamePolicy is UsernamePolicy, in usernamePolicyGuard's key order.
type usernamePolicy struct {
	CaseSensitive bool  `json:"caseSensitive"`
	MinLength     int64 `json:"minLength"`
	MaxLength     int64 `json:"maxLength"`
	AllowedChars  struct {
		Lowercase  bool `json:"lowercase"`
		Uppercase  bool `json:"uppercase"`
		Numbers    bool `json:"numbers"`
		Underscore bool `json:"underscore"`
	} `json:"allowedChars"`
}

// readUsernamePolicy is usernamePolicyGuard: every key required, lengths 1-128 with min <= max,
// and lowercase, uppercase or underscore allowed.
func readUsernamePolicy(c *checker, raw json.RawMessage) (usernamePolicy, bool) {
	var p usernamePolicy
	obj, ok := asObject(c, "usernamePolicy", raw)
	if !ok {
		return p, false
	}
	path := []any{"usernamePolicy"}
	before := len(c.issues)
	p.CaseSensitive, _ = c.boolean(obj, "caseSensitive", true, path)
	for _, l := range []struct {
		key string
		to  *int64
	}{{"minLength", &p.MinLength}, {"maxLength", &p.MaxLength}} {
		n, ok := jsonInt(obj[l.key])
		if !ok || n < 1 || n > 128 {
			c.custom(join(path, l.key), "Number must be an integer from 1 to 128")
		}
		*l.to = n
	}
	if chars, ok := obj["allowedChars"]; ok && jsType(chars) == "object" {
		var co map[string]json.RawMessage
		_ = json.Unmarshal(chars, &co)
		cp := join(path, "allowedChars")
		p.AllowedChars.Lowercase, _ = c.boolean(co, "lowercase", true, cp)
		p.AllowedChars.Uppercase, _ = c.boolean(co, "uppercase", true, cp)
		p.AllowedChars.Numbers, _ = c.boolean(co, "numbers", true, cp)
		p.AllowedChars.Underscore, _ = c.boolean(co, "underscore", true, cp)
	} else {
		c.typeIssue(join(path, "allowedChars"), "object", chars)
	}
	if len(c.issues) != before {
		return p, false
	}
	if p.MinLength > p.MaxLength {
		c.custom(join(path, "maxLength"), "Minimum length cannot exceed maximum length.")
	}
	if a := p.AllowedChars; !a.Lowercase && !a.Uppercase && !a.Underscore {
		c.custom(join(path, "allowedChars"), "At least one of lowercase, uppercase, or underscore must be enabled. "+
			"Usernames cannot start with a number, so numbers alone are not allowed.")
	}
	return p, len(c.issues) == before
}

// verificationCodePolicy is VerificationCodePolicy, in its guard's key order.
type verificationCodePolicy struct {
	ExpirationDuration *int64 `json:"expirationDuration,omitempty"`
	MaxRetryAttempts   *int64 `json:"maxRetryAttempts,omitempty"`
}

// readVerificationCodePolicy is verificationCodePolicyGuard: expirationDuration 60-3600 s and
// maxRetryAttempts 1-100, both optional integers; other keys are stripped.
func readVerificationCodePolicy(c *checker, raw json.RawMessage) (verificationCodePolicy, bool) {
	var p verificationCodePolicy
	obj, ok := asObject(c, "verificationCodePolicy", raw)
	if !ok {
		return p, false
	}
	before := len(c.issues)
	for _, f := range []struct {
		key      string
		lo, hi   int64
		to       **int64
		boundary string
	}{
		{"expirationDuration", 60, 3600, &p.ExpirationDuration, "from 60 to 3600"},
		{"maxRetryAttempts", 1, 100, &p.MaxRetryAttempts, "from 1 to 100"},
	} {
		v, present := obj[f.key]
		if !present {
			continue
		}
		n, ok := jsonInt(v)
		if !ok || n < f.lo || n > f.hi {
			c.custom([]any{"verificationCodePolicy", f.key}, "Number must be an integer "+f.boundary)
			continue
		}
		*f.to = &n
	}
	return p, len(c.issues) == before
}

// usernameCaseSensitiveLocked reports whether the stored username policy is case-sensitive.
func (s *Server) usernameCaseSensitiveLocked() bool {
	var p struct {
		CaseSensitive *bool `json:"caseSensitive"`
	}
	_ = json.Unmarshal(s.signInExp.get("usernamePolicy"), &p)
	return p.CaseSensitive == nil || *p.CaseSensitive
}

// usernameCaseConflict is one sample of the 409: the usernames that are the same lowercased.
type usernameCaseConflict struct {
	UsernameLower string   `json:"usernameLower"`
	UserIDs       []string `json:"userIds"`
}

// usernameCaseConflictsLocked is findUsernameCaseConflicts: the groups of users (SetUsername)
// whose usernames are equal lowercased, oldest group first.
func (s *Server) usernameCaseConflictsLocked(users []User) []usernameCaseConflict {
	var out []usernameCaseConflict
	at := map[string]int{}
	for _, u := range users { // oldest first
		name, ok := s.usernames[u.ID]
		if !ok {
			continue
		}
		lower := strings.ToLower(name)
		if i, seen := at[lower]; seen {
			out[i].UserIDs = append(out[i].UserIDs, u.ID)
			continue
		}
		at[lower] = len(out)
		out = append(out, usernameCaseConflict{UsernameLower: lower, UserIDs: []string{u.ID}})
	}
	return slices.DeleteFunc(out, func(g usernameCaseConflict) bool { return len(g.UserIDs) < 2 })
}

// passwordExpirationLocked is 1.41's password-expiration step of the PATCH: the policy to store
// when sent (enabledAt is the server's: kept while it stays on, stamped when it is turned on), and
// with the resulting policy on, a forgot-password method must have its connector (422; checked on
// every PATCH while the policy is on).
func (s *Server) passwordExpirationLocked(sent *passwordExpirationPolicy, forgotSent []json.RawMessage, hasForgot bool) (store json.RawMessage, status int, code string) {
	var current passwordExpirationPolicy
	_ = json.Unmarshal(s.signInExp.get("passwordExpiration"), &current)
	next := current
	switch {
	case sent == nil:
	case sent.Enabled != nil && !*sent.Enabled:
		f := false
		next = passwordExpirationPolicy{Enabled: &f}
	case sent.on():
		next = passwordExpirationPolicy{Enabled: sent.Enabled, ValidPeriodDays: sent.ValidPeriodDays, EnabledAt: current.EnabledAt}
	}
	if next.on() {
		if !current.on() || current.EnabledAt == nil {
			now := s.nowMillis()
			next.EnabledAt = &now
		}
		methods := s.signInExp.get("forgotPasswordMethods")
		if hasForgot {
			methods = marshalNoEscape(forgotSent)
		}
		if !forgotPasswordAvailable(s.connectors, methods) {
			return nil, http.StatusUnprocessableEntity, "sign_in_experiences.password_expiration_requires_forgot_password"
		}
	}
	return marshalNoEscape(next), 0, ""
}
