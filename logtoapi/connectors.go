package logtoapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// TwilioFactoryID is the connector factory id of Logto's Twilio SMS connector.
const TwilioFactoryID = "twilio-short-message-service"

// ConnectorTypeSMS is the connector type of SMS connectors.
const ConnectorTypeSMS = "Sms"

// RequiredUsageTypes are the template usage types Logto's Twilio connector requires.
var RequiredUsageTypes = []string{"Register", "SignIn", "ForgotPassword", "Generic"}

// SMSTemplate is one SMS template of the Twilio connector.
type SMSTemplate struct {
	UsageType string `json:"usageType"`
	Content   string `json:"content"`
}

// TwilioConfig is the whole config of Logto's Twilio connector.
type TwilioConfig struct {
	AccountSID              string        `json:"accountSID"`
	AuthToken               string        `json:"authToken"`
	FromMessagingServiceSID string        `json:"fromMessagingServiceSID"`
	Templates               []SMSTemplate `json:"templates"`
	// DisableRiskCheck sends RiskCheck=disable to Twilio (connector ≥ 1.4.0); kept when
	// updating a connector that has it.
	DisableRiskCheck bool `json:"disableRiskCheck,omitempty"`
}

// String masks the auth token.
func (c TwilioConfig) String() string {
	return fmt.Sprintf("TwilioConfig{AccountSID: %s, AuthToken: %s, FromMessagingServiceSID: %s, Templates: %d}",
		c.AccountSID, mask(c.AuthToken), c.FromMessagingServiceSID, len(c.Templates))
}

// GoString masks the auth token in %#v too.
func (c TwilioConfig) GoString() string { return "logtoapi." + c.String() }

// Validate checks the config before it is sent: the three ids without spaces, the four
// required template usage types, and "{{code}}" in every template (Logto does not check it).
// Errors never contain the auth token.
func (c TwilioConfig) Validate() error {
	if err := checkID("Twilio Account SID", c.AccountSID); err != nil {
		return err
	}
	if err := checkSecret("Twilio Auth Token", c.AuthToken); err != nil {
		return err
	}
	if err := checkID("Messaging Service SID", c.FromMessagingServiceSID); err != nil {
		return err
	}
	have := map[string]bool{}
	for _, t := range c.Templates {
		if strings.TrimSpace(t.UsageType) == "" {
			return errors.New("an SMS template has no usage type")
		}
		if !strings.Contains(t.Content, "{{code}}") {
			return fmt.Errorf("the %s SMS template has no {{code}}: users would get no code", t.UsageType)
		}
		have[t.UsageType] = true
	}
	var missing []string
	for _, u := range RequiredUsageTypes {
		if !have[u] {
			missing = append(missing, u)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("SMS templates missing for %s: Logto requires Register, SignIn, ForgotPassword and Generic", strings.Join(missing, ", "))
	}
	return nil
}

// ConnectorFactory is an installed connector type.
type ConnectorFactory struct{ ID, Type, Name string }

type factoryJSON struct {
	ID   string            `json:"id"`
	Type string            `json:"type"`
	Name map[string]string `json:"name"`
}

func (f factoryJSON) factory() ConnectorFactory {
	name := f.Name["en"]
	if name == "" {
		for _, v := range f.Name {
			name = v
			break
		}
	}
	return ConnectorFactory{ID: f.ID, Type: f.Type, Name: name}
}

// Connector is a connector of the tenant. Config holds secrets (Twilio's auth token):
// never print or log it.
type Connector struct {
	ID          string          `json:"id"`          // row id, used in /api/connectors/{id}
	ConnectorID string          `json:"connectorId"` // factory id
	Type        string          `json:"type"`        // "Sms", "Email", "Social"
	Config      json.RawMessage `json:"config"`
}

// String leaves the config out.
func (c Connector) String() string {
	return fmt.Sprintf("Connector{ID: %s, ConnectorID: %s, Type: %s}", c.ID, c.ConnectorID, c.Type)
}

// GoString leaves the config out of %#v too.
func (c Connector) GoString() string { return "logtoapi." + c.String() }

// IsTwilio reports whether c is a Twilio SMS connector.
func (c Connector) IsTwilio() bool { return c.ConnectorID == TwilioFactoryID }

// TwilioConfig decodes c's config as a Twilio config.
func (c Connector) TwilioConfig() (TwilioConfig, error) {
	if !c.IsTwilio() {
		return TwilioConfig{}, fmt.Errorf("logtoapi: connector %s is %s, not Twilio", c.ID, c.ConnectorID)
	}
	var tc TwilioConfig
	if err := json.Unmarshal(c.Config, &tc); err != nil {
		return TwilioConfig{}, fmt.Errorf("logtoapi: connector %s: decode Twilio config: %w", c.ID, err)
	}
	return tc, nil
}

// ConnectorFactories lists the connector types installed in this Logto.
func (c *Client) ConnectorFactories(ctx context.Context) ([]ConnectorFactory, error) {
	var list []factoryJSON
	if err := c.do(ctx, call{op: "list connector factories", method: http.MethodGet, path: "/connector-factories", ok: []int{http.StatusOK}}, &list); err != nil {
		return nil, err
	}
	out := make([]ConnectorFactory, 0, len(list))
	for _, f := range list {
		out = append(out, f.factory())
	}
	return out, nil
}

// TwilioFactory returns the Twilio SMS connector factory; an *APIError with status 404
// means this Logto does not have the Twilio connector installed.
func (c *Client) TwilioFactory(ctx context.Context) (ConnectorFactory, error) {
	var f factoryJSON
	if err := c.do(ctx, call{op: "get Twilio connector factory", method: http.MethodGet, path: "/connector-factories/" + TwilioFactoryID, ok: []int{http.StatusOK}}, &f); err != nil {
		return ConnectorFactory{}, err
	}
	return f.factory(), nil
}

// SMSConnector returns the tenant's SMS connector, or nil when it has none. (Logto keeps
// at most one SMS connector per tenant.)
func (c *Client) SMSConnector(ctx context.Context) (*Connector, error) {
	var list []Connector
	if err := c.do(ctx, call{op: "get SMS connector", method: http.MethodGet, path: "/connectors", ok: []int{http.StatusOK}}, &list); err != nil {
		return nil, err
	}
	for _, k := range list {
		if k.Type == ConnectorTypeSMS {
			return &k, nil
		}
	}
	return nil, nil
}

// CreateTwilioConnector POSTs a new Twilio connector. Logto deletes every other SMS
// connector when it does, so replaces must name the connector (row id) the caller agreed
// to replace, "" for none. When the tenant's current SMS connector is a different one,
// it returns a *WouldReplaceError and creates nothing. To change an existing Twilio
// connector, use UpdateTwilioConnector.
func (c *Client) CreateTwilioConnector(ctx context.Context, cfg TwilioConfig, replaces string) (Connector, error) {
	const op = "create Twilio connector"
	if err := cfg.Validate(); err != nil {
		return Connector{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if replaces != "" {
		if err := checkID("connector id", replaces); err != nil {
			return Connector{}, fmt.Errorf("logtoapi: %s: %w", op, err)
		}
	}
	cur, err := c.SMSConnector(ctx)
	if err != nil {
		return Connector{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if cur != nil && cur.ID != replaces {
		cur.Config = nil
		return Connector{}, fmt.Errorf("logtoapi: %s: %w", op, &WouldReplaceError{Current: *cur, Replaces: replaces})
	}
	var out Connector
	body := map[string]any{"connectorId": TwilioFactoryID, "config": cfg}
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/connectors", body: body, ok: []int{http.StatusOK, http.StatusCreated}, secrets: []string{cfg.AuthToken}}, &out); err != nil {
		return Connector{}, err
	}
	return out, nil
}

// UpdateTwilioConnector sets the fields of the Twilio connector (row id id) that the
// program owns: accountSID, authToken, fromMessagingServiceSID, the templates of cfg's usage
// types, and disableRiskCheck when cfg turns it on. Logto's PATCH replaces the whole config,
// so it first reads the connector's config and PATCHes it with only those fields changed:
// every other field (disableRiskCheck set in the Console, keys a later connector adds) and
// every template of another usage type is kept as it is. It never POSTs, and it refuses a
// connector that is not Twilio's.
func (c *Client) UpdateTwilioConnector(ctx context.Context, id string, cfg TwilioConfig) (Connector, error) {
	const op = "update Twilio connector"
	if err := checkID("connector id", id); err != nil {
		return Connector{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if err := cfg.Validate(); err != nil {
		return Connector{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	var cur Connector
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/connectors/" + url.PathEscape(id), ok: []int{http.StatusOK}}, &cur); err != nil {
		return Connector{}, err
	}
	if !cur.IsTwilio() {
		return Connector{}, fmt.Errorf("logtoapi: %s: connector %s is %s, not Twilio", op, id, cur.ConnectorID)
	}
	merged, err := MergeTwilioConfig(cur.Config, cfg)
	if err != nil {
		return Connector{}, fmt.Errorf("logtoapi: %s: connector %s: %w", op, id, err)
	}
	var out Connector
	body := map[string]any{"config": merged}
	if err := c.do(ctx, call{op: op, method: http.MethodPatch, path: "/connectors/" + url.PathEscape(id), body: body, ok: []int{http.StatusOK}, secrets: []string{cfg.AuthToken}}, &out); err != nil {
		return Connector{}, err
	}
	return out, nil
}

// MergeTwilioConfig is current (a Twilio connector's config, a JSON object) with the fields
// the program owns taken from cfg: accountSID, authToken, fromMessagingServiceSID, the
// templates of cfg's usage types (each replaces the template of its usage type, in place; new
// ones are appended), and disableRiskCheck when cfg sets it. Every other key and template is
// kept byte for byte. A current config that is not an object (null, none) counts as empty.
func MergeTwilioConfig(current json.RawMessage, cfg TwilioConfig) (json.RawMessage, error) {
	obj := map[string]json.RawMessage{}
	if t := bytes.TrimSpace(current); len(t) > 0 && t[0] == '{' {
		if err := json.Unmarshal(t, &obj); err != nil {
			return nil, fmt.Errorf("decode the config: %w", err)
		}
	}
	var old []json.RawMessage
	if t := bytes.TrimSpace(obj["templates"]); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &old); err != nil {
			return nil, fmt.Errorf("decode the templates: %w", err)
		}
	}
	owned := map[string]SMSTemplate{}
	for _, t := range cfg.Templates {
		owned[t.UsageType] = t
	}
	templates := make([]any, 0, len(old)+len(cfg.Templates))
	placed := map[string]bool{}
	for _, raw := range old {
		var t struct {
			UsageType *string `json:"usageType"`
		}
		if json.Unmarshal(raw, &t) != nil || t.UsageType == nil {
			templates = append(templates, raw) // not a template this program reads: kept
			continue
		}
		nt, ok := owned[*t.UsageType]
		switch {
		case !ok:
			templates = append(templates, raw)
		case !placed[nt.UsageType]:
			templates = append(templates, nt)
			placed[nt.UsageType] = true
		}
	}
	for _, t := range cfg.Templates {
		if !placed[t.UsageType] {
			templates = append(templates, t)
			placed[t.UsageType] = true
		}
	}
	owns := map[string]any{
		"accountSID":              cfg.AccountSID,
		"authToken":               cfg.AuthToken,
		"fromMessagingServiceSID": cfg.FromMessagingServiceSID,
		"templates":               templates,
	}
	if cfg.DisableRiskCheck {
		owns["disableRiskCheck"] = true
	}
	for k, v := range owns {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", k, err)
		}
		obj[k] = b
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encode the config: %w", err)
	}
	return out, nil
}

// DeleteConnector deletes the connector with row id id.
func (c *Client) DeleteConnector(ctx context.Context, id string) error {
	const op = "delete connector"
	if err := checkID("connector id", id); err != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: "/connectors/" + url.PathEscape(id), ok: []int{http.StatusNoContent, http.StatusOK}}, nil)
}

// TestTwilioConnector asks Logto to send a test SMS (the Generic template, code 000000)
// with cfg to phoneDigits: POST /api/connectors/twilio-short-message-service/test.
// phoneDigits is digits only, country code first ("15551234567"). Twilio's refusal comes
// back as a wrapped *TwilioError; a Logto 500 as ErrTwilioUnreachable.
func (c *Client) TestTwilioConnector(ctx context.Context, phoneDigits string, cfg TwilioConfig) error {
	const op = "test Twilio connector"
	if err := CheckPhoneDigits(phoneDigits); err != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	body := map[string]any{"phone": phoneDigits, "config": cfg}
	err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/connectors/" + TwilioFactoryID + "/test", body: body, ok: []int{http.StatusNoContent, http.StatusOK}, secrets: []string{cfg.AuthToken}}, nil)
	var ae *APIError
	if err == nil || !errors.As(err, &ae) {
		return err
	}
	if ae.Status >= 500 && ae.Code == "" {
		return fmt.Errorf("logtoapi: %s: %w: %w", op, ErrTwilioUnreachable, ae)
	}
	if te := unwrapTwilio(ae); te != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, te)
	}
	if rl := rateLimited(ae, phoneDigits); rl != nil { // not seen from the test endpoint (1.41), kept typed if it comes
		return fmt.Errorf("logtoapi: %s: %w", op, rl)
	}
	return err
}

// unwrapTwilio reads Twilio's error out of a "connector.general" answer, whose
// data.message is Twilio's JSON body as a string.
func unwrapTwilio(ae *APIError) *TwilioError {
	if ae.Code != "connector.general" || len(ae.Data) == 0 {
		return nil
	}
	var data struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(ae.Data, &data); err != nil || data.Message == "" {
		return nil
	}
	var tw struct {
		Code     int    `json:"code"`
		Message  string `json:"message"`
		MoreInfo string `json:"more_info"`
		Status   int    `json:"status"`
	}
	if err := json.Unmarshal([]byte(data.Message), &tw); err != nil || (tw.Code == 0 && tw.Message == "") {
		return nil
	}
	return &TwilioError{Code: tw.Code, Status: tw.Status, Message: tw.Message, MoreInfo: tw.MoreInfo}
}
