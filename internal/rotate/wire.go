package rotate

import (
	"context"
	"fmt"
	"net/http"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// NewEnv builds an Env on the real clients for a loaded setup: logtoHC for Logto (the
// Management API, the token endpoint), twilioHC for Twilio (it may rewrite hosts for
// --twilio-base-url or the sandbox). Logto is nil when the setup has no M2M credentials (the
// rotations then say what to do instead). The caller sets Confirm, Yes, Report and
// TestPhone. No request is made.
func NewEnv(setup *config.Setup, sec *config.Secrets, store Saver, logtoHC, twilioHC *http.Client) (*Env, error) {
	ep, err := logtoapi.ParseEndpoint(setup.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("rotate: the saved Logto endpoint: %w", err)
	}
	env := &Env{
		Setup: setup, Secrets: sec, Store: store,
		NewLogto: func(m logtoapi.M2MCredentials) (LogtoAPI, error) {
			c, err := logtoapi.New(ep, m, logtoHC)
			if err != nil {
				return nil, fmt.Errorf("rotate: %w", err)
			}
			return c, nil
		},
		NewTwilio: func(tok string) (TwilioAPI, error) {
			c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: setup.TwilioAccountSID, AuthToken: tok}, twilioHC)
			if err != nil {
				return nil, fmt.Errorf("rotate: %w", err)
			}
			return c, nil
		},
		VerifyApp: func(ctx context.Context, id, s string) (logtoapi.AppCheck, error) {
			return logtoapi.VerifyAppCredentials(ctx, logtoHC, ep, id, s)
		},
	}
	if setup.M2MAppID != "" && sec.M2MAppSecret.IsSet() {
		c, err := env.NewLogto(logtoapi.M2MCredentials{AppID: setup.M2MAppID, AppSecret: sec.M2MAppSecret.Reveal()})
		if err != nil {
			return nil, err
		}
		env.Logto = c
	}
	return env, nil
}
