package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		{name: "secret in a private file", mode: 0o600, text: "twilio-auth-token: abc\n", want: map[string]string{"twilio-auth-token": "abc"}},
		{name: "other commands' answers", mode: 0o644, text: "yes: true\nattendees: 30\n", want: map[string]string{"yes": "yes", "attendees": "30"}},
		{name: "unknown id", mode: 0o600, text: "endpont: x\n", wantErr: `unknown answer "endpont"`},
		{name: "unknown template", mode: 0o600, text: "templates:\n  Nope: x\n", wantErr: `unknown answer "templates.Nope"`},
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
