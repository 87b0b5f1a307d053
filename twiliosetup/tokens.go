package twiliosetup

import (
	"context"

	accounts "github.com/twilio/twilio-go/rest/accounts/v1"
)

// Token rotation. The safe order: CreateSecondaryToken; check it with a Client built on the new
// token (Account); store it everywhere it is used (the Logto connector config, the secrets file);
// PromoteSecondaryToken; check again. Twilio's e-mails to the account owners about the change are
// kept (SuppressEmailNotification is not set) so that the owners see it.

// CreateSecondaryToken creates the account's secondary Auth Token and returns it. The value is a
// secret: never print or log it.
func (c *Client) CreateSecondaryToken(ctx context.Context) (string, error) {
	s, err := c.services(ctx)
	if err != nil {
		return "", wrap("create secondary auth token", err)
	}
	t, err := s.accounts.CreateSecondaryAuthToken(&accounts.CreateSecondaryAuthTokenParams{})
	if err != nil {
		return "", wrap("create secondary auth token", err)
	}
	if t == nil || deref(t.SecondaryAuthToken) == "" {
		return "", wrap("create secondary auth token", errEmptyResponse)
	}
	return deref(t.SecondaryAuthToken), nil
}

// PromoteSecondaryToken makes the secondary Auth Token the primary one. The old primary token
// stops working at once, for this Client too and for Logto's connector: the caller must tell the
// user, and must already have stored the new token everywhere it is used. Build a new Client with
// the new token afterwards.
func (c *Client) PromoteSecondaryToken(ctx context.Context) error {
	s, err := c.services(ctx)
	if err != nil {
		return wrap("promote secondary auth token", err)
	}
	_, err = s.accounts.UpdateAuthTokenPromotion(&accounts.UpdateAuthTokenPromotionParams{})
	return wrap("promote secondary auth token", err)
}

// DeleteSecondaryToken deletes the account's secondary Auth Token.
func (c *Client) DeleteSecondaryToken(ctx context.Context) error {
	s, err := c.services(ctx)
	if err != nil {
		return wrap("delete secondary auth token", err)
	}
	return wrap("delete secondary auth token", s.accounts.DeleteSecondaryAuthToken(&accounts.DeleteSecondaryAuthTokenParams{}))
}
