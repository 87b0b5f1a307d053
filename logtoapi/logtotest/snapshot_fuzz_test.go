package logtotest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/snapshotcheck"
)

// FuzzRestore feeds Restore what a sandbox-state.json's "logto" part may hold after an edit, a
// crash mid-write or a newer program: Restore never panics; a snapshot it refuses wraps
// ErrSnapshot and leaves the tenant as it was; a snapshot it takes is kept whole, so the
// restored tenant's own Snapshot restores to the same Snapshot (a second restart of the sandbox
// finds what the first one found).
func FuzzRestore(f *testing.F) {
	// The stand-in's own output: a tenant as the wizard leaves it, with logs and SMS.
	s := NewServer()
	_, _ = s.AddM2MApp("wizard (M2M)", true)
	appID, _ := s.AddTraditionalApp("Bookstore", []string{"http://localhost:3000/callback"}, []string{"http://localhost:3000"})
	s.SetSMSConnector("twilio-short-message-service", json.RawMessage(`{"accountSID":"AC1","authToken":"tok","templates":[{"usageType":"Generic","content":"{{code}}"}]}`))
	s.AddUser("14155550123")
	s.AddLog(Log{Key: LogKeyExchangeByAuthorizationCode, ApplicationID: appID, UserID: "u1", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)})
	full, err := s.Snapshot()
	s.Close()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	fresh := NewUnstartedServer()
	empty, err := fresh.Snapshot()
	fresh.Close()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(empty)
	// A version-1 snapshot written before logs and SMS were kept, and a few refused ones.
	f.Add([]byte(`{"version":1,"kind":"logtotest","apps":[{"id":"a1","name":"x","type":"MachineToMachine","redirectUris":null,"postLogoutRedirectUris":null,"createdAt":1}],"roles":[{"id":"r1","name":"Logto Management API access","description":"","type":"MachineToMachine","scopes":["all"]}],"connectors":[],"signInExperience":{"signUp":{"identifiers":["phone"]}},"users":[{"id":"u1","phoneNumber":"1415","createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z"}]}`))
	f.Add([]byte(`{"version":1,"kind":"twiliotest"}`))
	f.Add([]byte(`{"version":2,"kind":"logtotest"}`))
	f.Add([]byte(`{"version":1,"kind":"logtotest","roles":[{}],"signInExperience":[1]}`))
	f.Add([]byte(`null`))

	f.Fuzz(func(t *testing.T, data []byte) {
		snapshotcheck.Restore(t, data, func() snapshotcheck.Stand { return NewUnstartedServer() }, ErrSnapshot)
	})
}
