package logtoapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/docs"
)

// ManagementRoleName is the M2M role that grants the Management API's "all" scope.
const ManagementRoleName = "Logto Management API access"

// APIError is an error answer from Logto, decoded from its error body
// {"code", "message", "data"?, "details"?} (OIDC endpoints add "error" and
// "error_description").
type APIError struct {
	Status  int             // HTTP status
	Code    string          // Logto's code, e.g. "guard.invalid_input"; "" for bodies without one (500s)
	Message string          // Logto's English message
	Data    json.RawMessage // Logto's "data", if any (zod issues, wrapped connector errors)
	Details string          // Logto's "details" line, or the OAuth "error_description"
	OAuth   string          // the OAuth "error" of an OIDC endpoint, e.g. "invalid_client"
}

// Error describes the failure; it never contains request secrets.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Logto answered %d", e.Status)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Details != "" && !strings.Contains(e.Message, e.Details) {
		fmt.Fprintf(&b, " (%s)", e.Details)
	}
	return b.String()
}

// apiErrorBody is Logto's error body.
type apiErrorBody struct {
	Code             string          `json:"code"`
	Message          string          `json:"message"`
	Data             json.RawMessage `json:"data"`
	Details          string          `json:"details"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

// newAPIError decodes an error body. Bodies that are not JSON give an APIError with the
// status text as message. Every string in secrets is masked in the result.
func newAPIError(status int, body []byte, secrets []string) *APIError {
	e := &APIError{Status: status}
	var b apiErrorBody
	if err := json.Unmarshal(body, &b); err == nil {
		e.Code, e.Message, e.Details, e.OAuth = b.Code, b.Message, b.Details, b.Error
		if e.Details == "" {
			e.Details = b.ErrorDescription
		}
		if len(b.Data) > 0 && string(b.Data) != "null" {
			e.Data = b.Data
		}
		if e.Code == "" && b.Error != "" {
			e.Code = "oidc." + b.Error
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		e.Message = strings.ReplaceAll(e.Message, s, "[redacted]")
		e.Details = strings.ReplaceAll(e.Details, s, "[redacted]")
		if len(e.Data) > 0 {
			e.Data = json.RawMessage(strings.ReplaceAll(string(e.Data), s, "[redacted]"))
		}
	}
	return e
}

// ScopeError says the M2M app got a token without the Management API's "all" scope:
// the app lacks the "Logto Management API access" role.
type ScopeError struct {
	AppID      string // the M2M app
	Scope      string // the scope Logto granted ("" when none)
	ConsoleURL string // the app's roles page in the Console
}

// Error names the missing role and how to assign it.
func (e *ScopeError) Error() string {
	return fmt.Sprintf("the machine-to-machine app %s has no Management API access (token scope %q, need \"all\"): "+
		"in the Logto Console open Applications → this app → Roles, assign the role %q, then try again (%s)",
		e.AppID, e.Scope, ManagementRoleName, e.ConsoleURL)
}

// NotM2MAppError says the App ID and secret authenticated, but Logto does not let that app
// ask for a Management API token: it is not a machine-to-machine app (a Traditional web
// app's ID and secret give this answer). Logto answers the client_credentials request with
// 400 invalid_request "requested grant type is not allowed for this client" (fixture 122;
// newer oidc-provider versions say unauthorized_client).
type NotM2MAppError struct {
	AppID     string    // the App ID that was given as the M2M app's
	CreateURL string    // the Console page that creates an application
	Err       *APIError // Logto's answer
}

// Error names the cause and how to create a machine-to-machine app.
func (e *NotM2MAppError) Error() string {
	what, next := e.Explain()
	return what + ": " + next
}

// Unwrap returns Logto's answer.
func (e *NotM2MAppError) Unwrap() error { return e.Err }

// Explain says the app is not machine-to-machine; next says how to create one.
func (e *NotM2MAppError) Explain() (what, next string) {
	return "the app " + e.AppID + " is not a machine-to-machine app, so Logto does not give it a Management API token " +
			"(a Traditional web app's App ID and App secret get this answer)",
		NotM2MFix(e.CreateURL) + " Then use its App ID and App secret."
}

// NotM2MFix says how to create a machine-to-machine app with Management API access, on the
// Console page createURL ("" for none).
func NotM2MFix(createURL string) string {
	where := "in the Logto Console"
	if createURL != "" {
		where += " (" + createURL + ")"
	}
	return "Create one " + where + ": Applications → Create application → \"Machine-to-machine\", and assign it the role \"" +
		ManagementRoleName + "\"."
}

// grantNotAllowed reports whether Logto refused a token request because the app may not use
// the grant type (fixture 122: 400 invalid_request "requested grant type is not allowed for
// this client"; unauthorized_client in newer oidc-provider versions).
func grantNotAllowed(ae *APIError) bool {
	return ae.OAuth == "unauthorized_client" ||
		ae.OAuth == "invalid_request" && strings.Contains(ae.Details, "grant type is not allowed")
}

// secretExpired reports whether Logto refused a token request because the client secret has
// expired (fixture 044: 400 invalid_request "client secret has expired").
func secretExpired(ae *APIError) bool {
	return ae.OAuth == "invalid_request" && strings.Contains(ae.Details, "expired")
}

// WouldReplaceError is returned by CreateTwilioConnector, before anything is sent, when
// creating the connector would delete an SMS connector the caller did not agree to replace.
type WouldReplaceError struct {
	Current  Connector // the tenant's SMS connector that Logto would delete
	Replaces string    // what the caller agreed to replace ("" = none)
}

// Error says which connector would be deleted; it never includes its config.
func (e *WouldReplaceError) Error() string {
	return fmt.Sprintf("creating a Twilio connector would delete the tenant's SMS connector %s (%s); "+
		"Logto keeps only one SMS connector: update it instead, or agree to replace it",
		e.Current.ID, e.Current.ConnectorID)
}

// TwilioError is Twilio's error, unwrapped from Logto's "connector.general" answer to a
// connector test or to a send-code (fixtures r3-010, r3-011: data.message is Twilio's JSON
// body as a string).
type TwilioError struct {
	Code     int    // Twilio's error code, e.g. 21211
	Status   int    // the HTTP status Twilio answered Logto with
	Message  string // Twilio's message
	MoreInfo string // Twilio's documentation link
	// Sending is what Logto was sending: "" for the connector test's test SMS,
	// "the sign-in code" for a send-code (SendSignInCode).
	Sending string
}

// twilioCauses say in plain words what a Twilio error relayed by Logto means: the
// connector's saved settings are wrong, not the request.
var twilioCauses = map[int]string{
	20003: "Twilio did not accept the Account SID and Auth Token saved in Logto's Twilio connector: " +
		"the Auth Token was changed or rotated in Twilio, or the connector holds a wrong one.",
	21705: "The Messaging Service saved in Logto's Twilio connector is not in the connector's Twilio account: " +
		"it was deleted, or it belongs to another account.",
}

// Cause says in plain words what Twilio's error means for Logto's connector, or "" when
// this package does not know the code.
func (e *TwilioError) Cause() string { return twilioCauses[e.Code] }

// Error describes Twilio's answer.
func (e *TwilioError) Error() string {
	what := e.Sending
	if what == "" {
		what = "the test SMS"
	}
	s := fmt.Sprintf("Twilio refused %s: error %d", what, e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.MoreInfo != "" {
		s += " (" + e.MoreInfo + ")"
	}
	return s
}

// Logto's limit on verification codes (1.41 and later; logto-1.41/SUMMARY.md P2): at most
// MessageRateLimit codes to one phone within MessageRateWindow, a system policy that no API
// changes. The 11th send answers 429 request.message_rate_limited, without Retry-After.
const (
	MessageRateLimit  = 10
	MessageRateWindow = 10 * time.Minute
)

// MessageRateLimitError says Logto refused to send another verification code to a phone: it
// got MessageRateLimit codes within MessageRateWindow (429 request.message_rate_limited).
// Sending again, a browser sign-in included, gets the same answer until the window has
// passed, so nothing should retry it at once.
type MessageRateLimitError struct {
	Phone string    // the phone, digits only, country code first
	Err   *APIError // Logto's answer
}

// Error says the phone got too many codes and how long to wait.
func (e *MessageRateLimitError) Error() string {
	what, _ := e.Explain()
	return what + ": wait up to " + minutesText(MessageRateWindow) + " before asking for another code for this phone"
}

// Unwrap returns Logto's answer.
func (e *MessageRateLimitError) Unwrap() error { return e.Err }

// Explain says the phone got too many codes; next says how long to wait.
func (e *MessageRateLimitError) Explain() (what, next string) {
	who := "this phone"
	if e.Phone != "" {
		who = "+" + e.Phone
	}
	return fmt.Sprintf("Logto refused to send another code to %s: it sends at most %d codes to one phone in %s (Logto answered 429 request.message_rate_limited)",
			who, MessageRateLimit, minutesText(MessageRateWindow)),
		fmt.Sprintf("Wait up to %s before asking for another code for this phone: a retry or a browser sign-in before then gets the same answer. %s",
			minutesText(MessageRateWindow), docs.LogtoMessageRateLimited.More())
}

// minutesText says a duration in whole minutes: "10 minutes".
func minutesText(d time.Duration) string {
	n := int(d.Minutes())
	if n == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", n)
}

// rateLimited turns Logto's 429 request.message_rate_limited into a MessageRateLimitError
// (nil for any other answer).
func rateLimited(ae *APIError, phoneDigits string) *MessageRateLimitError {
	if ae == nil || ae.Status != http.StatusTooManyRequests || ae.Code != "request.message_rate_limited" {
		return nil
	}
	return &MessageRateLimitError{Phone: phoneDigits, Err: ae}
}

// ErrTwilioUnreachable is returned (wrapped) when Logto answers a connector test with a
// 500: the Logto server could not reach api.twilio.com.
var ErrTwilioUnreachable = errors.New("Logto could not reach Twilio (Logto answered 500: check that the Logto server can make outbound HTTPS requests to api.twilio.com)") //nolint:staticcheck // sentence shown to users, starts with a name

// ErrNoUsableSecret is returned by ApplicationSecret when the app has no unexpired secret.
var ErrNoUsableSecret = errors.New("the application has no unexpired client secret")

// explanations maps Logto error codes to plain explanations.
var explanations = map[string]string{
	"sign_in_experiences.enabled_connector_not_found":                        "Logto has no working SMS connector, so it refuses phone sign-up and SMS-code sign-in. Set up the Twilio connector first, then enable phone sign-in.",
	"sign_in_experiences.code_sign_in_must_be_enabled":                       "When sign-up needs no password, every email or phone sign-in method must also offer a verification code. Turn on \"verification code\" for those methods (or remove them).",
	"sign_in_experiences.passwordless_requires_verify":                       "Signing up with a phone number or email needs verification turned on (\"verify\"), because there is no password.",
	"sign_in_experiences.phone_verification_code_cannot_be_used_for_sign_in": "SMS codes are set up as a multi-factor (MFA) method in this tenant, and Logto does not allow the same SMS code for sign-in. Remove SMS from MFA in the Console (Security → MFA) first.",
	"sign_in_experiences.forgot_password_method_requires_connector":          "A forgot-password method needs a matching connector (SMS or email).",
	"sign_in_experiences.password_expiration_requires_forgot_password":       "Password expiration is on in this tenant (Logto 1.41 and later), so Logto keeps a way to reset a password: it refuses to delete the last SMS or email connector behind a forgot-password method, or to leave no such method. Keep one, or turn password expiration off in the Console's sign-in experience settings first.",
	"sign_in_experiences.username_policy_case_conflicts_exist":               "Logto refuses to make usernames case-insensitive while some users have usernames that differ only by case (for example \"Alice\" and \"alice\"): they would become the same account. Rename or delete all but one of each such group in the Console (User management), then change the username policy again.",
	"sign_in_experiences.at_least_one_authentication_factor":                 "Each sign-in method needs a password or a verification code.",
	"auth.forbidden":                                         "The machine-to-machine app is not allowed to use the Management API: assign it the role \"" + ManagementRoleName + "\" in the Console (Applications → the app → Roles).",
	"auth.unauthorized":                                      "Logto did not accept the access token. If the endpoint uses the admin port (3002), use the main endpoint (port 3001) instead.",
	"auth.authorization_header_missing":                      "The request carried no access token.",
	"oidc.invalid_client":                                    "Logto did not accept the App ID and App secret: copy both again from the application's page in the Console.",
	"oidc.invalid_target":                                    "Logto does not know the Management API resource for this tenant. On Logto Cloud behind a custom domain, enter the tenant id (Console → Tenant settings).",
	"oidc.invalid_request":                                   "Logto refused the token request as malformed.",
	"oidc.invalid_redirect_uri":                              "The redirect URI is not one of the app's Redirect URIs in Logto: add it exactly (scheme, host, port and path) on the application's page in the Console.",
	"entity.not_exists_with_id":                              "Logto has no such item: it may have been deleted, or the id was copied wrong.",
	"entity.not_found":                                       "Logto has no such item: it may have been deleted.",
	"application.secret_name_exists":                         "The application already has a secret with that name.",
	"connector.more_than_one_sms":                            "The tenant has more than one SMS connector, which Logto does not support: delete all but one in the Console (Connectors → Passwordless).",
	"connector.not_found_with_connector_id":                  "This Logto has no Twilio SMS connector installed.",
	"connector.not_found":                                    "This Logto has no Twilio SMS connector installed.",
	"connector.invalid_config":                               "Logto refused the connector settings: Account SID, Auth Token, Messaging Service SID and the Register, SignIn, ForgotPassword and Generic templates are all required.",
	"connector.general":                                      "Twilio refused the request Logto made for us.",
	"connector.rate_limit_exceeded":                          "Too many SMS were sent in a short time; wait a minute and try again.",
	"request.message_rate_limited":                           "Logto sends at most 10 codes to one phone in 10 minutes, and this phone got them all: wait up to 10 minutes before asking for another code.",
	"subscription.limit_exceeded":                            "The Logto Cloud plan's limit is reached (for example the number of applications).",
	"guard.invalid_input":                                    "Logto refused the request's data as invalid.",
	"request.invalid_input":                                  "Logto refused the request's data as invalid.",
	"application.no_legacy_secret_found":                     "The application has no legacy secret.",
	"sign_in_experiences.duplicated_sign_up_identifiers":     "The sign-up identifiers contain a duplicate.",
	"sign_in_experiences.missing_sign_up_identifiers":        "Sign-up needs at least one identifier.",
	"sign_in_experiences.miss_sign_up_identifier_in_sign_in": "This older Logto needs every sign-up identifier to be a sign-in method too.",
	"sign_in_experiences.password_sign_in_must_be_enabled":   "This older Logto needs password sign-in for every method when sign-up sets a password.",
	"sign_in_experiences.username_requires_password":         "Username sign-up needs a password.",
	"sign_in_experiences.unsupported_default_language":       "The sign-in experience's default language is not supported.",
	"sign_in_experiences.invalid_sign_in_methods":            "The sign-in methods are not valid.",
	"session.not_found":                                      "The sign-in session expired; start again.",
	"application.device_flow_native_only":                    "Device flow is only for native apps.",
	"oidc.invalid_grant":                                     "The authorization code is invalid or was already used.",
	"connector.template_not_found":                           "The connector has no template for this message type; add the Generic template.",
	"sign_in_experiences.enabled_connector_not_found/email":  "Logto has no email connector, so it refuses email verification codes. Keep email sign-in with password only, remove it, or set up an email connector.",
}

// Explain returns a plain explanation of a known Logto failure in err, or "" if there is
// none. It looks through wrapped errors for *ScopeError, *WouldReplaceError,
// *TwilioError, ErrTwilioUnreachable and *APIError codes.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var se *ScopeError
	if errors.As(err, &se) {
		return se.Error()
	}
	var nm *NotM2MAppError
	if errors.As(err, &nm) {
		what, next := nm.Explain()
		return strings.ToUpper(what[:1]) + what[1:] + ". " + next
	}
	if errors.Is(err, ErrTwilioUnreachable) {
		return ErrTwilioUnreachable.Error()
	}
	if errors.Is(err, ErrNoUsableSecret) {
		return "The application has no client secret that is still valid: add one on the application's page in the Console."
	}
	var te *TwilioError
	if errors.As(err, &te) {
		if c := te.Cause(); c != "" {
			return te.Error() + ". " + c
		}
		return te.Error()
	}
	var rl *MessageRateLimitError
	if errors.As(err, &rl) {
		what, next := rl.Explain()
		return strings.ToUpper(what[:1]) + what[1:] + ". " + next
	}
	var we *WouldReplaceError
	if errors.As(err, &we) {
		return we.Error()
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		return ""
	}
	if ae.Code == "sign_in_experiences.enabled_connector_not_found" && strings.Contains(strings.ToLower(ae.Message), "email") {
		return explanations[ae.Code+"/email"]
	}
	if ae.Code == "" && ae.Status >= 500 {
		return "Logto had an internal error; its server log says more."
	}
	switch {
	case grantNotAllowed(ae):
		return "Logto does not let this app use that kind of token request: check the app's type in the Console (Applications)."
	case secretExpired(ae):
		return "The App secret has expired: add a new secret on the application's page in the Console, and use it."
	}
	return explanations[ae.Code]
}

// InputError is bad input found before any request (an endpoint, a tenant id). Error has the
// package prefix and the operation; Explain says it in plain words. It never repeats credentials
// embedded in the input.
type InputError struct {
	Op  string // "endpoint", "tenant id"
	Msg string // plain words: what is wrong and what to type instead
}

// Error returns "logtoapi: <op>: <msg>".
func (e *InputError) Error() string { return "logtoapi: " + e.Op + ": " + e.Msg }

// Explain says what is wrong with the input; there is no next step beyond correcting it.
func (e *InputError) Explain() (what, next string) { return e.Msg, "" }

// anchors are the Logto error codes with an entry in docs/troubleshooting.md.
var anchors = map[string]docs.Anchor{
	"oidc.invalid_client":                             docs.LogtoInvalidClient,
	"auth.forbidden":                                  docs.LogtoManagementRole,
	"oidc.invalid_redirect_uri":                       docs.LogtoRedirectURI,
	"connector.not_found":                             docs.LogtoNoSMSConnector,
	"connector.not_found_with_connector_id":           docs.LogtoNoSMSConnector,
	"sign_in_experiences.enabled_connector_not_found": docs.LogtoNoSMSConnector,
	"request.message_rate_limited":                    docs.LogtoMessageRateLimited,
}

// withLink ends next with the link to the troubleshooting entry a.
func withLink(next string, a docs.Anchor) string {
	if next == "" {
		return a.More()
	}
	return next + " " + a.More()
}

// Explain says Logto's answer in plain words ("Logto answered 400 guard.invalid_input
// (details)") and, for codes this package knows, what it means and what to do, with a link
// to the code's entry of docs/troubleshooting.md when it has one.
func (e *APIError) Explain() (what, next string) {
	what = fmt.Sprintf("Logto answered %d", e.Status)
	if e.Code != "" {
		what += " " + e.Code
	}
	switch {
	case e.Details != "":
		what += " (" + e.Details + ")"
	case e.Message != "":
		what += ": " + e.Message
	}
	next = Explain(e)
	// An email connector missing is not the SMS connector's entry.
	if a, ok := anchors[e.Code]; ok && next != explanations["sign_in_experiences.enabled_connector_not_found/email"] {
		next = withLink(next, a)
	}
	return what, next
}

// Explain says what the missing role means; next says how to assign it.
func (e *ScopeError) Explain() (what, next string) {
	next = "In the Logto Console, open Applications → this app → Roles and assign the role \"" + ManagementRoleName + "\"."
	if e.ConsoleURL != "" {
		next += " The app's page: " + e.ConsoleURL
	}
	next = withLink(next, docs.LogtoManagementRole)
	return "the app lacks the \"" + ManagementRoleName + "\" role", next
}

// Explain says which connector would be deleted, and what to do instead.
func (e *WouldReplaceError) Explain() (what, next string) {
	return fmt.Sprintf("creating a Twilio connector would delete the tenant's SMS connector %s (%s)", e.Current.ID, e.Current.ConnectorID),
		"Logto keeps only one SMS connector: update it instead, or agree to replace it."
}

// Explain says Twilio's answer to Logto's connector test or send-code; next says what the
// code means for the connector when this package knows (Cause), and links the code's entry
// of docs/troubleshooting.md, or Twilio's page on the code when the page has none.
func (e *TwilioError) Explain() (what, next string) {
	if e.Code != 0 {
		next = docs.TwilioMore(e.Code)
	}
	if c := e.Cause(); c != "" {
		next = c + " " + next
	}
	return e.Error(), next
}

// inputErr is bad input found by op.
func inputErr(op, msg string) *InputError { return &InputError{Op: op, Msg: msg} }
