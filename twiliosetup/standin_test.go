package twiliosetup_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// These tests drive the client against the Twilio stand-in (twiliotest), in memory.

type standIn struct {
	srv    *twiliotest.Server
	sid    string
	token  string
	client *twiliosetup.Client
}

func newStandIn(t *testing.T, accountType string, opts ...twiliotest.Option) standIn {
	t.Helper()
	srv := twiliotest.NewServer(append([]twiliotest.Option{twiliotest.WithoutListener()}, opts...)...)
	t.Cleanup(srv.Close)
	srv.AddAccount(twiliotest.Account{SID: sidOK, AuthToken: tokenOK, FriendlyName: "Workshop", Type: accountType})
	c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: sidOK, AuthToken: tokenOK}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return standIn{srv: srv, sid: sidOK, token: tokenOK, client: c}
}

func TestStandInAccount(t *testing.T) {
	t.Parallel()
	s := newStandIn(t, "Trial")
	acct, err := s.client.Account(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if acct != (twiliosetup.Account{SID: sidOK, FriendlyName: "Workshop", Status: "active", Type: "Trial"}) || !acct.IsTrial() {
		t.Errorf("Account = %+v", acct)
	}

	wrong, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: sidOK, AuthToken: strings.Repeat("0", 32)}, s.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.Account(t.Context())
	var te *twiliosetup.Error
	if !errors.As(err, &te) || te.Code != 20003 || te.Status != 401 || te.What == "" {
		t.Fatalf("wrong token: %v, want *Error 20003", err)
	}
}

func TestStandInProvisioning(t *testing.T) {
	t.Parallel()
	s := newStandIn(t, "Full")
	ctx := t.Context()
	pn := s.srv.AddNumber(s.sid, "+15005550006")
	existing := s.srv.AddService(s.sid, "Existing", "+15005550010")

	services, err := s.client.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(services, []twiliosetup.Service{{SID: existing, FriendlyName: "Existing", Senders: 1}}) {
		t.Errorf("Services = %+v", services)
	}
	svc, err := s.client.CreateService(ctx, "logto-twilio")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.client.EnsureSender(ctx, svc.SID); !errors.Is(err, twiliosetup.ErrNoSender) {
		t.Errorf("EnsureSender(new service) = %v, want ErrNoSender", err)
	}
	nums, err := s.client.Numbers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(nums, func(n twiliosetup.Number) bool { return n.SID == pn && n.PhoneNumber == "+15005550006" && n.SMS }) {
		t.Errorf("Numbers = %+v, want %s", nums, pn)
	}
	if err := s.client.AttachNumber(ctx, svc.SID, pn); err != nil {
		t.Fatal(err)
	}
	if err := s.client.AttachNumber(ctx, svc.SID, pn); err != nil {
		t.Fatalf("attach again: %v", err)
	}
	if err := s.client.EnsureSender(ctx, svc.SID); err != nil {
		t.Errorf("EnsureSender after attach = %v", err)
	}
	got, err := s.client.Service(ctx, svc.SID)
	if err != nil {
		t.Fatal(err)
	}
	if got != (twiliosetup.Service{SID: svc.SID, FriendlyName: "logto-twilio", Senders: 1}) {
		t.Errorf("Service = %+v", got)
	}
	_, err = s.client.Service(ctx, "MG"+strings.Repeat("f", 32))
	var te *twiliosetup.Error
	if !errors.As(err, &te) || te.Code != 20404 {
		t.Errorf("unknown service: %v, want 20404", err)
	}
}

// Trial account: an unverified recipient is refused before sending; verification can be started
// through the API; once verified, the message goes out.
func TestStandInTrialPath(t *testing.T) {
	t.Parallel()
	s := newStandIn(t, "Trial")
	ctx := t.Context()
	svc := s.srv.AddService(s.sid, "Logto", "+15005550006")
	acct, err := s.client.Account(ctx)
	if err != nil {
		t.Fatal(err)
	}
	to := mustPhone(t, "+1 415 555 0100")

	_, err = s.client.SendTest(ctx, acct, svc, to, "Your code is 123456")
	var te *twiliosetup.Error
	if !errors.As(err, &te) || te.Code != 21608 || !strings.Contains(te.Next, twiliosetup.ConsoleVerifiedCallerIDs) {
		t.Fatalf("SendTest to unverified = %v, want 21608 with the Console link", err)
	}
	if inbox := s.srv.Inbox(); len(inbox) != 0 {
		t.Fatalf("a message went out: %+v", inbox)
	}

	// Without the local check, Twilio itself refuses with 21608.
	_, err = s.client.Send(ctx, svc, to, "Your code is 123456")
	if !errors.As(err, &te) || te.Code != 21608 {
		t.Fatalf("Send to unverified = %v, want Twilio's 21608", err)
	}

	code, err := s.client.StartVerification(ctx, to)
	if err != nil || len(code) == 0 {
		t.Fatalf("StartVerification = %q, %v", code, err)
	}
	if !s.srv.ConfirmVerification(s.sid, to.E164()) {
		t.Fatal("no verification pending in the stand-in")
	}
	ids, err := s.client.VerifiedCallerIDs(ctx)
	if err != nil || !slices.Contains(ids, to.E164()) {
		t.Fatalf("VerifiedCallerIDs = %v, %v", ids, err)
	}
	m, err := s.client.SendTest(ctx, acct, svc, to, "Your code is 123456")
	if err != nil {
		t.Fatal(err)
	}
	if m.To != to.E164() || m.SID == "" {
		t.Errorf("message %+v", m)
	}
	inbox := s.srv.Inbox()
	if len(inbox) != 1 || inbox[0].Body != "Your code is 123456" || inbox[0].MessagingServiceSID != svc {
		t.Errorf("inbox %+v", inbox)
	}
}

func TestStandInFollow(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(*twiliotest.Server, string)
		status  string
		code    int
		wantErr bool
	}{
		{"delivered", func(*twiliotest.Server, string) {}, "delivered", 0, false},
		{"undelivered 30007", func(s *twiliotest.Server, to string) { s.FailDelivery(to, 30007) }, "undelivered", 30007, false},
		{"failed 30034", func(s *twiliotest.Server, to string) { s.FailSend(to, 30034) }, "failed", 30034, false},
		{"sent without receipt", func(s *twiliotest.Server, to string) { s.NoReceipt(to) }, "sent", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newStandIn(t, "Full", twiliotest.WithStatusStep(2*time.Second))
				svc := s.srv.AddService(s.sid, "Logto", "+15005550006")
				to := mustPhone(t, "+15551234567")
				tt.setup(s.srv, to.E164())
				ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
				defer cancel()
				m, err := s.client.Send(ctx, svc, to, "Your code is 123456")
				if err != nil {
					t.Fatal(err)
				}
				var seen []string
				m, err = s.client.Follow(ctx, m.SID, func(m twiliosetup.Message) { seen = append(seen, m.Status) })
				if err != nil {
					t.Fatalf("Follow = %+v, %v", m, err)
				}
				if m.Status != tt.status || m.ErrorCode != tt.code {
					t.Errorf("Follow = %+v, want %s %d (seen %v)", m, tt.status, tt.code, seen)
				}
				var te *twiliosetup.Error
				if tt.code != 0 {
					if err := m.Err(); !errors.As(err, &te) || te.Code != tt.code || te.What == "" {
						t.Errorf("Err() = %v", err)
					}
				} else if m.Err() != nil {
					t.Errorf("Err() = %v", m.Err())
				}
			})
		})
	}
}

func TestStandIn429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newStandIn(t, "Full")
		svc := s.srv.AddService(s.sid, "Logto", "+15005550006")
		s.srv.Inject("POST", "/2010-04-01/Accounts/{AccountSid}/Messages.json",
			twiliotest.Fault{Status: 429, RetryAfter: 2 * time.Second, Times: 2})
		start := time.Now()
		m, err := s.client.Send(t.Context(), svc, mustPhone(t, "+15551234567"), "Your code is 123456")
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 4*time.Second {
			t.Errorf("took %v, want the two 2s Retry-After waits", d)
		}
		if inbox := s.srv.Inbox(); len(inbox) != 1 || inbox[0].SID != m.SID {
			t.Errorf("inbox %+v, want exactly the one message", inbox)
		}
	})
}

func TestStandInTokenRotation(t *testing.T) {
	t.Parallel()
	s := newStandIn(t, "Full")
	ctx := t.Context()
	newToken, err := s.client.CreateSecondaryToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := twiliosetup.ValidateAuthToken(newToken); err != nil {
		t.Fatalf("secondary token: %v", err)
	}
	next, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: s.sid, AuthToken: newToken}, s.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := next.Account(ctx); err != nil {
		t.Fatalf("secondary token does not work before promotion: %v", err)
	}
	if err := s.client.PromoteSecondaryToken(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := next.Account(ctx); err != nil {
		t.Fatalf("new primary: %v", err)
	}
	_, err = s.client.Account(ctx)
	var te *twiliosetup.Error
	if !errors.As(err, &te) || te.Code != 20003 {
		t.Fatalf("old token after promotion: %v, want 20003", err)
	}
	if _, err := next.CreateSecondaryToken(ctx); err != nil {
		t.Fatal(err)
	}
	if err := next.DeleteSecondaryToken(ctx); err != nil {
		t.Fatal(err)
	}
}
