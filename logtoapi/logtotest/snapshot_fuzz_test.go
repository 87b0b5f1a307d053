package logtotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"
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
		s := NewUnstartedServer()
		defer s.Close()
		before, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Restore(data); err != nil {
			if !errors.Is(err, ErrSnapshot) {
				t.Fatalf("Restore = %v, not an ErrSnapshot", err)
			}
			after, err := s.Snapshot()
			if err != nil || !bytes.Equal(before, after) {
				t.Fatalf("a refused snapshot changed the tenant (%v):\n%s\nwas\n%s", err, after, before)
			}
			return
		}
		first, err := s.Snapshot()
		if err != nil {
			t.Fatalf("Snapshot of a restored tenant: %v", err)
		}
		again := NewUnstartedServer()
		defer again.Close()
		if err := again.Restore(first); err != nil {
			t.Fatalf("Restore of a restored tenant's Snapshot: %v\n%s", err, first)
		}
		second, err := again.Snapshot()
		if err != nil {
			t.Fatalf("Snapshot after the second restore: %v", err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("a restored tenant's Snapshot does not restore to itself:\n%s\nwant\n%s", second, first)
		}
	})
}
