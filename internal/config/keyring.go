package config

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name of the one OS keyring item that holds
// a setup's secrets; the item's account is "secrets:" + the absolute store
// directory, so setups in different directories do not share secrets.
const KeyringService = "logto-twilio"

// Timeouts of the OS keyring: a missing or hung D-Bus must not hang the
// wizard. The probe that picks the store (--secrets-store auto) gives up
// quickly, as gh does; a read or write of the secrets waits longer, since
// the OS may be asking the user to unlock the keyring.
var (
	probeTimeout   = 3 * time.Second
	keyringTimeout = 20 * time.Second
)

// errKeyringTimeout is returned when the OS keyring did not answer in time.
var errKeyringTimeout = errors.New("the OS keyring did not answer in time")

// keyringMu serialises the calls into go-keyring: one keychain access at a
// time (go-keyring's mock is not safe for concurrent use either).
var keyringMu sync.Mutex

// osKeyring is go-keyring's provider: the OS keyring (macOS Keychain,
// Windows Credential Manager, the Secret Service over D-Bus), or its mock
// after MockKeyring.
type osKeyring struct{}

func (osKeyring) Set(service, user, password string) error {
	return osCall(func() error { return keyring.Set(service, user, password) })
}

func (osKeyring) Get(service, user string) (string, error) {
	var v string
	err := osCall(func() error {
		var err error
		v, err = keyring.Get(service, user)
		return err //nolint:wrapcheck // osKeyring is a keyring.Keyring: its errors are go-keyring's (ErrNotFound)
	})
	return v, err
}

func (osKeyring) Delete(service, user string) error {
	return osCall(func() error { return keyring.Delete(service, user) })
}

func (osKeyring) DeleteAll(service string) error {
	return osCall(func() error { return keyring.DeleteAll(service) })
}

// osCall runs f under keyringMu after checking that a keyring can be
// reached at all.
func osCall(f func() error) error {
	keyringMu.Lock()
	defer keyringMu.Unlock()
	if precheck := keyringPrecheck; precheck != nil {
		if err := precheck(); err != nil {
			return err
		}
	}
	return f()
}

// keyringPrecheck returns an error when the OS keyring cannot be reached
// without side effects. On Linux and the BSDs, without a D-Bus session bus
// the D-Bus library would start one with dbus-launch (a daemon left behind
// per run, the "endless dbus errors" of headless machines): say so instead.
// MockKeyring turns it off.
var keyringPrecheck = sessionBusCheck

func sessionBusCheck() error {
	switch runtime.GOOS {
	case "darwin", "windows":
		return nil
	}
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	if u, err := user.Current(); err == nil {
		for _, f := range []string{"bus", "dbus-session"} {
			if _, err := os.Stat(filepath.Join("/run/user", u.Uid, f)); err == nil {
				return nil
			}
		}
	}
	return errors.New("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set (SSH, a container or a headless machine)")
}

// MockKeyring replaces the OS keyring with go-keyring's in-memory mock
// (keyring.MockInit), or, when err is not nil, with a mock whose every call
// fails with err (keyring.MockInitWithError): the keyring is then
// unavailable. It is for tests, so that none touches a real keyring; call it
// before any test runs (TestMain) or from tests that do not run in
// parallel.
func MockKeyring(err error) {
	keyringMu.Lock()
	defer keyringMu.Unlock()
	keyringPrecheck = nil
	keyringSeen.forget()
	if err != nil {
		keyring.MockInitWithError(err)
		return
	}
	keyring.MockInit()
}

// withTimeout runs f and returns its error, or errKeyringTimeout when f has
// not returned after d. f then goes on in the background (a hung D-Bus call
// cannot be cancelled); its result is dropped.
func withTimeout(d time.Duration, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return fmt.Errorf("%w (%s)", errKeyringTimeout, d)
	}
}

// keyringBackend keeps the secrets as one item of the OS keyring: one
// keychain access per read or write, not one per secret.
type keyringBackend struct {
	kr      keyring.Keyring
	account string
}

func newKeyringBackend(kr keyring.Keyring, dir string) keyringBackend {
	if kr == nil {
		kr = osKeyring{}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = filepath.Clean(dir)
	}
	// The same directory reached through a symbolic link is the same setup.
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	return keyringBackend{kr: kr, account: "secrets:" + abs}
}

func (keyringBackend) kind() string { return SecretsStoreKeyring }

func (keyringBackend) where() string { return keyringWhere }

// keyringWhere is how the keyring is named to the user.
const keyringWhere = `OS keyring (item "` + KeyringService + `")`

// keyringSeen remembers, per item account, the document this process last
// read from or wrote to the keyring, so that a save with unchanged secrets
// (most of the wizard's checkpoints) does not call the keyring again: fewer
// keychain accesses, and fewer prompts where the OS asks for each.
var keyringSeen seenItems

type seenItems struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *seenItems) is(account, data string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[account]
	return ok && v == data
}

func (s *seenItems) set(account, data string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]string{}
	}
	s.m[account] = data
}

func (s *seenItems) forget(accounts ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(accounts) == 0 {
		s.m = nil
	}
	for _, a := range accounts {
		delete(s.m, a)
	}
}

func (k keyringBackend) read() ([]byte, bool, error) {
	var v string
	err := withTimeout(keyringTimeout, func() error {
		var err error
		v, err = k.kr.Get(KeyringService, k.account)
		return err //nolint:wrapcheck // wrapped in KeyringError below
	})
	if errors.Is(err, keyring.ErrNotFound) {
		keyringSeen.forget(k.account)
		return nil, false, nil
	}
	if err != nil {
		keyringSeen.forget(k.account)
		return nil, false, &KeyringError{Op: "read the secrets from", Err: err}
	}
	keyringSeen.set(k.account, v)
	return []byte(v), true, nil
}

func (k keyringBackend) write(data []byte) error {
	if keyringSeen.is(k.account, string(data)) {
		return nil // the item holds exactly this already
	}
	err := withTimeout(keyringTimeout, func() error { return k.kr.Set(KeyringService, k.account, string(data)) })
	if err != nil {
		keyringSeen.forget(k.account)
		return &KeyringError{Op: opSave, Err: err}
	}
	keyringSeen.set(k.account, string(data))
	return nil
}

func (k keyringBackend) remove() error {
	keyringSeen.forget(k.account)
	err := withTimeout(keyringTimeout, func() error { return k.kr.Delete(KeyringService, k.account) })
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return &KeyringError{Op: "remove the secrets from", Err: err}
	}
	return nil
}

// probeKeyring checks that the OS keyring works: a throw-away item is
// written, read back and deleted, all within probeTimeout.
func probeKeyring(kr keyring.Keyring) error {
	if kr == nil {
		kr = osKeyring{}
	}
	const account, value = "probe", "logto-twilio keyring probe"
	err := withTimeout(probeTimeout, func() error {
		if err := kr.Set(KeyringService, account, value); err != nil {
			return err //nolint:wrapcheck // wrapped in KeyringError below
		}
		got, err := kr.Get(KeyringService, account)
		if err != nil {
			return err //nolint:wrapcheck // wrapped in KeyringError below
		}
		if got != value {
			return errors.New("it returned another value than the one written")
		}
		return kr.Delete(KeyringService, account)
	})
	if err != nil {
		return &KeyringError{Op: "use", Err: err}
	}
	return nil
}

// KeyringError is a failed call into the OS keyring. Its message names what
// failed and why, never a secret value (go-keyring's errors carry none).
type KeyringError struct {
	Op  string // "read the secrets from", "save the secrets in", …
	Err error
}

func (e *KeyringError) Error() string {
	msg := fmt.Sprintf("config: cannot %s the OS keyring: %v", e.Op, e.Err)
	if e.Op == opSave {
		msg += " (--secrets-store file keeps them in a file, mode 0600, instead)"
	}
	return msg
}

// opSave is KeyringError.Op of a failed write.
const opSave = "save the secrets in"

// Unwrap returns the cause.
func (e *KeyringError) Unwrap() error { return e.Err }
