package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// SaveError is a save into the store's folder that the system refused
// (no permission, a read-only file system). Explain names the folder once
// and says how to fix it.
type SaveError struct {
	Dir string
	Err error
}

// Error names the folder and the system's reason.
func (e *SaveError) Error() string { return "config: save in " + e.Dir + ": " + e.Err.Error() }

// Unwrap returns the system's error.
func (e *SaveError) Unwrap() error { return e.Err }

// Explain says why nothing can be saved there and what to do.
func (e *SaveError) Explain() (what, next string) {
	why := "it is not writable"
	if errors.Is(e.Err, syscall.EROFS) {
		why = "it is on a read-only file system"
	}
	return "cannot save in " + e.Dir + ": " + why,
		"Your answers are kept while the wizard runs, but not saved. To save them, quit and run it again " +
			"with --config-dir <a writable folder>, or make this one writable (chmod u+w " + e.Dir + ")."
}

// saveFailure types a write error of the store: a refused write becomes a
// *SaveError; others pass as they are.
func saveFailure(dir string, err error) error {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return &SaveError{Dir: dir, Err: err}
	}
	return err
}

// exposedSecrets reports a secrets file that other users can read.
func exposedSecrets(dir string) (Damage, bool) {
	path := filepath.Join(dir, SecretsFile)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return Damage{}, false
	}
	return Damage{Kind: Exposed, File: path, Detail: fmt.Sprintf("mode %04o", fi.Mode().Perm()), Secrets: true}, true
}

// tightenSecrets makes an existing secrets file that others can read
// private (0600) and says so once; "" when there was nothing to say.
func tightenSecrets(dir string) string {
	path := filepath.Join(dir, SecretsFile)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return ""
	}
	mode := fi.Mode().Perm()
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Sprintf("%s is readable by other users (mode %04o), and could not be made private: run chmod 600 %s.", path, mode, path)
	}
	return fmt.Sprintf("%s was readable by other users (mode %04o); it is now 0600.", path, mode)
}
