package factory

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/logto-twilio/logto-twilio/steps"
)

// FuzzLoadAnswers feeds LoadAnswers what an --answers file may hold: it never panics, every
// error is an answers-file error (exit code 2), the same file always gives the same answers,
// the answers it reads, written back as a YAML file, read back the same, and a file that
// others may read is refused only for a secret in it (with the chmod fix).
func FuzzLoadAnswers(f *testing.F) {
	// docs/answers.example.yaml (a copy: tests read only their own package), and the cases
	// of cmd/logto-twilio's TestLoadAnswers.
	f.Add([]byte(answersExample))
	for _, s := range []string{
		"endpoint: http://localhost:3001\nsignin-apply: yes\nstarter: false\nport: 3001\ntemplates:\n  SignIn: \"Code {{code}}\"\n",
		"twilio-auth-token: abc\n", "yes: true\nattendees: 30\n", "endpont: x\n", "templates:\n  Nope: x\n",
		"m2m-app-secret: s3cr3t\n", "endpoint: [\n", "endpoint: [a, b]\n", "port: 3.5e3\ntest-phone: ~\n",
		"templates.SignIn: a\ntemplates:\n  SignIn: b\n", "",
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		private := writeFile(t, filepath.Join(dir, "answers.yaml"), data, 0o600)
		got, err := LoadAnswers(private)
		if err != nil {
			if !errors.Is(err, errAnswers) {
				t.Fatalf("LoadAnswers = %v, not an answers-file error", err)
			}
			return
		}
		if again, err := LoadAnswers(private); err != nil || !maps.Equal(got, again) {
			t.Fatalf("the same file read twice gives %q (%v), then %q", got, err, again)
		}

		out, err := yaml.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		back, err := LoadAnswers(writeFile(t, filepath.Join(dir, "back.yaml"), out, 0o600))
		if err != nil || !maps.Equal(got, back) {
			t.Fatalf("the answers %q, written as\n%s\nread back as %q (%v)", got, out, back, err)
		}

		shared := writeFile(t, filepath.Join(dir, "shared.yaml"), data, 0o644)
		secret := false
		for _, id := range steps.SecretAnswers {
			secret = secret || got[id] != ""
		}
		open, err := LoadAnswers(shared)
		switch {
		case secret && (err == nil || !strings.Contains(err.Error(), "chmod 600")):
			t.Fatalf("a file others can read, with a secret, gives %v", err)
		case !secret && (err != nil || !maps.Equal(got, open)):
			t.Fatalf("a file others can read, without a secret, gives %q (%v), want %q", open, err, got)
		}
	})
}

func writeFile(t *testing.T, path string, data []byte, mode os.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask
		t.Fatal(err)
	}
	return path
}

// answersExample is docs/answers.example.yaml.
const answersExample = `# setup
mode: resume                       # with a saved setup: resume, reverify or fresh
endpoint: http://localhost:3001
method: auto                       # auto, auto-create or manual
m2m-app-id: your-m2m-app-id
# m2m-app-secret: ...              # better: LOGTO_M2M_APP_SECRET
app-name: Bookstore
app-choice: reuse                  # when an app of that name exists: reuse or new
# app-id: abc123                   # manual: your app; auto: which app of the name to reuse
# twilio-account-sid: AC…         # yours: AC followed by 32 hex digits (or TWILIO_ACCOUNT_SID)
# twilio-auth-token: ...           # better: TWILIO_AUTH_TOKEN
service: new                       # a Messaging Service SID (MG…), or new
service-name: Logto SMS sign-in
service-number: "+15005550006"     # for a new service: its number (E.164 or PN… SID)
templates:
  SignIn: "Your sign-in code is {{code}}. It expires in 10 minutes."
connector-choice: update           # create, update, replace, keep, done (manual)
test-phone: "+15005550006"
signin-apply: yes
starter: no
starter-dir: logto-express-sample
port: 3000

# teardown, workshop: go ahead without asking (like --yes)
yes: no
`

// TestLoadAnswersSameIDTwice: an ID given both dotted and nested (found by FuzzLoadAnswers) is
// refused, naming it; before, either value won, from one run to the next.
func TestLoadAnswersSameIDTwice(t *testing.T) {
	t.Parallel()
	p := writeFile(t, filepath.Join(t.TempDir(), "answers.yaml"), []byte("templates.SignIn: a {{code}}\ntemplates:\n  SignIn: b {{code}}\n"), 0o600)
	got, err := LoadAnswers(p)
	if !errors.Is(err, errAnswers) || !strings.Contains(err.Error(), `answer "templates.SignIn" is given twice`) {
		t.Fatalf("LoadAnswers = %q, %v; want the ID given twice refused", got, err)
	}
}
