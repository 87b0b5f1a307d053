package twiliotest

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

const (
	snapSID   = "AC0123456789abcdef0123456789abcdef"
	snapToken = "0123456789abcdef0123456789abcdef"
)

// post sends a form with the account's Basic auth through the in-memory transport.
func post(t *testing.T, s *Server, rawURL, token string, form url.Values) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(snapSID, token)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// seeded is a trial account as the sandbox leaves it after a setup: a number in a Messaging
// Service, a verified caller ID, a pending verification, a secondary token and a sent message.
func seeded(t *testing.T) *Server {
	t.Helper()
	s := NewServer(WithoutListener(), WithStatusStep(0)) // statuses move by fetches, not time
	t.Cleanup(s.Close)
	s.AddAccount(Account{SID: snapSID, AuthToken: snapToken, FriendlyName: "Sandbox", Type: "Trial"})
	s.AddNumber(snapSID, "+14155550199")
	svc := s.AddService(snapSID, "Sandbox notifications", "+14155550199")
	s.AddVerifiedCallerID(snapSID, "+14155550123")
	if c := post(t, s, "https://api.twilio.com/2010-04-01/Accounts/"+snapSID+"/OutgoingCallerIds.json", snapToken,
		url.Values{"PhoneNumber": {"+14155550124"}}); c/100 != 2 {
		t.Fatalf("caller ID verification answered %d", c)
	}
	if c := post(t, s, "https://accounts.twilio.com/v1/AuthTokens/Secondary", snapToken, nil); c != http.StatusCreated {
		t.Fatalf("secondary token answered %d", c)
	}
	if c := post(t, s, "https://api.twilio.com/2010-04-01/Accounts/"+snapSID+"/Messages.json", snapToken,
		url.Values{"To": {"+14155550123"}, "MessagingServiceSid": {svc}, "Body": {"Your code is 123456"}}); c != http.StatusCreated {
		t.Fatalf("message answered %d", c)
	}
	return s
}

func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	src := seeded(t)
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	dst := NewServer(WithoutListener(), WithStatusStep(0))
	t.Cleanup(dst.Close)
	if err := dst.Restore(snap); err != nil {
		t.Fatal(err)
	}
	again, err := dst.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(snap, again) {
		t.Errorf("a restored stand-in's snapshot differs:\n%s\nwant\n%s", again, snap)
	}
	got, want := dst.Inbox(), src.Inbox()
	for i := range min(len(got), len(want)) {
		// The same instant; a file keeps neither the monotonic reading nor the zone pointer.
		if got[i].DateCreated.Equal(want[i].DateCreated) {
			got[i].DateCreated = want[i].DateCreated
		}
	}
	if !reflect.DeepEqual(got, want) || len(got) != 1 {
		t.Errorf("inbox after restore:\n%+v\nwant\n%+v", got, want)
	}
	for _, want := range []string{`"secondaryAuthToken"`, `"+14155550124"`, `"Sandbox notifications"`, `"+14155550123"`} {
		if !strings.Contains(string(snap), want) {
			t.Errorf("the snapshot lacks %s", want)
		}
	}
	// The secondary token came along: promoting it makes it the primary one.
	if c := post(t, dst, "https://accounts.twilio.com/v1/AuthTokens/Promote", snapToken, nil); c != http.StatusOK {
		t.Fatalf("promote after restore answered %d", c)
	}
	if dst.AuthToken(snapSID) == snapToken {
		t.Errorf("the promoted token is still the old primary")
	}
	// The caller-ID verification pending before can be completed after.
	if !dst.ConfirmVerification(snapSID, "+14155550124") {
		t.Errorf("the pending verification was lost")
	}
	// New SIDs do not collide with restored ones.
	if sid := dst.AddNumber(snapSID, "+14155550100"); strings.Contains(string(snap), sid) {
		t.Errorf("a new number got restored SID %s", sid)
	}
	// WaitMessage does not hand out a message sent before the restore.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := dst.WaitMessage(ctx, "+14155550123"); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitMessage after restore = %v, want no message", err)
	}
}

func TestRestoreRefusesBadSnapshots(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"not JSON":        "{nope",
		"empty":           "",
		"another version": `{"version":2,"kind":"twiliotest"}`,
		"logto's":         `{"version":1,"kind":"logtotest"}`,
		"no auth token":   `{"version":1,"kind":"twiliotest","accounts":[{"sid":"AC1"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(WithoutListener())
			defer s.Close()
			s.AddAccount(Account{SID: snapSID, AuthToken: snapToken})
			if err := s.Restore([]byte(in)); !errors.Is(err, ErrSnapshot) {
				t.Errorf("Restore = %v, want ErrSnapshot", err)
			}
			if s.AuthToken(snapSID) != snapToken {
				t.Errorf("a refused snapshot changed the stand-in")
			}
		})
	}
}

func TestWithListener(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(WithListener(l))
	defer s.Close()
	if want := "http://" + l.Addr().String(); s.URL != want {
		t.Fatalf("URL %s, want %s", s.URL, want)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/2010-04-01/Accounts/"+snapSID+".json", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("the stand-in does not answer on the given listener: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d without credentials, want 401", resp.StatusCode)
	}
}
