package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/logto-twilio/logto-twilio/internal/docs"
)

// Secrets stores: where Store keeps the secrets (Store.SecretsStore, the
// --secrets-store flag). setup.json records the one in use
// (Setup.SecretsStore) so that a later run knows where to look.
const (
	// SecretsStoreAuto keeps the secrets where the saved setup has them;
	// a new setup uses the OS keyring when a probe of it works, else the
	// file (as gh does).
	SecretsStoreAuto = "auto"
	// SecretsStoreKeyring keeps them in the OS keyring, as one item.
	SecretsStoreKeyring = "keyring"
	// SecretsStoreFile keeps them in secrets.json (mode 0600) in the
	// store's directory.
	SecretsStoreFile = "file"
)

// ParseSecretsStore checks a --secrets-store value ("" is auto).
func ParseSecretsStore(v string) (string, error) {
	switch v {
	case "":
		return SecretsStoreAuto, nil
	case SecretsStoreAuto, SecretsStoreKeyring, SecretsStoreFile:
		return v, nil
	}
	return "", fmt.Errorf("config: unknown secrets store %q: use keyring, file or auto", v)
}

// secretBackend keeps the encoded Secrets (one JSON document) in one place.
type secretBackend interface {
	kind() string  // SecretsStoreKeyring or SecretsStoreFile
	where() string // for people: "OS keyring (…)" or "<path> (mode 0600)"
	// read returns the document; found is false when there is none.
	read() (data []byte, found bool, err error)
	write(data []byte) error
	// remove deletes the document; a missing one is not an error.
	remove() error
}

// fileBackend is secrets.json in the store's directory, mode 0600.
type fileBackend struct{ path string }

func (fileBackend) kind() string { return SecretsStoreFile }

func (f fileBackend) where() string { return f.path + " (mode 0600)" }

func (f fileBackend) read() ([]byte, bool, error) {
	b, err := os.ReadFile(filepath.Clean(f.path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("config: read %s: %w", f.path, err)
	}
	return b, true, nil
}

func (f fileBackend) write(data []byte) error { return writeAtomic(f.path, data) }

func (f fileBackend) remove() error {
	if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config: remove %s: %w", f.path, err)
	}
	return nil
}

// backend returns the backend of a store kind (SecretsStoreKeyring or
// SecretsStoreFile).
func (s Store) backend(kind string) secretBackend {
	if kind == SecretsStoreKeyring {
		return newKeyringBackend(s.kr, s.Dir)
	}
	return fileBackend{path: filepath.Join(s.Dir, SecretsFile)}
}

// recorded returns the store that holds the saved secrets: the one
// setup.json names, else the file when secrets.json exists (setups saved
// before the keyring), else "" (nothing saved).
func (s Store) recorded(named string) (string, error) {
	switch named {
	case SecretsStoreKeyring, SecretsStoreFile:
		return named, nil
	case "":
		if _, err := os.Stat(filepath.Join(s.Dir, SecretsFile)); err == nil {
			return SecretsStoreFile, nil
		}
		return "", nil
	}
	return "", fmt.Errorf("config: %s names the secrets store %q, which this version of logto-twilio does not know; update logto-twilio",
		filepath.Join(s.Dir, SetupFile), named)
}

// recordedOnDisk is recorded for the setup.json on disk now.
func (s Store) recordedOnDisk() (string, error) {
	var named struct {
		SecretsStore string `json:"secretsStore"`
	}
	b, err := os.ReadFile(filepath.Join(s.Dir, SetupFile))
	if err == nil {
		// An unreadable setup.json names nothing (Load reports it).
		_ = json.Unmarshal(b, &named)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("config: read %s: %w", filepath.Join(s.Dir, SetupFile), err)
	}
	return s.recorded(named.SecretsStore)
}

// target is the store the next save writes to: the chosen one, else the
// recorded one, else (auto) the keyring when a probe works, else the file.
func (s Store) target(recorded string) string {
	switch s.SecretsStore {
	case SecretsStoreKeyring, SecretsStoreFile:
		return s.SecretsStore
	}
	if recorded != "" {
		return recorded
	}
	if s.SecretsStore == SecretsStoreAuto && probeKeyring(s.kr) == nil {
		return SecretsStoreKeyring
	}
	return SecretsStoreFile
}

// SecretsWhere says where the saved secrets are, for the summary and
// doctor: `OS keyring (item "logto-twilio")` or "<dir>/secrets.json (mode
// 0600)". When nothing is saved yet it names where the next save puts
// them, without probing the keyring ("OS keyring if it works, else …"
// for auto). It reads setup.json only; it never touches the keyring.
func (s Store) SecretsWhere() string {
	rec, err := s.recordedOnDisk()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	if rec == "" {
		switch s.SecretsStore {
		case SecretsStoreKeyring, SecretsStoreFile:
			rec = s.SecretsStore
		case SecretsStoreAuto:
			return keyringWhere + " if it works, else " + s.backend(SecretsStoreFile).where()
		default:
			rec = SecretsStoreFile
		}
	}
	return s.backend(rec).where()
}

// KeyringUnavailableError is returned by Load when setup.json says the
// secrets are in the OS keyring and the keyring cannot be reached: the
// saved setup is neither used without its secrets nor started afresh.
type KeyringUnavailableError struct {
	Err error // the keyring's error
}

func (e *KeyringUnavailableError) Error() string {
	return fmt.Sprintf("the secrets of the saved setup are in the OS keyring, which is not reachable here (%v). "+
		"Run logto-twilio where the keyring is reachable (your desktop session, not SSH), "+
		"and add --secrets-store file there to move them into a file (mode 0600) that works everywhere. %s", e.Err, docs.KeyringOverSSH.More())
}

// Unwrap returns the cause.
func (e *KeyringUnavailableError) Unwrap() error { return e.Err }

// readSecrets reads the secrets from the store rec into l (and l.raw, the
// document as stored, for a move). Unusable secrets are Damage, and the
// steps that saved one are undone in l.Setup; nothing is changed.
func (s Store) readSecrets(l *Loaded, rec string) error {
	if rec == "" {
		return nil
	}
	b := s.backend(rec)
	file := b.where()
	if rec == SecretsStoreFile {
		file = filepath.Join(s.Dir, SecretsFile)
	}
	data, found, err := b.read()
	if err != nil {
		if rec == SecretsStoreKeyring {
			return &KeyringUnavailableError{Err: err}
		}
		return err
	}
	var d *Damage
	var v secretsJSON
	switch {
	case !found:
		// setup.json names a store that has no secrets: whatever saved
		// them is gone; the steps that need one ask again.
		d = &Damage{Kind: Missing, File: b.where(), Secrets: true}
	default:
		if derr := decodeStrict(data, &v); derr != nil {
			d = &Damage{Kind: Corrupt, File: file, Detail: decodeProblem(derr), Secrets: true}
		} else if v.Version > SchemaVersion {
			d = &Damage{
				Kind: Newer, File: file, Secrets: true,
				Detail: fmt.Sprintf("version %d; this logto-twilio reads version %d", v.Version, SchemaVersion),
			}
		}
	}
	if d != nil {
		l.Damage = append(l.Damage, *d)
		l.Setup.Undo(secretSteps...)
		return nil
	}
	l.Secrets, l.raw = v.secrets(), data
	return nil
}

// secretsJSON is the stored form of Secrets (see Secrets.MarshalJSON).
type secretsJSON struct {
	Version         int    `json:"version"`
	M2MAppSecret    string `json:"m2mAppSecret"`
	AppSecret       string `json:"appSecret"`
	TwilioAuthToken string `json:"twilioAuthToken"`
	Pending         string `json:"pending"`
}

func (v secretsJSON) secrets() Secrets {
	return Secrets{
		Version: v.Version, M2MAppSecret: Secret(v.M2MAppSecret),
		AppSecret: Secret(v.AppSecret), TwilioAuthToken: Secret(v.TwilioAuthToken),
		Pending: Secret(v.Pending),
	}
}

// move puts the secrets (raw, as read from the store from) into the store
// to, in an order that never loses one: write the new copy, read it back
// and compare, then let setup.json name the new store, and only then remove
// the old copy. A failure before setup.json is rewritten leaves everything
// as it was (the new copy is removed again). A failure to remove the old
// copy is reported in l.Problems, not as an error: the secrets are safe.
func (s Store) move(l *Loaded, setupJSON, raw []byte, from, to string) error {
	oldB, newB := s.backend(from), s.backend(to)
	undo := func(err error) error {
		_ = newB.remove()
		return fmt.Errorf("config: cannot move the secrets from %s to %s; they stay where they were: %w", oldB.where(), newB.where(), err)
	}
	if err := newB.write(raw); err != nil {
		return undo(err)
	}
	back, found, err := newB.read()
	if err != nil {
		return undo(err)
	}
	if !found || !bytes.Equal(back, raw) {
		return undo(errors.New("what was read back differs from what was written"))
	}
	if err := writeAtomic(filepath.Join(s.Dir, SetupFile), withSecretsStore(setupJSON, to)); err != nil {
		return undo(err)
	}
	l.Setup.SecretsStore = to
	l.Moved = fmt.Sprintf("The secrets were moved from %s to %s.", oldB.where(), newB.where())
	if err := oldB.remove(); err != nil {
		l.Problems = append(l.Problems, fmt.Sprintf("The secrets are now in %s, but the old copy in %s could not be removed (%v); remove it by hand.",
			newB.where(), oldB.where(), err))
	}
	return nil
}

// withSecretsStore returns setup.json's content naming the store kind,
// ending in a newline. Content that is not a setup is returned as it is (a
// later Load reports it).
func withSecretsStore(setupJSON []byte, kind string) []byte {
	var su Setup
	if err := json.Unmarshal(setupJSON, &su); err != nil || su.SecretsStore == kind {
		return withNewline(setupJSON)
	}
	su.SecretsStore = kind
	b, err := json.MarshalIndent(su, "", "  ")
	if err != nil {
		// Setup always encodes (it was just decoded).
		return withNewline(setupJSON)
	}
	return append(b, '\n')
}

// withNewline returns a copy of b ending in one newline.
func withNewline(b []byte) []byte {
	out := bytes.TrimRight(b, "\n")
	return append(out[:len(out):len(out)], '\n')
}

// writeSecrets is WriteFiles' part for the secrets: it writes them to the
// target store and returns it (setup.json must then name it), and the
// store that held them before when that is another one (its copy is
// removed once setup.json names the new store).
func (s Store) writeSecrets(secretsJSON []byte) (to, old string, err error) {
	rec, err := s.recordedOnDisk()
	if err != nil {
		return "", "", err
	}
	to = s.target(rec)
	b := s.backend(to)
	if err := b.write(secretsJSON); err != nil {
		return "", "", err
	}
	if rec != "" && rec != to {
		// A move: the old copy goes only once the new one is known good.
		back, found, err := b.read()
		if err != nil {
			return "", "", err
		}
		if !found || !bytes.Equal(back, secretsJSON) {
			return "", "", fmt.Errorf("config: the secrets read back from %s differ from those written; they stay in %s", b.where(), s.backend(rec).where())
		}
		old = rec
	}
	return to, old, nil
}
