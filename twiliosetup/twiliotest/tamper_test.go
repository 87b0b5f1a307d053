package twiliotest_test

import (
	"testing"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// TestTamper: a revoked token stops authenticating, a service without senders lists none,
// a suspended account reads as suspended.
func TestTamper(t *testing.T) {
	s := twiliotest.NewServer(twiliotest.WithoutListener())
	defer s.Close()
	const sid = "AC0123456789abcdef0123456789abcdef"
	s.AddAccount(twiliotest.Account{SID: sid})
	old := s.AuthToken(sid)
	svc := s.AddService(sid, "svc", "+15005550006")
	c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: sid, AuthToken: old}, s.Client())
	if err != nil {
		t.Fatal(err)
	}
	if n := s.RemoveSenders(svc); n != 1 {
		t.Fatalf("RemoveSenders = %d", n)
	}
	if senders, err := c.ServiceSenders(t.Context(), svc); err != nil || len(senders) != 0 {
		t.Fatalf("senders = %v, %v", senders, err)
	}
	if !s.SetAccountStatus(sid, "suspended") {
		t.Fatal("SetAccountStatus")
	}
	if a, err := c.Account(t.Context()); err != nil || a.Status != "suspended" {
		t.Fatalf("account = %+v, %v", a, err)
	}
	s.SetAccountStatus(sid, "active")
	nt := s.RevokeAuthToken(sid)
	if nt == "" || nt == old || s.AuthToken(sid) != nt {
		t.Fatal("RevokeAuthToken")
	}
	if _, err := c.Account(t.Context()); err == nil {
		t.Fatal("the revoked token still works")
	}
	if s.RevokeAuthToken("AC00000000000000000000000000000000") != "" || s.SetAccountStatus("AC00000000000000000000000000000000", "closed") {
		t.Fatal("unknown account")
	}
}
