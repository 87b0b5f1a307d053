package twiliosetup

import "context"

// DeleteService deletes the Messaging Service sid (DELETE /v1/Services/{Sid}, 204). Its
// phone numbers stay in the account, free for another service. An unknown SID is an *Error
// with code 20404: a caller removing what it created may treat that as already gone.
func (c *Client) DeleteService(ctx context.Context, sid string) error {
	sid = Clean(sid)
	if err := ValidateServiceSID(sid); err != nil {
		return err
	}
	s, err := c.services(ctx)
	if err != nil {
		return wrap("delete messaging service", err)
	}
	return wrap("delete messaging service", s.messaging.DeleteService(sid))
}
