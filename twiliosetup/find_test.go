package twiliosetup_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// sendLikeLogto posts the request Logto's Twilio connector makes, which returns no message SID to
// the wizard. Logto 1.37 (connector 1.4.1) sends To as digits, 1.41 (connector 1.4.4) with a "+":
// pass the form it should send.
func sendLikeLogto(s standIn, serviceSID, to string) error {
	form := url.Values{"To": {to}, "MessagingServiceSid": {serviceSID}, "Body": {"Your code is 000000"}}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
		"https://api.twilio.com/2010-04-01/Accounts/"+s.sid+"/Messages.json", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.sid, s.token)
	resp, err := s.srv.Client().Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return errors.New("send: " + resp.Status)
	}
	return nil
}

func mustSendLikeLogto(t *testing.T, s standIn, serviceSID, toDigits string) {
	t.Helper()
	if err := sendLikeLogto(s, serviceSID, toDigits); err != nil {
		t.Fatal(err)
	}
}

func TestFindSentMessageThenFollow(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(*twiliotest.Server, string)
		status string
		code   int
	}{
		{"delivered", func(*twiliotest.Server, string) {}, "delivered", 0},
		{"undelivered 30007", func(s *twiliotest.Server, to string) { s.FailDelivery(to, 30007) }, "undelivered", 30007},
		{"failed before sending 30034", func(s *twiliotest.Server, to string) { s.FailSend(to, 30034) }, "failed", 30034},
	}
	// How Logto writes To: digits (1.37.1) or E.164 (1.41 and later).
	forms := []struct {
		logto string
		to    func(twiliosetup.Phone) string
	}{{"1.37.1", twiliosetup.Phone.Digits}, {"1.41.0", twiliosetup.Phone.E164}}
	for _, tt := range tests {
		for _, form := range forms {
			t.Run(tt.name+"/Logto "+form.logto, func(t *testing.T) {
				findSentMessageThenFollow(t, tt.setup, tt.status, tt.code, form.to)
			})
		}
	}
}

// findSentMessageThenFollow sends like Logto (To written by logtoTo), finds the message by its
// recipient, and follows it to status and code.
func findSentMessageThenFollow(t *testing.T, setup func(*twiliotest.Server, string), status string, code int, logtoTo func(twiliosetup.Phone) string) {
	tt := struct {
		setup  func(*twiliotest.Server, string)
		status string
		code   int
	}{setup, status, code}
	synctest.Test(t, func(t *testing.T) {
		s := newStandIn(t, "Full", twiliotest.WithStatusStep(2*time.Second))
		svc := s.srv.AddService(s.sid, "Logto", "+15005550006")
		to := mustPhone(t, "+15551234567")
		tt.setup(s.srv, to.E164())
		start := time.Now()
		mustSendLikeLogto(t, s, svc, logtoTo(to))
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		m, err := s.client.FindSentMessage(ctx, to, start.Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if inbox := s.srv.Inbox(); len(inbox) != 1 || inbox[0].SID != m.SID {
			t.Fatalf("found %+v, inbox %+v", m, inbox)
		}
		if !m.DateCreated.Equal(start.Truncate(time.Second)) {
			t.Errorf("DateCreated %v, want %v", m.DateCreated, start)
		}
		m, err = s.client.Follow(ctx, m.SID, nil)
		if err != nil || m.Status != tt.status || m.ErrorCode != tt.code {
			t.Fatalf("Follow = %+v, %v; want %s %d", m, err, tt.status, tt.code)
		}
		var te *twiliosetup.Error
		if tt.code != 0 && (!errors.As(m.Err(), &te) || te.Code != tt.code || te.What == "") {
			t.Errorf("Err() = %v", m.Err())
		}
		// The list asks for the recipient's few newest messages, without a DateSent filter.
		var lists int
		for _, r := range s.srv.Requests() {
			if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/Messages.json") {
				lists++
				if r.Query.Get("To") != to.E164() || r.Query.Get("PageSize") != "5" || r.Query.Has("DateSent>") {
					t.Errorf("list query %v", r.Query)
				}
			}
		}
		if lists != 1 {
			t.Errorf("%d list requests, want 1 (the message was there)", lists)
		}
	})
}

func TestFindSentMessageWaitsForTheNewOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newStandIn(t, "Full")
		svc := s.srv.AddService(s.sid, "Logto", "+15005550006")
		to := mustPhone(t, "+15551234567")
		mustSendLikeLogto(t, s, svc, to.Digits()) // an earlier test SMS
		mustSendLikeLogto(t, s, svc, "15557654321")
		time.Sleep(10 * time.Second)
		since := time.Now()
		go func() {
			time.Sleep(3 * time.Second)
			if err := sendLikeLogto(s, svc, to.Digits()); err != nil {
				t.Error(err)
			}
		}()
		m, err := s.client.FindSentMessage(t.Context(), to, since)
		if err != nil {
			t.Fatal(err)
		}
		inbox := s.srv.Inbox()
		if len(inbox) != 3 || m.SID != inbox[2].SID {
			t.Fatalf("found %+v, want the newest of %+v", m, inbox)
		}
		if d := time.Since(since); d != 3500*time.Millisecond {
			t.Errorf("found after %v, want 3.5s (polls at 0, 0.5, 1.5 and 3.5 s)", d)
		}
	})
}

func TestFindSentMessageNotFound(t *testing.T) {
	tests := []struct {
		name     string
		deadline time.Duration // of the caller's ctx
		wantIs   error
		took     time.Duration
	}{
		{"nothing within the window", time.Hour, twiliosetup.ErrMessageNotFound, 30 * time.Second},
		{"caller's deadline first", 5 * time.Second, context.DeadlineExceeded, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newStandIn(t, "Full")
				ctx, cancel := context.WithTimeout(t.Context(), tt.deadline)
				defer cancel()
				start := time.Now()
				_, err := s.client.FindSentMessage(ctx, mustPhone(t, "+15551234567"), start)
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("err = %v, want %v", err, tt.wantIs)
				}
				if !errors.Is(tt.wantIs, twiliosetup.ErrMessageNotFound) && errors.Is(err, twiliosetup.ErrMessageNotFound) {
					t.Errorf("err = %v also claims not found", err)
				}
				if d := time.Since(start); d != tt.took {
					t.Errorf("took %v, want %v", d, tt.took)
				}
				if n := len(s.srv.Requests()); n < 3 || n > 12 {
					t.Errorf("%d list requests: want a few, with backoff", n)
				}
			})
		})
	}
}

func TestFindSentMessageErrors(t *testing.T) {
	t.Parallel()
	// A refusal ends the search at once (no synctest: nothing waits).
	s := newStandIn(t, "Full")
	s.srv.Inject(http.MethodGet, "/2010-04-01/Accounts/{AccountSid}/Messages.json", twiliotest.WrongCredentials())
	_, err := s.client.FindSentMessage(t.Context(), mustPhone(t, "+15551234567"), time.Now())
	var te *twiliosetup.Error
	if !errors.As(err, &te) || te.Code != 20003 {
		t.Fatalf("err = %v, want Twilio 20003 at once", err)
	}
	if n := len(s.srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1 (no retry on a refusal)", n)
	}
	if _, err := (&twiliosetup.Client{}).FindSentMessage(t.Context(), twiliosetup.Phone{}, time.Now()); !errors.Is(err, twiliosetup.ErrPhone) {
		t.Errorf("zero phone: %v", err)
	}
}
