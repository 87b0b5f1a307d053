package twiliotest

import (
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/snapshotcheck"
)

// FuzzRestore feeds Restore what a sandbox-state.json's "twilio" part may hold after an edit, a
// crash mid-write or a newer program: Restore never panics; a snapshot it refuses wraps
// ErrSnapshot and leaves the stand-in as it was; a snapshot it takes is kept whole, so the
// restored stand-in's own Snapshot restores to the same Snapshot.
func FuzzRestore(f *testing.F) {
	// The stand-in's own output: a trial account as the sandbox seeds it.
	s := NewServer(WithoutListener(), WithStatusStep(0))
	s.AddAccount(Account{SID: snapSID, AuthToken: snapToken, FriendlyName: "Sandbox", Type: "Trial"})
	s.AddNumber(snapSID, "+14155550199")
	s.AddService(snapSID, "Sandbox notifications", "+14155550199")
	s.AddVerifiedCallerID(snapSID, "+14155550123")
	full, err := s.Snapshot()
	s.Close()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	f.Add([]byte(`{"version":1,"kind":"twiliotest","seq":3,"accounts":[{"sid":"AC1","authToken":"t","friendlyName":"","type":"Trial","status":"active","created":"2026-01-02T03:04:05Z"}],` +
		`"numbers":null,"services":null,"callerIds":null,"messages":[{"sid":"SM1","account":"AC1","to":"+1","body":"b","segments":1,"created":"2026-01-02T03:04:05Z","endStatus":""}]}`))
	f.Add([]byte(`{"version":1,"kind":"twiliotest","accounts":[{"sid":"AC1","authToken":"t"},{"sid":"AC1","authToken":"u"}]}`))
	f.Add([]byte(`{"version":1,"kind":"logtotest"}`))
	f.Add([]byte(`{"version":0,"kind":"twiliotest"}`))
	f.Add([]byte(`null`))

	f.Fuzz(func(t *testing.T, data []byte) {
		snapshotcheck.Restore(t, data, func() snapshotcheck.Stand {
			s := NewServer(WithoutListener(), WithStatusStep(0))
			s.AddAccount(Account{SID: snapSID, AuthToken: snapToken})
			return s
		}, ErrSnapshot)
	})
}
