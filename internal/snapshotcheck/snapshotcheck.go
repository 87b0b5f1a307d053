// Package snapshotcheck is the property the stand-ins' snapshots keep
// (FuzzRestore in logtoapi/logtotest and twiliosetup/twiliotest): Restore
// never panics; a snapshot it refuses wraps the package's ErrSnapshot and
// leaves the stand-in as it was; a snapshot it takes is kept whole, so the
// restored stand-in's own Snapshot restores to the same Snapshot. For tests.
package snapshotcheck

import (
	"bytes"
	"errors"
	"testing"
)

// Stand is a stand-in whose state can be saved and restored.
type Stand interface {
	Snapshot() ([]byte, error)
	Restore(state []byte) error
	Close()
}

// Restore checks the property for data on fresh stand-ins made by fresh;
// refused is the error a refused snapshot must wrap.
func Restore(t *testing.T, data []byte, fresh func() Stand, refused error) {
	t.Helper()
	s := fresh()
	defer s.Close()
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Restore(data); err != nil {
		if !errors.Is(err, refused) {
			t.Fatalf("Restore = %v, not an %v", err, refused)
		}
		after, err := s.Snapshot()
		if err != nil || !bytes.Equal(before, after) {
			t.Fatalf("a refused snapshot changed the stand-in (%v):\n%s\nwas\n%s", err, after, before)
		}
		return
	}
	first, err := s.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot of a restored stand-in: %v", err)
	}
	again := fresh()
	defer again.Close()
	if err := again.Restore(first); err != nil {
		t.Fatalf("Restore of a restored stand-in's Snapshot: %v\n%s", err, first)
	}
	second, err := again.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot after the second restore: %v", err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("a restored stand-in's Snapshot does not restore to itself:\n%s\nwant\n%s", second, first)
	}
}
