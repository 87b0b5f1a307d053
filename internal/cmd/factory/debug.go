package factory

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/build"
	"github.com/logto-twilio/logto-twilio/internal/httpclient"
)

// DebugEnv turns the HTTP trace on like --debug when it is "api" (or 1, true).
const DebugEnv = "LOGTO_TWILIO_DEBUG"

// DebugUsage and DebugFileUsage are the help of --debug and --debug-file.
const (
	DebugUsage     = "show each HTTP exchange with Logto and Twilio, secrets redacted, on stderr (a run that fills the terminal writes a file and names it at exit); env LOGTO_TWILIO_DEBUG=api"
	DebugFileUsage = "append the HTTP exchanges of --debug to this file (made with mode 0600) instead; implies --debug"
)

// debugOn reports whether this run traces its HTTP exchanges: --debug,
// --debug-file, or LOGTO_TWILIO_DEBUG=api.
func (f *Factory) debugOn() bool {
	if f.Opts.Debug || strings.TrimSpace(f.Opts.DebugFile) != "" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(f.Getenv(DebugEnv))) {
	case "api", "1", "true", "yes", "on":
		return true
	}
	return false
}

// StartTrace opens this run's HTTP trace when debugging is on (see
// debugOn), before any client is built: in --debug-file, appended to (made
// with mode 0600); when fullScreen (the command may draw the whole
// terminal, which lines on stderr would corrupt) and stderr is the terminal,
// in a new file in the temporary folder, which EndTrace names at exit; else
// on stderr. A file that cannot be opened is an error naming --debug-file.
func (f *Factory) StartTrace(command string, fullScreen bool) error {
	if f.trace != nil || !f.debugOn() {
		return nil
	}
	var w io.Writer
	switch path := strings.TrimSpace(f.Opts.DebugFile); traceTo(path, fullScreen && f.CanPrompt(), stderrTTY(f.IO.ErrOut)) {
	case traceGivenFile:
		file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600) //nolint:gosec // the user's own --debug-file
		if err != nil {
			return fmt.Errorf("--debug-file %s: %w; give a file you can write", path, err)
		}
		f.traceFile, w = file, file
	case traceOwnFile:
		file, err := os.CreateTemp("", "logto-twilio-debug-"+time.Now().Format("20060102-150405")+"-*.log")
		if err != nil {
			return fmt.Errorf("--debug: cannot make a file for the HTTP trace (%w); give one with --debug-file", err)
		}
		f.traceFile, f.traceNamed, w = file, file.Name(), file
	default:
		w = f.IO.ErrOut
	}
	_, _ = fmt.Fprintf(w, "# logto-twilio %s %s: HTTP trace (secrets redacted), %s\n\n",
		build.Version(), command, time.Now().Format(time.RFC3339))
	f.trace = httpclient.NewTrace(w)
	return nil
}

// Where the trace goes (traceTo).
const (
	traceStderr    = iota
	traceGivenFile // --debug-file
	traceOwnFile   // a file this run makes and names at exit
)

// traceTo says where the trace goes: to --debug-file when given; to a file
// of its own when the screen is a full-screen one (tui: the command may draw
// the whole terminal and asks with forms) and stderr is that terminal,
// which lines would corrupt; else to stderr.
func traceTo(debugFile string, tui, stderrTTY bool) int {
	switch {
	case debugFile != "":
		return traceGivenFile
	case tui && stderrTTY:
		return traceOwnFile
	}
	return traceStderr
}

// stderrTTY reports whether the standard error stream w is a terminal (tests replace it).
var stderrTTY = func(w io.Writer) bool { return isTTY(w) }

// Trace is this run's HTTP trace (nil: none; see StartTrace).
func (f *Factory) Trace() *httpclient.Trace { return f.trace }

// EndTrace closes the trace's file, and names it on stderr when this run
// chose it (a full-screen run without --debug-file).
func (f *Factory) EndTrace() {
	if f.traceFile == nil {
		return
	}
	if err := f.traceFile.Close(); err != nil {
		fmt.Fprintf(f.IO.ErrOut, "logto-twilio: --debug: %v\n", err)
	}
	if f.traceNamed != "" {
		fmt.Fprintf(f.IO.ErrOut, "The HTTP trace of this run (--debug, secrets redacted) is in %s\n", f.traceNamed)
	}
	f.traceFile, f.traceNamed = nil, ""
}
