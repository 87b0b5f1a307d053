package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/cmd/root"
	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/steps"
)

func writeAnswers(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "answers.yaml")
	if err := os.WriteFile(p, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // umask
		t.Fatal(err)
	}
	return p
}

// goodToken has an Auth Token's shape (32 hex digits).
const goodToken = "0123456789abcdef0123456789abcdef"

func TestLoadAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		text    string
		mode    os.FileMode
		want    map[string]string
		wantErr string
	}{
		{
			name: "values and nesting", mode: 0o644,
			text: "endpoint: http://localhost:3001\nsignin-apply: yes\nstarter: false\nport: 3001\ntemplates:\n  SignIn: \"Code {{code}}\"\n",
			want: map[string]string{"endpoint": "http://localhost:3001", "signin-apply": "yes", "starter": "no", "port": "3001", "templates.SignIn": "Code {{code}}"},
		},
		{name: "secret in a private file", mode: 0o600, text: "twilio-auth-token: " + goodToken + "\n", want: map[string]string{"twilio-auth-token": goodToken}},
		{name: "other commands' answers", mode: 0o644, text: "yes: true\nattendees: 30\n", want: map[string]string{"yes": "yes", "attendees": "30"}},
		{name: "unknown id", mode: 0o600, text: "# mine\nendpont: x\n", wantErr: `answers.yaml, line 2: unknown key "endpont" (did you mean "endpoint"?) (docs/answers.md lists the answers)`},
		{name: "unknown id far from any", mode: 0o600, text: "port: 3000\nzzz: x\n", wantErr: `answers.yaml, line 2: unknown key "zzz" (docs/answers.md`},
		{name: "unknown template", mode: 0o600, text: "templates:\n  SignIn: \"{{code}}\"\n  Nope: x\n", wantErr: `answers.yaml, line 3: unknown key "templates.Nope"`},
		// Values are checked at load, with the validators of their steps and flags.
		{name: "number SID as service", mode: 0o600, text: "service: PN0123456789abcdef0123456789abcdef\n", wantErr: `answers.yaml, line 1: answer "service": Messaging Service SID must start with "MG"; give a Messaging Service SID (MG followed by 32 hex digits), or new`},
		{name: "service SID, bad hex", mode: 0o600, text: "service: MG0123456789abcdef0123456789abcdeg\n", wantErr: `answer "service": Messaging Service SID must be "MG" followed by hex digits`},
		{name: "account SID, bad hex", mode: 0o600, text: "endpoint: http://localhost:3001\ntwilio-account-sid: ACzz23456789abcdef0123456789abcdef\n", wantErr: `line 2: answer "twilio-account-sid": Account SID must be "AC" followed by hex digits (0-9, a-f) only; give the Account SID: AC followed by 32 hex digits`},
		{name: "auth token", mode: 0o600, text: "twilio-auth-token: s3cr3t\n", wantErr: `answer "twilio-auth-token": Auth Token must be 32 characters, got 6; give the Auth Token: 32 hex digits`},
		{name: "new auth token", mode: 0o600, text: "new-twilio-token: s3cr3t\n", wantErr: `answer "new-twilio-token": `},
		{name: "endpoint", mode: 0o600, text: "endpoint: localhost:3001\n", wantErr: `answer "endpoint": add the scheme`},
		{name: "app id", mode: 0o600, text: "m2m-app-id: My App\n", wantErr: `answer "m2m-app-id": `},
		{name: "port", mode: 0o600, text: "port: 70000\n", wantErr: `answer "port": give a port between 1 and 65535`},
		{name: "service number", mode: 0o600, text: "service-number: 555\n", wantErr: `answer "service-number": `},
		{name: "test phone", mode: 0o600, text: "test-phone: \"+1 555\"\n", wantErr: `answer "test-phone": `},
		{name: "template without code", mode: 0o600, text: "templates:\n  SignIn: hello\n", wantErr: `line 2: answer "templates.SignIn": `},
		{name: "choice", mode: 0o600, text: "connector-choice: maybe\n", wantErr: `answer "connector-choice": give one of create, update, replace, keep, done`},
		{
			name: "good values", mode: 0o600,
			text: "service: MG0123456789abcdef0123456789abcdef\nservice-number: PN0123456789abcdef0123456789abcdef\ntest-phone: 5551234567\ntwilio-account-sid: AC0123456789abcdef0123456789abcdef\n",
			want: map[string]string{"service": "MG0123456789abcdef0123456789abcdef", "service-number": "PN0123456789abcdef0123456789abcdef", "test-phone": "5551234567", "twilio-account-sid": "AC0123456789abcdef0123456789abcdef"},
		},
		{name: "secret readable by others", mode: 0o644, text: "m2m-app-secret: s3cr3t\n", wantErr: "other users can read it (mode 0644): it gives control of your Logto tenant or Twilio account"},
		{name: "secret readable by the group", mode: 0o640, text: "app-secret: s3cr3t\n", wantErr: "chmod 600"},
		{name: "not YAML", mode: 0o600, text: "endpoint: [\n", wantErr: "not valid YAML"},
		{name: "a list", mode: 0o600, text: "endpoint: [a, b]\n", wantErr: "give one value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := loadAnswers(writeAnswers(t, tt.text, tt.mode))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cr3t") {
					t.Errorf("the error shows the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestExampleAnswersFile: docs/answers.example.yaml loads, and only names
// known answers.
func TestExampleAnswersFile(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../docs/answers.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := loadAnswers(writeAnswers(t, string(raw), 0o600))
	if err != nil {
		t.Fatal(err)
	}
	var p steps.Prefill
	if err := p.ApplyAnswers(got); err != nil {
		t.Fatalf("the example's choices: %v", err)
	}
}

func TestAnswersFlags(t *testing.T) {
	t.Parallel()
	ok := writeAnswers(t, "endpoint: http://localhost:3001\n", 0o644)
	code, _, errOut, got := runCaptured(t, []string{"--yes", "--non-interactive", "--answers", ok}, nil)
	if code != exitOK || got == nil || !got.yes || !got.nonInteractive || got.answers["endpoint"] != "http://localhost:3001" {
		t.Fatalf("code %d, options %+v, stderr %q", code, got, errOut)
	}
	bad := writeAnswers(t, "twilio-auth-token: s3cr3t\n", 0o644)
	code, _, errOut, got = runCaptured(t, []string{"setup", "--answers", bad}, nil)
	if code != exitUsage || got != nil || !strings.Contains(errOut, "mode 0644") || strings.Contains(errOut, "s3cr3t") {
		t.Fatalf("code %d, wizard ran %v, stderr %q", code, got != nil, errOut)
	}
}

// TestMissingInputExitCode: a non-interactive run that lacks an answer
// exits 2 and names every way to give it.
func TestMissingInputExitCode(t *testing.T) {
	t.Parallel()
	err := &config.MissingInputError{Input: "the Logto endpoint", Flag: "--logto-endpoint", Env: "LOGTO_ENDPOINT", AnswerKey: "endpoint"}
	code, _, errOut, _ := runCaptured(t, []string{"--non-interactive"}, err)
	if code != exitUsage {
		t.Fatalf("exit code %d, want 2", code)
	}
	for _, want := range []string{"missing input: the Logto endpoint", "--logto-endpoint, LOGTO_ENDPOINT or the answer endpoint", "without --non-interactive"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
}

// TestAnswersRefusedBeforeAnyCall: an answers file with a bad value (a Phone
// Number SID given as the Messaging Service) is refused when it is loaded,
// through the real command tree: exit 2 naming the file, the key and the
// expected shape, and not one request to Logto or Twilio (before, the wizard
// checked the endpoint, the credentials and listed the services first).
func TestAnswersRefusedBeforeAnyCall(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	file := writeAnswers(t, "endpoint: "+srv.URL+"\nmethod: auto\nm2m-app-id: m2mapp0123456789abcde\n"+
		"twilio-account-sid: AC0123456789abcdef0123456789abcdef\nservice: PN0123456789abcdef0123456789abcdef\n", 0o600)
	env := func(k string) string {
		return map[string]string{"LOGTO_M2M_APP_SECRET": "m2mSecretValue0123", "TWILIO_AUTH_TOKEN": goodToken}[k]
	}
	var out, errOut bytes.Buffer
	f := testFactory(strings.NewReader(""), &out, &errOut, env)
	args := []string{
		"setup", "--non-interactive", "--yes", "--answers", file, "--config-dir", t.TempDir(),
		"--secrets-store", "file", "--twilio-base-url", srv.URL, "--no-browser",
	}
	code := root.Execute(t.Context(), f, root.NewCmdRoot(f, nil), args)
	if code != exitUsage {
		t.Errorf("exit code %d, want %d (stderr %q)", code, exitUsage, errOut.String())
	}
	for _, want := range []string{file + `, line 5: answer "service"`, `must start with "MG"`, "MG followed by 32 hex digits"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr %q lacks %q", errOut.String(), want)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests before the refusal, want none", n)
	}
}
