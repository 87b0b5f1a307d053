package logtoapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// fixtureConfig reads the Twilio config a fixture's request sent.
func fixtureConfig(t *testing.T, prefix string) logtoapi.TwilioConfig {
	t.Helper()
	var body struct {
		Config logtoapi.TwilioConfig `json:"config"`
	}
	if err := json.Unmarshal(loadFixture(t, prefix).RequestBody, &body); err != nil {
		t.Fatal(err)
	}
	return body.Config
}

func TestConnectorFactories(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{
		"GET /api/connector-factories":                              "060",
		"GET /api/connector-factories/twilio-short-message-service": "061",
	}))
	c := r.client(t)
	list, err := c.ConnectorFactories(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range list {
		ids = append(ids, f.ID)
	}
	if !reflect.DeepEqual(ids, []string{"http-sms", "twilio-short-message-service"}) {
		t.Errorf("factories = %v", ids)
	}
	f, err := c.TwilioFactory(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if f != (logtoapi.ConnectorFactory{ID: logtoapi.TwilioFactoryID, Type: "Sms", Name: "Twilio SMS Service"}) {
		t.Errorf("TwilioFactory = %+v", f)
	}
}

func TestSMSConnector(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture, wantID, wantFactory string
	}{
		{"062", "", ""},
		{"070", "imss3omfuskn", logtoapi.TwilioFactoryID},
		{"102", "2l3zs7jahs6y", "http-sms"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			r := newReplay(t, tokenRoutes(map[string]string{"GET /api/connectors": tt.fixture}))
			got, err := r.client(t).SMSConnector(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantID == "" {
				if got != nil {
					t.Errorf("got %v, want nil", got)
				}
				return
			}
			if got == nil || got.ID != tt.wantID || got.ConnectorID != tt.wantFactory || got.Type != "Sms" {
				t.Fatalf("got %v", got)
			}
			if got.IsTwilio() != (tt.wantFactory == logtoapi.TwilioFactoryID) {
				t.Error("IsTwilio wrong")
			}
			if s := fmt.Sprint(*got); strings.Contains(s, "fake-auth-token") || strings.Contains(s, "local-test") {
				t.Errorf("String() shows the config: %s", s)
			}
			if got.IsTwilio() {
				cfg, err := got.TwilioConfig()
				if err != nil {
					t.Fatal(err)
				}
				if cfg.AccountSID != "AC00000000000000000000000000000000" || len(cfg.Templates) != 4 {
					t.Errorf("config = %v", cfg)
				}
				if strings.Contains(cfg.String(), cfg.AuthToken) {
					t.Errorf("TwilioConfig.String() shows the token")
				}
			} else if _, err := got.TwilioConfig(); err == nil {
				t.Error("TwilioConfig of an http-sms connector: nil error")
			}
		})
	}
}

func TestCreateTwilioConnector(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t, "069")
	tests := []struct {
		name, current, replaces string
		wantPOST                bool
		wantReplaceID           string
	}{
		{"none to replace", "062", "", true, ""},
		{"agreed replacement", "070", "imss3omfuskn", true, ""},
		{"would replace twilio", "070", "", false, "imss3omfuskn"},
		{"would replace other provider", "102", "", false, "2l3zs7jahs6y"},
		{"agreed to replace a different one", "102", "imss3omfuskn", false, "2l3zs7jahs6y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newReplay(t, tokenRoutes(map[string]string{
				"GET /api/connectors":  tt.current,
				"POST /api/connectors": "069",
			}))
			got, err := r.client(t).CreateTwilioConnector(t.Context(), cfg, tt.replaces)
			if posts := r.count("POST /api/connectors"); (posts == 1) != tt.wantPOST {
				t.Fatalf("POSTs = %d, want POST %v", posts, tt.wantPOST)
			}
			if !tt.wantPOST {
				var we *logtoapi.WouldReplaceError
				if !errors.As(err, &we) || we.Current.ID != tt.wantReplaceID {
					t.Fatalf("err = %v, want *WouldReplaceError for %s", err, tt.wantReplaceID)
				}
				if strings.Contains(err.Error(), "fake-auth-token") || strings.Contains(err.Error(), "local-test") || we.Current.Config != nil {
					t.Errorf("error carries the current config: %v", err)
				}
				if logtoapi.Explain(err) == "" {
					t.Error("no explanation")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != "imss3omfuskn" || !got.IsTwilio() {
				t.Errorf("got %v", got)
			}
			reqs := r.apiRequests()
			assertJSONEqual(t, reqs[len(reqs)-1].Body, loadFixture(t, "069").RequestBody)
		})
	}
}

func TestUpdateTwilioConnector(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"GET /api/connectors/imss3omfuskn": "080", "PATCH /api/connectors/imss3omfuskn": "082"}))
	cfg := fixtureConfig(t, "082")
	if !cfg.DisableRiskCheck {
		t.Fatal("fixture 082 has disableRiskCheck true")
	}
	got, err := r.client(t).UpdateTwilioConnector(t.Context(), "imss3omfuskn", cfg)
	if err != nil {
		t.Fatal(err)
	}
	gotCfg, err := got.TwilioConfig()
	if err != nil || gotCfg.AuthToken != "rotated-fake-token-1111" {
		t.Errorf("config = %v, %v", gotCfg, err)
	}
	reqs := r.apiRequests()
	if len(reqs) != 2 || reqs[0].Method != http.MethodGet || reqs[1].Method != http.MethodPatch {
		t.Fatalf("requests = %+v: an update reads the config, then PATCHes it, never POSTs", reqs)
	}
	assertJSONEqual(t, reqs[1].Body, loadFixture(t, "082").RequestBody)
}

func TestUpdateTwilioConnectorRefused(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"GET /api/connectors/imss3omfuskn": "080", "PATCH /api/connectors/imss3omfuskn": "083"}))
	_, err := r.client(t).UpdateTwilioConnector(t.Context(), "imss3omfuskn", fixtureConfig(t, "069"))
	var ae *logtoapi.APIError
	if !errors.As(err, &ae) || ae.Code != "connector.invalid_config" {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "logtoapi: update Twilio connector: ") || strings.Contains(err.Error(), "fake-auth-token-0000") {
		t.Errorf("err = %q", err)
	}
}

func TestDeleteConnector(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"DELETE /api/connectors/2l3zs7jahs6y": "104,106"}))
	c := r.client(t)
	if err := c.DeleteConnector(t.Context(), "2l3zs7jahs6y"); err != nil {
		t.Fatal(err)
	}
	err := c.DeleteConnector(t.Context(), "2l3zs7jahs6y")
	var ae *logtoapi.APIError
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Code != "entity.not_found" {
		t.Fatalf("second delete: %v", err)
	}
}

func TestTestTwilioConnector(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, fixture string
		check         func(t *testing.T, err error)
	}{
		{"sent", "072", func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"twilio 401", "073", func(t *testing.T, err error) {
			var te *logtoapi.TwilioError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want *TwilioError", err)
			}
			want := logtoapi.TwilioError{Code: 20003, Status: 401, Message: "Authenticate", MoreInfo: "https://www.twilio.com/docs/errors/20003"}
			if *te != want {
				t.Errorf("got %+v, want %+v", *te, want)
			}
		}},
		{"twilio 400", "074", func(t *testing.T, err error) {
			var te *logtoapi.TwilioError
			if !errors.As(err, &te) || te.Code != 21211 || te.Status != 400 || !strings.Contains(te.Message, "Invalid 'To' Phone Number") {
				t.Fatalf("err = %v", err)
			}
		}},
		{"twilio unreachable", "071", func(t *testing.T, err error) {
			if !errors.Is(err, logtoapi.ErrTwilioUnreachable) {
				t.Fatalf("err = %v, want ErrTwilioUnreachable", err)
			}
			if !strings.Contains(err.Error(), "Logto could not reach Twilio") {
				t.Errorf("err = %q", err)
			}
			if !strings.Contains(logtoapi.Explain(err), "could not reach Twilio") {
				t.Errorf("Explain = %q", logtoapi.Explain(err))
			}
		}},
		{"invalid config", "076", func(t *testing.T, err error) {
			var ae *logtoapi.APIError
			if !errors.As(err, &ae) || ae.Code != "connector.invalid_config" {
				t.Fatalf("err = %v", err)
			}
		}},
		{"no twilio factory", "077", func(t *testing.T, err error) {
			var ae *logtoapi.APIError
			if !errors.As(err, &ae) || ae.Code != "connector.not_found" {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(logtoapi.Explain(err), "Twilio SMS connector") {
				t.Errorf("Explain = %q", logtoapi.Explain(err))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newReplay(t, tokenRoutes(map[string]string{"POST /api/connectors/twilio-short-message-service/test": tt.fixture}))
			err := r.client(t).TestTwilioConnector(t.Context(), "15551234567", fixtureConfig(t, "072"))
			if err != nil {
				if !strings.HasPrefix(err.Error(), "logtoapi: test Twilio connector: ") {
					t.Errorf("err %q lacks the operation", err)
				}
				if strings.Contains(err.Error(), "fake-auth-token-0000") {
					t.Errorf("err %q contains the auth token", err)
				}
			}
			tt.check(t, err)
			assertJSONEqual(t, r.apiRequests()[0].Body, loadFixture(t, "072").RequestBody)
		})
	}
}

func TestTwilioConfigValidate(t *testing.T) {
	t.Parallel()
	good := func() logtoapi.TwilioConfig {
		return logtoapi.TwilioConfig{
			AccountSID: "AC00000000000000000000000000000000", AuthToken: "tok3nvalue", FromMessagingServiceSID: "MG00000000000000000000000000000000",
			Templates: []logtoapi.SMSTemplate{
				{UsageType: "SignIn", Content: "code {{code}}"},
				{UsageType: "Register", Content: "code {{code}}"},
				{UsageType: "ForgotPassword", Content: "code {{code}}"},
				{UsageType: "Generic", Content: "code {{code}}"},
			},
		}
	}
	tests := []struct {
		name    string
		mutate  func(*logtoapi.TwilioConfig)
		wantMsg string
	}{
		{"ok", func(*logtoapi.TwilioConfig) {}, ""},
		{"empty sid", func(c *logtoapi.TwilioConfig) { c.AccountSID = "" }, "Account SID is empty"},
		{"padded sid", func(c *logtoapi.TwilioConfig) { c.AccountSID += "\n" }, "Account SID"},
		{"padded token", func(c *logtoapi.TwilioConfig) { c.AuthToken = " tok3nvalue" }, "Auth Token has spaces"},
		{"empty service", func(c *logtoapi.TwilioConfig) { c.FromMessagingServiceSID = "" }, "Messaging Service SID is empty"},
		{"missing generic", func(c *logtoapi.TwilioConfig) { c.Templates = c.Templates[:3] }, "missing for Generic"},
		{"no templates", func(c *logtoapi.TwilioConfig) { c.Templates = nil }, "missing for Register, SignIn, ForgotPassword, Generic"},
		{"no code", func(c *logtoapi.TwilioConfig) { c.Templates[0].Content = "welcome" }, "no {{code}}"},
		{"no usage type", func(c *logtoapi.TwilioConfig) { c.Templates[0].UsageType = " " }, "no usage type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := good()
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("Validate = %v, want %q", err, tt.wantMsg)
			}
			if strings.Contains(err.Error(), "tok3nvalue") {
				t.Errorf("error %q contains the token", err)
			}
		})
	}
}

// TestMergeTwilioConfig: an update changes only what the program owns. disableRiskCheck is a
// real field of the Twilio connector (fixtures 061's formItems, 082), usageType is a free
// string (api-contracts §A.3: "Test" is the deprecated usage type an old config may hold),
// and a later connector may add keys: all of them are kept.
func TestMergeTwilioConfig(t *testing.T) {
	t.Parallel()
	cfg := twilioConfig("ACnew")
	cfg.AuthToken = "newToken"
	tests := []struct{ name, current, want string }{
		{
			name:    "none",
			current: `null`,
			want:    `{"accountSID":"ACnew","authToken":"newToken","fromMessagingServiceSID":"MG00000000000000000000000000000000","templates":[{"usageType":"SignIn","content":"Your sign-in code is {{code}}."},{"usageType":"Register","content":"Your sign-up code is {{code}}."},{"usageType":"ForgotPassword","content":"Your reset code is {{code}}."},{"usageType":"Generic","content":"Your code is {{code}}."}]}`,
		},
		{
			name: "what it does not own is kept",
			current: `{"accountSID":"ACold","authToken":"oldToken","fromMessagingServiceSID":"MGold","disableRiskCheck":true,"futureKey":{"a":[1,2]},
				"templates":[{"usageType":"Test","content":"test {{code}}"},{"content":"old sign-in {{code}}","usageType":"SignIn","note":"x"},{"usageType":"MfaVerification","content":"mfa {{code}}"},{"usageType":"SignIn","content":"a duplicate {{code}}"}]}`,
			want: `{"accountSID":"ACnew","authToken":"newToken","fromMessagingServiceSID":"MG00000000000000000000000000000000","disableRiskCheck":true,"futureKey":{"a":[1,2]},
				"templates":[{"usageType":"Test","content":"test {{code}}"},{"usageType":"SignIn","content":"Your sign-in code is {{code}}."},{"usageType":"MfaVerification","content":"mfa {{code}}"},{"usageType":"Register","content":"Your sign-up code is {{code}}."},{"usageType":"ForgotPassword","content":"Your reset code is {{code}}."},{"usageType":"Generic","content":"Your code is {{code}}."}]}`,
		},
		{
			name:    "disableRiskCheck false is not turned on",
			current: `{"disableRiskCheck":false,"templates":"not an array"}`,
			want:    `{"accountSID":"ACnew","authToken":"newToken","fromMessagingServiceSID":"MG00000000000000000000000000000000","disableRiskCheck":false,"templates":[{"usageType":"SignIn","content":"Your sign-in code is {{code}}."},{"usageType":"Register","content":"Your sign-up code is {{code}}."},{"usageType":"ForgotPassword","content":"Your reset code is {{code}}."},{"usageType":"Generic","content":"Your code is {{code}}."}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := logtoapi.MergeTwilioConfig(json.RawMessage(tt.current), cfg)
			if err != nil {
				t.Fatal(err)
			}
			assertJSONEqual(t, got, []byte(tt.want))
		})
	}
	t.Run("turned on by the caller", func(t *testing.T) {
		t.Parallel()
		on := cfg
		on.DisableRiskCheck = true
		got, err := logtoapi.MergeTwilioConfig(json.RawMessage(`{"disableRiskCheck":false}`), on)
		if err != nil || !strings.Contains(string(got), `"disableRiskCheck":true`) {
			t.Fatalf("got %s, %v", got, err)
		}
	})
}

// TestUpdateTwilioConnectorKeepsWhatItDoesNotOwn: through the stand-in (which stores a PATCHed
// config whole, as Logto does: fixture 083 refuses a partial one), an update keeps
// disableRiskCheck, templates of other usage types and unknown keys; a connector that is not
// Twilio's is never PATCHed.
func TestUpdateTwilioConnectorKeepsWhatItDoesNotOwn(t *testing.T) {
	t.Parallel()
	s := newStandin(t)
	ctx := t.Context()
	created, err := s.c.CreateTwilioConnector(ctx, twilioConfig("AC00000000000000000000000000000000"), "")
	if err != nil {
		t.Fatal(err)
	}
	var cur map[string]any
	old, _ := s.srv.SMSConnector()
	var row struct {
		Config json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(old, &row); err != nil || json.Unmarshal(row.Config, &cur) != nil {
		t.Fatal(err)
	}
	cur["disableRiskCheck"] = true
	cur["futureKey"] = "kept"
	cur["templates"] = append(cur["templates"].([]any), map[string]any{"usageType": "Test", "content": "test {{code}}"})
	b, _ := json.Marshal(cur)
	s.srv.SetConnectorConfig(created.ID, b)

	cfg := twilioConfig("AC00000000000000000000000000000000")
	cfg.AuthToken = "rotatedAuthToken1111"
	cfg.Templates[0].Content = "New sign-in code {{code}}."
	upd, err := s.c.UpdateTwilioConnector(ctx, created.ID, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := upd.TwilioConfig()
	if err != nil {
		t.Fatal(err)
	}
	if got.AuthToken != "rotatedAuthToken1111" || !got.DisableRiskCheck || len(got.Templates) != 5 || got.Templates[0].Content != "New sign-in code {{code}}." || got.Templates[4].UsageType != "Test" {
		t.Errorf("updated config = %v, risk check off %v, templates %+v", got, got.DisableRiskCheck, got.Templates)
	}
	if !strings.Contains(string(upd.Config), `"futureKey":"kept"`) {
		t.Errorf("the unknown key is gone")
	}

	otherID := s.srv.SetSMSConnector("http-sms", json.RawMessage(`{"endpoint":"http://127.0.0.1:59999/sms"}`))
	patches := countRequests(s.srv, "PATCH", "/api/connectors/"+otherID)
	if _, err := s.c.UpdateTwilioConnector(ctx, otherID, cfg); err == nil || !strings.Contains(err.Error(), "not Twilio") {
		t.Fatalf("update of an http-sms connector = %v", err)
	}
	if countRequests(s.srv, "PATCH", "/api/connectors/"+otherID) != patches {
		t.Error("the http-sms connector was PATCHed")
	}
}
