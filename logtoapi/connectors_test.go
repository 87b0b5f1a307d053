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
	r := newReplay(t, tokenRoutes(map[string]string{"PATCH /api/connectors/imss3omfuskn": "082"}))
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
	if len(reqs) != 1 || reqs[0].Method != http.MethodPatch {
		t.Fatalf("requests = %+v: an update is one PATCH, never a POST", reqs)
	}
	assertJSONEqual(t, reqs[0].Body, loadFixture(t, "082").RequestBody)
}

func TestUpdateTwilioConnectorRefused(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"PATCH /api/connectors/imss3omfuskn": "083"}))
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
