package twiliosetup_test

import (
	"errors"
	"testing"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// TestStandInDeleteService: the service goes, its number stays in the account, and a
// second delete is 20404.
func TestStandInDeleteService(t *testing.T) {
	t.Parallel()
	s := newStandIn(t, "Full")
	s.srv.AddNumber(s.sid, "+15005550006")
	sid := s.srv.AddService(s.sid, "Logto SMS sign-in", "+15005550006")
	keep := s.srv.AddService(s.sid, "Other")
	ctx := t.Context()
	if err := s.client.DeleteService(ctx, sid); err != nil {
		t.Fatal(err)
	}
	list, err := s.client.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].SID != keep {
		t.Fatalf("services after delete: %+v", list)
	}
	nums, err := s.client.Numbers(ctx)
	if err != nil || len(nums) != 1 {
		t.Fatalf("numbers after delete: %+v, %v", nums, err)
	}
	err = s.client.DeleteService(ctx, sid)
	var te *twiliosetup.Error
	if !errors.As(err, &te) || te.Code != 20404 {
		t.Fatalf("second delete: %v, want 20404", err)
	}
	if err := s.client.DeleteService(ctx, "MGnot-a-sid"); err == nil {
		t.Fatal("bad SID accepted")
	}
	var deletes int
	for _, r := range s.srv.Requests() {
		if r.Method == "DELETE" {
			deletes++
		}
	}
	if deletes != 2 {
		t.Fatalf("%d DELETE requests, want 2 (the bad SID sends none)", deletes)
	}
}
