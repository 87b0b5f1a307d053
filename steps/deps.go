package steps

import (
	"context"
	"net/http"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/internal/doctor"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// Logto is what the steps use of the Logto Management API. *logtoapi.Client
// satisfies it.
type Logto interface {
	CheckAccess(ctx context.Context) error
	FindTraditionalApplications(ctx context.Context, name string) ([]logtoapi.Application, error)
	CreateTraditionalApplication(ctx context.Context, app logtoapi.NewApplication) (logtoapi.Application, error)
	GetApplication(ctx context.Context, id string) (logtoapi.Application, error)
	SetApplicationURIs(ctx context.Context, id string, redirect, postLogout []string) (logtoapi.Application, error)
	ApplicationSecret(ctx context.Context, id string) (string, error)
	SMSConnector(ctx context.Context) (*logtoapi.Connector, error)
	CreateTwilioConnector(ctx context.Context, cfg logtoapi.TwilioConfig, replaces string) (logtoapi.Connector, error)
	UpdateTwilioConnector(ctx context.Context, id string, cfg logtoapi.TwilioConfig) (logtoapi.Connector, error)
	TestTwilioConnector(ctx context.Context, phoneDigits string, cfg logtoapi.TwilioConfig) error
	SignInExperience(ctx context.Context) (logtoapi.SignInExperience, error)
	ApplySignInPlan(ctx context.Context, p logtoapi.SignInPlan) (logtoapi.SignInExperience, error)
}

// PhoneAccounts is implemented by a Logto client that can tell whether a phone
// has an account (*logtoapi.Client): with Management API access the wizard says
// exactly whether a sign-in-only Logto will send that phone a code.
type PhoneAccounts interface {
	PhoneHasAccount(ctx context.Context, phoneDigits string) (bool, error)
}

// Twilio is what the steps use of Twilio. *twiliosetup.Client satisfies it.
type Twilio interface {
	Account(ctx context.Context) (twiliosetup.Account, error)
	Services(ctx context.Context) ([]twiliosetup.Service, error)
	Service(ctx context.Context, sid string) (twiliosetup.Service, error)
	CreateService(ctx context.Context, friendlyName string) (twiliosetup.Service, error)
	ServiceSenders(ctx context.Context, serviceSID string) ([]twiliosetup.Sender, error)
	Numbers(ctx context.Context) ([]twiliosetup.Number, error)
	AttachNumber(ctx context.Context, serviceSID, numberSID string) error
	EnsureSender(ctx context.Context, serviceSID string) error
	CheckCanText(ctx context.Context, acct twiliosetup.Account, to twiliosetup.Phone) error
	Send(ctx context.Context, serviceSID string, to twiliosetup.Phone, body string) (twiliosetup.Message, error)
	Follow(ctx context.Context, sid string, onUpdate func(twiliosetup.Message)) (twiliosetup.Message, error)
	FindSentMessage(ctx context.Context, to twiliosetup.Phone, since time.Time) (twiliosetup.Message, error)
}

// Demo is the demo sign-in server. *demo.Server satisfies it.
type Demo interface {
	Start(ctx context.Context, addr string) (string, error)
	SignIns() <-chan demo.SignIn
	Close() error
}

// Opener opens a URL in the user's browser. It must never write to the
// terminal (the TUI owns it); with --no-browser or over SSH it does nothing.
type Opener interface {
	Open(url string) error
}

// Clipboard copies text. When Deps.Clipboard is nil the TUI uses the
// terminal's clipboard (OSC 52).
type Clipboard interface {
	Copy(text string) error
}

// Deps are the steps' dependencies. cmd builds the real ones (DefaultDeps)
// or the sandbox ones; tests use hand-written fakes.
type Deps struct {
	// Discover checks the endpoint's OIDC discovery document.
	Discover func(ctx context.Context, e logtoapi.Endpoint) (logtoapi.Discovery, error)
	// VerifyApp checks a pasted App ID and secret (manual method).
	VerifyApp func(ctx context.Context, e logtoapi.Endpoint, appID, appSecret string) (logtoapi.AppCheck, error)
	// SendCode asks Logto for a sign-in code to phoneDigits through an app's
	// sign-in flow (logtoapi.SendSignInCode): an attendee's test SMS.
	SendCode func(ctx context.Context, e logtoapi.Endpoint, appID, redirectURI, phoneDigits string) error
	// PublicSignIn reads the sign-in experience the sign-in page reads, with no
	// token (logtoapi.ReadPublicSignInExperience): its signInMode says whether
	// Logto sends codes to phones without an account. nil: not read (tests).
	PublicSignIn func(ctx context.Context, e logtoapi.Endpoint) (logtoapi.PublicSignInExperience, error)
	// NewLogto builds a Management API client (no request).
	NewLogto func(e logtoapi.Endpoint, m2m logtoapi.M2MCredentials) (Logto, error)
	// NewTwilio builds a Twilio client (no request).
	NewTwilio func(creds twiliosetup.Credentials) (Twilio, error)
	// NewDemo builds the demo server (no listening yet).
	NewDemo func(cfg demo.Config) (Demo, error)
	// Demos owns the running demo server; the caller closes it when the
	// wizard ends. nil: All makes one that nobody closes (tests with fakes).
	Demos *DemoHost
	// WriteExpress writes the Express starter.
	WriteExpress func(dir string, v demo.ExpressValues, overwrite func(path string) bool) ([]string, error)
	// Open opens URLs; nil means URLs are only shown.
	Open Opener
	// Clipboard copies text; nil means the terminal's clipboard.
	Clipboard Clipboard
	// Store saves progress; nil means nothing is saved (tests, --no-save).
	Store *config.Store
	// FreePort returns a port other than taken that the demo could listen on
	// now (0: none found), for the hint when the demo's port is busy. nil:
	// the first in 3003–3099 that 127.0.0.1 can listen on.
	FreePort func(taken int) int
	// Recheck runs doctor's cheap checks ids on cfg's saved setup (doctor.Recheck,
	// through the clients of DefaultDeps): a resumed run re-checks the steps done
	// before it skips them. nil: nothing is re-checked (tests with fakes).
	Recheck func(ctx context.Context, cfg doctor.Config, ids ...string) doctor.Results
	// PortFree reports whether the demo could listen on localhost:port now
	// (an attendee's card port is checked at the start). nil: it listens and
	// closes at once.
	PortFree func(port int) bool
}

// DefaultDeps wires the real clients: logtoHC for Logto (discovery, token,
// Management API) and for the demo server, twilioHC for Twilio (it may
// rewrite hosts for --twilio-base-url or the sandbox). Open, Clipboard and
// Store are left for the caller, which also closes Demos when the wizard
// ends.
func DefaultDeps(logtoHC, twilioHC *http.Client) Deps {
	return Deps{
		Discover: func(ctx context.Context, e logtoapi.Endpoint) (logtoapi.Discovery, error) {
			return logtoapi.Discover(ctx, logtoHC, e)
		},
		VerifyApp: func(ctx context.Context, e logtoapi.Endpoint, id, secret string) (logtoapi.AppCheck, error) {
			return logtoapi.VerifyAppCredentials(ctx, logtoHC, e, id, secret)
		},
		SendCode: func(ctx context.Context, e logtoapi.Endpoint, appID, redirectURI, phone string) error {
			return logtoapi.SendSignInCode(ctx, logtoHC, e, appID, redirectURI, phone)
		},
		PublicSignIn: func(ctx context.Context, e logtoapi.Endpoint) (logtoapi.PublicSignInExperience, error) {
			return logtoapi.ReadPublicSignInExperience(ctx, logtoHC, e)
		},
		NewLogto: func(e logtoapi.Endpoint, m2m logtoapi.M2MCredentials) (Logto, error) {
			return logtoapi.New(e, m2m, logtoHC)
		},
		NewTwilio: func(creds twiliosetup.Credentials) (Twilio, error) {
			return twiliosetup.New(creds, twilioHC)
		},
		NewDemo: func(cfg demo.Config) (Demo, error) {
			if cfg.HTTPClient == nil {
				cfg.HTTPClient = logtoHC
			}
			return demo.New(cfg)
		},
		WriteExpress: demo.WriteExpressStarter,
		Demos:        &DemoHost{},
		Recheck: func(ctx context.Context, cfg doctor.Config, ids ...string) doctor.Results {
			cfg.LogtoHTTP, cfg.TwilioHTTP = logtoHC, twilioHC
			return doctor.Recheck(ctx, cfg, ids...)
		},
	}
}
