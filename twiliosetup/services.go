package twiliosetup

import (
	"context"
	"fmt"

	api "github.com/twilio/twilio-go/rest/api/v2010"
	messaging "github.com/twilio/twilio-go/rest/messaging/v1"
)

// Service is a Messaging Service; Senders counts the phone numbers in its sender pool.
type Service struct {
	SID          string
	FriendlyName string
	Senders      int
}

// Sender is a phone number in a Messaging Service's sender pool.
type Sender struct {
	SID         string // PN...
	PhoneNumber string // E.164
}

// Number is a phone number the account owns.
type Number struct {
	SID          string // PN...
	PhoneNumber  string // E.164
	FriendlyName string
	SMS          bool // can send SMS
}

// ServiceUsecase is the use case given to services this package creates (the Console's "Notify my
// users").
const ServiceUsecase = "notifications"

const pageSize = 50

// Services lists the account's Messaging Services with the number of phone senders in each (one
// request per service for the counts).
func (c *Client) Services(ctx context.Context) ([]Service, error) {
	s, err := c.services(ctx)
	if err != nil {
		return nil, wrap("list messaging services", err)
	}
	list, err := s.messaging.ListService((&messaging.ListServiceParams{}).SetPageSize(pageSize))
	if err != nil {
		return nil, wrap("list messaging services", err)
	}
	out := make([]Service, 0, len(list))
	for _, ms := range list {
		svc := Service{SID: deref(ms.Sid), FriendlyName: deref(ms.FriendlyName)}
		senders, err := c.ServiceSenders(ctx, svc.SID)
		if err != nil {
			return nil, err
		}
		svc.Senders = len(senders)
		out = append(out, svc)
	}
	return out, nil
}

// Service fetches one Messaging Service with its sender count (20404 when the SID is unknown).
func (c *Client) Service(ctx context.Context, sid string) (Service, error) {
	sid = Clean(sid)
	if err := ValidateServiceSID(sid); err != nil {
		return Service{}, err
	}
	s, err := c.services(ctx)
	if err != nil {
		return Service{}, wrap("fetch messaging service", err)
	}
	ms, err := s.messaging.FetchService(sid)
	if err != nil {
		return Service{}, wrap("fetch messaging service", err)
	}
	if ms == nil {
		return Service{}, wrap("fetch messaging service", errEmptyResponse)
	}
	svc := Service{SID: deref(ms.Sid), FriendlyName: deref(ms.FriendlyName)}
	senders, err := c.ServiceSenders(ctx, sid)
	if err != nil {
		return Service{}, err
	}
	svc.Senders = len(senders)
	return svc, nil
}

// CreateService creates a Messaging Service for notifications. It has no sender until a number is
// attached with [Client.AttachNumber].
func (c *Client) CreateService(ctx context.Context, friendlyName string) (Service, error) {
	if friendlyName == "" {
		return Service{}, errorf("create messaging service: friendly name is empty")
	}
	s, err := c.services(ctx)
	if err != nil {
		return Service{}, wrap("create messaging service", err)
	}
	ms, err := s.messaging.CreateService((&messaging.CreateServiceParams{}).
		SetFriendlyName(friendlyName).SetUsecase(ServiceUsecase))
	if err != nil {
		return Service{}, wrap("create messaging service", err)
	}
	if ms == nil {
		return Service{}, wrap("create messaging service", errEmptyResponse)
	}
	return Service{SID: deref(ms.Sid), FriendlyName: deref(ms.FriendlyName)}, nil
}

// ServiceSenders lists the phone numbers in a Messaging Service's sender pool. Short codes and
// alphanumeric sender IDs are not listed.
func (c *Client) ServiceSenders(ctx context.Context, serviceSID string) ([]Sender, error) {
	serviceSID = Clean(serviceSID)
	if err := ValidateServiceSID(serviceSID); err != nil {
		return nil, err
	}
	s, err := c.services(ctx)
	if err != nil {
		return nil, wrap("list service senders", err)
	}
	list, err := s.messaging.ListPhoneNumber(serviceSID, (&messaging.ListPhoneNumberParams{}).SetPageSize(pageSize))
	if err != nil {
		return nil, wrap("list service senders", err)
	}
	out := make([]Sender, 0, len(list))
	for _, pn := range list {
		out = append(out, Sender{SID: deref(pn.Sid), PhoneNumber: deref(pn.PhoneNumber)})
	}
	return out, nil
}

// Numbers lists the phone numbers the account owns.
func (c *Client) Numbers(ctx context.Context) ([]Number, error) {
	s, err := c.services(ctx)
	if err != nil {
		return nil, wrap("list phone numbers", err)
	}
	list, err := s.api.ListIncomingPhoneNumber((&api.ListIncomingPhoneNumberParams{}).
		SetPathAccountSid(c.creds.AccountSID).SetPageSize(pageSize))
	if err != nil {
		return nil, wrap("list phone numbers", err)
	}
	out := make([]Number, 0, len(list))
	for _, n := range list {
		num := Number{SID: deref(n.Sid), PhoneNumber: deref(n.PhoneNumber), FriendlyName: deref(n.FriendlyName)}
		if n.Capabilities != nil {
			num.SMS = n.Capabilities.Sms
		}
		out = append(out, num)
	}
	return out, nil
}

// AttachNumber adds the account's number numberSID (PN...) to a Messaging Service's sender pool.
// A number already in that service counts as success; one in another service fails with 21712.
func (c *Client) AttachNumber(ctx context.Context, serviceSID, numberSID string) error {
	serviceSID, numberSID = Clean(serviceSID), Clean(numberSID)
	if err := ValidateServiceSID(serviceSID); err != nil {
		return err
	}
	if err := ValidateNumberSID(numberSID); err != nil {
		return err
	}
	senders, err := c.ServiceSenders(ctx, serviceSID)
	if err != nil {
		return err
	}
	for _, snd := range senders {
		if snd.SID == numberSID {
			return nil
		}
	}
	s, err := c.services(ctx)
	if err != nil {
		return wrap("attach number", err)
	}
	_, err = s.messaging.CreatePhoneNumber(serviceSID, (&messaging.CreatePhoneNumberParams{}).SetPhoneNumberSid(numberSID))
	return wrap("attach number", err)
}

// EnsureSender checks that a Messaging Service has at least one phone number to send from. When
// it has none it returns an *Error wrapping [ErrNoSender], before anything is sent through it.
func (c *Client) EnsureSender(ctx context.Context, serviceSID string) error {
	senders, err := c.ServiceSenders(ctx, serviceSID)
	if err != nil {
		return err
	}
	if len(senders) > 0 {
		return nil
	}
	return &Error{
		What: fmt.Sprintf("The Messaging Service %s has no sender number, so Twilio cannot send through it.", Clean(serviceSID)),
		Next: "Add a phone number to the service (Twilio Console: Messaging > Services > Sender Pool), or let the wizard attach one.",
		err:  ErrNoSender,
	}
}
