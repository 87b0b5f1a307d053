package logtotest

import (
	"net/http"
	"testing"
)

// Each sent SMS names the application the end user was signing in to (SMS.AppID), also when the
// connector failed to send it.
func TestSentSMSKnowsItsApp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		other        bool // sign in to a second app rather than the tenant's first
		twilioStatus int  // 0: Twilio accepts the message
	}{
		{"first app", false, 0},
		{"second app", true, 0},
		{"Twilio refuses", true, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tt := newTestTenant(t)
			other, _ := tt.s.AddTraditionalApp("Other", []string{testRedirect}, []string{testPostLogout})
			want := tt.appID
			if tc.other {
				want = other
			}
			if tc.twilioStatus != 0 {
				tt.tw.mu.Lock()
				tt.tw.status, tt.tw.body = tc.twilioStatus, `{"code":21211,"message":"Invalid 'To' Phone Number","status":400}`
				tt.tw.mu.Unlock()
			}
			_, err := tt.s.NewBrowser().SignInByPhone(t.Context(), authQuery(want, nil), "12015550199")
			if (err == nil) != (tc.twilioStatus == 0) {
				t.Fatalf("sign-in: %v", err)
			}
			sent := tt.s.SentSMS()
			if len(sent) != 1 {
				t.Fatalf("sent %+v, want one SMS", sent)
			}
			if sent[0].AppID != want || sent[0].To != "12015550199" || (sent[0].Err != nil) != (tc.twilioStatus != 0) {
				t.Errorf("SMS %+v, want AppID %q", sent[0], want)
			}
			if last, ok := tt.s.LastSMS("12015550199"); !ok || last.AppID != want {
				t.Errorf("LastSMS %+v, want AppID %q", last, want)
			}
		})
	}
}
