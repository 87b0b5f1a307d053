package twiliosetup

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"
)

// Message is an SMS as Twilio reports it. ErrorCode is set when it ended undelivered or failed.
type Message struct {
	SID          string
	To           string
	Status       string
	ErrorCode    int
	ErrorMessage string
	DateCreated  time.Time // when Twilio created it (one-second precision); zero if unknown
}

// Message statuses this package acts on.
const (
	StatusAccepted    = "accepted"
	StatusQueued      = "queued"
	StatusSending     = "sending"
	StatusSent        = "sent"
	StatusDelivered   = "delivered"
	StatusUndelivered = "undelivered"
	StatusFailed      = "failed"
	StatusCanceled    = "canceled"
)

// Final reports whether the status can no longer change: delivered, undelivered, failed or
// canceled. "sent" is not final: a delivery receipt may still come.
func (m Message) Final() bool {
	switch m.Status {
	case StatusDelivered, StatusUndelivered, StatusFailed, StatusCanceled:
		return true
	}
	return false
}

// Err returns nil for a message that was not refused, or an *Error explaining its ErrorCode
// when it ended undelivered or failed.
func (m Message) Err() error {
	if m.Status != StatusUndelivered && m.Status != StatusFailed && m.ErrorCode == 0 {
		return nil
	}
	what, next := Explain(m.ErrorCode)
	if what == "" {
		what = "Twilio could not deliver the message (status " + m.Status + ")."
		// next: Twilio's page on the code, when there is one.
		next = strings.TrimSpace("Open the message in the Twilio Console (Monitor > Logs > Messaging) to see why. " + next)
	}
	return &Error{
		Code: m.ErrorCode, Message: m.ErrorMessage, What: what, Next: next,
		MoreInfo: moreInfo(m.ErrorCode),
	}
}

func moreInfo(code int) string {
	if code == 0 {
		return ""
	}
	return "https://www.twilio.com/docs/errors/" + strconv.Itoa(code)
}

// Send sends body to to through the Messaging Service serviceSID: the same request Logto's Twilio
// connector makes. The returned message is usually "accepted"; follow it with [Client.Follow].
// Call [Client.EnsureSender] and [Client.CheckCanText] first to catch an empty sender pool and a
// trial account's unverified recipient before anything is sent.
func (c *Client) Send(ctx context.Context, serviceSID string, to Phone, body string) (Message, error) {
	serviceSID = Clean(serviceSID)
	if err := ValidateServiceSID(serviceSID); err != nil {
		return Message{}, err
	}
	if to.IsZero() {
		return Message{}, errorf("send: %w: empty", ErrPhone)
	}
	if body == "" {
		return Message{}, errorf("send: body is empty")
	}
	s, err := c.services(ctx)
	if err != nil {
		return Message{}, wrap("send", err)
	}
	m, err := s.api.CreateMessage((&api.CreateMessageParams{}).
		SetPathAccountSid(c.creds.AccountSID).
		SetTo(to.E164()).
		SetMessagingServiceSid(serviceSID).
		SetBody(body))
	if err != nil {
		return Message{}, wrap("send", err)
	}
	if m == nil {
		return Message{}, wrap("send", errEmptyResponse)
	}
	return toMessage(m), nil
}

// SendTest is the wizard's test send: it reports a Messaging Service without sender
// ([Client.EnsureSender]) and a trial account's unverified recipient ([Client.CheckCanText]) before
// anything is sent, then sends with [Client.Send]. Follow the result with [Client.Follow].
func (c *Client) SendTest(ctx context.Context, acct Account, serviceSID string, to Phone, body string) (Message, error) {
	if err := c.EnsureSender(ctx, serviceSID); err != nil {
		return Message{}, err
	}
	if err := c.CheckCanText(ctx, acct, to); err != nil {
		return Message{}, err
	}
	return c.Send(ctx, serviceSID, to, body)
}

// FetchMessage returns a message's current state.
func (c *Client) FetchMessage(ctx context.Context, sid string) (Message, error) {
	if err := validateMessageSID(sid); err != nil {
		return Message{}, err
	}
	s, err := c.services(ctx)
	if err != nil {
		return Message{}, wrap("fetch message", err)
	}
	m, err := s.api.FetchMessage(sid, (&api.FetchMessageParams{}).SetPathAccountSid(c.creds.AccountSID))
	if err != nil {
		return Message{}, wrap("fetch message", err)
	}
	if m == nil {
		return Message{}, wrap("fetch message", errEmptyResponse)
	}
	return toMessage(m), nil
}

// Polling bounds for Follow.
const (
	followFirst = time.Second
	followMax   = 10 * time.Second
)

// Follow polls the message until its status is final, with a backoff that starts at one second
// and doubles up to ten. onUpdate (may be nil) is called for each status change.
//
// When ctx's deadline passes first, Follow returns the last state it saw: with a nil error if the
// message is "sent" (the carrier accepted it but sent no delivery receipt in time, which is what
// many carriers do), and with ctx's error otherwise. A message that ends undelivered or failed is
// returned with a nil error; [Message.Err] explains its error code.
func (c *Client) Follow(ctx context.Context, sid string, onUpdate func(Message)) (Message, error) {
	var last Message
	wait := followFirst
	for {
		m, err := c.FetchMessage(ctx, sid)
		if err != nil {
			if ctx.Err() != nil {
				return c.followTimeout(ctx, last)
			}
			var te *Error
			if !errors.As(err, &te) || te.Code != CodeTooManyRequests {
				return last, err
			}
		} else {
			if m.Status != last.Status && onUpdate != nil {
				onUpdate(m)
			}
			last = m
			if m.Final() {
				return m, nil
			}
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return c.followTimeout(ctx, last)
		case <-timer.C:
		}
		wait = min(wait*2, followMax)
	}
}

func (c *Client) followTimeout(ctx context.Context, last Message) (Message, error) {
	if last.Status == StatusSent && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return last, nil
	}
	return last, errorf("follow message %s: %w (last status %q)", last.SID, ctx.Err(), last.Status)
}

// validateMessageSID accepts "SM" or "MM" followed by 32 hex digits.
func validateMessageSID(sid string) error {
	if len(sid) >= 2 && sid[:2] == "MM" {
		return validateSID("Message SID", "MM", sid)
	}
	return validateSID("Message SID", "SM", sid)
}

func toMessage(m *api.ApiV2010Message) Message {
	return Message{
		SID:          deref(m.Sid),
		To:           deref(m.To),
		Status:       deref(m.Status),
		ErrorCode:    deref(m.ErrorCode),
		ErrorMessage: deref(m.ErrorMessage),
		DateCreated:  parseDate(deref(m.DateCreated)),
	}
}
