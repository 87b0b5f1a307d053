package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

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

// Loaded is what Read or Load found.
type Loaded struct {
	Setup   Setup
	Secrets Secrets
	Found   bool // setup.json existed and was read
	// Damage lists what Read found wrong with the saved files (Load
	// handles it and leaves this empty). A file whose content is unusable
	// leaves its part zero: Setup (and Found false) for setup.json,
	// Secrets (and the steps that saved one undone) for the secrets.
	Damage []Damage
	// Problems are plain sentences about what Load did with damaged files:
	// which file, what was wrong, where the damaged copy is kept, and what
	// happens next.
	Problems []string
	// Moved is a sentence saying that Load moved the secrets to the chosen
	// store (Store.SecretsStore), "" when it did not.
	Moved string

	raw []byte // the secrets as stored (for a move)
}

// Read reads both files and changes nothing: no file is written, moved,
// removed or chmod-ed, and the keyring is only read. What is wrong with
// the files is in Loaded.Damage (a missing file is not damage). It is what
// the read-only commands (doctor, workshop status) use.
func (s Store) Read() (Loaded, error) {
	var l Loaded
	stray, err := atomicfile.Stray(s.Dir, SetupFile, SecretsFile)
	if err != nil {
		return Loaded{}, fmt.Errorf("config: %w", err)
	}
	for _, p := range stray {
		l.Damage = append(l.Damage, Damage{Kind: Stray, File: p, Secrets: true})
	}
	if d, ok := exposedSecrets(s.Dir); ok {
		l.Damage = append(l.Damage, d)
	}
	found, d, err := s.read(SetupFile, &l.Setup)
	if err != nil {
		return Loaded{}, err
	}
	if d == nil && found && l.Setup.Version > SchemaVersion {
		d = &Damage{
			Kind: Newer, File: filepath.Join(s.Dir, SetupFile),
			Detail: fmt.Sprintf("version %d; this logto-twilio reads version %d", l.Setup.Version, SchemaVersion),
		}
	}
	if d != nil {
		l.Damage = append(l.Damage, *d)
		l.Setup, found = Setup{}, false
	}
	l.Found = found
	if d != nil && d.Kind == Newer {
		return l, nil // the newer program may keep its secrets otherwise: not read
	}
	rec, err := s.recorded(l.Setup.SecretsStore)
	if err != nil {
		return Loaded{}, err
	}
	if err := s.readSecrets(&l, rec); err != nil {
		return Loaded{}, err
	}
	l.Setup.SecretsStore = rec
	return l, nil
}

// Load reads both files for a command that saves (the wizard): first it
// tidies the folder (removes the temporary files of saves that were cut
// short, makes a secrets file that others can read private), then it reads
// (Read), and a file whose content is unusable is moved to <name>.bak (a
// name not yet taken) so that the next save does not replace it; Problems
// say each, and what happens next. A file made by a newer logto-twilio is
// refused (*NewerError) and left as it is. A missing file is not an error.
func (s Store) Load() (Loaded, error) {
	problems := s.tidy()
	l, err := s.Read()
	if err != nil {
		return Loaded{}, err
	}
	for _, d := range l.Damage {
		if d.Kind == Newer {
			return Loaded{}, &NewerError{Damage: d}
		}
	}
	for _, d := range l.Damage {
		p, err := s.settle(d)
		if err != nil {
			return Loaded{}, err
		}
		if p != "" {
			problems = append(problems, p)
		}
	}
	l.Damage, l.Problems = nil, problems
	if to := s.SecretsStore; l.raw != nil && l.Found && l.Setup.SecretsStore != to && (to == SecretsStoreKeyring || to == SecretsStoreFile) {
		sb, err := os.ReadFile(filepath.Join(s.Dir, SetupFile))
		if err != nil {
			return Loaded{}, fmt.Errorf("config: read %s: %w", SetupFile, err)
		}
		if err := s.move(&l, sb, l.raw, l.Setup.SecretsStore, to); err != nil {
			return Loaded{}, err
		}
	}
	return l, nil
}

// tidy removes the stray temporary files of this store's saves and makes
// a secrets file that others can read private; it returns a sentence for
// each thing it did or could not do. Only Load calls it: Read never does.
func (s Store) tidy() []string {
	var out []string
	removed, err := atomicfile.RemoveStray(s.Dir, SetupFile, SecretsFile)
	for _, p := range removed {
		out = append(out, fmt.Sprintf("%s, left by a save that was cut short, was removed (it may have held secrets).", p))
	}
	if err != nil {
		out = append(out, fmt.Sprintf("A file left by a save that was cut short could not be removed (%v); remove it by hand.", err))
	}
	if p := tightenSecrets(s.Dir); p != "" {
		out = append(out, p)
	}
	return out
}

// settle deals with one damage Read found, for Load: an unusable file is
// moved aside; it returns the sentence saying what was done and what
// happens next.
func (s Store) settle(d Damage) (string, error) {
	const askAgain = "the steps that need a secret will ask for it again."
	switch {
	case d.Kind == Corrupt && d.File == filepath.Join(s.Dir, SetupFile):
		return s.quarantine(SetupFile, d, "the wizard starts a new setup")
	case d.Kind == Corrupt && d.File == filepath.Join(s.Dir, SecretsFile):
		return s.quarantine(SecretsFile, d, askAgain)
	case d.Kind == Corrupt:
		// The keyring item: the next save replaces it.
		return fmt.Sprintf("The secrets in the %s could not be read (%s); the next save replaces them, and %s", d.File, d.Detail, askAgain), nil
	case d.Kind == Missing:
		return fmt.Sprintf("The secrets were not found in %s; %s", d.File, strings.TrimSuffix(askAgain, ".")+"."), nil
	}
	// Exposed or Stray: tidy could not fix it, and said so.
	return "", nil
}

// secretSteps are the steps whose outcome includes a secret: the M2M or
// app secret (credentials), the app secret read through the Management API
// (app) and the Twilio Auth Token (twilio).
var secretSteps = []string{"credentials", "app", "twilio"}

// read decodes the file name into v. A file that does not decode is
// returned as Corrupt damage; nothing is changed.
func (s Store) read(name string, v any) (found bool, d *Damage, err error) {
	path := filepath.Join(s.Dir, name)
	b, err := os.ReadFile(filepath.Clean(path))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	if derr := decodeStrict(b, v); derr != nil {
		return false, &Damage{Kind: Corrupt, File: path, Detail: decodeProblem(derr), Secrets: name == SecretsFile}, nil
	}
	return true, nil, nil
}

// decodeStrict decodes one JSON document into v; anything after it but
// white space is damage too (a file cut and glued).
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	if dec.More() {
		return errTrailing
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errTrailing
	}
	return nil
}

var errTrailing = errors.New("text after the JSON document")

// quarantine moves the damaged file name to a free <name>.bak name and
// returns the sentence saying so (then says what happens next).
func (s Store) quarantine(name string, d Damage, then string) (string, error) {
	path := filepath.Join(s.Dir, name)
	bak := atomicfile.FreeName(path + ".bak")
	if rerr := os.Rename(path, bak); rerr != nil {
		return "", fmt.Errorf("config: %s is damaged (%s) and could not be moved aside: %w", path, d.Detail, rerr)
	}
	// The detail never quotes the file's content.
	return fmt.Sprintf("%s was damaged (%s); the damaged copy is kept as %s, and %s.",
		path, d.Detail, bak, strings.TrimSuffix(then, ".")), nil
}

func decodeProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return "it ends too early: cut short or empty"
	case errors.Is(err, errTrailing):
		return "text follows the JSON document"
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
