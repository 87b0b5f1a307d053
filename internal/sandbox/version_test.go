package sandbox

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// savedLogtoVersion is the "logtoVersion" of dir's StateFile ("" when none is saved).
func savedLogtoVersion(t *testing.T, dir string) string {
	t.Helper()
	var st struct {
		LogtoVersion *string `json:"logtoVersion"`
	}
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil {
		t.Fatalf("%s: %v", StateFile, err)
	}
	if st.LogtoVersion == nil {
		return ""
	}
	return *st.LogtoVersion
}

// TestLogtoVersionIsChosenOnce: LOGTO_TWILIO_SANDBOX_LOGTO_VERSION chooses
// the version a new sandbox's Logto stand-in imitates; it is saved in the
// state, so the host, a guest and a read-only run of later commands
// imitate it without the variable; an existing sandbox asked for another
// version is refused (not switched), saying how to keep it or make a new
// one, and its state is left as it was.
func TestLogtoVersionIsChosenOnce(t *testing.T) {
	t.Parallel()
	for _, made := range logtotest.Versions {
		t.Run(made, func(t *testing.T) {
			t.Parallel()
			other := logtotest.Versions[0]
			if other == made {
				other = logtotest.Versions[1]
			}
			dir := t.TempDir()
			asked := made
			if made == logtotest.DefaultVersion {
				asked = "" // the default, unset
			}
			first := mustOpen(t, Options{ConfigDir: dir, NoDemo: true, LogtoVersion: asked})
			if got := first.LogtoVersion(); got != made {
				t.Errorf("a new sandbox with %s=%q imitates %q, want %s", LogtoVersionEnv, asked, got, made)
			}
			if got := first.Logto().Version(); got != made {
				t.Errorf("a new sandbox with %s=%q runs a Logto stand-in of %q, want %s", LogtoVersionEnv, asked, got, made)
			}
			noted := strings.Contains(strings.Join(first.Notes, " "), "imitates Logto "+made)
			if noted != (made != logtotest.DefaultVersion) {
				t.Errorf("notes %q: a note on the version %s: %v", first.Notes, made, noted)
			}
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}
			if got := savedLogtoVersion(t, dir); got != made {
				t.Errorf("%s saves logtoVersion %q, want %s", StateFile, got, made)
			}

			for _, o := range []Options{
				{ConfigDir: dir, NoDemo: true},
				{ConfigDir: dir, NoDemo: true, LogtoVersion: made},
				{ConfigDir: dir, NoDemo: true, ReadOnly: true},
			} {
				env := mustOpen(t, o)
				if got := env.LogtoVersion(); got != made || env.Guest() {
					t.Errorf("reopened with %s=%q (read-only %v, guest %v): imitates %s, want %s", LogtoVersionEnv, o.LogtoVersion, o.ReadOnly, env.Guest(), got, made)
				}
				if err := env.Close(); err != nil {
					t.Fatal(err)
				}
			}

			before, _ := os.ReadFile(filepath.Join(dir, StateFile))
			refused := func(how string, o Options) {
				t.Helper()
				env, err := Open(o)
				if err == nil {
					_ = env.Close()
					t.Fatalf("%s: a sandbox made with %s was opened as %s (it imitates %s)", how, made, other, env.LogtoVersion())
				}
				for _, want := range []string{dir, "imitates Logto " + made, LogtoVersionEnv + " asks for " + other, "unset " + LogtoVersionEnv, "remove that folder", "another --config-dir"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%s: the error %q lacks %q", how, err, want)
					}
				}
			}
			refused("as the host", Options{ConfigDir: dir, NoDemo: true, LogtoVersion: other})
			refused("read-only", Options{ConfigDir: dir, NoDemo: true, ReadOnly: true, LogtoVersion: other})
			if after, _ := os.ReadFile(filepath.Join(dir, StateFile)); string(after) != string(before) {
				t.Errorf("a refused Open changed %s", StateFile)
			}

			host := mustOpen(t, Options{ConfigDir: dir, NoDemo: true})
			if host.Guest() {
				t.Fatal("the host is a guest")
			}
			guest := mustOpen(t, Options{ConfigDir: dir, NoDemo: true})
			if !guest.Guest() || guest.LogtoVersion() != made {
				t.Errorf("a guest of the host (guest %v) imitates %q, want %s", guest.Guest(), guest.LogtoVersion(), made)
			}
			refused("as a guest", Options{ConfigDir: dir, NoDemo: true, LogtoVersion: other})
			if host.LogtoVersion() != made {
				t.Errorf("the host imitates %s, want %s", host.LogtoVersion(), made)
			}
		})
	}
}

// TestLogtoVersionOfAnOlderState: a state file from before the choice
// (no logtoVersion) is a 1.37.1 sandbox, and stays one.
func TestLogtoVersionOfAnOlderState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustOpen(t, Options{ConfigDir: dir, NoDemo: true}).Close()
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "logtoVersion")
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, StateFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{ConfigDir: dir, NoDemo: true, LogtoVersion: "1.41.0"}); err == nil || !strings.Contains(err.Error(), "imitates Logto 1.37.1") {
		t.Errorf("an older state asked for 1.41.0: %v, want a refusal naming 1.37.1", err)
	}
	env := mustOpen(t, Options{ConfigDir: dir, NoDemo: true})
	if env.LogtoVersion() != logtotest.DefaultVersion {
		t.Errorf("an older state imitates %s, want %s", env.LogtoVersion(), logtotest.DefaultVersion)
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	if got := savedLogtoVersion(t, dir); got != logtotest.DefaultVersion {
		t.Errorf("the state saved again says %q, want %s", got, logtotest.DefaultVersion)
	}
}

// TestLogtoVersionRefused: a version the stand-in does not imitate is
// refused before anything is made, naming the ones it does.
func TestLogtoVersionRefused(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"1.41", "1.42.0", "latest", "v1.41.0"} {
		dir := filepath.Join(t.TempDir(), "sandbox")
		_, err := Open(Options{ConfigDir: dir, NoDemo: true, LogtoVersion: v})
		if err == nil {
			t.Errorf("%q was accepted", v)
			continue
		}
		for _, want := range []string{LogtoVersionEnv, `"` + v + `"`, "1.37.1 or 1.41.0", "unset it"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q: the error %q lacks %q", v, err, want)
			}
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%q: the sandbox folder was made", v)
		}
	}
}
