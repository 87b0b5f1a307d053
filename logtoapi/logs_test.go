package logtoapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// GET /api/logs has no recording on a real Logto (see logtotest/logs.go); this checks the
// client against the stand-in, which follows the served spec.
func TestApplicationSignIns(t *testing.T) {
	t.Parallel()
	s := newStandin(t)
	app, _ := s.srv.AddTraditionalApp("Bookstore 01", []string{"http://localhost:3000/logto/sign-in-callback"}, nil)
	other, _ := s.srv.AddTraditionalApp("Bookstore 02", []string{"http://localhost:3000/logto/sign-in-callback"}, nil)

	got, err := s.c.ApplicationSignIns(t.Context(), app, 10)
	if err != nil || len(got) != 0 {
		t.Fatalf("before: %v, %v", got, err)
	}
	t0 := time.UnixMilli(time.Now().UnixMilli())
	s.srv.AddLog(logtotest.Log{Key: logtoapi.LogKeyExchangeByAuthorizationCode, ApplicationID: app, UserID: "u1", CreatedAt: t0})
	s.srv.AddLog(logtotest.Log{Key: logtoapi.LogKeyExchangeByAuthorizationCode, ApplicationID: other, UserID: "u2"})
	s.srv.AddLog(logtotest.Log{Key: "ExchangeTokenBy.RefreshToken", ApplicationID: app, UserID: "u1"})
	got, err = s.c.ApplicationSignIns(t.Context(), app, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := logtoapi.LogEntry{Key: logtoapi.LogKeyExchangeByAuthorizationCode, Result: "Success", ApplicationID: app, UserID: "u1", CreatedAt: t0}
	if len(got) != 1 || got[0].ID == "" {
		t.Fatalf("got %+v", got)
	}
	got[0].ID = ""
	if !got[0].CreatedAt.Equal(want.CreatedAt) || got[0].Key != want.Key || got[0].Result != want.Result || got[0].ApplicationID != app || got[0].UserID != "u1" {
		t.Errorf("got %+v, want %+v", got[0], want)
	}
	reqs := s.srv.Requests()
	q := reqs[len(reqs)-1].Query
	if q.Get("applicationId") != app || q.Get("logKey") != logtoapi.LogKeyExchangeByAuthorizationCode || q.Get("page_size") != "10" {
		t.Errorf("query %v", q)
	}

	for _, tc := range []struct {
		id    string
		limit int
		want  string
	}{{"", 5, "App ID is empty"}, {app, 0, "limit 0"}, {app, 101, "limit 101"}} {
		n := len(s.srv.Requests())
		if _, err := s.c.ApplicationSignIns(t.Context(), tc.id, tc.limit); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("(%q, %d): %v, want %q", tc.id, tc.limit, err, tc.want)
		}
		if len(s.srv.Requests()) != n {
			t.Errorf("(%q, %d) sent a request", tc.id, tc.limit)
		}
	}
}
