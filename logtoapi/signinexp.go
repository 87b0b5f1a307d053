package logtoapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Sign-in identifiers.
const (
	IdentifierUsername = "username"
	IdentifierEmail    = "email"
	IdentifierPhone    = "phone"
)

// SignUp is the sign-in experience's signUp object. Fields this package does not know
// (secondaryIdentifiers, newer keys) are kept and sent back.
type SignUp struct {
	Identifiers []string
	Password    bool
	Verify      bool
	extra       map[string]json.RawMessage
}

type signUpJSON struct {
	Identifiers []string `json:"identifiers"`
	Password    bool     `json:"password"`
	Verify      bool     `json:"verify"`
}

// UnmarshalJSON decodes signUp, keeping unknown fields.
func (s *SignUp) UnmarshalJSON(b []byte) error {
	var k signUpJSON
	extra, err := splitJSON("signUp", b, &k, "identifiers", "password", "verify")
	if err != nil {
		return err
	}
	*s = SignUp{Identifiers: k.Identifiers, Password: k.Password, Verify: k.Verify, extra: extra}
	return nil
}

// MarshalJSON encodes the whole signUp object, unknown fields included.
func (s SignUp) MarshalJSON() ([]byte, error) {
	return joinJSON("signUp", s.extra, signUpJSON{Identifiers: nonNil(s.Identifiers), Password: s.Password, Verify: s.Verify})
}

// SignInMethod is one sign-in method.
type SignInMethod struct {
	Identifier        string
	Password          bool
	VerificationCode  bool
	IsPasswordPrimary bool
	extra             map[string]json.RawMessage
}

type signInMethodJSON struct {
	Identifier        string `json:"identifier"`
	Password          bool   `json:"password"`
	VerificationCode  bool   `json:"verificationCode"`
	IsPasswordPrimary bool   `json:"isPasswordPrimary"`
}

// UnmarshalJSON decodes a method, keeping unknown fields.
func (m *SignInMethod) UnmarshalJSON(b []byte) error {
	var k signInMethodJSON
	extra, err := splitJSON("sign-in method", b, &k, "identifier", "password", "verificationCode", "isPasswordPrimary")
	if err != nil {
		return err
	}
	*m = SignInMethod{Identifier: k.Identifier, Password: k.Password, VerificationCode: k.VerificationCode, IsPasswordPrimary: k.IsPasswordPrimary, extra: extra}
	return nil
}

// MarshalJSON encodes the whole method.
func (m SignInMethod) MarshalJSON() ([]byte, error) {
	return joinJSON("sign-in method", m.extra, signInMethodJSON{Identifier: m.Identifier, Password: m.Password, VerificationCode: m.VerificationCode, IsPasswordPrimary: m.IsPasswordPrimary})
}

// SignIn is the sign-in experience's signIn object.
type SignIn struct {
	Methods []SignInMethod
	extra   map[string]json.RawMessage
}

type signInJSON struct {
	Methods []SignInMethod `json:"methods"`
}

// UnmarshalJSON decodes signIn, keeping unknown fields.
func (s *SignIn) UnmarshalJSON(b []byte) error {
	var k signInJSON
	extra, err := splitJSON("signIn", b, &k, "methods")
	if err != nil {
		return err
	}
	*s = SignIn{Methods: k.Methods, extra: extra}
	return nil
}

// MarshalJSON encodes the whole signIn object.
func (s SignIn) MarshalJSON() ([]byte, error) {
	m := s.Methods
	if m == nil {
		m = []SignInMethod{}
	}
	return joinJSON("signIn", s.extra, signInJSON{Methods: m})
}

// SignInExperience is the tenant's sign-in experience: typed signUp and signIn, a few
// fields the planner reads, and every other field kept as Logto sent it.
type SignInExperience struct {
	SignUp                SignUp
	SignIn                SignIn
	SignInMode            string   // "SignIn", "Register" or "SignInAndRegister"
	ForgotPasswordMethods []string // e.g. "PhoneVerificationCode"
	MFAFactors            []string // mfa.factors, e.g. "TOTP", "PhoneVerificationCode"
	raw                   map[string]json.RawMessage
}

// UnmarshalJSON decodes the sign-in experience, keeping every field.
func (s *SignInExperience) UnmarshalJSON(b []byte) error {
	var k struct {
		SignUp                SignUp   `json:"signUp"`
		SignIn                SignIn   `json:"signIn"`
		SignInMode            string   `json:"signInMode"`
		ForgotPasswordMethods []string `json:"forgotPasswordMethods"`
		MFA                   struct {
			Factors []string `json:"factors"`
		} `json:"mfa"`
	}
	if err := json.Unmarshal(b, &k); err != nil {
		return fmt.Errorf("sign-in experience: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("sign-in experience: %w", err)
	}
	*s = SignInExperience{SignUp: k.SignUp, SignIn: k.SignIn, SignInMode: k.SignInMode, ForgotPasswordMethods: k.ForgotPasswordMethods, MFAFactors: k.MFA.Factors, raw: raw}
	return nil
}

// MarshalJSON encodes the whole object as Logto sent it, with signUp and signIn as typed.
func (s SignInExperience) MarshalJSON() ([]byte, error) {
	m := maps.Clone(s.raw)
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	for k, v := range map[string]any{"signUp": s.SignUp, "signIn": s.SignIn} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("sign-in experience: %w", err)
		}
		m[k] = b
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("sign-in experience: %w", err)
	}
	return b, nil
}

// Raw returns a top-level field as Logto sent it (nil if absent).
func (s SignInExperience) Raw(key string) json.RawMessage { return s.raw[key] }

// splitJSON decodes b into known and returns the fields not named in keys. Errors
// name the object (errors from UnmarshalJSON reach users through json.Unmarshal's
// caller, which adds the package prefix; each nesting level adds only its name).
func splitJSON(name string, b []byte, known any, keys ...string) (map[string]json.RawMessage, error) {
	if err := json.Unmarshal(b, known); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, k := range keys {
		delete(all, k)
	}
	if len(all) == 0 {
		return nil, nil
	}
	return all, nil
}

// joinJSON encodes known and adds the extra fields.
func joinJSON(name string, extra map[string]json.RawMessage, known any) ([]byte, error) {
	b, err := json.Marshal(known)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(extra) == 0 {
		return b, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for k, v := range extra {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	b, err = json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

// SignInPlan is what ApplySignInPlan will send: the whole new signUp and signIn objects,
// and plain-language lines saying what changes (to show before applying).
type SignInPlan struct {
	Changes  []string // what will change, one plain sentence each
	Warnings []string // things that may make Logto refuse the change, or surprise the user
	SignUp   SignUp   // the whole new signUp
	SignIn   SignIn   // the whole new signIn
	cur      SignInExperience
	planned  bool
}

// NoChange reports whether the plan changes nothing.
func (p SignInPlan) NoChange() bool { return p.planned && len(p.Changes) == 0 }

// PlanPhoneSignIn plans phone sign-up (verification on, no password) and phone +
// SMS-code sign-in, keeping the tenant's other sign-in methods as far as Logto's rules
// allow: when sign-up needs no password, every email or phone method must offer a
// verification code, so such methods get one (and a Changes line says so). It is pure.
func PlanPhoneSignIn(cur SignInExperience) SignInPlan {
	p := SignInPlan{cur: cur, planned: true}

	// Sign-up: phone, verified, no password.
	up := cloneSignUp(cur.SignUp)
	up.Identifiers = []string{IdentifierPhone}
	up.Password = false
	up.Verify = true
	if dropped := dropSecondaryPhone(&up); dropped {
		p.Changes = append(p.Changes, "Phone is no longer listed as an extra sign-up identifier, since it becomes the main one.")
	}
	if !sameJSON(up, cur.SignUp) {
		p.Changes = append(p.Changes, fmt.Sprintf("New users will sign up with their phone number and an SMS code, without a password (before: %s).", describeSignUp(cur.SignUp)))
	}

	// Sign-in: phone + code first, the other methods kept.
	var methods []SignInMethod
	var phone *SignInMethod
	for _, m := range cur.SignIn.Methods {
		m = cloneMethod(m)
		if m.Identifier == IdentifierPhone && phone == nil {
			phone = &m
			continue
		}
		if m.Identifier == IdentifierPhone {
			p.Changes = append(p.Changes, "A duplicate phone sign-in method is removed.")
			continue
		}
		if m.Identifier != IdentifierUsername && !m.VerificationCode {
			m.VerificationCode = true
			p.Changes = append(p.Changes, fmt.Sprintf("%s sign-in will also accept a verification code: Logto requires this when sign-up needs no password.", titleCase(m.Identifier)))
			if m.Identifier == IdentifierEmail {
				p.Warnings = append(p.Warnings, "Email verification codes need an email connector: without one, Logto refuses this change (remove email sign-in or add an email connector).")
			}
		}
		methods = append(methods, m)
	}
	if phone == nil {
		phone = &SignInMethod{Identifier: IdentifierPhone, VerificationCode: true}
		p.Changes = append(p.Changes, "Users can sign in with their phone number and an SMS code.")
	} else {
		if !phone.VerificationCode {
			phone.VerificationCode = true
			p.Changes = append(p.Changes, "Phone sign-in will also accept an SMS code.")
		}
		if len(cur.SignIn.Methods) > 0 && cur.SignIn.Methods[0].Identifier != IdentifierPhone {
			p.Changes = append(p.Changes, "Phone becomes the first sign-in method on the sign-in page.")
		}
	}
	if phone.IsPasswordPrimary {
		phone.IsPasswordPrimary = false
		if phone.Password {
			p.Changes = append(p.Changes, "Phone sign-in will offer the SMS code first, the password second.")
		}
	}
	in := cloneSignIn(cur.SignIn)
	in.Methods = append([]SignInMethod{*phone}, methods...)
	if len(methods) > 0 {
		var kept []string
		for _, m := range methods {
			kept = append(kept, describeMethod(m))
		}
		p.Changes = appendIfChanged(p.Changes, !sameJSON(in, cur.SignIn), "Other sign-in methods stay: "+strings.Join(kept, "; ")+".")
	}

	if slices.Contains(cur.MFAFactors, "PhoneVerificationCode") {
		p.Warnings = append(p.Warnings, "SMS is set up as a multi-factor (MFA) method; Logto refuses SMS-code sign-in until it is removed from MFA (Console → Security → MFA).")
	}
	if cur.SignInMode == "SignIn" {
		p.Warnings = append(p.Warnings, "The sign-in mode is \"sign in only\": phone numbers without an account cannot sign up until you allow registration (Console → Sign-in experience).")
	}
	p.SignUp, p.SignIn = up, in
	if sameJSON(up, cur.SignUp) && sameJSON(in, cur.SignIn) {
		p.Changes = nil
	}
	return p
}

func appendIfChanged(lines []string, changed bool, line string) []string {
	if changed {
		return append(lines, line)
	}
	return lines
}

func dropSecondaryPhone(up *SignUp) bool {
	raw, ok := up.extra["secondaryIdentifiers"]
	if !ok {
		return false
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return false
	}
	kept := list[:0]
	dropped := false
	for _, it := range list {
		var id string
		_ = json.Unmarshal(it["identifier"], &id)
		if id == IdentifierPhone {
			dropped = true
			continue
		}
		kept = append(kept, it)
	}
	if !dropped {
		return false
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return false
	}
	up.extra["secondaryIdentifiers"] = b
	return true
}

func cloneSignUp(s SignUp) SignUp {
	s.Identifiers = slices.Clone(s.Identifiers)
	s.extra = maps.Clone(s.extra)
	return s
}

func cloneMethod(m SignInMethod) SignInMethod {
	m.extra = maps.Clone(m.extra)
	return m
}

func cloneSignIn(s SignIn) SignIn {
	s.Methods = slices.Clone(s.Methods)
	s.extra = maps.Clone(s.extra)
	return s
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func describeSignUp(s SignUp) string {
	if len(s.Identifiers) == 0 {
		return "no sign-up identifier"
	}
	d := strings.Join(s.Identifiers, " or ")
	switch {
	case s.Password && s.Verify:
		d += " with a verification code and a password"
	case s.Password:
		d += " and a password"
	case s.Verify:
		d += " with a verification code"
	}
	return d
}

func describeMethod(m SignInMethod) string {
	var how []string
	if m.Password {
		how = append(how, "password")
	}
	if m.VerificationCode {
		how = append(how, "verification code")
	}
	if len(how) == 0 {
		return m.Identifier
	}
	return m.Identifier + " with " + strings.Join(how, " or ")
}

// SignInExperience returns the tenant's sign-in experience.
func (c *Client) SignInExperience(ctx context.Context) (SignInExperience, error) {
	var s SignInExperience
	if err := c.do(ctx, call{op: "get sign-in experience", method: http.MethodGet, path: "/sign-in-exp", ok: []int{http.StatusOK}}, &s); err != nil {
		return SignInExperience{}, err
	}
	return s, nil
}

// ApplySignInPlan sends the plan's whole signUp and signIn objects in one PATCH and returns
// the updated sign-in experience. A plan with no change sends nothing. Logto's refusals
// (enabled_connector_not_found, code_sign_in_must_be_enabled, passwordless_requires_verify)
// come back as *APIError; Explain turns them into plain words.
func (c *Client) ApplySignInPlan(ctx context.Context, p SignInPlan) (SignInExperience, error) {
	const op = "update sign-in experience"
	if !p.planned {
		return SignInExperience{}, fmt.Errorf("logtoapi: %s: %w", op, errors.New("the plan is empty: make it with PlanPhoneSignIn"))
	}
	if p.NoChange() {
		return p.cur, nil
	}
	body := map[string]any{"signUp": p.SignUp, "signIn": p.SignIn}
	var s SignInExperience
	if err := c.do(ctx, call{op: op, method: http.MethodPatch, path: "/sign-in-exp", body: body, ok: []int{http.StatusOK}}, &s); err != nil {
		return SignInExperience{}, err
	}
	return s, nil
}
