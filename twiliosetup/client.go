package twiliosetup

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	twclient "github.com/twilio/twilio-go/client"

	accounts "github.com/twilio/twilio-go/rest/accounts/v1"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	messaging "github.com/twilio/twilio-go/rest/messaging/v1"

	"github.com/logto-twilio/logto-twilio/internal/httpclient"
)

// ConsoleVerifiedCallerIDs is the Twilio Console page where a trial account verifies recipients.
const ConsoleVerifiedCallerIDs = "https://console.twilio.com/us1/develop/phone-numbers/manage/verified"

// Client talks to Twilio for one account through twilio-go.
//
// twilio-go takes no context (it builds every request with context.Background()). Client honours
// ctx anyway: each call builds a twilio-go client whose http.Client transport attaches ctx to every
// request it sends, so cancelling ctx or passing its deadline aborts the request in flight, and
// waits between retries and polls select on ctx.Done(). The same transport retries a 429 (Twilio
// 20429) with backoff that honours Retry-After, because twilio-go drops the response headers when
// it decodes the error.
type Client struct {
	creds Credentials
	hc    *http.Client
	retry retryPolicy
}

// New returns a Client for creds, sending through hc (nil means a plain http.Client). It validates
// the credentials and sends nothing. Nothing is read from the environment: twilio-go's fallback to
// TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN for empty values, and its TWILIO_EDGE/TWILIO_REGION host
// rewriting, are both bypassed.
func New(creds Credentials, hc *http.Client) (*Client, error) {
	creds.AccountSID = Clean(creds.AccountSID)
	creds.AuthToken = Clean(creds.AuthToken)
	if err := ValidateAccountSID(creds.AccountSID); err != nil {
		return nil, err
	}
	if err := ValidateAuthToken(creds.AuthToken); err != nil {
		return nil, err
	}
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{creds: creds, hc: hc, retry: defaultRetry}, nil
}

// AccountSID returns the account this client acts for.
func (c *Client) AccountSID() string { return c.creds.AccountSID }

// services holds the twilio-go API services one call uses; their requests carry its ctx.
type services struct {
	api       *api.ApiService
	messaging *messaging.ApiService
	accounts  *accounts.ApiService
}

func (c *Client) services(ctx context.Context) (services, error) {
	if err := ctx.Err(); err != nil {
		return services{}, err
	}
	base := c.hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc := &http.Client{
		Transport: &ctxTransport{ctx: ctx, base: base, retry: c.retry},
		// Like twilio-go's default client: never follow redirects, return the 3xx response.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Jar:           c.hc.Jar,
		Timeout:       c.hc.Timeout,
	}
	tc := &twclient.Client{
		Credentials: twclient.NewCredentials(c.creds.AccountSID, c.creds.AuthToken),
		HTTPClient:  hc,
		// Twilio sees twilio-go's User-Agent followed by ours.
		UserAgentExtensions: []string{httpclient.UserAgent()},
	}
	tc.SetAccountSid(c.creds.AccountSID)
	// Built by hand rather than with NewRequestHandler, which reads TWILIO_EDGE/TWILIO_REGION.
	rh := &twclient.RequestHandler{Client: tc}
	return services{
		api:       api.NewApiService(rh),
		messaging: messaging.NewApiService(rh),
		accounts:  accounts.NewApiService(rh),
	}, nil
}

// Account is what Twilio says about the account: Status is "active", "suspended" or "closed";
// Type is "Trial" or "Full".
type Account struct {
	SID          string
	FriendlyName string
	Status       string
	Type         string
}

// IsTrial reports whether the account is a trial account (it may only text verified numbers).
func (a Account) IsTrial() bool { return a.Type == "Trial" }

// IsActive reports whether the account can be used.
func (a Account) IsActive() bool { return a.Status == "active" }

// Account fetches the account, which also checks the credentials (20003 when they are wrong).
func (c *Client) Account(ctx context.Context) (Account, error) {
	s, err := c.services(ctx)
	if err != nil {
		return Account{}, wrap("fetch account", err)
	}
	a, err := s.api.FetchAccount(c.creds.AccountSID)
	if err != nil {
		return Account{}, wrap("fetch account", err)
	}
	if a == nil {
		return Account{}, wrap("fetch account", errEmptyResponse)
	}
	return Account{
		SID:          deref(a.Sid),
		FriendlyName: deref(a.FriendlyName),
		Status:       deref(a.Status),
		Type:         deref(a.Type),
	}, nil
}

var errEmptyResponse = errors.New("empty response")

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// errorf is fmt.Errorf with the package prefix.
func errorf(format string, args ...any) error {
	return fmt.Errorf("twiliosetup: "+format, args...)
}
