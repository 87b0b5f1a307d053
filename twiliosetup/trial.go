package twiliosetup

import (
	"context"
	"fmt"

	api "github.com/twilio/twilio-go/rest/api/v2010"
)

// VerifiedCallerIDs lists the account's verified numbers (E.164): the only numbers a trial
// account may text.
func (c *Client) VerifiedCallerIDs(ctx context.Context) ([]string, error) {
	s, err := c.services(ctx)
	if err != nil {
		return nil, wrap("list verified caller ids", err)
	}
	list, err := s.api.ListOutgoingCallerId((&api.ListOutgoingCallerIdParams{}).
		SetPathAccountSid(c.creds.AccountSID).SetPageSize(pageSize))
	if err != nil {
		return nil, wrap("list verified caller ids", err)
	}
	out := make([]string, 0, len(list))
	for _, id := range list {
		if n := deref(id.PhoneNumber); n != "" {
			out = append(out, n)
		}
	}
	return out, nil
}

// CheckCanText returns nil when acct may text to. A full account may text anyone (as far as can be
// known before sending). A trial account may text only its verified caller IDs; for any other
// number it returns an *Error with code 21608 wrapping [ErrUnverifiedNumber], naming the Console
// page where the number can be verified, without sending anything.
func (c *Client) CheckCanText(ctx context.Context, acct Account, to Phone) error {
	if to.IsZero() {
		return errorf("check recipient: %w: empty", ErrPhone)
	}
	if !acct.IsTrial() {
		return nil
	}
	ids, err := c.VerifiedCallerIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if p, err := ParsePhone(id, ""); err == nil && p.E164() == to.E164() {
			return nil
		}
	}
	what, next := Explain(CodeUnverifiedTrial)
	return &Error{
		Code:     CodeUnverifiedTrial,
		Message:  fmt.Sprintf("%s is not a verified caller ID of this trial account", to.E164()),
		MoreInfo: "https://www.twilio.com/docs/errors/21608",
		What:     what,
		Next:     next,
		err:      ErrUnverifiedNumber,
	}
}

// StartVerification asks Twilio to verify to as a caller ID: Twilio calls the number and the
// person answering types the returned validation code on the phone's keypad. The number counts as
// verified once that call succeeds (see [Client.VerifiedCallerIDs]).
func (c *Client) StartVerification(ctx context.Context, to Phone) (validationCode string, err error) {
	if to.IsZero() {
		return "", errorf("start verification: %w: empty", ErrPhone)
	}
	s, err := c.services(ctx)
	if err != nil {
		return "", wrap("start verification", err)
	}
	vr, err := s.api.CreateValidationRequest((&api.CreateValidationRequestParams{}).
		SetPathAccountSid(c.creds.AccountSID).SetPhoneNumber(to.E164()).SetFriendlyName("logto-twilio test phone"))
	if err != nil {
		return "", wrap("start verification", err)
	}
	if vr == nil || deref(vr.ValidationCode) == "" {
		return "", wrap("start verification", errEmptyResponse)
	}
	return deref(vr.ValidationCode), nil
}
