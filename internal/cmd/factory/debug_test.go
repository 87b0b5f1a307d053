package factory

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStartTrace: where --debug, --debug-file and LOGTO_TWILIO_DEBUG send
// the trace. Not parallel: it replaces stderrTTY and sets TMPDIR.
func TestStartTrace(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	tty := false
	stderrTTY = func(io.Writer) bool { return tty }
	t.Cleanup(func() { stderrTTY = func(w io.Writer) bool { return isTTY(w) } })
	given := filepath.Join(t.TempDir(), "trace.log")

	tests := []struct {
		name       string
		debug      bool
		file       string
		env        string
		terminal   bool // stdin, stdout and stderr are one terminal
		fullScreen bool
		want       string // "", "stderr", "given", "own"
		wantErr    string
	}{
		{name: "off", want: ""},
		{name: "env api", env: "api", want: "stderr"},
		{name: "env 1", env: "1", want: "stderr"},
		{name: "env 0 is off", env: "0", want: ""},
		{name: "env other is off", env: "oauth", want: ""},
		{name: "--debug", debug: true, want: "stderr"},
		{name: "--debug-file alone", file: given, want: "given"},
		{name: "--debug-file again appends", debug: true, file: given, want: "given"},
		{name: "--debug in a terminal, not full screen (doctor)", debug: true, terminal: true, want: "stderr"},
		{name: "--debug in the full-screen wizard", debug: true, terminal: true, fullScreen: true, want: "own"},
		{name: "env in the full-screen wizard", env: "api", terminal: true, fullScreen: true, want: "own"},
		{name: "--debug-file in the full-screen wizard", file: given, terminal: true, fullScreen: true, want: "given"},
		{name: "a file that cannot be made", file: filepath.Join(tmp, "no such folder", "t.log"), wantErr: "--debug-file " + filepath.Join(tmp, "no such folder", "t.log")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tty = tt.terminal
			var errOut bytes.Buffer
			streams := TestIOStreams(strings.NewReader(""), io.Discard, &errOut)
			streams.stdinTTY, streams.stdoutTTY = tt.terminal, tt.terminal
			f := New(streams, func(k string) string {
				if k == DebugEnv {
					return tt.env
				}
				return ""
			}, "logto-twilio")
			f.Opts.Debug, f.Opts.DebugFile = tt.debug, tt.file
			before, _ := os.ReadFile(given)
			err := f.StartTrace("logto-twilio doctor", tt.fullScreen)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("StartTrace = %v, want an error naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (f.Trace() != nil) != (tt.want != "") {
				t.Fatalf("tracing: %v, want %q", f.Trace() != nil, tt.want)
			}
			onStderr := strings.Contains(errOut.String(), "HTTP trace")
			if onStderr != (tt.want == "stderr") {
				t.Errorf("trace on stderr: %v, want it there: %v (%q)", onStderr, tt.want == "stderr", errOut.String())
			}
			errOut.Reset()
			f.EndTrace()
			switch tt.want {
			case "given":
				after, _ := os.ReadFile(given)
				if !bytes.HasPrefix(after, before) || bytes.Count(after, []byte("HTTP trace")) != bytes.Count(before, []byte("HTTP trace"))+1 {
					t.Errorf("--debug-file was not appended to: before %q, after %q", before, after)
				}
				assertMode600(t, given)
				if errOut.Len() != 0 {
					t.Errorf("at exit: %q, want nothing (the user named the file)", errOut.String())
				}
			case "own":
				made, _ := filepath.Glob(filepath.Join(tmp, "logto-twilio-debug-*.log"))
				if len(made) == 0 {
					t.Fatalf("no trace file in %s", tmp)
				}
				last := made[len(made)-1]
				assertMode600(t, last)
				if want := "The HTTP trace of this run (--debug, secrets redacted) is in " + last + "\n"; !strings.Contains(errOut.String(), want) {
					t.Errorf("at exit: %q, want %q", errOut.String(), want)
				}
				_ = os.Remove(last)
			default:
				if errOut.Len() != 0 {
					t.Errorf("at exit: %q, want nothing", errOut.String())
				}
			}
		})
	}
}

func assertMode600(t *testing.T, path string) {
	t.Helper()
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v (%v), want 0600", path, info.Mode().Perm(), err)
	}
}
