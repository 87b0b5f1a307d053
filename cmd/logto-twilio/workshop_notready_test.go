package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
)

// TestWorkshopPrepareNotReadyExitCodes: prepare on a saved setup that is not
// ready for a workshop (here: no M2M app, no connector) offers to run setup
// first. With --non-interactive it cannot ask: a missing answer, exit code 2
// naming --yes (as every --non-interactive run documents), not 1; an answer
// "no" (the answers file) is a failure, exit code 1.
func TestWorkshopPrepareNotReadyExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		args     []string
		answers  string
		wantCode int
		wantErr  string
	}{
		{"--non-interactive: a missing answer", []string{"--non-interactive"}, "", exitUsage, "--yes"},
		{"answered no", []string{"--non-interactive", "--answers", "ANSWERS"}, "yes: no\n", exitFailure, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := (config.Store{Dir: dir}).Save(config.Setup{Endpoint: "http://127.0.0.1:3001"}, config.Secrets{}); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"workshop", "prepare", "--attendees", "2", "--config-dir", dir, "--secrets-store", "file"}, tc.args...)
			for i, a := range args {
				if a == "ANSWERS" {
					args[i] = writeAnswers(t, tc.answers, 0o600)
				}
			}
			var out, errOut bytes.Buffer
			code := run(args, strings.NewReader(""), &out, &errOut, noEnv)
			if code != tc.wantCode {
				t.Fatalf("exit code %d, want %d\nstdout %q\nstderr %q", code, tc.wantCode, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), "has no M2M app") {
				t.Errorf("stdout does not say what the setup lacks: %q", out.String())
			}
			if tc.wantErr != "" && !strings.Contains(errOut.String(), tc.wantErr) {
				t.Errorf("stderr lacks %q: %q", tc.wantErr, errOut.String())
			}
		})
	}
}
