package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/zalando/go-keyring"
)

// TestMain puts go-keyring's mock in place of the OS keyring: no test of
// this package touches a real keyring.
func TestMain(m *testing.M) {
	MockKeyring(nil)
	os.Exit(m.Run())
}

// errNoKeyring is what the unavailable mock keyring answers.
var errNoKeyring = errors.New("org.freedesktop.secrets was not provided by any .service files")

// useUnavailableKeyring makes every keyring call fail until the test ends.
// Tests that call it must not run in parallel (go-keyring's mock is
// global).
func useUnavailableKeyring(t *testing.T) {
	t.Helper()
	MockKeyring(errNoKeyring)
	t.Cleanup(func() { MockKeyring(nil) })
}

// keyringItem reads the store's item from the mock keyring.
func keyringItem(t *testing.T, s Store) (string, bool) {
	t.Helper()
	v, err := osKeyring{}.Get(KeyringService, newKeyringBackend(nil, s.Dir).account)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", false
	}
	if err != nil {
		t.Fatalf("mock keyring: %v", err)
	}
	return v, true
}

func testSecrets() Secrets {
	return Secrets{AppSecret: Secret(secretValue), M2MAppSecret: "m2m-secret", TwilioAuthToken: "twilio-token", Pending: "pending-value"}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func sameSecrets(t *testing.T, got Secrets) {
	t.Helper()
	want := testSecrets()
	if got.AppSecret.Reveal() != want.AppSecret.Reveal() || got.M2MAppSecret.Reveal() != want.M2MAppSecret.Reveal() ||
		got.TwilioAuthToken.Reveal() != want.TwilioAuthToken.Reveal() || got.Pending.Reveal() != want.Pending.Reveal() {
		t.Fatal("the loaded secrets differ from the saved ones")
	}
}

func TestKeyringStoreRoundTrip(t *testing.T) {
	store := Store{Dir: filepath.Join(t.TempDir(), "cfg"), SecretsStore: SecretsStoreKeyring}
	su := Setup{Endpoint: "http://localhost:3001", Done: []string{"endpoint", "credentials"}}
	if err := store.Save(su, testSecrets()); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(store.Dir, SecretsFile)) {
		t.Fatal("the keyring store wrote secrets.json")
	}
	sb := readFile(t, filepath.Join(store.Dir, SetupFile))
	if !bytes.Contains(sb, []byte(`"secretsStore": "keyring"`)) || bytes.Contains(sb, []byte(secretValue)) {
		t.Fatalf("setup.json:\n%s", sb)
	}
	item, ok := keyringItem(t, store)
	if !ok || !strings.Contains(item, secretValue) || !strings.Contains(item, "twilio-token") {
		t.Fatal("the keyring item does not hold the secrets as one JSON document")
	}
	if got := store.SecretsWhere(); got != `OS keyring (item "logto-twilio")` {
		t.Errorf("SecretsWhere = %q", got)
	}
	// A store that did not choose finds them through setup.json.
	for _, choice := range []string{"", SecretsStoreAuto, SecretsStoreKeyring} {
		l, err := Store{Dir: store.Dir, SecretsStore: choice}.Load()
		if err != nil || !l.Found || l.Moved != "" || len(l.Problems) > 0 {
			t.Fatalf("%q: load %+v, %v", choice, l.Problems, err)
		}
		sameSecrets(t, l.Secrets)
		if l.Setup.SecretsStore != SecretsStoreKeyring || !l.Setup.IsDone("credentials") {
			t.Fatalf("%q: setup %+v", choice, l.Setup)
		}
	}
	// Through a symbolic link it is the same setup, with the same item.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(store.Dir, link); err == nil {
		l, err := Store{Dir: link}.Load()
		if err != nil || len(l.Problems) > 0 {
			t.Fatalf("through a link: %q %v", l.Problems, err)
		}
		sameSecrets(t, l.Secrets)
	}
	if err := store.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, ok := keyringItem(t, store); ok {
		t.Fatal("Reset left the keyring item")
	}
	if exists(filepath.Join(store.Dir, SetupFile)) {
		t.Fatal("Reset left setup.json")
	}
}

// TestSecretsStoreChoice: which store a new setup's secrets go to, and that
// a saved setup's store wins over auto.
func TestSecretsStoreChoice(t *testing.T) {
	tests := []struct {
		name      string
		choice    string
		noKeyring bool   // the keyring is unavailable
		saved     string // the store of an existing setup ("" = none)
		want      string
	}{
		{"auto with a keyring", SecretsStoreAuto, false, "", SecretsStoreKeyring},
		{"auto without a keyring (headless)", SecretsStoreAuto, true, "", SecretsStoreFile},
		{"auto keeps the saved file", SecretsStoreAuto, false, SecretsStoreFile, SecretsStoreFile},
		{"auto keeps the saved keyring", SecretsStoreAuto, false, SecretsStoreKeyring, SecretsStoreKeyring},
		{"unset never probes", "", false, "", SecretsStoreFile},
		{"file", SecretsStoreFile, false, "", SecretsStoreFile},
		{"keyring", SecretsStoreKeyring, false, "", SecretsStoreKeyring},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.saved != "" {
				if err := (Store{Dir: dir, SecretsStore: tt.saved}).Save(Setup{Endpoint: "x"}, testSecrets()); err != nil {
					t.Fatal(err)
				}
			}
			if tt.noKeyring {
				useUnavailableKeyring(t)
			}
			store := Store{Dir: dir, SecretsStore: tt.choice}
			if err := store.Save(Setup{Endpoint: "y"}, testSecrets()); err != nil {
				t.Fatal(err)
			}
			l, err := Store{Dir: dir}.Load()
			if err != nil {
				t.Fatal(err)
			}
			if l.Setup.SecretsStore != tt.want {
				t.Fatalf("secrets in %q, want %q", l.Setup.SecretsStore, tt.want)
			}
			sameSecrets(t, l.Secrets)
			inKeyring := false
			if !tt.noKeyring {
				_, inKeyring = keyringItem(t, store)
			}
			inFile := exists(filepath.Join(dir, SecretsFile))
			if inKeyring != (tt.want == SecretsStoreKeyring) || inFile != (tt.want == SecretsStoreFile) {
				t.Fatalf("in keyring %v, in file %v; want only %s", inKeyring, inFile, tt.want)
			}
		})
	}
}

// TestMoveSecrets: a chosen store other than the saved one moves every
// secret on Load; the old copy is removed; a second Load moves nothing.
func TestMoveSecrets(t *testing.T) {
	for _, tt := range []struct{ from, to string }{
		{SecretsStoreFile, SecretsStoreKeyring},
		{SecretsStoreKeyring, SecretsStoreFile},
	} {
		t.Run(tt.from+" to "+tt.to, func(t *testing.T) {
			dir := t.TempDir()
			su := Setup{Endpoint: "http://localhost:3001", Done: []string{"endpoint", "credentials", "twilio"}}
			if err := (Store{Dir: dir, SecretsStore: tt.from}).Save(su, testSecrets()); err != nil {
				t.Fatal(err)
			}
			store := Store{Dir: dir, SecretsStore: tt.to}
			l, err := store.Load()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(l.Moved, "moved from") || len(l.Problems) > 0 || strings.Contains(l.Moved, secretValue) {
				t.Fatalf("moved %q, problems %q", l.Moved, l.Problems)
			}
			sameSecrets(t, l.Secrets)
			if l.Setup.SecretsStore != tt.to || len(l.Setup.Done) != 3 {
				t.Fatalf("setup after the move: %+v", l.Setup)
			}
			_, inKeyring := keyringItem(t, store)
			inFile := exists(filepath.Join(dir, SecretsFile))
			if inKeyring != (tt.to == SecretsStoreKeyring) || inFile != (tt.to == SecretsStoreFile) {
				t.Fatalf("in keyring %v, in file %v; want only %s", inKeyring, inFile, tt.to)
			}
			if !bytes.Contains(readFile(t, filepath.Join(dir, SetupFile)), []byte(`"secretsStore": "`+tt.to+`"`)) {
				t.Fatal("setup.json does not name the new store")
			}
			// Any later Load (whatever its choice) finds them; none moves.
			for _, choice := range []string{"", SecretsStoreAuto, tt.to} {
				l, err := Store{Dir: dir, SecretsStore: choice}.Load()
				if err != nil || l.Moved != "" || l.Setup.SecretsStore != tt.to {
					t.Fatalf("%q: %q %q %v", choice, l.Moved, l.Setup.SecretsStore, err)
				}
				sameSecrets(t, l.Secrets)
			}
		})
	}
}

// TestMoveFailureKeepsEverything: a move that fails in the middle leaves the
// saved files and the keyring as they were, and says so.
func TestMoveFailureKeepsEverything(t *testing.T) {
	t.Run("keyring unavailable", func(t *testing.T) {
		dir := t.TempDir()
		if err := (Store{Dir: dir, SecretsStore: SecretsStoreFile}).Save(Setup{Endpoint: "x"}, testSecrets()); err != nil {
			t.Fatal(err)
		}
		before := snapshotDir(t, dir)
		useUnavailableKeyring(t)
		_, err := Store{Dir: dir, SecretsStore: SecretsStoreKeyring}.Load()
		if err == nil || !strings.Contains(err.Error(), "they stay where they were") || strings.Contains(err.Error(), secretValue) {
			t.Fatalf("err = %v", err)
		}
		if after := snapshotDir(t, dir); after != before {
			t.Fatalf("the failed move changed the files:\n%s\nwant\n%s", after, before)
		}
	})
	t.Run("read back differs", func(t *testing.T) {
		dir := t.TempDir()
		if err := (Store{Dir: dir, SecretsStore: SecretsStoreFile}).Save(Setup{Endpoint: "x"}, testSecrets()); err != nil {
			t.Fatal(err)
		}
		before := snapshotDir(t, dir)
		kr := &fakeKeyring{mangle: true}
		_, err := Store{Dir: dir, SecretsStore: SecretsStoreKeyring, kr: kr}.Load()
		if err == nil || !strings.Contains(err.Error(), "differs") {
			t.Fatalf("err = %v", err)
		}
		if after := snapshotDir(t, dir); after != before {
			t.Fatal("the failed move changed the files")
		}
		if len(kr.items) != 0 {
			t.Fatal("the failed move left its copy in the keyring")
		}
	})
	t.Run("file not writable", func(t *testing.T) {
		dir := t.TempDir()
		ks := Store{Dir: dir, SecretsStore: SecretsStoreKeyring}
		if err := ks.Save(Setup{Endpoint: "x"}, testSecrets()); err != nil {
			t.Fatal(err)
		}
		// A directory where secrets.json would go: the rename fails.
		if err := os.MkdirAll(filepath.Join(dir, SecretsFile, "x"), 0o700); err != nil {
			t.Fatal(err)
		}
		before := snapshotDir(t, dir)
		_, err := Store{Dir: dir, SecretsStore: SecretsStoreFile}.Load()
		if err == nil || !strings.Contains(err.Error(), "they stay where they were") {
			t.Fatalf("err = %v", err)
		}
		if after := snapshotDir(t, dir); after != before {
			t.Fatal("the failed move changed the files")
		}
		if item, ok := keyringItem(t, ks); !ok || !strings.Contains(item, secretValue) {
			t.Fatal("the failed move lost the keyring item")
		}
	})
	t.Run("old copy cannot be removed", func(t *testing.T) {
		dir := t.TempDir()
		kr := &fakeKeyring{noDelete: true}
		if err := (Store{Dir: dir, SecretsStore: SecretsStoreKeyring, kr: kr}).Save(Setup{Endpoint: "x"}, testSecrets()); err != nil {
			t.Fatal(err)
		}
		l, err := Store{Dir: dir, SecretsStore: SecretsStoreFile, kr: kr}.Load()
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Problems) != 1 || !strings.Contains(l.Problems[0], "could not be removed") || l.Setup.SecretsStore != SecretsStoreFile {
			t.Fatalf("problems %q, store %q", l.Problems, l.Setup.SecretsStore)
		}
		l, err = Store{Dir: dir}.Load()
		if err != nil {
			t.Fatal(err)
		}
		sameSecrets(t, l.Secrets)
	})
}

// TestMoveCutShort: the states a crash in the middle of a move leaves
// behind lose no secret, and the next run finishes the move.
func TestMoveCutShort(t *testing.T) {
	t.Run("after the new copy, before setup.json", func(t *testing.T) {
		dir := t.TempDir()
		if err := (Store{Dir: dir, SecretsStore: SecretsStoreFile}).Save(Setup{Endpoint: "x"}, testSecrets()); err != nil {
			t.Fatal(err)
		}
		// A half-done copy in the keyring; setup.json still names the file.
		if err := (osKeyring{}).Set(KeyringService, newKeyringBackend(nil, dir).account, `{"version":1}`); err != nil {
			t.Fatal(err)
		}
		l, err := Store{Dir: dir, SecretsStore: SecretsStoreAuto}.Load()
		if err != nil || l.Setup.SecretsStore != SecretsStoreFile {
			t.Fatalf("%+v %v", l.Setup, err)
		}
		sameSecrets(t, l.Secrets)
		l, err = Store{Dir: dir, SecretsStore: SecretsStoreKeyring}.Load()
		if err != nil || l.Moved == "" {
			t.Fatalf("%q %v", l.Moved, err)
		}
		l, err = Store{Dir: dir}.Load()
		if err != nil || l.Setup.SecretsStore != SecretsStoreKeyring {
			t.Fatalf("%+v %v", l.Setup, err)
		}
		sameSecrets(t, l.Secrets)
	})
	t.Run("after setup.json, before removing the old copy", func(t *testing.T) {
		dir := t.TempDir()
		if err := (Store{Dir: dir, SecretsStore: SecretsStoreFile}).Save(Setup{Endpoint: "x"}, testSecrets()); err != nil {
			t.Fatal(err)
		}
		stale := readFile(t, filepath.Join(dir, SecretsFile))
		if _, err := (Store{Dir: dir, SecretsStore: SecretsStoreKeyring}).Load(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, SecretsFile), stale, 0o600); err != nil {
			t.Fatal(err)
		}
		store := Store{Dir: dir, SecretsStore: SecretsStoreAuto}
		l, err := store.Load()
		if err != nil || l.Setup.SecretsStore != SecretsStoreKeyring {
			t.Fatalf("%+v %v", l.Setup, err)
		}
		sameSecrets(t, l.Secrets)
		if err := store.Save(l.Setup, l.Secrets); err != nil {
			t.Fatal(err)
		}
		if exists(filepath.Join(dir, SecretsFile)) {
			t.Fatal("the next save left the plain-text copy")
		}
	})
}

// TestMoveOnSave: a store chosen after a Load that had nothing to move (the
// old copy is gone) gets the secrets on the next save; setup.json names it.
func TestMoveOnSave(t *testing.T) {
	dir := t.TempDir()
	if err := (Store{Dir: dir, SecretsStore: SecretsStoreFile}).Save(Setup{Endpoint: "x"}, testSecrets()); err != nil {
		t.Fatal(err)
	}
	ks := Store{Dir: dir, SecretsStore: SecretsStoreKeyring}
	if err := ks.Save(Setup{Endpoint: "x", SecretsStore: SecretsStoreFile}, testSecrets()); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(dir, SecretsFile)) {
		t.Fatal("the old secrets.json was left behind")
	}
	l, err := Store{Dir: dir}.Load()
	if err != nil || l.Setup.SecretsStore != SecretsStoreKeyring {
		t.Fatalf("%+v %v", l.Setup, err)
	}
	sameSecrets(t, l.Secrets)
}

// TestKeyringUnreachable: setup.json says the keyring, which cannot be
// reached: Load fails with a plain error naming the way out, changes
// nothing, and never starts fresh.
func TestKeyringUnreachable(t *testing.T) {
	dir := t.TempDir()
	if err := (Store{Dir: dir, SecretsStore: SecretsStoreKeyring}).Save(Setup{Endpoint: "x", Done: []string{"credentials"}}, testSecrets()); err != nil {
		t.Fatal(err)
	}
	before := snapshotDir(t, dir)
	useUnavailableKeyring(t)
	for _, choice := range []string{"", SecretsStoreAuto, SecretsStoreKeyring, SecretsStoreFile} {
		_, err := Store{Dir: dir, SecretsStore: choice}.Load()
		var ue *KeyringUnavailableError
		if !errors.As(err, &ue) || !errors.Is(err, errNoKeyring) {
			t.Fatalf("%q: err = %v", choice, err)
		}
		for _, want := range []string{"in the OS keyring, which is not reachable here", "--secrets-store file"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q: %q lacks %q", choice, err, want)
			}
		}
	}
	// A save does not write elsewhere behind the user's back.
	if err := (Store{Dir: dir, SecretsStore: SecretsStoreAuto}).Save(Setup{Endpoint: "x"}, Secrets{}); err == nil {
		t.Fatal("a save with the keyring unreachable succeeded")
	}
	if after := snapshotDir(t, dir); after != before {
		t.Fatal("the files changed")
	}
}

// TestKeyringItemMissing: setup.json names a store that has no secrets: a
// problem is reported and the steps that saved a secret run again.
func TestKeyringItemMissing(t *testing.T) {
	dir := t.TempDir()
	store := Store{Dir: dir, SecretsStore: SecretsStoreKeyring}
	if err := store.Save(Setup{Endpoint: "x", Done: []string{"endpoint", "credentials", "twilio"}}, testSecrets()); err != nil {
		t.Fatal(err)
	}
	if err := (osKeyring{}).Delete(KeyringService, newKeyringBackend(nil, dir).account); err != nil {
		t.Fatal(err)
	}
	l, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Problems) != 1 || !strings.Contains(l.Problems[0], "not found in OS keyring") {
		t.Fatalf("problems %q", l.Problems)
	}
	if l.Setup.IsDone("credentials") || l.Setup.IsDone("twilio") || !l.Setup.IsDone("endpoint") {
		t.Fatalf("done %v", l.Setup.Done)
	}
}

// TestKeyringCorruptItem: an item that is not the secrets' JSON is
// reported without quoting it.
func TestKeyringCorruptItem(t *testing.T) {
	dir := t.TempDir()
	store := Store{Dir: dir, SecretsStore: SecretsStoreKeyring}
	if err := store.Save(Setup{Endpoint: "x", Done: []string{"credentials"}}, testSecrets()); err != nil {
		t.Fatal(err)
	}
	if err := (osKeyring{}).Set(KeyringService, newKeyringBackend(nil, dir).account, `{"appSecret": "`+secretValue); err != nil {
		t.Fatal(err)
	}
	l, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Problems) != 1 || !strings.Contains(l.Problems[0], "could not be read") || strings.Contains(l.Problems[0], secretValue) {
		t.Fatalf("problems %q", l.Problems)
	}
	if l.Setup.IsDone("credentials") {
		t.Fatal("a step that saved a secret still counts as done")
	}
}

// TestKeyringTimeout: a keyring that never answers (a hung D-Bus) makes
// auto fall back to the file after the probe's timeout, and a Load of
// secrets kept there fail with a plain error instead of hanging.
func TestKeyringTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		kr := &fakeKeyring{block: release}
		dir := t.TempDir()
		store := Store{Dir: dir, SecretsStore: SecretsStoreAuto, kr: kr}
		if err := store.Save(Setup{Endpoint: "x"}, testSecrets()); err != nil {
			t.Fatal(err)
		}
		if !exists(filepath.Join(dir, SecretsFile)) {
			t.Fatal("auto did not fall back to the file")
		}
		if err := os.WriteFile(filepath.Join(dir, SetupFile), []byte(`{"secretsStore":"keyring"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := store.Load()
		if !errors.Is(err, errKeyringTimeout) || !strings.Contains(err.Error(), "not reachable here") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestKeyringWritesOnlyChanges: the wizard saves after every step; the
// keyring is written only when the secrets changed, and a Load is one read.
func TestKeyringWritesOnlyChanges(t *testing.T) {
	t.Parallel()
	kr := &fakeKeyring{}
	store := Store{Dir: t.TempDir(), SecretsStore: SecretsStoreKeyring, kr: kr}
	for i := range 3 {
		if err := store.Save(Setup{Done: make([]string, i)}, testSecrets()); err != nil {
			t.Fatal(err)
		}
	}
	if kr.calls() != "set" {
		t.Fatalf("three saves of the same secrets: %s", kr.calls())
	}
	changed := testSecrets()
	changed.Pending = ""
	if err := store.Save(Setup{}, changed); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Load(); err != nil {
		t.Fatal(err)
	}
	if err := store.Save(Setup{Endpoint: "x"}, changed); err != nil {
		t.Fatal(err)
	}
	if kr.calls() != "set set get" {
		t.Fatalf("calls: %s", kr.calls())
	}
}

func TestSecretsWhereAndReport(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, SecretsFile) + " (mode 0600)"
	tests := []struct {
		choice, saved, want string
	}{
		{"", "", file},
		{SecretsStoreFile, "", file},
		{SecretsStoreKeyring, "", `OS keyring (item "logto-twilio")`},
		{SecretsStoreAuto, "", `OS keyring (item "logto-twilio") if it works, else ` + file},
		{SecretsStoreAuto, SecretsStoreFile, file},
		{"", SecretsStoreKeyring, `OS keyring (item "logto-twilio")`},
	}
	for _, tt := range tests {
		d := t.TempDir()
		if tt.saved != "" {
			if err := (Store{Dir: d, SecretsStore: tt.saved}).Save(Setup{}, Secrets{}); err != nil {
				t.Fatal(err)
			}
		}
		want := strings.ReplaceAll(tt.want, dir, d)
		if got := (Store{Dir: d, SecretsStore: tt.choice}).SecretsWhere(); got != want {
			t.Errorf("%q/%q: %q, want %q", tt.choice, tt.saved, got, want)
		}
	}
}

func TestParseSecretsStore(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "auto", "auto": "auto", "keyring": "keyring", "file": "file"} {
		if got, err := ParseSecretsStore(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	if _, err := ParseSecretsStore("vault"); err == nil || !strings.Contains(err.Error(), "use keyring, file or auto") {
		t.Errorf("vault: %v", err)
	}
}

// snapshotDir lists the files of dir with their content.
func snapshotDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		c, err := os.ReadFile(p)
		b.WriteString(p + "\n" + string(c) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// fakeKeyring is a keyring with failures to order: it returns something
// else than was written (mangle), cannot delete (noDelete), or never
// answers until block is closed.
type fakeKeyring struct {
	mu       sync.Mutex
	log      []string
	items    map[string]string
	mangle   bool
	noDelete bool
	block    chan struct{}
}

func (f *fakeKeyring) wait() {
	if f.block != nil {
		<-f.block
	}
}

func (f *fakeKeyring) calls() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.log, " ")
}

func (f *fakeKeyring) Set(service, user, password string) error {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, "set")
	if f.items == nil {
		f.items = map[string]string{}
	}
	f.items[service+"/"+user] = password
	return nil
}

func (f *fakeKeyring) Get(service, user string) (string, error) {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, "get")
	v, ok := f.items[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	if f.mangle {
		v += " "
	}
	return v, nil
}

func (f *fakeKeyring) Delete(service, user string) error {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noDelete {
		return errors.New("the keychain refused")
	}
	if _, ok := f.items[service+"/"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.items, service+"/"+user)
	return nil
}

func (f *fakeKeyring) DeleteAll(string) error { return nil }

// TestNoSessionBus: without a D-Bus session bus the keyring counts as
// unavailable at once (no dbus-launch): auto uses the file, and an
// explicit keyring fails with a sentence naming the cause.
func TestNoSessionBus(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("no D-Bus there")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
	if err := sessionBusCheck(); err != nil {
		t.Fatalf("with an address: %v", err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	if err := sessionBusCheck(); err != nil && !strings.Contains(err.Error(), "DBUS_SESSION_BUS_ADDRESS is not set") {
		t.Fatalf("without an address: %v", err)
	}

	keyringMu.Lock()
	keyringPrecheck = func() error { return errors.New("no D-Bus session bus") }
	keyringMu.Unlock()
	t.Cleanup(func() { MockKeyring(nil) })
	dir := t.TempDir()
	if err := (Store{Dir: dir, SecretsStore: SecretsStoreAuto}).Save(Setup{}, testSecrets()); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(dir, SecretsFile)) {
		t.Fatal("auto did not use the file")
	}
	err := Store{Dir: t.TempDir(), SecretsStore: SecretsStoreKeyring}.Save(Setup{}, testSecrets())
	var ke *KeyringError
	if !errors.As(err, &ke) || err.Error() != "config: cannot save the secrets in the OS keyring: no D-Bus session bus (--secrets-store file keeps them in a file, mode 0600, instead)" {
		t.Fatalf("err = %v", err)
	}
}
