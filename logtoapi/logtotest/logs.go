package logtotest

// Audit logs: GET /api/logs (ListLogs in the served spec, logto_v1.37.1_management.openapi.json)
// and the entries the stand-in writes as a real Logto 1.37.1 does (testdata/r3, r3-001..003):
//
//   - ExchangeTokenBy.AuthorizationCode for every code exchange at /oidc/token by a known client,
//     failed ones too: result "Error" with `error` a JSON string of oidc-provider's error (stack,
//     message, allow_redirect, name, error, status, statusCode, expose, error_description,
//     error_detail). The payload keys are the recorded ones: applicationId, applicationSecret
//     {name} (when the secret was right), ip, key, params (the form without the client's
//     credentials: code, grant_type, redirect_uri, code_verifier), result, scope and userId (on
//     success), tokenTypes, userAgent.
//   - the Interaction.* events of the sign-in flow the stand-in serves (r3-002): Interaction.Create
//     at /oidc/auth, Interaction.<Event>.Create at PUT /api/experience, .Update at PUT
//     …/interaction-event, .Verification.PhoneVerificationCode.Create / .Submit at send and verify,
//     .Identifier.Submit, .Submit, and Interaction.End when the browser comes back to the client.
//     The keys of Create, SignIn.Create, Verification…Create, Update, Register.Identifier.Submit,
//     Register.Submit and End are the recorded ones; those of Verification…Submit,
//     SignIn.Identifier.Submit and SignIn.Submit were not recorded and follow the same pattern
//     (inferred). An Experience API error is logged as `error` {message, code, data} (a Logto
//     RequestError) or {message} (anything else, e.g. a connector error, as recorded).
//
// Pages: Total-Number, and one Link header line per relation in the order koa-pagination appends
// them: first, last, then prev and next when they exist (URLs without /api). The r3 recorder kept
// the first line (rel="first"); the older recordings of other lists kept the last.
// From 1.41 (logto-1.41 SUMMARY P4) start_time and end_time filter by createdAt (epoch ms,
// inclusive); any other value is 400 guard.invalid_input. 1.37.1 ignores them, as every unknown key.

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LogKeyExchangeByAuthorizationCode is the key of the log Logto writes when a client exchanges
// an authorization code for tokens (the end of a sign-in through that client, or a failed
// exchange: see Log.Result).
const LogKeyExchangeByAuthorizationCode = "ExchangeTokenBy.AuthorizationCode"

// Log is one audit log entry.
type Log struct {
	ID, Key, Result       string // Result "Success" or "Error"
	ApplicationID, UserID string
	CreatedAt             time.Time
	// Payload is the rest of the entry's payload (ip, userAgent, params, error, interaction, …)
	// as the stand-in wrote it. When nil (AddLog), an ExchangeTokenBy.* entry gets the
	// recorded keys of a successful exchange with made-up values.
	Payload map[string]any
}

type logStore struct {
	mu   sync.Mutex
	logs []Log // oldest first
}

// registerLogs adds GET /api/logs.
func (s *Server) registerLogs(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/logs", s.requireManagement(s.listLogs))
}

// Logs returns every audit log entry the stand-in wrote, oldest first.
func (s *Server) Logs() []Log {
	ls := s.logs
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return slices.Clone(ls.logs)
}

// AddLog appends an audit log entry (ID and CreatedAt are filled in when empty), so a test can
// start with a room where someone signed in already.
func (s *Server) AddLog(l Log) {
	if l.ID == "" {
		l.ID = randomID()
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = s.now()
	}
	if l.Result == "" {
		l.Result = "Success"
	}
	ls := s.logs
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.logs = append(ls.logs, l)
}

// logRequest is what every entry takes from the request: ip and userAgent.
func logRequest(r *http.Request) map[string]any {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	return map[string]any{"ip": ip, "userAgent": r.UserAgent()}
}

// logEvent writes one entry for the OIDC side (no-op when the backend is not a Server).
func (p *oidcProvider) logEvent(r *http.Request, key string, fail map[string]any, appID, userID string, extra map[string]any) {
	sb, ok := p.be.(serverBackend)
	if !ok {
		return
	}
	payload := logRequest(r)
	for k, v := range extra {
		payload[k] = v
	}
	l := Log{Key: key, Result: "Success", ApplicationID: appID, UserID: userID, Payload: payload}
	if fail != nil {
		l.Result = "Error"
		payload["error"] = fail
	}
	sb.AddLog(l)
}

// codeExchange is what logCodeExchange needs to know about one exchange at /oidc/token.
type codeExchange struct {
	clientID   string
	secretName string // the name of the secret that authenticated the client; "" if none did
	grant      *oidcGrant
	// On failure: status and body as answered, and oidc-provider's error_detail ("" if none).
	status int
	body   oidcErrBody
	detail string
}

// logCodeExchange records an authorization-code exchange, successful or not (r3-001).
func (p *oidcProvider) logCodeExchange(r *http.Request, x codeExchange) {
	sb, ok := p.be.(serverBackend)
	if !ok {
		return
	}
	payload := logRequest(r)
	params := map[string]any{}
	for k, v := range r.PostForm {
		if k != "client_id" && k != "client_secret" && len(v) > 0 {
			params[k] = v[0]
		}
	}
	payload["params"] = params
	if x.secretName != "" {
		payload["applicationSecret"] = map[string]any{"name": x.secretName}
	}
	l := Log{Key: LogKeyExchangeByAuthorizationCode, ApplicationID: x.clientID, Payload: payload}
	if x.grant != nil {
		l.Result, l.UserID = "Success", x.grant.accountID
		payload["scope"] = x.grant.scope
		payload["tokenTypes"] = tokenTypes(x.grant.scope)
	} else {
		l.Result = "Error"
		payload["tokenTypes"] = []string{}
		payload["error"] = string(oidcErrorLogJSON(x.status, x.body, x.detail))
	}
	sb.AddLog(l)
}

// tokenTypes are the tokens a code exchange issues for this scope.
func tokenTypes(scope string) []string {
	types := []string{"AccessToken"}
	if oidcHasScope(scope, "offline_access") {
		types = append(types, "RefreshToken")
	}
	if oidcHasScope(scope, "openid") {
		types = append(types, "IdToken")
	}
	return types
}

// oidcErrorNames are oidc-provider's error class names.
var oidcErrorNames = map[string]string{
	"invalid_grant": "InvalidGrant", "invalid_request": "InvalidRequest", "invalid_target": "InvalidTarget",
	"invalid_redirect_uri": "InvalidRedirectUri", "invalid_scope": "InvalidScope",
	"unauthorized_client": "UnauthorizedClient", "unsupported_grant_type": "UnsupportedGrantType",
}

// oidcErrorLogJSON is the `error` string of a failed exchange, as JSON.stringify writes
// oidc-provider's error (r3-001). The real stack is several lines of server paths; the stand-in
// writes its first line and one of its own.
func oidcErrorLogJSON(status int, e oidcErrBody, detail string) []byte {
	name := oidcErrorNames[e.Error]
	if e.Error == "invalid_client" {
		name = "InvalidClient"
		if status == http.StatusUnauthorized {
			name = "InvalidClientAuth" // "client authentication failed", detail "invalid secret provided"
		}
	}
	if name == "" {
		name = "OIDCProviderError"
	}
	fields := []claimKV{
		{"stack", name + ": " + e.Error + "\n    at logtotest"},
		{"message", e.Error},
		{"allow_redirect", true},
		{"name", name},
		{"error", e.Error},
		{"status", status},
		{"statusCode", status},
		{"expose", true},
		{"error_description", e.ErrorDescription},
	}
	if detail != "" {
		fields = append(fields, claimKV{"error_detail", detail})
	}
	return oidcOrderedJSON(fields)
}

type logJSON struct {
	TenantID  string         `json:"tenantId"`
	ID        string         `json:"id"`
	Key       string         `json:"key"`
	Payload   map[string]any `json:"payload"`
	CreatedAt int64          `json:"createdAt"`
}

// logPayload is the entry's payload as GET /api/logs shows it.
func logPayload(l Log) map[string]any {
	payload := map[string]any{"key": l.Key, "result": l.Result}
	if l.ApplicationID != "" {
		payload["applicationId"] = l.ApplicationID
	}
	if l.UserID != "" {
		payload["userId"] = l.UserID
	}
	if l.Payload != nil {
		for k, v := range l.Payload {
			payload[k] = v
		}
		return payload
	}
	if strings.HasPrefix(l.Key, "ExchangeTokenBy.") {
		// AddLog's entries: a successful exchange with the recorded keys (r3-003's Success).
		payload["ip"], payload["userAgent"] = "127.0.0.1", ""
		payload["params"] = map[string]any{"grant_type": "authorization_code"}
		payload["tokenTypes"] = []string{}
		payload["applicationSecret"] = map[string]any{"name": "Default secret"}
		if l.Result == "Success" {
			payload["scope"] = "openid offline_access profile phone"
			payload["tokenTypes"] = tokenTypes("openid offline_access profile phone")
		}
	}
	return payload
}

// logTimeFilter reads start_time / end_time (1.41 and later): epoch milliseconds. ok is false
// when it has answered 400 guard.invalid_input (the message and issue are inferred: Logto's
// koaGuard for a query, Zod's coercion to a number).
func (s *Server) logTimeFilter(w http.ResponseWriter, q url.Values) (from, to int64, ok bool) {
	from, to = -1<<63, 1<<63-1
	if !s.atLeast141() {
		return from, to, true
	}
	for _, k := range []string{"start_time", "end_time"} {
		v, present := q[k]
		if !present {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v[0]), 10, 64)
		if err != nil {
			respondZod(w, "guard.invalid_input", "The request query is invalid.", []zodIssue{{
				Code: "invalid_type", Expected: "number", Received: "nan", Path: []any{k},
				Message: "Expected number, received nan",
			}})
			return 0, 0, false
		}
		if k == "start_time" {
			from = n
		} else {
			to = n
		}
	}
	return from, to, true
}

func (s *Server) listLogs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, _ := parsePage(q, false)
	from, to, ok := s.logTimeFilter(w, q)
	if !ok {
		return
	}
	ls := s.logs
	ls.mu.Lock()
	var out []logJSON
	for i := len(ls.logs) - 1; i >= 0; i-- { // newest first
		l := ls.logs[i]
		if v := q.Get("userId"); v != "" && v != l.UserID {
			continue
		}
		if v := q.Get("applicationId"); v != "" && v != l.ApplicationID {
			continue
		}
		if v := q.Get("logKey"); v != "" && v != l.Key {
			continue
		}
		if at := l.CreatedAt.UnixMilli(); at < from || at > to {
			continue
		}
		out = append(out, logJSON{TenantID: "default", ID: l.ID, Key: l.Key, Payload: logPayload(l), CreatedAt: l.CreatedAt.UnixMilli()})
	}
	ls.mu.Unlock()
	if out == nil {
		out = []logJSON{}
	}
	respondJSON(w, http.StatusOK, paginate(w, r, s.URL, out, p))
}

// paginate cuts items to the page and sets Total-Number and the Link lines as
// koa-pagination does: first, last, prev (page > 1), next (page < last), each a header line of
// its own, their URLs without the /api prefix (r3-001; fixture 320 has first and last joined by
// its recorder, 020 kept only the last line).
func paginate[T any](w http.ResponseWriter, r *http.Request, base string, items []T, p page) []T {
	total := len(items)
	totalPages := max((total+p.size-1)/p.size, 1)
	link := func(n int, rel string) string {
		return "<" + base + strings.TrimPrefix(r.URL.Path, "/api") + "?" +
			encodeKeepOrder(r.URL.RawQuery, nil, "page", strconv.Itoa(n)) + `>; rel="` + rel + `"`
	}
	w.Header().Set("Total-Number", strconv.Itoa(total))
	w.Header().Add("Link", link(1, "first"))
	w.Header().Add("Link", link(totalPages, "last"))
	if p.page > 1 {
		w.Header().Add("Link", link(p.page-1, "prev"))
	}
	if p.page < totalPages {
		w.Header().Add("Link", link(p.page+1, "next"))
	}
	start := min((p.page-1)*p.size, total)
	end := min(start+p.size, total)
	return items[start:end]
}

// logInteraction is the `interaction` object of the Interaction.* entries (r3-002). p.mu must be
// held.
func (in *oidcInteraction) logInteraction() map[string]any {
	records := []any{}
	for _, v := range in.verificationOrder() {
		records = append(records, v.logRecord())
	}
	profile := map[string]any{}
	out := map[string]any{
		"mfa": map[string]any{}, "captcha": map[string]any{"skipped": false, "verified": false},
		"profile": profile, "interactionEvent": in.event, "verificationRecords": records,
	}
	if in.identified != "" {
		out["userId"] = in.identified
	}
	return out
}

// logRecord is one of the interaction's verificationRecords as logged.
func (v *expVerification) logRecord() map[string]any {
	return map[string]any{
		"id": v.id, "type": "PhoneVerificationCode", "verified": v.verified,
		"identifier": map[string]any{"type": "phone", "value": v.phone}, "templateType": v.event,
	}
}

// logParams are the authorization request's parameters as Interaction.Create and End log them.
func (ap oidcAuthParams) logParams() map[string]any {
	out := map[string]any{}
	for k, v := range map[string]string{
		"client_id": ap.ClientID, "redirect_uri": ap.RedirectURI, "scope": ap.Scope, "state": ap.State,
		"nonce": ap.Nonce, "code_challenge": ap.CodeChallenge, "code_challenge_method": ap.CodeChallengeMethod,
		"prompt": ap.Prompt, "resource": ap.Resource, "first_screen": ap.FirstScreen,
		"interaction_mode": ap.InteractionMode,
	} {
		if v != "" {
			out[k] = v
		}
	}
	out["response_type"] = "code"
	return out
}

// logRequestError is the `error` of a failed Interaction.* entry for a Logto RequestError.
func logRequestError(e expError) map[string]any {
	out := map[string]any{"message": e.Message, "code": e.Code}
	if e.Data != nil {
		b, _ := json.Marshal(e.Data)
		var data any
		_ = json.Unmarshal(b, &data)
		out["data"] = data
	}
	return out
}

// logRecorder keeps the status and body of an Experience API answer, for its log entry.
type logRecorder struct {
	http.ResponseWriter
	status int
	body   []byte
}

func (lr *logRecorder) WriteHeader(status int) {
	lr.status = status
	lr.ResponseWriter.WriteHeader(status)
}

func (lr *logRecorder) Write(b []byte) (int, error) {
	if lr.status == 0 {
		lr.status = http.StatusOK
	}
	lr.body = append(lr.body, b...)
	return lr.ResponseWriter.Write(b) //nolint:wrapcheck // a pass-through writer
}

// failure is the entry's `error` for an error answer ({message, code, data} as a Logto
// RequestError is logged; {message} for one without a code), nil for a success.
func (lr *logRecorder) failure() map[string]any {
	if lr.status < http.StatusBadRequest {
		return nil
	}
	var e expError
	_ = json.Unmarshal(lr.body, &e)
	if e.Code == "" {
		return map[string]any{"message": e.Message}
	}
	return logRequestError(e)
}

// presentedClient is the client id a token request names (Basic or form) and the name of the
// application secret it presents ("" when it matches none, e.g. the internal secret).
func (p *oidcProvider) presentedClient(r *http.Request) (clientID, secretName string) {
	id, secret, basic := r.BasicAuth()
	if basic {
		if v, err := url.QueryUnescape(id); err == nil {
			id = v
		}
		if v, err := url.QueryUnescape(secret); err == nil {
			secret = v
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	sb, ok := p.be.(serverBackend)
	if !ok || secret == "" {
		return id, ""
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if a, ok := sb.apps[id]; ok {
		for _, sec := range a.Secrets {
			if sec.Value == secret {
				return id, sec.Name
			}
		}
	}
	return id, ""
}

// logJSON is the user row as Interaction.Register.Identifier.Submit logs it (r3-002).
func (u *User) logJSON() map[string]any {
	return map[string]any{
		"id": u.ID, "name": nil, "avatar": nil, "profile": map[string]any{}, "tenantId": "default",
		"username": nil, "createdAt": u.CreatedAt.UnixMilli(), "updatedAt": u.UpdatedAt.UnixMilli(),
		"customData": map[string]any{}, "identities": map[string]any{}, "isSuspended": false,
		"logtoConfig": map[string]any{}, "lastSignInAt": nil, "primaryEmail": nil, "primaryPhone": u.PhoneNumber,
		"applicationId": nil, "mfaVerifications": []any{}, "passwordEncrypted": nil, "passwordEncryptionMethod": nil,
	}
}
