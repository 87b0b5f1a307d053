package logtoapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// TestBadInputSendsNothing checks that every call refuses bad input with a clear error
// before any request: the client's transport fails the test if it is used.
func TestBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	cfg := logtoapi.TwilioConfig{
		AccountSID: "AC00000000000000000000000000000000", AuthToken: "s3cr3tTwilioToken", FromMessagingServiceSID: "MG00000000000000000000000000000000",
		Templates: []logtoapi.SMSTemplate{
			{UsageType: "SignIn", Content: "{{code}}"},
			{UsageType: "Register", Content: "{{code}}"},
			{UsageType: "ForgotPassword", Content: "{{code}}"},
			{UsageType: "Generic", Content: "{{code}}"},
		},
	}
	padded := cfg
	padded.AuthToken = "s3cr3tTwilioToken\n"
	noCode := cfg
	noCode.Templates = []logtoapi.SMSTemplate{{UsageType: "SignIn", Content: "hi"}}
	past := time.Now().Add(-time.Minute)
	uris := []string{"http://localhost:3000/logto/sign-in-callback"}

	tests := []struct {
		name, wantMsg string
		call          func(ctx context.Context, c *logtoapi.Client) error
	}{
		{"find: empty name", "application name is empty", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.FindTraditionalApplications(ctx, "")
			return err
		}},
		{"find: padded name", "spaces around it", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.FindTraditionalApplications(ctx, " Bookstore ")
			return err
		}},
		{"create: empty name", "application name is empty", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{Name: " ", RedirectURIs: uris})
			return err
		}},
		{"create: long name", "at most 256", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{Name: strings.Repeat("a", 257)})
			return err
		}},
		{"create: relative redirect", "not an absolute", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{Name: "x", RedirectURIs: []string{"/callback"}})
			return err
		}},
		{"create: redirect with space", "contains spaces", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{Name: "x", RedirectURIs: []string{"http://localhost:3000/ cb"}})
			return err
		}},
		{"create: bad post-logout", "post sign-out redirect URI", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{Name: "x", PostLogoutRedirectURIs: []string{"ftp://x"}})
			return err
		}},
		{"get: empty id", "App ID is empty", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.GetApplication(ctx, "")
			return err
		}},
		{"get: padded id", "spaces or line breaks around it", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.GetApplication(ctx, bookstoreID+"\n")
			return err
		}},
		{"set URIs: bad id", "App ID", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.SetApplicationURIs(ctx, " ", uris, uris)
			return err
		}},
		{"set URIs: bad uri", "not an absolute", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.SetApplicationURIs(ctx, bookstoreID, []string{"localhost:3000/cb"}, nil)
			return err
		}},
		{"set URIs: fragment", "must not contain a fragment", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.SetApplicationURIs(ctx, bookstoreID, []string{"http://localhost:3000/cb#x"}, nil)
			return err
		}},
		{"secrets: empty id", "App ID is empty", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.ApplicationSecrets(ctx, "")
			return err
		}},
		{"secret: padded id", "spaces", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.ApplicationSecret(ctx, " "+bookstoreID)
			return err
		}},
		{"add secret: empty name", "secret name is empty", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.AddApplicationSecret(ctx, bookstoreID, "", nil)
			return err
		}},
		{"add secret: past expiry", "not in the future", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.AddApplicationSecret(ctx, bookstoreID, "x", &past)
			return err
		}},
		{"delete secret: padded name", "spaces around it", func(ctx context.Context, c *logtoapi.Client) error {
			return c.DeleteApplicationSecret(ctx, bookstoreID, "Default secret ")
		}},
		{"delete app: empty id", "App ID is empty", func(ctx context.Context, c *logtoapi.Client) error {
			return c.DeleteApplication(ctx, "")
		}},
		{"create connector: padded token", "Auth Token has spaces", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.CreateTwilioConnector(ctx, padded, "")
			return err
		}},
		{"create connector: no code", "no {{code}}", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.CreateTwilioConnector(ctx, noCode, "")
			return err
		}},
		{"create connector: padded replaces", "connector id", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.CreateTwilioConnector(ctx, cfg, "imss3omfuskn ")
			return err
		}},
		{"update connector: empty id", "connector id is empty", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.UpdateTwilioConnector(ctx, "", cfg)
			return err
		}},
		{"update connector: bad config", "Auth Token", func(ctx context.Context, c *logtoapi.Client) error {
			_, err := c.UpdateTwilioConnector(ctx, "imss3omfuskn", padded)
			return err
		}},
		{"delete connector: padded id", "connector id", func(ctx context.Context, c *logtoapi.Client) error {
			return c.DeleteConnector(ctx, "\timss3omfuskn")
		}},
		{"test: phone with plus", `starts with "+"`, func(ctx context.Context, c *logtoapi.Client) error {
			return c.TestTwilioConnector(ctx, "+15551234567", cfg)
		}},
		{"test: phone with spaces", "spaces or punctuation", func(ctx context.Context, c *logtoapi.Client) error {
			return c.TestTwilioConnector(ctx, "1 555 123 4567", cfg)
		}},
		{"test: phone with dashes", "spaces or punctuation", func(ctx context.Context, c *logtoapi.Client) error {
			return c.TestTwilioConnector(ctx, "1-555-123-4567", cfg)
		}},
		{"test: phone with letters", `contains 'O'`, func(ctx context.Context, c *logtoapi.Client) error {
			return c.TestTwilioConnector(ctx, "1555123456O", cfg)
		}},
		{"test: empty phone", "phone number is empty", func(ctx context.Context, c *logtoapi.Client) error {
			return c.TestTwilioConnector(ctx, "", cfg)
		}},
		{"test: short phone", "7 to 15", func(ctx context.Context, c *logtoapi.Client) error {
			return c.TestTwilioConnector(ctx, "123456", cfg)
		}},
		{"test: padded token", "Auth Token", func(ctx context.Context, c *logtoapi.Client) error {
			return c.TestTwilioConnector(ctx, "15551234567", padded)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(t.Context(), offlineClient(t))
			if err == nil {
				t.Fatal("nil error")
			}
			if !strings.HasPrefix(err.Error(), "logtoapi: ") || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
			if strings.Contains(err.Error(), "s3cr3tTwilioToken") || strings.Contains(err.Error(), m2mSecret) {
				t.Errorf("err %q contains a secret", err)
			}
		})
	}
}
