package logtoapi_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

func TestErrorTexts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"api error, all parts", &logtoapi.APIError{Status: 400, Code: "guard.invalid_input", Message: "Request body is invalid.", Details: "config.authToken: Required"}, "Logto answered 400 guard.invalid_input: Request body is invalid. (config.authToken: Required)"},
		{"api error, details already in the message", &logtoapi.APIError{Status: 400, Code: "x.y", Message: "bad: boom", Details: "boom"}, "Logto answered 400 x.y: bad: boom"},
		{"api error, status only", &logtoapi.APIError{Status: 500}, "Logto answered 500"},
		{"twilio error, all parts", &logtoapi.TwilioError{Code: 21211, Status: 400, Message: "Invalid 'To' Phone Number", MoreInfo: "https://www.twilio.com/docs/errors/21211"}, "Twilio refused the test SMS: error 21211: Invalid 'To' Phone Number (https://www.twilio.com/docs/errors/21211)"},
		{"twilio error, code only", &logtoapi.TwilioError{Code: 20003}, "Twilio refused the test SMS: error 20003"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLogtoErrorBodies decodes Logto's error answers through a call.
func TestLogtoErrorBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		status       int
		body         string
		want         logtoapi.APIError
		wantInErrMsg string
	}{
		{
			"Logto body", 422, `{"code":"application.secret_name_exists","message":"Secret name already exists.","data":null}`,
			logtoapi.APIError{Status: 422, Code: "application.secret_name_exists", Message: "Secret name already exists."},
			"422 application.secret_name_exists: Secret name already exists.",
		},
		{
			"OIDC body", 400, `{"error":"invalid_target","error_description":"resource indicator is missing, or unknown"}`,
			logtoapi.APIError{Status: 400, Code: "oidc.invalid_target", Message: "Bad Request", Details: "resource indicator is missing, or unknown", OAuth: "invalid_target"},
			"400 oidc.invalid_target: Bad Request (resource indicator is missing, or unknown)",
		},
		{
			"OIDC body with a Logto code", 400, `{"code":"oidc.invalid_grant","message":"Grant request is invalid.","error":"invalid_grant"}`,
			logtoapi.APIError{Status: 400, Code: "oidc.invalid_grant", Message: "Grant request is invalid.", OAuth: "invalid_grant"},
			"oidc.invalid_grant",
		},
		{
			"not JSON", 502, `<html>Bad gateway</html>`,
			logtoapi.APIError{Status: 502, Message: "Bad Gateway"},
			"Logto answered 502: Bad Gateway",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mux := http.NewServeMux()
			mux.HandleFunc("POST /oidc/token", func(w http.ResponseWriter, _ *http.Request) { writeFixture(w, loadFixture(t, "001")) })
			mux.HandleFunc("GET /api/applications/app1", func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			_, err := memClient(t, mux).GetApplication(t.Context(), "app1")
			var ae *logtoapi.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *APIError", err)
			}
			if ae.Status != tt.want.Status || ae.Code != tt.want.Code || ae.Message != tt.want.Message || ae.Details != tt.want.Details || ae.OAuth != tt.want.OAuth || len(ae.Data) != 0 {
				t.Errorf("APIError = %+v, want %+v", *ae, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantInErrMsg) {
				t.Errorf("error %q lacks %q", err, tt.wantInErrMsg)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("logtoapi: some operation: %w", err) }
	tests := []struct {
		name string
		err  error
		want string // a part of the explanation; "" = no explanation
	}{
		{"nil", nil, ""},
		{"unknown error", errors.New("boom"), ""},
		{"scope", wrap(&logtoapi.ScopeError{AppID: "m2m1", ConsoleURL: "http://localhost:3002/console/applications/m2m1/roles"}), logtoapi.ManagementRoleName},
		{"Twilio unreachable", wrap(fmt.Errorf("%w: %w", logtoapi.ErrTwilioUnreachable, &logtoapi.APIError{Status: 500})), "could not reach Twilio"},
		{"no usable secret", wrap(logtoapi.ErrNoUsableSecret), "no client secret that is still valid"},
		{"Twilio refusal", wrap(&logtoapi.TwilioError{Code: 21608, Message: "The number is unverified."}), "error 21608: The number is unverified."},
		{"would replace", wrap(&logtoapi.WouldReplaceError{Current: logtoapi.Connector{ID: "c1", ConnectorID: "aliyun-sms"}}), "aliyun-sms"},
		{"known code", wrap(&logtoapi.APIError{Status: 401, Code: "oidc.invalid_client"}), "App ID and App secret"},
		{"missing SMS connector", wrap(&logtoapi.APIError{Status: 400, Code: "sign_in_experiences.enabled_connector_not_found", Message: "Enabled Sms connector not found."}), "no working SMS connector"},
		{"missing email connector", wrap(&logtoapi.APIError{Status: 400, Code: "sign_in_experiences.enabled_connector_not_found", Message: "Enabled Email connector not found."}), "no email connector"},
		{"internal error", wrap(&logtoapi.APIError{Status: 500}), "internal error"},
		{"username case conflicts (1.41)", wrap(&logtoapi.APIError{Status: 409, Code: "sign_in_experiences.username_policy_case_conflicts_exist"}), "differ only by case"},
		{"unknown code", wrap(&logtoapi.APIError{Status: 400, Code: "some.new_code"}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := logtoapi.Explain(tt.err)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("Explain = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestErrorsExplain: each error type says itself in plain words, with no
// package prefix, and a next step where there is one.
func TestErrorsExplain(t *testing.T) {
	t.Parallel()
	_, parseErr := logtoapi.ParseEndpoint("localhost:3001")
	var inputErr *logtoapi.InputError
	if !errors.As(parseErr, &inputErr) {
		t.Fatalf("ParseEndpoint's error %#v is not an *InputError", parseErr)
	}
	tests := []struct {
		name          string
		err           interface{ Explain() (string, string) }
		what, nextHas string
	}{
		{
			"api error with details", &logtoapi.APIError{Status: 401, Code: "oidc.invalid_client", Message: "An OIDC error occurred.", Details: "client authentication failed"},
			"Logto answered 401 oidc.invalid_client (client authentication failed)", "App ID and App secret",
		},
		{
			"api error, message only", &logtoapi.APIError{Status: 400, Code: "guard.invalid_input", Message: "Request body is invalid."},
			"Logto answered 400 guard.invalid_input: Request body is invalid.", "invalid",
		},
		{"api error, unknown code", &logtoapi.APIError{Status: 418, Code: "x.y", Message: "teapot"}, "Logto answered 418 x.y: teapot", ""},
		{"scope", &logtoapi.ScopeError{AppID: "m1", ConsoleURL: "http://c/roles"}, `the app lacks the "Logto Management API access" role`, "http://c/roles"},
		{
			"would replace", &logtoapi.WouldReplaceError{Current: logtoapi.Connector{ID: "c1", ConnectorID: "aliyun-short-message-service"}},
			"creating a Twilio connector would delete the tenant's SMS connector c1 (aliyun-short-message-service)", "update it instead",
		},
		{"twilio", &logtoapi.TwilioError{Code: 21211, Message: "Invalid 'To' Phone Number"}, "Twilio refused the test SMS: error 21211: Invalid 'To' Phone Number", "troubleshooting.md#twilio-21211"},
		{"input", inputErr, `add the scheme: did you mean "http://localhost:3001"?`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			what, next := tt.err.Explain()
			if what != tt.what {
				t.Errorf("what %q, want %q", what, tt.what)
			}
			if tt.nextHas == "" && next != "" || !strings.Contains(next, tt.nextHas) {
				t.Errorf("next %q, want it to have %q", next, tt.nextHas)
			}
			if strings.Contains(what+next, "logtoapi:") {
				t.Errorf("a package prefix in %q / %q", what, next)
			}
		})
	}
	var ie *logtoapi.InputError
	if !errors.As(parseErr, &ie) || parseErr.Error() != "logtoapi: endpoint: "+ie.Msg {
		t.Errorf("ParseEndpoint's error %q", parseErr)
	}
}

// TestErrorsLinkTroubleshooting: the next step of a Logto failure with an entry in
// docs/troubleshooting.md ends with its link (internal/docs checks the anchors against the
// page); Twilio's error through Logto links its entry, or Twilio's page on the code; other
// failures have no link.
func TestErrorsLinkTroubleshooting(t *testing.T) {
	t.Parallel()
	const page = "https://github.com/logto-twilio/logto-twilio/blob/main/docs/troubleshooting.md#"
	tests := []struct {
		name     string
		err      interface{ Explain() (string, string) }
		wantTail string // "" for no link
	}{
		{"invalid_client", &logtoapi.APIError{Status: 401, Code: "oidc.invalid_client"}, "Troubleshooting: " + page + "logto-invalid-client"},
		{"auth.forbidden", &logtoapi.APIError{Status: 403, Code: "auth.forbidden"}, "Troubleshooting: " + page + "logto-management-api-role-missing"},
		{"scope", &logtoapi.ScopeError{AppID: "m1", Scope: ""}, "Troubleshooting: " + page + "logto-management-api-role-missing"},
		{"redirect uri", &logtoapi.APIError{Status: 400, Code: "oidc.invalid_redirect_uri"}, "Troubleshooting: " + page + "logto-invalid-redirect-uri"},
		{
			"no sms connector", &logtoapi.APIError{Status: 501, Code: "connector.not_found", Message: "Cannot find any available connector for type: Sms."},
			"Troubleshooting: " + page + "logto-has-no-sms-connector",
		},
		{"no enabled sms connector", &logtoapi.APIError{Status: 400, Code: "sign_in_experiences.enabled_connector_not_found", Message: "No sms connector"}, "Troubleshooting: " + page + "logto-has-no-sms-connector"},
		{"no email connector", &logtoapi.APIError{Status: 400, Code: "sign_in_experiences.enabled_connector_not_found", Message: "No email connector"}, ""},
		{"twilio through logto", &logtoapi.TwilioError{Code: 20003}, "Troubleshooting: " + page + "twilio-20003"},
		{"twilio 21705 through logto", &logtoapi.TwilioError{Code: 21705}, "Troubleshooting: " + page + "twilio-21705"},
		{"twilio code without an entry", &logtoapi.TwilioError{Code: 21606}, "Twilio's page on this error: https://www.twilio.com/docs/errors/21606"},
		{"too many codes", &logtoapi.MessageRateLimitError{Phone: "15551234567", Err: &logtoapi.APIError{Status: 429, Code: "request.message_rate_limited"}}, "Troubleshooting: " + page + "logto-too-many-codes-to-one-phone"},
		{"too many codes, untyped", &logtoapi.APIError{Status: 429, Code: "request.message_rate_limited"}, "Troubleshooting: " + page + "logto-too-many-codes-to-one-phone"},
		{"guard", &logtoapi.APIError{Status: 400, Code: "guard.invalid_input"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, next := tt.err.Explain()
			if tt.wantTail == "" {
				if strings.Contains(next, "https://") {
					t.Errorf("next = %q, want no link", next)
				}
				return
			}
			if !strings.HasSuffix(next, tt.wantTail) {
				t.Errorf("next = %q, want it to end with %q", next, tt.wantTail)
			}
		})
	}
}

// TestTokenRefusalCauses: Logto's 400 invalid_request to the M2M token request says one of
// two causes, told apart by its description: the app is not machine-to-machine (fixture 122,
// a Traditional app's credentials) or the secret has expired (fixture 044). Each names its own
// fix.
func TestTokenRefusalCauses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, fixture string
		notM2M        bool
		want          []string // in Explain
		wantNot       string   // not in Explain
	}{
		{
			"Traditional app", "122", true,
			[]string{"not a machine-to-machine app", `Applications → Create application → "Machine-to-machine"`, logtoapi.ManagementRoleName, "http://127.0.0.1:3002/console/applications/create"},
			"expired",
		},
		{"expired secret", "044", false, []string{"The App secret has expired", "add a new secret"}, "machine-to-machine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newReplay(t, map[string]string{"POST /oidc/token": tt.fixture})
			c, err := logtoapi.New(r.endpoint(t), logtoapi.M2MCredentials{AppID: bookstoreID, AppSecret: "appSecretValue"}, r.srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckAccess(t.Context())
			var nm *logtoapi.NotM2MAppError
			if got := errors.As(err, &nm); got != tt.notM2M {
				t.Fatalf("CheckAccess: %v; *NotM2MAppError %v, want %v", err, got, tt.notM2M)
			}
			var ae *logtoapi.APIError
			if !errors.As(err, &ae) || ae.Status != 400 || ae.OAuth != "invalid_request" {
				t.Errorf("CheckAccess: %v, want Logto's 400 invalid_request in the chain", err)
			}
			x := logtoapi.Explain(err)
			for _, w := range tt.want {
				if !strings.Contains(x, w) {
					t.Errorf("Explain = %q, want %q", x, w)
				}
			}
			if strings.Contains(x, tt.wantNot) {
				t.Errorf("Explain = %q, must not say %q", x, tt.wantNot)
			}
			if tt.notM2M {
				what, next := nm.Explain()
				if !strings.Contains(what, bookstoreID) || !strings.Contains(next, "Machine-to-machine") {
					t.Errorf("Explain() = %q, %q", what, next)
				}
				if !strings.Contains(err.Error(), "Machine-to-machine") {
					t.Errorf("Error() = %q: no fix", err)
				}
			}
		})
	}
}
