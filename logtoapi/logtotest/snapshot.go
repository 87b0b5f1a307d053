package logtotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// SnapshotVersion is the version of the JSON that Snapshot writes and Restore reads.
const SnapshotVersion = 1

// snapshotKind names what a snapshot is of, so a Twilio stand-in's snapshot is refused.
const snapshotKind = "logtotest"

// snapshot is the tenant state kept between runs: what a developer set up and would expect to
// find again, and what happened in it that they would look for afterwards (who signed in, which
// codes were sent). Left out, because a new process starts them afresh: the signing key (ID
// tokens signed before a restart no longer verify; clients fetch the new JWKS), issued
// Management API tokens (clients ask for new ones), OIDC interactions, sessions, grants, codes
// and tokens (browser sessions with the stand-in end), faults and recorded requests.
//
// Logs and SMS came later within version 1: a snapshot without them restores with none.
type snapshot struct {
	Version    int             `json:"version"`
	Kind       string          `json:"kind"`
	Apps       []snapApp       `json:"apps"`
	Roles      []snapRole      `json:"roles"`
	Connectors []snapConnector `json:"connectors"`
	SignInExp  json.RawMessage `json:"signInExperience"`
	Users      []snapUser      `json:"users"`
	Logs       []snapLog       `json:"logs,omitempty"` // the audit logs (GET /api/logs), oldest first
	SMS        []snapSMS       `json:"sms,omitempty"`  // the codes sent (SentSMS), oldest first
}

type snapApp struct {
	ID                     string                     `json:"id"`
	Name                   string                     `json:"name"`
	Description            *string                    `json:"description,omitempty"`
	Type                   string                     `json:"type"`
	InternalSecret         string                     `json:"internalSecret,omitempty"`
	RedirectURIs           []string                   `json:"redirectUris"`
	PostLogoutRedirectURIs []string                   `json:"postLogoutRedirectUris"`
	OIDCExtra              map[string]json.RawMessage `json:"oidcExtra,omitempty"`
	CustomClientMetadata   json.RawMessage            `json:"customClientMetadata,omitempty"`
	CustomData             json.RawMessage            `json:"customData,omitempty"`
	IsThirdParty           bool                       `json:"isThirdParty,omitempty"`
	IsAdmin                bool                       `json:"isAdmin,omitempty"`
	CreatedAt              int64                      `json:"createdAt"`
	Secrets                []snapSecret               `json:"secrets,omitempty"`
	RoleIDs                []string                   `json:"roleIds,omitempty"`
}

type snapSecret struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	CreatedAt int64  `json:"createdAt"`
	ExpiresAt *int64 `json:"expiresAt,omitempty"`
}

type snapRole struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Type        string   `json:"type"`
	Scopes      []string `json:"scopes"`
}

type snapConnector struct {
	ID                 string          `json:"id"`
	ConnectorID        string          `json:"connectorId"`
	Config             json.RawMessage `json:"config"`
	Metadata           json.RawMessage `json:"metadata"`
	SyncProfile        bool            `json:"syncProfile,omitempty"`
	EnableTokenStorage bool            `json:"enableTokenStorage,omitempty"`
}

// snapLog is a Log.
type snapLog struct {
	ID            string         `json:"id"`
	Key           string         `json:"key"`
	Result        string         `json:"result"`
	ApplicationID string         `json:"applicationId,omitempty"`
	UserID        string         `json:"userId,omitempty"`
	CreatedAt     time.Time      `json:"createdAt"`
	Payload       map[string]any `json:"payload,omitempty"`
}

// snapSMS is an SMS; the connector's error is kept as its text.
type snapSMS struct {
	To        string `json:"to"`
	Code      string `json:"code"`
	UsageType string `json:"usageType"`
	AppID     string `json:"appId,omitempty"`
	Err       string `json:"error,omitempty"`
}

type snapUser struct {
	ID          string    `json:"id"`
	PhoneNumber string    `json:"phoneNumber"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// Snapshot returns the tenant's state as versioned JSON: applications (with their secrets, URIs
// and roles), roles, connectors, the sign-in experience, end users, the audit logs (Logs) and
// the SMS log (SentSMS, with a connector's error as text). It holds the made-up secrets of the
// stand-in's applications and the codes it sent: keep it in a file only the user can read.
// Signing keys, tokens, browser sessions, faults and recorded requests are not kept (see
// Restore).
func (s *Server) Snapshot() ([]byte, error) {
	s.mu.Lock()
	snap := snapshot{Version: SnapshotVersion, Kind: snapshotKind, SignInExp: s.signInExpLocked()}
	// Applications in creation order, so the file is stable from one save to the next.
	for _, a := range s.appsInOrderLocked() {
		sa := snapApp{
			ID: a.ID, Name: a.Name, Description: a.Description, Type: a.Type,
			InternalSecret: a.InternalSecret, RedirectURIs: a.RedirectURIs,
			PostLogoutRedirectURIs: a.PostLogoutRedirectURIs, OIDCExtra: a.OIDCExtra,
			CustomClientMetadata: a.CustomClientMetadata, CustomData: a.CustomData,
			IsThirdParty: a.IsThirdParty, IsAdmin: a.IsAdmin, CreatedAt: a.CreatedAt, RoleIDs: a.RoleIDs,
		}
		for _, sec := range a.Secrets {
			sa.Secrets = append(sa.Secrets, snapSecret(sec))
		}
		snap.Apps = append(snap.Apps, sa)
	}
	for _, r := range s.roles {
		snap.Roles = append(snap.Roles, snapRole(*r))
	}
	for _, c := range s.connectors {
		snap.Connectors = append(snap.Connectors, snapConnector(*c))
	}
	s.mu.Unlock()

	p := s.oidc
	p.mu.Lock()
	for _, u := range p.users {
		snap.Users = append(snap.Users, snapUser(*u))
	}
	for _, m := range p.sms {
		sm := snapSMS{To: m.To, Code: m.Code, UsageType: m.UsageType, AppID: m.AppID}
		if m.Err != nil {
			sm.Err = m.Err.Error()
		}
		snap.SMS = append(snap.SMS, sm)
	}
	p.mu.Unlock()

	ls := s.logs
	ls.mu.Lock()
	for _, l := range ls.logs {
		snap.Logs = append(snap.Logs, snapLog(l))
	}
	ls.mu.Unlock()

	b, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("logtotest: snapshot: %w", err)
	}
	return b, nil
}

// appsInOrderLocked returns the applications oldest first (ties by id). s.mu must be held.
func (s *Server) appsInOrderLocked() []*application {
	out := make([]*application, 0, len(s.apps))
	for _, a := range s.apps {
		out = append(out, a)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && appBefore(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func appBefore(a, b *application) bool {
	if a.CreatedAt != b.CreatedAt {
		return a.CreatedAt < b.CreatedAt
	}
	return a.ID < b.ID
}

// ErrSnapshot is wrapped by Restore's errors about the snapshot itself (not JSON, another
// version, another stand-in's).
var ErrSnapshot = errors.New("logtotest: unusable snapshot")

// Restore replaces the tenant's state with a Snapshot's: applications, roles, connectors, the
// sign-in experience, users, audit logs and the SMS log (a connector's error comes back as an
// error with the same text; a snapshot written before logs and SMS were kept restores with
// none). Call it before Start (on a NewUnstartedServer), so that no
// request sees a half-restored tenant. The signing key is the one this server generated: ID
// tokens signed before the snapshot no longer verify. A snapshot that cannot be read leaves the
// server as it was and returns an error wrapping ErrSnapshot.
func (s *Server) Restore(state []byte) error {
	var snap snapshot
	dec := json.NewDecoder(bytes.NewReader(state))
	if err := dec.Decode(&snap); err != nil {
		return fmt.Errorf("%w: %w", ErrSnapshot, err)
	}
	if snap.Kind != snapshotKind {
		return fmt.Errorf("%w: it is of %q, not of the Logto stand-in", ErrSnapshot, snap.Kind)
	}
	if snap.Version != SnapshotVersion {
		return fmt.Errorf("%w: version %d, this program reads version %d", ErrSnapshot, snap.Version, SnapshotVersion)
	}
	var sie *orderedObject
	if len(snap.SignInExp) > 0 {
		o, err := parseOrderedObject(snap.SignInExp)
		if err != nil {
			return fmt.Errorf("%w: sign-in experience: %w", ErrSnapshot, err)
		}
		sie = o
		if s.atLeast141() {
			// A snapshot of an older tenant, as Logto's 1.41 alterations upgrade it.
			sie = withSignInExp141(o)
		}
	}
	apps := make(map[string]*application, len(snap.Apps))
	for _, sa := range snap.Apps {
		if sa.ID == "" {
			return fmt.Errorf("%w: an application without an id", ErrSnapshot)
		}
		a := &application{
			ID: sa.ID, Name: sa.Name, Description: sa.Description, Type: sa.Type,
			InternalSecret: sa.InternalSecret, RedirectURIs: nonNil(sa.RedirectURIs),
			PostLogoutRedirectURIs: nonNil(sa.PostLogoutRedirectURIs), OIDCExtra: sa.OIDCExtra,
			CustomClientMetadata: orEmptyObject(sa.CustomClientMetadata), CustomData: orEmptyObject(sa.CustomData),
			IsThirdParty: sa.IsThirdParty, IsAdmin: sa.IsAdmin, CreatedAt: sa.CreatedAt, RoleIDs: sa.RoleIDs,
		}
		for _, sec := range sa.Secrets {
			a.Secrets = append(a.Secrets, appSecret(sec))
		}
		apps[a.ID] = a
	}
	roles := make([]*role, 0, len(snap.Roles))
	for _, r := range snap.Roles {
		rr := role(r)
		roles = append(roles, &rr)
	}
	if len(roles) == 0 {
		return fmt.Errorf("%w: no roles (the Management API role is always there)", ErrSnapshot)
	}
	conns := make([]*connector, 0, len(snap.Connectors))
	for _, c := range snap.Connectors {
		cc := connector(c)
		cc.Config = orEmptyObject(cc.Config)
		cc.Metadata = orEmptyObject(cc.Metadata)
		conns = append(conns, &cc)
	}
	users := make([]*User, 0, len(snap.Users))
	for _, u := range snap.Users {
		uu := User(u)
		users = append(users, &uu)
	}
	logs := make([]Log, 0, len(snap.Logs))
	for _, l := range snap.Logs {
		if l.ID == "" {
			return fmt.Errorf("%w: a log without an id", ErrSnapshot)
		}
		logs = append(logs, Log(l))
	}
	sms := make([]SMS, 0, len(snap.SMS))
	for _, m := range snap.SMS {
		sm := SMS{To: m.To, Code: m.Code, UsageType: m.UsageType, AppID: m.AppID}
		if m.Err != "" {
			sm.Err = errors.New(m.Err)
		}
		sms = append(sms, sm)
	}

	s.mu.Lock()
	s.apps, s.roles, s.connectors = apps, roles, conns
	if sie != nil {
		s.signInExp = sie
	}
	s.tokens = map[string]accessToken{}
	s.mu.Unlock()
	p := s.oidc
	p.mu.Lock()
	p.users, p.sms = users, sms
	p.mu.Unlock()
	ls := s.logs
	ls.mu.Lock()
	ls.logs = logs
	ls.mu.Unlock()
	return nil
}

// AppSecrets returns the values of an application's usable (unexpired) secrets, newest first,
// or nil for an unknown application. The sandbox reads its M2M app's current secret with it
// after a restore (a rotation may have replaced the one it seeded).
func (s *Server) AppSecrets(appID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[appID]
	if !ok {
		return nil
	}
	now := s.nowMillis()
	var out []string
	for i := len(a.Secrets) - 1; i >= 0; i-- {
		sec := a.Secrets[i]
		if sec.ExpiresAt == nil || *sec.ExpiresAt > now {
			out = append(out, sec.Value)
		}
	}
	return out
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// orEmptyObject is v, or {} when v is missing.
func orEmptyObject(v json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(v)) == 0 {
		return json.RawMessage(`{}`)
	}
	return v
}
