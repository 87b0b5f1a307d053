package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zalando/go-keyring"

	"github.com/logto-twilio/logto-twilio/internal/atomicfile"
)

// File names inside the store directory.
const (
	SetupFile   = "setup.json"
	SecretsFile = "secrets.json"
)

// Store keeps Setup in a directory (by default the user's config directory +
// "/logto-twilio") and Secrets in the OS keyring or in a file of that
// directory (see SecretsStore). Writes are atomic (temp file + rename) and
// both files are mode 0600.
type Store struct {
	Dir string
	// SecretsStore chooses where the secrets are kept: SecretsStoreKeyring
	// or SecretsStoreFile (a saved setup's secrets are moved there by the
	// next Load), SecretsStoreAuto (where the saved setup has them; for a
	// new setup the keyring when it works, else the file), or "" (where the
	// saved setup has them, else the file; the keyring is never probed).
	SecretsStore string

	kr keyring.Keyring // nil: the OS keyring (tests put a fake here)
}

// DefaultStore returns the store in os.UserConfigDir()/logto-twilio. It
// reads the environment only; it touches no file.
func DefaultStore() (Store, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return Store{}, fmt.Errorf("config: config dir: %w", err)
	}
	return Store{Dir: filepath.Join(dir, "logto-twilio")}, nil
}

// Loaded is what Load found.
type Loaded struct {
	Setup   Setup
	Secrets Secrets
	Found   bool // setup.json existed and was read
	// Problems are plain sentences about files that could not be read; each
	// such file was moved to <name>.bak and the wizard starts fresh.
	Problems []string
	// Moved is a sentence saying that Load moved the secrets to the chosen
	// store (Store.SecretsStore), "" when it did not.
	Moved string
}

// Load reads both files. A missing file is not an error. A corrupt one is
// moved to <name>.bak and reported in Problems, never a crash.
func (s Store) Load() (Loaded, error) {
	var l Loaded
	if p := tightenSecrets(s.Dir); p != "" {
		l.Problems = append(l.Problems, p)
	}
	found, prob, err := s.read(SetupFile, &l.Setup, "the wizard starts fresh")
	if err != nil {
		return Loaded{}, err
	}
	l.Found = found
	if prob != "" {
		l.Problems = append(l.Problems, prob)
		l.Setup = Setup{}
	}
	rec, err := s.recorded(l.Setup.SecretsStore)
	if err != nil {
		return Loaded{}, err
	}
	raw, err := s.loadSecrets(&l, rec)
	if err != nil {
		return Loaded{}, err
	}
	l.Setup.SecretsStore = rec
	if to := s.SecretsStore; raw != nil && l.Found && rec != to && (to == SecretsStoreKeyring || to == SecretsStoreFile) {
		sb, err := os.ReadFile(filepath.Join(s.Dir, SetupFile))
		if err != nil {
			return Loaded{}, fmt.Errorf("config: read %s: %w", SetupFile, err)
		}
		if err := s.move(&l, sb, raw, rec, to); err != nil {
			return Loaded{}, err
		}
	}
	return l, nil
}

// secretSteps are the steps whose outcome includes a secret: the M2M or
// app secret (credentials), the app secret read through the Management API
// (app) and the Twilio Auth Token (twilio).
var secretSteps = []string{"credentials", "app", "twilio"}

// read decodes the file name into v. An unreadable file is moved to .bak
// and reported as a problem sentence ending in then (what happens next).
func (s Store) read(name string, v any, then string) (found bool, problem string, err error) {
	path := filepath.Join(s.Dir, name)
	b, err := os.ReadFile(filepath.Clean(path))
	if errors.Is(err, fs.ErrNotExist) {
		return false, "", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("config: read %s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if derr := dec.Decode(v); derr != nil {
		prob, err := s.quarantine(name, derr, then)
		return false, prob, err
	}
	return true, "", nil
}

// quarantine moves the unreadable file name to <name>.bak and returns the
// problem sentence (decoding failed with derr; then says what happens next).
func (s Store) quarantine(name string, derr error, then string) (string, error) {
	path := filepath.Join(s.Dir, name)
	bak := path + ".bak"
	if rerr := os.Rename(path, bak); rerr != nil {
		return "", fmt.Errorf("config: %s is unreadable and could not be moved aside: %w", path, rerr)
	}
	// The decoder's message never quotes the file's content.
	return fmt.Sprintf("%s could not be read (%s); it was moved to %s and %s.",
		path, decodeProblem(derr), bak, then), nil
}

func decodeProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q has the wrong type", te.Field)
	}
	return "not valid JSON"
}

// Save writes both files atomically. The directory is created with mode
// 0700 and the files with 0600.
func (s Store) Save(setup Setup, sec Secrets) error {
	setup.Version, sec.Version = SchemaVersion, SchemaVersion
	sb, err := json.MarshalIndent(setup, "", "  ")
	if err != nil {
		return fmt.Errorf("config: encode setup: %w", err)
	}
	kb, err := json.Marshal(sec)
	if err != nil {
		return fmt.Errorf("config: encode secrets: %w", err)
	}
	return s.WriteFiles(sb, kb)
}

// WriteFiles writes already encoded files: Checkpoint encodes them on the UI
// goroutine and writes them later with this; the secrets first,
// to the store chosen by SecretsStore, then setup.json naming that store
// (whatever setupJSON's secretsStore says), so setup.json never names a
// store without the secrets. When the secrets were in the other store, its
// copy is removed last.
func (s Store) WriteFiles(setupJSON, secretsJSON []byte) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return saveFailure(s.Dir, fmt.Errorf("config: create %s: %w", s.Dir, err))
	}
	to, old, err := s.writeSecrets(secretsJSON)
	if err != nil {
		return saveFailure(s.Dir, err)
	}
	if err := writeAtomic(filepath.Join(s.Dir, SetupFile), withSecretsStore(setupJSON, to)); err != nil {
		return saveFailure(s.Dir, err)
	}
	if old == "" && to == SecretsStoreKeyring {
		// A move cut short after setup.json named the keyring leaves
		// secrets.json behind: no plain-text copy stays.
		old = SecretsStoreFile
	}
	if old != "" {
		if err := s.backend(old).remove(); err != nil {
			return fmt.Errorf("config: the secrets are saved in %s, but the old copy could not be removed: %w", s.backend(to).where(), err)
		}
	}
	return nil
}

// Reset removes the secrets (from the store that holds them), then
// setup.json (start over). Missing files are fine.
func (s Store) Reset() error {
	rec, err := s.recordedOnDisk()
	if err != nil {
		return err
	}
	if rec == SecretsStoreKeyring {
		if err := s.backend(rec).remove(); err != nil {
			return err
		}
	}
	for _, n := range []string{SecretsFile, SetupFile} {
		if err := os.Remove(filepath.Join(s.Dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("config: remove %s: %w", n, err)
		}
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}
