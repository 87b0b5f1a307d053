package factory

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
)

// setupFlags are the flags that choose the setup and its services: every
// command that accepts one gets it again in a suggested command line.
var setupFlags = []string{"sandbox", "config-dir", "preset"}

// wizardFlags are the wizard's own flags that a suggested wizard run
// (setup, or no command) repeats: without them a resumed run would ask
// again or reach another Logto. With --sandbox the endpoint and Twilio URL
// are the stand-ins', so those two are not repeated.
var wizardFlags = []string{"logto-endpoint", "twilio-base-url", "port"}

// flagArg is one flag the user gave.
type flagArg struct {
	name, value string
	isBool      bool
}

// Invocation is how this process was started, as far as the next command
// needs it: the program's name as the user can run it, and the flags that
// reach the same setup. Line builds every command line the program prints
// for the user to run: it keeps the flags that the target command accepts
// and that matter to it, and quotes for the shell.
type Invocation struct {
	// Program is how the user runs this program (ProgramName).
	Program string

	root    *cobra.Command
	ran     string // the command that ran, e.g. "sandbox serve" ("" for the root)
	given   []flagArg
	sandbox bool

	mu    sync.Mutex
	built []string
	// findMu serialises root.Find, which writes to the commands (cobra's
	// flag parsing state): doctor's checks build their hints concurrently.
	findMu sync.Mutex
}

// NewInvocation returns the invocation of program (see ProgramName).
func NewInvocation(program string) *Invocation {
	return &Invocation{Program: program}
}

// Record notes the flags of the command line that ran c (after parsing),
// and c's tree, which Line consults for the flags each command accepts.
func (inv *Invocation) Record(c *cobra.Command) {
	inv.root = c.Root()
	inv.ran = strings.TrimSpace(strings.TrimPrefix(c.CommandPath(), c.Root().Name()))
	inv.given, inv.sandbox = nil, false
	wizard := c == c.Root() || c.Name() == "setup"
	c.Flags().Visit(func(f *pflag.Flag) {
		if !slices.Contains(setupFlags, f.Name) && (!wizard || !slices.Contains(wizardFlags, f.Name)) {
			return
		}
		if f.Name == "sandbox" {
			inv.sandbox = f.Value.String() == "true"
		}
		inv.given = append(inv.given, flagArg{name: f.Name, value: f.Value.String(), isBool: f.Value.Type() == "bool"})
	})
	order := append(slices.Clone(setupFlags), wizardFlags...)
	slices.SortStableFunc(inv.given, func(a, b flagArg) int {
		return slices.Index(order, a.name) - slices.Index(order, b.name)
	})
}

// Ran names the command this process runs, e.g. "logto-twilio sandbox serve",
// for messages that tell the user which process does something.
func (inv *Invocation) Ran() string {
	return strings.TrimSpace(inv.program() + " " + inv.ran)
}

// Func is Line as a cmdline.Func, for the domain packages.
func (inv *Invocation) Func() cmdline.Func { return inv.Line }

// Line is the command line that runs command ("" for the wizard, "doctor",
// "workshop prepare") with args, reaching the same setup as this run: it
// adds the given flags that the command accepts (see setupFlags and
// wizardFlags) and that args do not set already. A --sandbox in args, when
// this run is not one, is a fresh sandbox run: nothing is carried.
func (inv *Invocation) Line(command string, args ...string) string {
	var words []string
	target := inv.target(command)
	if slices.Contains(args, "--sandbox") && !inv.sandbox {
		// A sandbox run suggested from a real one (try it offline first)
		// starts fresh: this run's folder holds a real setup, which the
		// sandbox refuses, and its services are not the stand-ins.
		target = nil
	}
	wizard := target != nil && (target == target.Root() || target.Name() == "setup")
	for _, g := range inv.given {
		if target == nil || !accepts(target, g.name) || slices.Contains(args, "--"+g.name) {
			continue
		}
		if !wizard && slices.Contains(wizardFlags, g.name) {
			continue
		}
		if inv.sandbox && (g.name == "logto-endpoint" || g.name == "twilio-base-url") {
			continue
		}
		if g.isBool {
			if g.value == "true" {
				words = append(words, "--"+g.name)
			}
			continue
		}
		words = append(words, "--"+g.name, g.value)
	}
	line := cmdline.Join(inv.program(), command, append(words, args...)...)
	inv.mu.Lock()
	inv.built = append(inv.built, line)
	inv.mu.Unlock()
	return line
}

// Bare is the command line that runs command with args and nothing else
// (e.g. a --help): the program named as the user can run it, quoted.
func (inv *Invocation) Bare(command string, args ...string) string {
	line := cmdline.Join(inv.program(), command, args...)
	inv.mu.Lock()
	inv.built = append(inv.built, line)
	inv.mu.Unlock()
	return line
}

// Built returns every line Line and Bare built, in order (tests parse each one).
func (inv *Invocation) Built() []string {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return slices.Clone(inv.built)
}

func (inv *Invocation) program() string {
	if inv.Program == "" {
		return cmdline.Program
	}
	return inv.Program
}

// target is the command named by command in the recorded tree.
func (inv *Invocation) target(command string) *cobra.Command {
	if inv.root == nil {
		return nil
	}
	inv.findMu.Lock()
	c, rest, err := inv.root.Find(strings.Fields(command))
	inv.findMu.Unlock()
	if err != nil || len(rest) > 0 {
		return nil
	}
	return c
}

// accepts reports whether c takes the flag name (its own or inherited).
func accepts(c *cobra.Command, name string) bool {
	return c.Flags().Lookup(name) != nil || c.InheritedFlags().Lookup(name) != nil
}

// LauncherEnv names the variable the npm launcher (npx logto-twilio, see
// npm/logto-twilio) sets for the program it runs: the command line that runs
// the launcher again, e.g. "npx logto-twilio". The program itself lives in
// node_modules or npx's cache, where the user should not have to reach.
const LauncherEnv = "LOGTO_TWILIO_LAUNCHER"

// ProgramName is how the user can run this program again, for the command
// lines it suggests: the launcher's command line when the npm launcher ran
// it (LauncherEnv); "logto-twilio" when that name on PATH is this
// executable; "go run ./cmd/logto-twilio" when `go run` built it and the
// current folder is this module's (as the README's `go run` line is run);
// else the path it was started with.
func ProgramName(arg0 string) string {
	exe, err := os.Executable()
	if err != nil {
		exe = ""
	}
	onPath, _ := exec.LookPath(cmdline.Program)
	_, statErr := os.Stat(filepath.Join("cmd", cmdline.Program, "main.go"))
	return programName(os.Getenv(LauncherEnv), arg0, exe, onPath != "" && exe != "" && sameFile(onPath, exe), statErr == nil)
}

// launcherLine is the launcher's command line from LauncherEnv, requoted
// word by word, or "" when v is not a plain command line of words: empty,
// an unclosed quote, or a character no command line shows (a control
// character such as a newline or an escape sequence). Each word is quoted
// as it needs, so shell syntax in v ($(…), ;) stays a plain word.
func launcherLine(v string) string {
	if strings.ContainsFunc(v, unicode.IsControl) {
		return ""
	}
	words, err := cmdline.Split(v)
	if err != nil || len(words) == 0 {
		return ""
	}
	for i, w := range words {
		if w == "" {
			return ""
		}
		words[i] = cmdline.Quote(w)
	}
	return strings.Join(words, " ")
}

// programName is ProgramName's choice: the launcher's line (LauncherEnv's
// value), arg0 and exe as the process was started ("" when unknown),
// whether the name on PATH is exe, and whether the current folder holds
// this module's main package.
func programName(launcher, arg0, exe string, onPath, inModule bool) string {
	if line := launcherLine(launcher); line != "" {
		return line
	}
	switch {
	case exe == "":
		return cmdline.Program
	case onPath:
		return cmdline.Program
	case strings.Contains(exe, string(filepath.Separator)+"go-build"):
		if inModule {
			return "go run ./cmd/" + cmdline.Program
		}
		return cmdline.Program
	case strings.ContainsRune(arg0, filepath.Separator):
		return cmdline.Quote(arg0)
	default:
		return cmdline.Quote(exe)
	}
}

func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}
