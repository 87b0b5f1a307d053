package logtotest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
)

//go:embed seed/connector-factories.json
var seedFactoriesJSON []byte

//go:embed seed/sign-in-exp.json
var seedSignInExpJSON []byte

//go:embed seed/openid-configuration.json
var seedDiscoveryJSON []byte

// defaultSecretName is the name Logto gives the secret it creates with an application.
const defaultSecretName = "Default secret"

// application is one row of Logto's applications table plus its secrets and roles.
type application struct {
	ID                     string
	Name                   string
	Description            *string
	Type                   string // Native, SPA, Traditional, MachineToMachine, Protected, SAML
	InternalSecret         string // "#internal:" + 32 chars; the `secret` field of 1.37 responses
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	OIDCExtra              map[string]json.RawMessage // other oidcClientMetadata keys, kept as sent
	CustomClientMetadata   json.RawMessage
	CustomData             json.RawMessage
	IsThirdParty           bool
	IsAdmin                bool
	CreatedAt              int64
	Secrets                []appSecret
	RoleIDs                []string
}

// appSecret is a row of application_secrets.
type appSecret struct {
	Name      string
	Value     string
	CreatedAt int64
	ExpiresAt *int64
}

// hasSecrets reports whether Logto creates a Default secret for this application type.
func hasSecrets(appType string) bool {
	switch appType {
	case "Traditional", "MachineToMachine", "Protected", "SAML":
		return true
	}
	return false
}

type role struct {
	ID          string
	Name        string
	Description string
	Type        string
	Scopes      []string
}

// connector is a row of Logto's connectors table; the factory metadata is joined on output.
type connector struct {
	ID                 string
	ConnectorID        string // the factory id, e.g. twilio-short-message-service
	Config             json.RawMessage
	Metadata           json.RawMessage
	SyncProfile        bool
	EnableTokenStorage bool
}

// accessToken is an issued Management API token.
type accessToken struct {
	AppID   string
	Scope   string
	Expires time.Time
}

// orderedObject is a JSON object that keeps its key order (for the sign-in experience).
type orderedObject struct {
	keys []string
	vals map[string]json.RawMessage
}

func parseOrderedObject(b []byte) (*orderedObject, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	o := &orderedObject{vals: map[string]json.RawMessage{}}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("logtotest: object: %w", err)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("logtotest: object key: %w", err)
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("logtotest: object value: %w", err)
		}
		o.set(k, v)
	}
	return o, nil
}

func (o *orderedObject) set(k string, v json.RawMessage) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = append(json.RawMessage(nil), v...)
}

func (o *orderedObject) get(k string) json.RawMessage { return o.vals[k] }

// MarshalJSON writes the object in its key order.
func (o *orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(marshalNoEscape(k))
		b.WriteByte(':')
		b.Write(o.vals[k])
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o *orderedObject) clone() *orderedObject {
	c := &orderedObject{keys: append([]string(nil), o.keys...), vals: map[string]json.RawMessage{}}
	for k, v := range o.vals {
		c.vals[k] = v
	}
	return c
}

// seedSignInExp is the default tenant's sign-in experience as a fresh database seeds it: the
// 1.37.1 recording (fixture 050), plus from 1.41 the five new columns, in the table's column order
// (packages/schemas/tables/sign_in_experiences.sql at v1.41.0) with the values a fresh seed gives:
// the column defaults, except signUpProfileFields, which createDefaultSignInExperience sets to null
// (the legacy "collect the whole catalog" behaviour; only rows made later default to []).
func (s *Server) seedSignInExp() *orderedObject {
	o := seedSignInExp()
	if !s.atLeast141() {
		return o
	}
	return withSignInExp141(o)
}

// seedSignInExp is the seeded sign-in experience of 1.37.1 (fixture 050).
func seedSignInExp() *orderedObject {
	o, err := parseOrderedObject(seedSignInExpJSON)
	if err != nil {
		panic("logtotest: seed sign-in experience: " + err.Error())
	}
	return o
}

// signInExp141Defaults are the five keys 1.41 added, each with the key it follows in the table
// and its seeded value.
var signInExp141Defaults = []struct{ key, after, value string }{
	{"customUiCsp", "customUiAssets", `{}`},
	{"verificationCodePolicy", "emailBlocklistPolicy", `{}`},
	{"signUpProfileFields", "passkeySignIn", `null`},
	{"passwordExpiration", "signUpProfileFields", `{}`},
	{"usernamePolicy", "passwordExpiration", defaultUsernamePolicy},
}

// defaultUsernamePolicy is the column default of username_policy, in usernamePolicyGuard's key
// order (the response is parsed by the guard, which writes keys in its own order).
const defaultUsernamePolicy = `{"caseSensitive":true,"minLength":1,"maxLength":128,` +
	`"allowedChars":{"lowercase":true,"uppercase":true,"numbers":true,"underscore":true}}`

// withSignInExp141 returns o with the keys 1.41 added that it lacks, each after the key it follows
// in the table (or at the end when that key is absent too).
func withSignInExp141(o *orderedObject) *orderedObject {
	out := o.clone()
	for _, d := range signInExp141Defaults {
		if _, ok := out.vals[d.key]; ok {
			continue
		}
		out.set(d.key, json.RawMessage(d.value))
		out.keys = out.keys[:len(out.keys)-1]
		at := len(out.keys)
		for i, k := range out.keys {
			if k == d.after {
				at = i + 1
			}
		}
		out.keys = append(out.keys[:at:at], append([]string{d.key}, out.keys[at:]...)...)
	}
	return out
}

// factory is an installed connector factory, kept as Logto serves it.
type factory struct {
	ID     string
	Type   string
	Target string
	raw    *orderedObject
}

// factories is parsed on first use, not at start: the binary links this
// package for --sandbox, and its start should not pay for it.
var factories = sync.OnceValue(func() []factory {
	var raws []json.RawMessage
	if err := json.Unmarshal(seedFactoriesJSON, &raws); err != nil {
		panic("logtotest: seed factories: " + err.Error())
	}
	out := make([]factory, 0, len(raws))
	for _, r := range raws {
		o, err := parseOrderedObject(r)
		if err != nil {
			panic("logtotest: seed factory: " + err.Error())
		}
		var head struct{ ID, Type, Target string }
		_ = json.Unmarshal(r, &head)
		out = append(out, factory{ID: head.ID, Type: head.Type, Target: head.Target, raw: o})
	}
	return out
})

func findFactory(id string) (factory, bool) {
	for _, f := range factories() {
		if f.ID == id {
			return f, true
		}
	}
	return factory{}, false
}

// ---- lookups for this package (callers hold s.mu) ----

// smsConnectorLocked returns the tenant's SMS connector, or nil.
func (s *Server) smsConnectorLocked() *connector {
	for _, c := range s.connectors {
		if f, ok := findFactory(c.ConnectorID); ok && f.Type == "Sms" {
			return c
		}
	}
	return nil
}

// hasConnectorTypeLocked reports whether an enabled connector of type "Sms" or "Email" exists.
func (s *Server) hasConnectorTypeLocked(typ string) bool {
	for _, c := range s.connectors {
		if f, ok := findFactory(c.ConnectorID); ok && f.Type == typ {
			return true
		}
	}
	return false
}

// signInExpLocked returns the whole sign-in experience as JSON.
func (s *Server) signInExpLocked() json.RawMessage {
	b, _ := s.signInExp.MarshalJSON()
	return b
}

// ---- views for the OIDC side (no lock needed: they lock) ----

// clientView is what the OIDC side needs to know about an application. Its fields match the OIDC
// side's oidcClient, so oidcClient(v) converts it.
type clientView struct {
	ID                     string
	Type                   string
	Secrets                []string
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
}

// appClient returns the client view of an application: its usable (unexpired) secret values, plus
// the internal secret on versions before 1.42 (the legacy fallback; 1.41.0 still takes it, 036).
func (s *Server) appClient(id string) (clientView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		return clientView{}, false
	}
	v := clientView{
		ID: a.ID, Type: a.Type,
		RedirectURIs:           append([]string(nil), a.RedirectURIs...),
		PostLogoutRedirectURIs: append([]string(nil), a.PostLogoutRedirectURIs...),
	}
	now := s.nowMillis()
	for _, sec := range a.Secrets {
		if sec.ExpiresAt == nil || *sec.ExpiresAt > now {
			v.Secrets = append(v.Secrets, sec.Value)
		}
	}
	if !s.atLeast142() && a.InternalSecret != "" {
		v.Secrets = append(v.Secrets, a.InternalSecret)
	}
	return v, true
}

// endpoint is the Logto endpoint without a trailing slash.
func (s *Server) endpoint() string { return s.URL }

// smsConnector returns the factory id and config of the tenant's SMS connector.
func (s *Server) smsConnector() (factoryID string, config json.RawMessage, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.smsConnectorLocked()
	if c == nil {
		return "", nil, false
	}
	return c.ConnectorID, append(json.RawMessage(nil), c.Config...), true
}

// signInExperience returns the whole sign-in experience as JSON.
func (s *Server) signInExperience() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.signInExpLocked()
}

// ---- public seeding and inspection ----

// AddM2MApp adds a machine-to-machine application with a Default secret, as the Console does.
// managementAccess assigns it the "Logto Management API access" role, so its tokens get scope all.
func (s *Server) AddM2MApp(name string, managementAccess bool) (appID, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.newAppLocked(name, "MachineToMachine", nil, nil, nil)
	if managementAccess {
		a.RoleIDs = append(a.RoleIDs, s.managementRoleLocked().ID)
	}
	return a.ID, a.Secrets[0].Value
}

// AddTraditionalApp adds a Traditional web application with its Default secret.
func (s *Server) AddTraditionalApp(name string, redirect, postLogout []string) (appID, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.newAppLocked(name, "Traditional", nil, redirect, postLogout)
	return a.ID, a.Secrets[0].Value
}

func (s *Server) managementRoleLocked() *role {
	for _, r := range s.roles {
		if r.Name == ManagementRoleName {
			return r
		}
	}
	return s.roles[0]
}

func (s *Server) newAppLocked(name, typ string, desc *string, redirect, postLogout []string) *application {
	now := s.nowMillis()
	if redirect == nil {
		redirect = []string{}
	}
	if postLogout == nil {
		postLogout = []string{}
	}
	a := &application{
		ID: randomID(), Name: name, Type: typ, Description: desc,
		InternalSecret:         "#internal:" + randomSecret(),
		RedirectURIs:           append([]string{}, redirect...),
		PostLogoutRedirectURIs: append([]string{}, postLogout...),
		CustomClientMetadata:   json.RawMessage(`{}`),
		CustomData:             json.RawMessage(`{}`),
		CreatedAt:              now,
	}
	for s.apps[a.ID] != nil {
		a.ID = randomID()
	}
	if hasSecrets(typ) {
		a.Secrets = []appSecret{{Name: defaultSecretName, Value: randomSecret(), CreatedAt: now}}
	}
	s.apps[a.ID] = a
	return a
}

// SetUsername gives the end user userID (from AddUser or a sign-up) a username, as an admin can
// in the Console. Two usernames that differ only by case make 1.41's PATCH /api/sign-in-exp
// answer 409 sign_in_experiences.username_policy_case_conflicts_exist when it turns the username
// policy case-insensitive. An empty username removes it. It panics if there is no such user.
func (s *Server) SetUsername(userID, username string) {
	if !slices.ContainsFunc(s.Users(), func(u User) bool { return u.ID == userID }) {
		panic("logtotest: SetUsername: no user " + userID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if username == "" {
		delete(s.usernames, userID)
		return
	}
	s.usernames[userID] = username
}

// Application returns the application as GET /api/applications/{id} would.
func (s *Server) Application(id string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		return nil, false
	}
	return marshalNoEscape(s.appJSONLocked(a, true)), true
}

// SMSConnector returns the tenant's SMS connector as GET /api/connectors/{id} would.
func (s *Server) SMSConnector() (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.smsConnectorLocked()
	if c == nil {
		return nil, false
	}
	b, _ := connectorJSON(c).MarshalJSON()
	return b, true
}

// SignInExperience returns the whole sign-in experience as GET /api/sign-in-exp would.
func (s *Server) SignInExperience() json.RawMessage { return s.signInExperience() }

// SetSMSConnector installs an SMS connector without validation (for example another provider
// such as "http-sms"), replacing any other, as POST /api/connectors does. It returns the row id.
// It panics if factoryID is not an installed SMS factory.
func (s *Server) SetSMSConnector(factoryID string, config json.RawMessage) (id string) {
	f, ok := findFactory(factoryID)
	if !ok || f.Type != "Sms" {
		panic("logtotest: SetSMSConnector: no SMS factory " + factoryID)
	}
	if len(config) == 0 {
		config = json.RawMessage(`{}`)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &connector{ID: randomShortID(), ConnectorID: factoryID, Config: config, Metadata: json.RawMessage(`{}`)}
	s.insertConnectorLocked(c, f)
	return c.ID
}

// insertConnectorLocked adds c; for a passwordless factory (Sms, Email) every other connector of
// that type is deleted first, as Logto's replaceConnectorsByType does.
func (s *Server) insertConnectorLocked(c *connector, f factory) {
	if f.Type == "Sms" || f.Type == "Email" {
		kept := s.connectors[:0]
		for _, old := range s.connectors {
			if of, ok := findFactory(old.ConnectorID); ok && of.Type == f.Type {
				continue
			}
			kept = append(kept, old)
		}
		s.connectors = kept
	}
	s.connectors = append(s.connectors, c)
}
