package logtotest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The Experience API behind the sign-in pages, as recorded (logto-observed.md "OIDC sign-in by
// phone", §2; fixtures 213-219, 243-247, 263-267, 284-294). Every call needs the _interaction
// cookie that /oidc/auth set.

var expInteractionEvents = []string{"SignIn", "Register", "ForgotPassword"}

var expDigitsOnly = regexp.MustCompile(`^\d+$`)

func (p *oidcProvider) registerExperience(mux *http.ServeMux) {
	mux.HandleFunc("PUT /api/experience", p.expStart)
	mux.HandleFunc("PUT /api/experience/interaction-event", p.expEvent)
	mux.HandleFunc("POST /api/experience/verification/verification-code", p.expSendCode)
	mux.HandleFunc("POST /api/experience/verification/verification-code/verify", p.expVerifyCode)
	mux.HandleFunc("POST /api/experience/identification", p.expIdentify)
	mux.HandleFunc("POST /api/experience/submit", p.expSubmit)
}

func expGuardError(w http.ResponseWriter, iss zodIssue) { respondGuard(w, []zodIssue{iss}) }

// expRequiredIssue is Zod's issue for a missing field.
func expRequiredIssue(expected string, path ...any) zodIssue {
	return zodIssue{Code: "invalid_type", Expected: expected, Received: "undefined", Path: path, Message: "Required"}
}

// expDecodeBody reads a JSON body; a malformed one is a 400 without code, as koa-body answers.
func expDecodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil && len(strings.TrimSpace(string(b))) == 0 {
		b = []byte("{}")
	}
	if err != nil || json.Unmarshal(b, v) != nil {
		respondJSON(w, http.StatusBadRequest, map[string]string{"message": "Unexpected token in JSON"})
		return false
	}
	return true
}

// experienceInteraction finds the interaction of the _interaction cookie or answers 400
// session.not_found (fixture 284). p.mu must be held.
func (p *oidcProvider) experienceInteraction(w http.ResponseWriter, r *http.Request) (*oidcInteraction, bool) {
	in, ok := p.interactionFromCookie(r)
	if !ok || in.stage != "login" {
		oidcSessionNotFound(w)
		return nil, false
	}
	return in, true
}

func expValidEvent(w http.ResponseWriter, ev string) bool {
	if ev == "" {
		expGuardError(w, expRequiredIssue("string", "interactionEvent"))
		return false
	}
	if !slices.Contains(expInteractionEvents, ev) {
		expGuardError(w, zodIssue{
			Code: "invalid_enum_value", Received: ev, Options: expInteractionEvents,
			Message: fmt.Sprintf("Invalid enum value. Expected 'SignIn' | 'Register' | 'ForgotPassword', received '%s'", ev),
			Path:    []any{"interactionEvent"},
		})
		return false
	}
	return true
}

// expStart is PUT /api/experience: a new experience for this interaction (fixtures 213, 263, 286).
func (p *oidcProvider) expStart(w http.ResponseWriter, r *http.Request) {
	var body struct {
		InteractionEvent string `json:"interactionEvent"`
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	in, ok := p.experienceInteraction(w, r)
	if !ok || !expDecodeBody(w, r, &body) || !expValidEvent(w, body.InteractionEvent) {
		return
	}
	// No sign-in mode guard here: real Logto answers 204 to SignIn with signInMode "Register"
	// (r3-012); guardInteractionEvent runs at PUT …/interaction-event and at identification.
	in.event = body.InteractionEvent
	in.verifications = map[string]*expVerification{}
	in.identified = ""
	p.logEvent(r, "Interaction."+in.event+".Create", nil, in.clientID, "", map[string]any{"interaction": in.logInteraction()})
	w.WriteHeader(http.StatusNoContent)
}

// expEvent is PUT /api/experience/interaction-event: SignIn turns into Register after the
// "No account found … create a new one?" modal (fixture 217).
func (p *oidcProvider) expEvent(w http.ResponseWriter, r *http.Request) {
	var body struct {
		InteractionEvent string `json:"interactionEvent"`
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	in, ok := p.experienceInteraction(w, r)
	if !ok || !expDecodeBody(w, r, &body) || !expValidEvent(w, body.InteractionEvent) {
		return
	}
	if in.event == "" {
		respondJSON(w, http.StatusBadRequest, expError{Code: "session.interaction_not_found", Message: "Interaction session not found. Please go back and start the session again."})
		return
	}
	if p.signInExperience().forbids(body.InteractionEvent) {
		expForbidden(w) // setInteractionEvent → guardInteractionEvent
		return
	}
	prev := in.event
	in.event = body.InteractionEvent
	// Logged under the event it had (r3-002: Interaction.SignIn.Update, interactionEvent Register).
	p.logEvent(r, "Interaction."+prev+".Update", nil, in.clientID, "", map[string]any{
		"interaction": in.logInteraction(), "interactionEvent": in.event,
	})
	w.WriteHeader(http.StatusNoContent)
}

type expIdentifier struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// expCheckIdentifier validates {"type":"phone","value":"^\d+$"}; only phone is supported here.
func expCheckIdentifier(w http.ResponseWriter, id *expIdentifier) bool {
	switch {
	case id == nil:
		expGuardError(w, expRequiredIssue("object", "identifier"))
	case id.Type == "email":
		respondJSON(w, http.StatusBadRequest, expError{
			Code:    "connector.not_found",
			Message: "Cannot find any available connector for type: Email.",
		})
	case id.Type != "phone":
		expGuardError(w, zodIssue{Code: "invalid_union", Message: "Invalid input", Path: []any{"identifier"}})
	case !expDigitsOnly.MatchString(id.Value):
		expGuardError(w, zodIssue{Validation: "regex", Code: "invalid_string", Message: "Invalid", Path: []any{"identifier", "value"}})
	default:
		return true
	}
	return false
}

// expSendCode is POST /api/experience/verification/verification-code: it sends the code through
// the tenant's Twilio connector with the template of the body's interactionEvent (fixture 307).
// No SMS connector: 501 connector.not_found (r3-020, r3-021). From 1.41 (logto-1.41 SUMMARY P2,
// P3): the 11th send to one phone within 10 minutes, across interactions, is 429
// request.message_rate_limited (no Retry-After); and a SignIn code to a phone no user has, with
// signInMode "SignIn" (or a ForgotPassword code to such a phone), answers 200 and makes the code
// record but sends nothing, so a later verify fails with code_mismatch.
func (p *oidcProvider) expSendCode(w http.ResponseWriter, r *http.Request) {
	var body struct {
		InteractionEvent string         `json:"interactionEvent"`
		Identifier       *expIdentifier `json:"identifier"`
	}
	p.mu.Lock()
	in, ok := p.experienceInteraction(w, r)
	if !ok || !expDecodeBody(w, r, &body) || !expValidEvent(w, body.InteractionEvent) || !expCheckIdentifier(w, body.Identifier) {
		p.mu.Unlock()
		return
	}
	now := p.be.clock()
	v := &expVerification{
		id: expNewVerifyID(), phone: body.Identifier.Value, code: expNewSMSCode(),
		event: body.InteractionEvent, sent: now,
	}
	logKey := "Interaction." + in.event + ".Verification.PhoneVerificationCode.Create"
	logPayload := map[string]any{"payload": map[string]any{
		"identifier": map[string]any{"type": "phone", "value": v.phone}, "interactionEvent": v.event,
	}}
	if p.be.atLeast141() && !p.allowSend(v.phone, now) {
		e := expError{Code: "request.message_rate_limited", Message: expMessageRateLimited}
		logPayload["interaction"] = in.logInteraction()
		p.logEvent(r, logKey, logRequestError(e), in.clientID, "", logPayload)
		p.mu.Unlock()
		respondJSON(w, http.StatusTooManyRequests, e)
		return
	}
	silent := p.be.atLeast141() && p.userByPhone(v.phone) == nil &&
		((v.event == "SignIn" && p.signInExperience().SignInMode == "SignIn") || v.event == "ForgotPassword")
	appID := in.clientID
	p.mu.Unlock()

	var sms SMS
	var fail func(http.ResponseWriter)
	var logErr map[string]any
	if !silent {
		var err error
		sms, fail, err = p.sendSMS(r.Context(), v)
		sms.AppID = appID
		var ce *connectorError
		switch {
		case errors.As(err, &ce):
			logErr = map[string]any{"message": "Error: ConnectorError: " + string(marshalNoEscape(ce.Raw))}
		case errors.Is(err, errNoSMSConnector):
			logErr = logRequestError(expError{Code: "connector.not_found", Message: expNoSMSConnector})
		case err != nil:
			logErr = map[string]any{"message": "Error: " + err.Error()}
		}
	}
	p.mu.Lock()
	if !silent {
		p.sms = append(p.sms, sms)
	}
	if fail == nil {
		in.verifications[v.id] = v
	}
	logPayload["interaction"] = in.logInteraction()
	p.logEvent(r, logKey, logErr, appID, "", logPayload)
	p.mu.Unlock()
	if fail != nil {
		fail(w)
		return
	}
	respondJSON(w, http.StatusOK, map[string]string{"verificationId": v.id})
}

// expMessageRateLimited is the English text of request.message_rate_limited in Logto's phrases
// (packages/phrases/src/locales/en/errors/request.ts); no recording has its body.
const expMessageRateLimited = "Too many messages sent to this recipient. Please try again later."

// Logto 1.41's system policy for verification codes: 10 per recipient per 10 minutes.
const (
	expSendLimit  = 10
	expSendWindow = 10 * time.Minute
)

// allowSend counts a send to phone at now unless 10 were counted in the 10 minutes before.
// p.mu must be held.
func (p *oidcProvider) allowSend(phone string, now time.Time) bool {
	var recent []time.Time
	for _, at := range p.sendTimes[phone] {
		if now.Sub(at) < expSendWindow {
			recent = append(recent, at)
		}
	}
	if len(recent) >= expSendLimit {
		p.sendTimes[phone] = recent
		return false
	}
	p.sendTimes[phone] = append(recent, now)
	return true
}

const expNoSMSConnector = "Cannot find any available connector for type: Sms."

var errNoSMSConnector = errors.New("logtotest: no SMS connector")

// sendSMS sends the code through the tenant's SMS connector, exactly as Logto's Twilio connector
// does (server.go's sendConnectorSMS: template by usage type with Generic fallback, To digits only
// before 1.41). It returns the SMS record and, on failure, the error response Logto gives
// (fixtures 071, 073; r3-020 for no connector) and the error.
func (p *oidcProvider) sendSMS(ctx context.Context, v *expVerification) (SMS, func(http.ResponseWriter), error) {
	sms := SMS{To: v.phone, Code: v.code, UsageType: v.event}
	factory, cfg, ok := p.be.smsConnector()
	if !ok {
		sms.Err = errNoSMSConnector
		return sms, func(w http.ResponseWriter) {
			respondJSON(w, http.StatusNotImplemented, expError{Code: "connector.not_found", Message: expNoSMSConnector})
		}, errNoSMSConnector
	}
	err := p.be.sendConnectorSMS(ctx, factory, cfg, v.event, v.phone, v.code)
	if err == nil {
		return sms, nil, nil
	}
	sms.Err = err
	var ce *connectorError
	if errors.As(err, &ce) {
		return sms, ce.respond, err
	}
	return sms, func(w http.ResponseWriter) { respondInternalError(w) }, err
}

// verificationOrder is the interaction's verifications, oldest first. p.mu must be held.
func (in *oidcInteraction) verificationOrder() []*expVerification {
	out := make([]*expVerification, 0, len(in.verifications))
	for _, v := range in.verifications {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *expVerification) int {
		if c := a.sent.Compare(b.sent); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return out
}

// expVerifyCode is POST …/verification-code/verify (fixtures 215, 290, 292).
func (p *oidcProvider) expVerifyCode(w http.ResponseWriter, r *http.Request) {
	var body struct {
		VerificationID string         `json:"verificationId"`
		Identifier     *expIdentifier `json:"identifier"`
		Code           string         `json:"code"`
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	in, ok := p.experienceInteraction(w, r)
	if !ok {
		return
	}
	lr := &logRecorder{ResponseWriter: w}
	w = lr
	defer func() {
		p.logEvent(r, "Interaction."+in.event+".Verification.PhoneVerificationCode.Submit", lr.failure(), in.clientID, "",
			map[string]any{"interaction": in.logInteraction(), "payload": map[string]any{"verificationId": body.VerificationID}})
	}()
	if !expDecodeBody(w, r, &body) {
		return
	}
	switch {
	case body.VerificationID == "":
		expGuardError(w, expRequiredIssue("string", "verificationId"))
		return
	case body.Code == "":
		expGuardError(w, expRequiredIssue("string", "code"))
		return
	case !expCheckIdentifier(w, body.Identifier):
		return
	}
	// CodeVerification.verify → passcodes.verifyPasscode, in its order of checks.
	v, found := in.verifications[body.VerificationID]
	codeErr := func(code, msg string) {
		respondJSON(w, http.StatusBadRequest, expError{Code: "verification_code." + code, Message: msg})
	}
	switch {
	case !found:
		expVerificationNotFound(w)
	case v.consumed:
		codeErr("not_found", "Verification code not found. Please send verification code first.")
	case body.Identifier.Value != v.phone:
		codeErr("phone_mismatch", "Phone mismatch. Please request a new verification code.")
	case p.be.clock().Sub(v.sent) > expSMSCodeTTL:
		codeErr("expired", "Verification code has expired. Please request a new verification code.")
	case v.tries >= expMaxCodeTries:
		codeErr("exceed_max_try", "Verification code retries limitation exceeded. Please request a new verification code.")
	case body.Code != v.code:
		v.tries++
		codeErr("code_mismatch", "Invalid verification code.")
	default:
		v.verified, v.consumed = true, true
		respondJSON(w, http.StatusOK, map[string]string{"verificationId": v.id})
	}
}

// expMaxCodeTries is passcodeMaxTryCount.
const expMaxCodeTries = 10

func expVerificationNotFound(w http.ResponseWriter) {
	respondJSON(w, http.StatusNotFound, expError{
		Code:    "session.verification_session_not_found",
		Message: "The verification was not successful. Restart the verification flow and try again.",
	})
}

// expIdentify is POST /api/experience/identification (fixtures 216, 218, 246, 266, 291, 293).
func (p *oidcProvider) expIdentify(w http.ResponseWriter, r *http.Request) {
	var body struct {
		VerificationID string `json:"verificationId"`
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	in, ok := p.experienceInteraction(w, r)
	if !ok {
		return
	}
	lr := &logRecorder{ResponseWriter: w}
	w = lr
	event := in.event
	defer func() {
		extra := map[string]any{"interaction": in.logInteraction(), "payload": map[string]any{"verificationId": body.VerificationID}}
		if v, ok := in.verifications[body.VerificationID]; ok {
			extra["verification"] = v.logRecord()
		}
		if u := p.userByID(in.identified); u != nil && event == "Register" {
			extra["user"] = u.logJSON() // the new user (r3-002)
		}
		p.logEvent(r, "Interaction."+event+".Identifier.Submit", lr.failure(), in.clientID, in.identified, extra)
	}()
	if !expDecodeBody(w, r, &body) {
		return
	}
	v, found := in.verifications[body.VerificationID]
	switch {
	case body.VerificationID == "":
		expGuardError(w, expRequiredIssue("string", "verificationId"))
		return
	case !found:
		expVerificationNotFound(w)
		return
	case !v.verified:
		respondJSON(w, http.StatusBadRequest, expError{
			Code:    "session.verification_failed",
			Message: "The verification was not successful. Restart the verification flow and try again.",
		})
		return
	}
	u := p.userByPhone(v.phone)
	sie := p.signInExperience()
	switch in.event {
	case "SignIn":
		// ExperienceInteraction.identifyUser: the sign-in experience is checked before the user
		// is looked up (SignInExperienceValidator.guardIdentificationMethod).
		if sie.forbids("SignIn") {
			expForbidden(w)
			return
		}
		if !sie.phoneCodeSignIn() {
			respondJSON(w, http.StatusUnprocessableEntity, expError{
				Code:    "user.sign_in_method_not_enabled",
				Message: "This sign-in method is not enabled.",
			})
			return
		}
		if u == nil {
			respondJSON(w, http.StatusNotFound, expError{
				Code: "user.user_not_exist",
				Data: map[string]string{"identifier": v.phone}, Message: "User with {{ identifier }} does not exist.",
			})
			return
		}
		in.identified = u.ID
		w.WriteHeader(http.StatusNoContent)
	case "Register":
		// ExperienceInteraction.createUser: profile uniqueness, then the event, then the
		// mandatory profile of the sign-up settings.
		if u != nil {
			respondJSON(w, http.StatusUnprocessableEntity, expError{
				Code:    "user.phone_already_in_use",
				Message: "This phone number is associated with an existing account.",
			})
			return
		}
		if sie.forbids("Register") {
			expForbidden(w)
			return
		}
		if missing := sie.missingProfile(); len(missing) > 0 {
			expMissingProfile(w, missing)
			return
		}
		now := time.Now()
		u = &User{ID: expNewUserID(), PhoneNumber: v.phone, CreatedAt: now, UpdatedAt: now}
		p.users = append(p.users, u)
		in.identified = u.ID
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("Created"))
	default:
		respondJSON(w, http.StatusBadRequest, expError{Code: "session.interaction_not_found", Message: "Interaction session not found. Please go back and start the session again."})
	}
}

// expSubmit is POST /api/experience/submit: the sign-in is done and the browser goes back to
// /oidc/auth/{uid} (fixtures 219, 294).
func (p *oidcProvider) expSubmit(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in, ok := p.experienceInteraction(w, r)
	if !ok {
		return
	}
	u := p.userByID(in.identified)
	if u == nil {
		respondJSON(w, http.StatusNotFound, expError{
			Code:    "session.identifier_not_found",
			Message: "User identifier not found. Please go back and sign in again.",
		})
		return
	}
	if missing := p.signInExperience().missingProfile(); len(missing) > 0 {
		expMissingProfile(w, missing) // assertUserMandatoryProfileFulfilled
		return
	}
	u.UpdatedAt = time.Now() // the sign-in updates the user (r2: updated_at advances)
	in.accountID = u.ID
	p.logEvent(r, "Interaction."+in.event+".Submit", nil, in.clientID, u.ID, map[string]any{"interaction": in.logInteraction()})
	respondJSON(w, http.StatusOK, map[string]string{"redirectTo": p.be.endpoint() + "/oidc/auth/" + in.uid})
}

// userByPhone and userByID look users up. p.mu must be held.
func (p *oidcProvider) userByPhone(phone string) *User {
	for _, u := range p.users {
		if u.PhoneNumber == phone {
			return u
		}
	}
	return nil
}

func (p *oidcProvider) userByID(id string) *User {
	for _, u := range p.users {
		if id != "" && u.ID == id {
			return u
		}
	}
	return nil
}

// expSignInExp is the part of the sign-in experience the Experience API checks.
type expSignInExp struct {
	SignInMode string `json:"signInMode"`
	SignUp     struct {
		Identifiers []string `json:"identifiers"`
		Password    bool     `json:"password"`
	} `json:"signUp"`
	SignIn struct {
		Methods []struct {
			Identifier       string `json:"identifier"`
			Password         bool   `json:"password"`
			VerificationCode bool   `json:"verificationCode"`
		} `json:"methods"`
	} `json:"signIn"`
}

// signInExperience reads the tenant's sign-in experience (the backend takes its own lock).
func (p *oidcProvider) signInExperience() expSignInExp {
	var sie expSignInExp
	_ = json.Unmarshal(p.be.signInExperience(), &sie)
	return sie
}

// forbids reports whether the sign-in mode rules the event out (guardInteractionEvent).
func (sie expSignInExp) forbids(event string) bool {
	return (event == "SignIn" && sie.SignInMode == "Register") || (event == "Register" && sie.SignInMode == "SignIn")
}

// phoneCodeSignIn reports whether signing in by phone + verification code is enabled.
func (sie expSignInExp) phoneCodeSignIn() bool {
	for _, m := range sie.SignIn.Methods {
		if m.Identifier == "phone" && m.VerificationCode {
			return true
		}
	}
	return false
}

// missingProfile is what a user who has only a verified phone still lacks under the sign-up
// settings (getMandatoryUserProfileBySignUpMethods): a username, an email (unless phone is an
// alternative), a password.
func (sie expSignInExp) missingProfile() []string {
	var missing []string
	has := func(id string) bool { return slices.Contains(sie.SignUp.Identifiers, id) }
	switch {
	case has("username"):
		missing = append(missing, "username")
	case has("email") && !has("phone"):
		missing = append(missing, "email")
	}
	if sie.SignUp.Password {
		missing = append(missing, "password")
	}
	return missing
}

func expForbidden(w http.ResponseWriter) {
	respondJSON(w, http.StatusForbidden, expError{
		Code:    "auth.forbidden",
		Message: "Forbidden. Please check your user roles and permissions.",
	})
}

func expMissingProfile(w http.ResponseWriter, missing []string) {
	respondJSON(w, http.StatusUnprocessableEntity, expError{
		Code: "user.missing_profile",
		Data: map[string]any{"missingProfile": missing}, Message: "You need to provide additional info before signing-in.",
	})
}
