package sandbox

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadState feeds the sandbox what its sandbox-state.json may hold after an edit, a full
// disk or another version: readState never fails on a file it can read but one of a newer
// version, which it leaves as it is (an unusable one is moved to .bak, with a note, and the
// stand-ins start fresh); the stand-ins start from any
// state it takes (a snapshot they refuse is set aside too), with the sandbox's M2M app and
// Twilio account; and what they then save is read and restored by the next run as it was
// (a second restart finds what the first one found).
func FuzzReadState(f *testing.F) {
	// The sandbox's own output: the state a first run saves.
	dir := f.TempDir()
	env, err := Open(Options{ConfigDir: dir, NoDemo: true})
	if err != nil {
		f.Fatal(err)
	}
	if err := env.Close(); err != nil {
		f.Fatal(err)
	}
	saved, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(saved)
	for _, s := range []string{
		"", "{", "null", `{"version":2}`, `{"version":1}`,
		`{"version":1,"logtoAddr":"127.0.0.1:1","twilioAddr":"localhost:2","m2mAppId":"nope","logto":{"version":1,"kind":"twiliotest"},"twilio":null}`,
		`{"version":1,"logto":{"version":1,"kind":"logtotest","roles":[{"id":"r"}]},"twilio":{"version":1,"kind":"twiliotest"}}`,
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, StateFile)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		e := &Env{statePath: path}
		st, err := e.readState()
		if err != nil {
			// Only a file of a newer version is refused, and left as it is.
			if b, rerr := os.ReadFile(path); !strings.Contains(err.Error(), "made by a newer logto-twilio") || rerr != nil || !bytes.Equal(b, data) {
				t.Fatalf("readState of a readable file: %v (the file now %q, %v)", err, b, rerr)
			}
			return
		}
		if st == nil {
			bak, err := os.ReadFile(path + ".bak")
			if _, serr := os.Stat(path); serr == nil || err != nil || !bytes.Equal(bak, data) {
				t.Fatalf("an unusable state file was not moved to .bak as it was (%v)", err)
			}
			if len(e.Notes) != 1 || !strings.Contains(e.Notes[0], path+".bak") {
				t.Fatalf("notes %q do not say where the state file went", e.Notes)
			}
			return
		}
		if st.Version != sandboxStateVersion {
			t.Fatalf("readState took version %d", st.Version)
		}

		first := startAndSave(t, e, st)
		// The next run reads what this one saved, and saves it again unchanged.
		next := &Env{statePath: path}
		st2, err := next.readState()
		if err != nil || st2 == nil {
			t.Fatalf("the state the sandbox saved is not read back (%v, notes %q):\n%s", err, next.Notes, first)
		}
		second := startAndSave(t, next, st2)
		a, b := mustState(t, first), mustState(t, second)
		if !bytes.Equal(a.Logto, b.Logto) || !bytes.Equal(a.Twilio, b.Twilio) || a.M2MAppID != b.M2MAppID {
			t.Fatalf("a restarted sandbox saves another state:\n%s\nwant\n%s", second, first)
		}
	})
}

// startAndSave starts e's stand-ins from st, checks they have what the sandbox's answers need,
// saves them and stops them; it returns the state file's content.
func startAndSave(t *testing.T, e *Env, st *sandboxState) []byte {
	t.Helper()
	if err := e.start(st); err != nil {
		t.Fatalf("start: %v", err)
	}
	defer e.stop()
	if len(e.lg.AppSecrets(e.m2mAppID)) == 0 || e.tw.AuthToken(sandboxAccountSID) == "" {
		t.Fatalf("the started sandbox lacks its M2M app (%q) or Twilio account", e.m2mAppID)
	}
	if err := e.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
	b, err := os.ReadFile(e.statePath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustState(t *testing.T, b []byte) *sandboxState {
	t.Helper()
	e := &Env{statePath: filepath.Join(t.TempDir(), StateFile)}
	if err := os.WriteFile(e.statePath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := e.readState()
	if err != nil || st == nil {
		t.Fatalf("state %s: %v %q", b, err, e.Notes)
	}
	return st
}
