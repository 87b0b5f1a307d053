package sandbox

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"github.com/logto-twilio/logto-twilio/internal/atomicfile"
)

// The files that let several processes share one sandbox folder (see the
// package doc, "One set of stand-ins per folder").
const (
	// LockFile is locked (flock(2), LockFileEx on Windows) by the process
	// that runs the stand-ins, for as long as it runs them. The operating
	// system releases it when that process ends, however it ends, so a lock
	// is never stale: a process that died leaves a lock the next one takes.
	LockFile = "sandbox.lock"
	// ServingFile says where the stand-ins of the process holding LockFile
	// listen, and the key its control requests need. It holds that key:
	// mode 0600. Its holder removes it when it stops; one left by a process
	// that was killed is replaced by the next holder.
	ServingFile = "sandbox-serving.json"
	// WizardLockFile is locked by a sandbox wizard for as long as it runs,
	// so a second wizard in the same folder says so instead of writing the
	// same setup.json at the same time.
	WizardLockFile = "sandbox-wizard.lock"
)

// servingVersion is the version of ServingFile.
const servingVersion = 1

// Serving is ServingFile: which process runs the stand-ins and where.
type Serving struct {
	Version int       `json:"version"`
	PID     int       `json:"pid"`
	Command string    `json:"command"` // the command line that runs them, e.g. "logto-twilio sandbox serve"
	Logto   string    `json:"logto"`   // the Logto stand-in's URL, http://127.0.0.1:PORT
	Twilio  string    `json:"twilio"`  // the Twilio stand-in's URL
	Key     string    `json:"key"`     // the bearer key of the control requests (/__sandbox/…)
	Started time.Time `json:"started"`
}

// String names the serving process for the user.
func (s Serving) String() string {
	if s.Command == "" {
		return fmt.Sprintf("another logto-twilio (pid %d)", s.PID)
	}
	return fmt.Sprintf("%q (pid %d)", s.Command, s.PID)
}

// readServing reads dir's ServingFile; fs.ErrNotExist when there is none.
func readServing(dir string) (Serving, error) {
	b, err := os.ReadFile(filepath.Clean(filepath.Join(dir, ServingFile)))
	if err != nil {
		return Serving{}, err //nolint:wrapcheck // callers test for fs.ErrNotExist
	}
	var s Serving
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&s); err != nil {
		return Serving{}, fmt.Errorf("read %s: %w", ServingFile, err)
	}
	if s.Version != servingVersion {
		return Serving{}, fmt.Errorf("read %s: version %d, this program reads version %d", ServingFile, s.Version, servingVersion)
	}
	return s, nil
}

// writeServing writes s as dir's ServingFile, atomically, mode 0600.
func writeServing(dir string, s Serving) error {
	s.Version = servingVersion
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("sandbox: encode %s: %w", ServingFile, err)
	}
	if err := atomicfile.Write(filepath.Join(dir, ServingFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}

// removeServing removes dir's ServingFile; none there is fine.
func removeServing(dir string) error {
	if err := os.Remove(filepath.Join(dir, ServingFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}

// tryLock takes the lock file at path without waiting: nil, nil when
// another process (or another open of it in this one) holds it.
func tryLock(path string) (*flock.Flock, error) {
	l := flock.New(path)
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("sandbox: lock %s: %w", path, err)
	}
	if !ok {
		return nil, nil
	}
	return l, nil
}

// newKey is a fresh control key.
func newKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
