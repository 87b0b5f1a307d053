package main

// The tests of this package drive the whole program in-process; they were
// written against the single-package command layer. These are the names they
// use, over the packages the command layer moved to (internal/cmd/...).

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/build"
	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/cmd/root"
	setupcmd "github.com/logto-twilio/logto-twilio/internal/cmd/setup"
	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/sandbox"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/steps"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

const (
	exitOK          = factory.ExitOK
	exitFailure     = factory.ExitFailure
	exitUsage       = factory.ExitUsage
	exitFindings    = factory.ExitFindings
	exitTimeout     = factory.ExitTimeout
	exitInterrupted = factory.ExitInterrupted
)

// The sandbox's made-up identities (internal/sandbox).
const (
	sandboxAccountSID = "AC" + "5a4d0b0c0ffee0000000000000000001"
	sandboxAuthToken  = "5a4d0b0c0ffee000000000000000beef"
	sandboxTestPhone  = "+14155550123"
)

var exitCodeOf = factory.ExitCodeOf

func buildInfo() string { return build.Read().String() }

// run runs the program as the binary does, named "logto-twilio" (without
// the signal handling), and keeps its Invocation for TestMain's check.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	f := track(root.NewFactory(stdin, stdout, stderr, getenv, cmdline.Program))
	return root.Execute(context.Background(), f, root.NewCmdRoot(f, nil), args)
}

// tracked are the Invocations of every in-process run of the tests: TestMain
// parses every command line they built (checkSuggestions).
var (
	trackedMu sync.Mutex
	tracked   []*factory.Invocation
)

func track(f *factory.Factory) *factory.Factory {
	trackedMu.Lock()
	defer trackedMu.Unlock()
	tracked = append(tracked, f.Invocation)
	return f
}

// checkSuggestions (issue 18) parses every command line that the in-process
// runs of this package's tests printed for the user (the wizard's summaries
// and boxes, attendee runs, doctor, rotate, teardown, workshop, error hints)
// through the real command tree; it returns what does not parse.
func checkSuggestions() (n int, bad []string) {
	trackedMu.Lock()
	invs := slices.Clone(tracked)
	trackedMu.Unlock()
	for _, inv := range invs {
		for _, l := range inv.Built() {
			n++
			if err := parseSuggestion(l); err != nil {
				bad = append(bad, fmt.Sprintf("%q: %v", l, err))
			}
		}
	}
	return n, bad
}

// setSandboxStarted sets (nil: clears) the hook told about every sandbox's stand-ins.
func setSandboxStarted(f func(*logtotest.Server, *twiliotest.Server)) { sandbox.OnStart = f }

// options are the parsed flags, as the tests name them.
type options struct {
	sandbox, accessible, noBrowser, yes, nonInteractive bool
	configDir, presetDir, preset, secretsStore          string
	endpoint, twilioBaseURL, testPhone                  string
	port                                                int
	answers                                             map[string]string
}

// args is the command line that gives o.
func (o options) args() []string {
	var a []string
	add := func(on bool, flag string, v ...string) {
		if on {
			a = append(a, flag)
			a = append(a, v...)
		}
	}
	add(o.sandbox, "--sandbox")
	add(o.accessible, "--accessible")
	add(o.noBrowser, "--no-browser")
	add(o.yes, "--yes")
	add(o.nonInteractive, "--non-interactive")
	add(o.configDir != "" && o.configDir != o.presetDir, "--config-dir", o.configDir)
	add(o.preset != "", "--preset", o.preset)
	add(o.secretsStore != "", "--secrets-store", o.secretsStore)
	add(o.endpoint != "", "--logto-endpoint", o.endpoint)
	add(o.twilioBaseURL != "", "--twilio-base-url", o.twilioBaseURL)
	add(o.testPhone != "", "--test-phone", o.testPhone)
	add(o.port != 0, "--port", strconv.Itoa(o.port))
	return a
}

// fromSetup is the options a setup run was given.
func fromSetup(so *setupcmd.Options) *options {
	g := so.F.Opts
	return &options{
		sandbox: g.Sandbox, accessible: g.Accessible, noBrowser: g.NoBrowser, yes: g.Yes, nonInteractive: g.NonInteractive,
		configDir: g.ConfigDir, preset: g.Preset, secretsStore: string(g.SecretsStore),
		endpoint: so.Endpoint, twilioBaseURL: so.TwilioBaseURL, testPhone: so.TestPhone, port: int(so.Port),
		answers: g.Answers,
	}
}

// testFactory is a factory over the given streams, not a terminal.
func testFactory(in io.Reader, out, errOut io.Writer, getenv func(string) string) *factory.Factory {
	return track(factory.New(factory.TestIOStreams(in, out, errOut), getenv, cmdline.Program))
}

// parsed is the factory and setup options after parsing o's command line
// (the wizard does not run).
func parsed(t testing.TB, o options, getenv func(string) string) (*factory.Factory, *setupcmd.Options) {
	t.Helper()
	f := testFactory(strings.NewReader(""), io.Discard, io.Discard, getenv)
	var got *setupcmd.Options
	c := root.NewCmdRoot(f, func(so *setupcmd.Options) error { got = so; return nil })
	if code := root.Execute(context.Background(), f, c, o.args()); code != exitOK || got == nil {
		t.Fatalf("parsing %q: exit code %d", o.args(), code)
	}
	return f, got
}

// wizard runs setup with o's flags on the given streams.
func wizard(ctx context.Context, o options, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	f := testFactory(stdin, stdout, stderr, getenv)
	var so *setupcmd.Options
	c := root.NewCmdRoot(f, func(got *setupcmd.Options) error { so = got; return nil })
	if code := root.Execute(ctx, f, c, o.args()); code != exitOK {
		return factory.WithCode(code, nil)
	}
	f.Opts.Answers = o.answers
	return setupcmd.Run(ctx, so)
}

// againCommand is the command line a run with o suggests for sub.
func againCommand(t testing.TB, o options, sub string) string {
	t.Helper()
	f, _ := parsed(t, o, func(string) string { return "" })
	return f.Invocation.Line(sub)
}

// applyPreset applies o's card to o and p (as setup does).
func applyPreset(o *options, p *steps.Prefill, getenv func(string) string) error {
	g := &factory.Options{Sandbox: o.sandbox, ConfigDir: o.configDir, Preset: o.preset}
	pr, err := factory.ApplyPreset(g, o.endpoint, o.port, getenv)
	if err != nil {
		return err
	}
	o.configDir, o.presetDir, o.preset = g.ConfigDir, g.PresetDir, g.Preset
	if pr != nil {
		c := pr.Card
		p.UsePreset(steps.Preset{File: pr.Path, Name: c.Name, Endpoint: c.Endpoint, AppID: c.AppID, AppSecret: config.Secret(c.AppSecret), Port: c.Port})
	}
	return nil
}

// storeFor is the store a command with o's flags uses.
func storeFor(o options, getenv func(string) string) (*config.Store, error) {
	f := testFactory(strings.NewReader(""), io.Discard, io.Discard, getenv)
	f.Opts.ConfigDir, f.Opts.SecretsStore = o.configDir, factory.SecretsStoreValue(o.secretsStore)
	return f.Store()
}

var loadAnswers = factory.LoadAnswers

// newRootCmd is the command tree over a test factory (not tracked: it runs nothing).
func newRootCmd(getenv func(string) string) *cobra.Command {
	return root.NewCmdRoot(factory.New(factory.TestIOStreams(strings.NewReader(""), io.Discard, io.Discard), getenv, cmdline.Program), nil)
}
