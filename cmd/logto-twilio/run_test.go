package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "help", args: []string{"--help"}, wantCode: exitOK, wantStdout: "Usage:"},
		{name: "short help", args: []string{"-h"}, wantCode: exitOK, wantStdout: "-version"},
		{name: "version", args: []string{"--version"}, wantCode: exitOK, wantStdout: "logto-twilio "},
		{name: "unknown flag", args: []string{"--nope"}, wantCode: exitUsage, wantStderr: "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			got := run(tt.args, strings.NewReader(""), &out, &errOut, func(string) string { return "" })
			if got != tt.wantCode {
				t.Fatalf("exit code = %d, want %d (stderr %q)", got, tt.wantCode, errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantStdout) {
				t.Errorf("stdout = %q, want it to contain %q", out.String(), tt.wantStdout)
			}
			if !strings.Contains(errOut.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", errOut.String(), tt.wantStderr)
			}
		})
	}
}
