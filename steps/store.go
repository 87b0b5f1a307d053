package steps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/logto-twilio/logto-twilio/internal/atomicfile"
)

// File names inside the store directory.
const (
	SetupFile   = "setup.json"
	SecretsFile = "secrets.json"
)

// Store keeps Setup and Secrets in a directory (by default the user's config
// directory + "/logto-twilio"). Writes are atomic (temp file + rename) and
// both files are mode 0600.
type Store struct {
	Dir string
}

// DefaultStore returns the store in os.UserConfigDir()/logto-twilio. It
// reads the environment only; it touches no file.
func DefaultStore() (Store, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return Store{}, fmt.Errorf("steps: config dir: %w", err)
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
	var raw struct {
		Version         int    `json:"version"`
		M2MAppSecret    string `json:"m2mAppSecret"`
		AppSecret       string `json:"appSecret"`
		TwilioAuthToken string `json:"twilioAuthToken"`
		Pending         string `json:"pending"`
	}
	_, prob, err = s.read(SecretsFile, &raw, "the steps that need a secret will ask for it again")
	if err != nil {
		return Loaded{}, err
	}
	if prob != "" {
		l.Problems = append(l.Problems, prob)
		// Without the secrets, resuming must not pass over the steps that
		// saved them.
		l.Setup.Undo(secretSteps...)
	} else {
		l.Secrets = Secrets{
			Version: raw.Version, M2MAppSecret: Secret(raw.M2MAppSecret),
			AppSecret: Secret(raw.AppSecret), TwilioAuthToken: Secret(raw.TwilioAuthToken),
			Pending: Secret(raw.Pending),
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
		return false, "", fmt.Errorf("steps: read %s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if derr := dec.Decode(v); derr != nil {
		bak := path + ".bak"
		if rerr := os.Rename(path, bak); rerr != nil {
			return false, "", fmt.Errorf("steps: %s is unreadable and could not be moved aside: %w", path, rerr)
		}
		// The decoder's message never quotes the file's content.
		return false, fmt.Sprintf("%s could not be read (%s); it was moved to %s and %s.",
			path, decodeProblem(derr), bak, then), nil
	}
	return true, "", nil
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
		return fmt.Errorf("steps: encode setup: %w", err)
	}
	kb, err := json.Marshal(sec)
	if err != nil {
		return fmt.Errorf("steps: encode secrets: %w", err)
	}
	return s.WriteFiles(sb, kb)
}

// WriteFiles writes already encoded files: Checkpoint encodes them on the UI
// goroutine and writes them later with this.
func (s Store) WriteFiles(setupJSON, secretsJSON []byte) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return saveFailure(s.Dir, fmt.Errorf("steps: create %s: %w", s.Dir, err))
	}
	if err := writeAtomic(filepath.Join(s.Dir, SecretsFile), secretsJSON); err != nil {
		return saveFailure(s.Dir, err)
	}
	return saveFailure(s.Dir, writeAtomic(filepath.Join(s.Dir, SetupFile), append(setupJSON, '\n')))
}

// Reset removes both files (start over). Missing files are fine.
func (s Store) Reset() error {
	for _, n := range []string{SetupFile, SecretsFile} {
		if err := os.Remove(filepath.Join(s.Dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("steps: remove %s: %w", n, err)
		}
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return fmt.Errorf("steps: %w", err)
	}
	return nil
}
