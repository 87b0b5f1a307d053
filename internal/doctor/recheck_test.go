package doctor

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// recheck runs Recheck on the stand.
func (s *stand) recheck(ids ...string) Results {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.t.Context(), time.Minute)
	defer cancel()
	return Recheck(ctx, s.cfg, ids...)
}

func rowIDs(rs Results) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestRecheck: Recheck runs the checks asked for and the ones they need, in report
// order, and nothing else; a thing deleted behind the setup's back is a FAIL that was
// reached, a service that does not answer a FAIL that was not.
func TestRecheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		ids       []string
		opt       standOpt
		breakIt   func(s *stand)
		wantIDs   []string
		row       string
		status    Status
		detail    string
		unreached bool
	}{
		{
			name: "healthy connector", ids: []string{IDConnector},
			wantIDs: []string{IDM2M, IDConnector}, row: IDConnector, status: Pass,
		},
		{
			name: "connector deleted", ids: []string{IDConnector},
			breakIt: func(s *stand) { s.lg.RemoveConnector(s.connID) },
			wantIDs: []string{IDM2M, IDConnector}, row: IDConnector, status: Fail, detail: "no SMS connector",
		},
		{
			name: "Logto answers 503 for the connectors", ids: []string{IDConnector},
			breakIt: func(s *stand) {
				s.lg.Inject(http.MethodGet, "/api/connectors", logtotest.Fault{Status: 503, Body: `{"message":"busy"}`})
			},
			wantIDs: []string{IDM2M, IDConnector}, row: IDConnector, status: Fail, unreached: true,
		},
		{
			name: "templates need the connector", ids: []string{IDTemplates},
			wantIDs: []string{IDM2M, IDConnector, IDTemplates}, row: IDTemplates, status: Pass, detail: "The connector's",
		},
		{
			name: "service deleted", ids: []string{IDService},
			breakIt: func(s *stand) { s.tw.RemoveSenders(s.svc) },
			wantIDs: []string{IDTwilio, IDService}, row: IDService, status: Fail, detail: "no sender",
		},
		{
			name: "Twilio refuses the token", ids: []string{IDTwilio},
			breakIt: func(s *stand) { s.tw.RevokeAuthToken(acctSID) },
			wantIDs: []string{IDTwilio}, row: IDTwilio, status: Fail, detail: "revoked or rotated",
		},
		{
			name: "Twilio does not answer", ids: []string{IDTwilio},
			breakIt: func(s *stand) {
				s.tw.Inject(http.MethodGet, "*", twiliotest.Fault{Status: 500})
			},
			wantIDs: []string{IDTwilio}, row: IDTwilio, status: Fail, unreached: true,
		},
		{
			name: "test SMS never sent", ids: []string{IDTestSMS, IDEndpoint},
			wantIDs: []string{IDEndpoint}, row: IDEndpoint, status: Pass,
		},
		{
			name: "manual setup", ids: []string{IDConnector, IDAppSecret}, opt: standOpt{manual: true},
			wantIDs: []string{IDM2M, IDAppSecret, IDConnector}, row: IDConnector, status: Skip,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStand(t, tt.opt)
			s.cfg.SendTestSMS = testPhone
			if tt.breakIt != nil {
				tt.breakIt(s)
			}
			before := len(s.lg.Requests())
			twBefore := len(s.tw.Requests())
			rs := s.recheck(tt.ids...)
			if got := rowIDs(rs); !slices.Equal(got, tt.wantIDs) {
				t.Fatalf("rows %v, want %v", got, tt.wantIDs)
			}
			r, _ := rs.Find(tt.row)
			if r.Status != tt.status || !strings.Contains(r.Detail, tt.detail) || r.Unreached != tt.unreached {
				t.Errorf("%s = %s (unreached %v): %s", tt.row, r.Status, r.Unreached, r.Detail)
			}
			for _, q := range s.lg.Requests()[before:] {
				if q.Method != http.MethodGet && (q.Method != http.MethodPost || q.Path != "/oidc/token") {
					t.Errorf("Recheck sent %s %s to Logto", q.Method, q.Path)
				}
			}
			for _, q := range s.tw.Requests()[twBefore:] {
				if q.Method != http.MethodGet {
					t.Errorf("Recheck sent %s %s to Twilio", q.Method, q.Path)
				}
			}
			for _, r := range rs {
				for _, v := range s.secrets() {
					if v != "" && strings.Contains(r.Detail+r.Hint, v) {
						t.Errorf("%s shows a secret", r.ID)
					}
				}
			}
		})
	}
}

// TestRecheckNotFound: without a saved setup there is nothing to re-check.
func TestRecheckNotFound(t *testing.T) {
	t.Parallel()
	if rs := Recheck(t.Context(), Config{}, IDEndpoint, IDSetup); rs != nil {
		t.Fatalf("rows %+v", rs)
	}
}
