package twiliosetup

import (
	"context"
	"errors"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"
)

// ErrMessageNotFound is wrapped by the error [Client.FindSentMessage] returns when no message to
// the number appeared in time.
var ErrMessageNotFound = errors.New("twiliosetup: message not found")

// Bounds for FindSentMessage: how long it looks, how often, and how many recent messages to the
// number it reads each time.
const (
	findWindow = 30 * time.Second
	findFirst  = 500 * time.Millisecond
	findMax    = 4 * time.Second
	findPage   = 5
)

// FindSentMessage finds the newest message to to that Twilio created at or after since, for a
// message someone else sent with this account (Logto's connector test returns no message SID).
// Follow the result with [Client.Follow].
//
// It lists the account's most recent messages to that number (newest first) and waits, with a
// backoff from half a second up to four, until one created at or after since shows up: at most
// 30 seconds, and never past ctx. Twilio dates have one-second precision, so since is compared
// to the second; pass a moment a little before the send to allow for clock differences. The list
// is filtered by recipient only: Twilio's DateSent filter matches the sent date, which a message
// that is still queued, or that failed before it was sent, does not have.
//
// When nothing appears in time the error wraps [ErrMessageNotFound]; when ctx ends first, ctx's
// error.
func (c *Client) FindSentMessage(ctx context.Context, to Phone, since time.Time) (Message, error) {
	if to.IsZero() {
		return Message{}, errorf("find message: %w: empty", ErrPhone)
	}
	since = since.Truncate(time.Second)
	lookCtx, cancel := context.WithTimeout(ctx, findWindow)
	defer cancel()
	wait := findFirst
	for {
		m, ok, err := c.newestMessageTo(lookCtx, to, since)
		switch {
		case ok:
			return m, nil
		case err != nil && lookCtx.Err() == nil:
			var te *Error
			if !errors.As(err, &te) || te.Code != CodeTooManyRequests {
				return Message{}, err
			}
		}
		timer := time.NewTimer(wait)
		select {
		case <-lookCtx.Done():
			timer.Stop()
			if err := ctx.Err(); err != nil {
				return Message{}, errorf("find message to %s: %w", to.E164(), err)
			}
			return Message{}, errorf("find message to %s created since %s: %w", to.E164(),
				since.UTC().Format(time.RFC3339), ErrMessageNotFound)
		case <-timer.C:
		}
		wait = min(wait*2, findMax)
	}
}

// newestMessageTo reads the newest messages to to and returns the newest created at or after
// since.
func (c *Client) newestMessageTo(ctx context.Context, to Phone, since time.Time) (Message, bool, error) {
	s, err := c.services(ctx)
	if err != nil {
		return Message{}, false, wrap("list messages", err)
	}
	list, err := s.api.ListMessage((&api.ListMessageParams{}).
		SetPathAccountSid(c.creds.AccountSID).
		SetTo(to.E164()).
		SetPageSize(findPage).
		SetLimit(findPage))
	if err != nil {
		return Message{}, false, wrap("list messages", err)
	}
	var best Message
	found := false
	for i := range list {
		m := toMessage(&list[i])
		if m.SID == "" || m.DateCreated.IsZero() || m.DateCreated.Before(since) {
			continue
		}
		if !found || m.DateCreated.After(best.DateCreated) {
			best, found = m, true
		}
	}
	return best, found, nil
}

// parseDate reads an RFC 2822 date as API 2010-04-01 writes it ("Mon, 16 Aug 2010 03:45:01
// +0000"); zero when absent or unreadable.
func parseDate(s string) time.Time {
	for _, layout := range []string{time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
