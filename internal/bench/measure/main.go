//go:build linux

// Command measure is the measuring half of scripts/bench (make bench): it runs the real binary
// the way a person does and prints what docs/speed.md shows.
//
//   - first frame: time from exec to the first frame on a fresh pseudo-terminal (80×24), of
//     logto-twilio and of a minimal huh v2 form (internal/bench/minimalform, same Bubble Tea) in
//     the same run, interleaved, medians, and their ratio;
//   - idle CPU: the binary's CPU ticks (/proc/<pid>/stat utime+stime) over a window under tmux,
//     at the first form (nothing changing) and at the sign-in wait (the time so far on screen,
//     changing every 2 s);
//   - peak RSS (/proc/<pid>/status VmHWM) through a whole --sandbox run, including the sign-in
//     in headless Chromium;
//   - workshop prepare --sandbox at N = 10, 100 and 500 attendees: wall time and CPU (user+sys,
//     the child's rusage) per attendee, and the ratio of the CPU per attendee at the largest N
//     to that at the smallest (workshop.go).
//
// It asserts nothing about speed: it measures and prints. It exits non-zero only when it could
// not measure (a tool missing, the wizard not reaching a step).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

func main() {
	bin := flag.String("bin", "", "the logto-twilio binary (plain build)")
	minimal := flag.String("minimal", "", "the minimal huh v2 form binary")
	runs := flag.Int("runs", 40, "first-frame runs of each binary")
	window := flag.Duration("idle", 10*time.Second, "idle CPU window")
	only := flag.String("only", "frame,idle,rss,workshop", "what to measure")
	attendees := flag.String("attendees", "10,100,500", "workshop prepare: the numbers of attendees")
	prepareRuns := flag.Int("prepare-runs", 3, "workshop prepare: runs at each number of attendees")
	flag.Parse()
	ns, err := parseCounts(*attendees)
	if *bin == "" || *minimal == "" || err != nil || *prepareRuns < 1 {
		fmt.Fprintln(os.Stderr, "usage: measure -bin PATH -minimal PATH [-runs N] [-idle 10s] [-only frame,idle,rss,workshop] [-attendees 10,100,500] [-prepare-runs 3]")
		os.Exit(2)
	}
	b, _ := filepath.Abs(*bin)
	m, _ := filepath.Abs(*minimal)
	failed := false
	if strings.Contains(*only, "frame") {
		if err := firstFrames(b, m, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "measure: first frame:", err)
			failed = true
		}
	}
	if strings.Contains(*only, "idle") {
		if err := idleAtForm(b, *window); err != nil {
			fmt.Fprintln(os.Stderr, "measure: idle at a form:", err)
			failed = true
		}
	}
	if strings.Contains(*only, "idle") || strings.Contains(*only, "rss") {
		if err := sandboxRun(b, *window, strings.Contains(*only, "rss")); err != nil {
			fmt.Fprintln(os.Stderr, "measure: sandbox run:", err)
			failed = true
		}
	}
	if strings.Contains(*only, "workshop") {
		if err := workshopPrepare(b, ns, *prepareRuns); err != nil {
			fmt.Fprintln(os.Stderr, "measure: workshop prepare:", err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// firstFrames measures both binaries alternately so both see the same machine state.
func firstFrames(bin, minimal string, runs int) error {
	dir, err := os.MkdirTemp("", "lt-bench-")
	if err != nil {
		return fmt.Errorf("measure: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	var lt, base []time.Duration
	for range runs {
		d, err := firstFrame([]string{bin, "--config-dir", dir, "--no-browser"}, dir, "Welcome")
		if err != nil {
			return fmt.Errorf("logto-twilio: %w", err)
		}
		lt = append(lt, d)
		d, err = firstFrame([]string{minimal}, dir, "Logto endpoint")
		if err != nil {
			return fmt.Errorf("minimal form: %w", err)
		}
		base = append(base, d)
	}
	r, mm := median(lt), median(base)
	fmt.Printf("first frame        %.1f ms (median of %d; minimal huh v2 form %.1f ms) ratio %.2f×\n",
		ms(r), runs, ms(mm), float64(r)/float64(mm))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// firstFrame starts argv on a fresh 80×24 pseudo-terminal and returns the time until want
// appears on it; the process is killed afterwards.
func firstFrame(argv []string, home, want string) (time.Duration, error) {
	master, slave, err := openPTY(24, 80)
	if err != nil {
		return 0, err
	}
	defer func() { _ = master.Close() }()
	cmd := exec.CommandContext(context.Background(), argv[0], argv[1:]...) //nolint:gosec // the binaries under measure.
	cmd.Env = []string{"TERM=xterm-256color", "HOME=" + home, "PATH=" + os.Getenv("PATH")}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		_ = slave.Close()
		return 0, fmt.Errorf("measure: %w", err)
	}
	_ = slave.Close()
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	_ = master.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		n, err := master.Read(buf)
		seen.Write(buf[:n])
		if bytes.Contains(seen.Bytes(), []byte(want)) {
			return time.Since(start), nil
		}
		if err != nil {
			return 0, fmt.Errorf("no first frame: %w; the terminal got %q", err, seen.String())
		}
	}
}

func openPTY(rows, cols uint16) (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("measure: pty: %w", err)
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		_ = master.Close()
		return nil, nil, fmt.Errorf("measure: pty: %w", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		_ = master.Close()
		return nil, nil, fmt.Errorf("measure: pty: %w", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		_ = master.Close()
		return nil, nil, fmt.Errorf("measure: pty: %w", err)
	}
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}); err != nil {
		_ = master.Close()
		_ = slave.Close()
		return nil, nil, fmt.Errorf("measure: pty: %w", err)
	}
	return master, slave, nil
}

// firstForm is the title of the first step's form.
const firstForm = "Step 1/14 · Welcome"

// idleAtForm measures idle CPU at the first form of a normal run (not --sandbox, whose inbox
// panel polls the stand-in): the Welcome step, nothing changing.
func idleAtForm(bin string, window time.Duration) (err error) {
	tb := &shimTB{}
	defer tb.cleanup()
	defer recoverFailure(&err)
	tm, err := newTmux(100, 40)
	if err != nil {
		return err
	}
	tb.cleanups = append(tb.cleanups, tm.kill)
	tm.start([]string{"NO_COLOR=1", "TERM=xterm-256color"}, bin, "--no-browser", "--config-dir", tb.TempDir())
	tm.waitForm(firstForm)
	pid, err := findPID(bin)
	if err != nil {
		return err
	}
	settle()
	use, err := cpuTicks(pid, window)
	if err != nil {
		return err
	}
	printIdle("idle CPU, form", "first form, nothing changing", use, window)
	return nil
}

func recoverFailure(err *error) {
	if r := recover(); r != nil {
		if f, ok := r.(failure); ok {
			*err = errors.New(string(f))
			return
		}
		panic(r)
	}
}

// sandboxRun runs bin --sandbox under tmux to the end: idle CPU at the sign-in wait, then
// (withRSS) the browser sign-in and the rest, and the peak RSS.
func sandboxRun(bin string, window time.Duration, withRSS bool) (err error) {
	tb := &shimTB{}
	defer tb.cleanup()
	defer recoverFailure(&err)
	tm, err := newTmux(100, 40)
	if err != nil {
		return err
	}
	tb.cleanups = append(tb.cleanups, tm.kill)
	dir := tb.TempDir()
	port, err := freePort()
	if err != nil {
		return err
	}
	tm.start([]string{"NO_COLOR=1", "TERM=xterm-256color"}, bin, "--sandbox", "--no-browser",
		"--port", strconv.Itoa(port), "--config-dir", dir)

	tm.waitForm(firstForm)
	pid, err := findPID(bin)
	if err != nil {
		return err
	}
	// Accept every prefilled answer (steps whose answers are given run on
	// their own) until the sign-in wait.
	s := tm.screen()
	for !strings.Contains(s, "Waiting for the sign-in") {
		if strings.Contains(s, "\n┃ ") {
			tm.keys("Enter")
		}
		prev := s
		s = tm.waitFor("the next screen", func(n string) bool { return n != prev })
	}
	demoURL := fmt.Sprintf("http://localhost:%d", port)
	if !strings.Contains(s, demoURL) {
		return fmt.Errorf("the sign-in step does not show %s:\n%s", demoURL, s)
	}
	settle()
	use, err := cpuTicks(pid, window)
	if err != nil {
		return err
	}
	printIdle("idle CPU, wait", "--sandbox sign-in wait, the time so far on screen", use, window)
	if !withRSS {
		return nil
	}

	browser := e2etest.Chromium(tb)
	e2etest.SignInByPhone(browser, tb, e2etest.PhoneSignIn{
		AppURL: demoURL, CountryCode: "1", Number: "4155550123",
		Code:     e2etest.SandboxInboxCode(tm.screen, tm.waitFor),
		Diagnose: func() string { return "screen:\n" + tm.screen() },
	})
	s = tm.waitText("✓ Sign in for real")
	peak := 0
	for !strings.Contains(s, "EXIT=") {
		if kb, err := vmHWM(pid); err == nil {
			peak = max(peak, kb)
		}
		if strings.Contains(s, "Step 13/14") || strings.Contains(s, "Step 14/14") {
			tm.keys("Enter")
		}
		prev := s
		s = tm.waitFor("the next step or the end", func(n string) bool { return n != prev })
	}
	if !strings.Contains(s, "EXIT=0") {
		return fmt.Errorf("the sandbox run did not exit 0:\n%s", s)
	}
	fmt.Printf("peak RSS           %.1f MiB (VmHWM, whole --sandbox run incl. the browser sign-in)\n", float64(peak)/1024)
	return nil
}

// settle lets the screen come to rest after a step change before a window starts.
func settle() { time.Sleep(time.Second) }

func printIdle(label, where string, u cpuUse, window time.Duration) {
	pct := float64(u.ran) / float64(window) * 100
	fmt.Printf("%-18s %.2f %% of a core (%d clock ticks, %.0f ms on CPU in %s; %s)\n",
		label, pct, u.ticks, float64(u.ran.Microseconds())/1000, window, where)
}

// cpuUse is the CPU time pid uses over window: in clock ticks (utime+stime of /proc/<pid>/stat,
// 10 ms each) and, finer, the sum of its threads' run time in /proc/<pid>/task/*/schedstat.
type cpuUse struct {
	ticks int
	ran   time.Duration
}

func cpuTicks(pid int, window time.Duration) (cpuUse, error) {
	a, err := procTicks(pid)
	if err != nil {
		return cpuUse{}, err
	}
	ra := schedRun(pid)
	time.Sleep(window)
	b, err := procTicks(pid)
	if err != nil {
		return cpuUse{}, err
	}
	return cpuUse{ticks: b - a, ran: schedRun(pid) - ra}, nil
}

// schedRun sums the time on CPU of pid's threads (0 where schedstat is missing).
func schedRun(pid int) time.Duration {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var sum time.Duration
	for _, t := range tasks {
		raw, err := os.ReadFile(t) //nolint:gosec // a /proc path.
		if err != nil {
			continue
		}
		if f := strings.Fields(string(raw)); len(f) > 0 {
			if ns, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				sum += time.Duration(ns)
			}
		}
	}
	return sum
}

func procTicks(pid int) (int, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("measure: %w", err)
	}
	// The command name (field 2) may hold spaces; fields after ")" start at field 3.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, err1 := strconv.Atoi(f[11])
	s, err2 := strconv.Atoi(f[12])
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("measure: /proc/%d/stat: %w", pid, err)
	}
	return u + s, nil
}

func vmHWM(pid int) (int, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("measure: %w", err)
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				return 0, fmt.Errorf("measure: VmHWM: %w", err)
			}
			return kb, nil
		}
	}
	return 0, errors.New("no VmHWM")
}

// findPID finds the process running bin (a path only this run uses).
func findPID(bin string) (int, error) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && exe == bin {
				return pid, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return 0, fmt.Errorf("no process runs %s", bin)
}

func freePort() (int, error) {
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("measure: %w", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tmux is a real terminal on its own tmux server socket.
type tmux struct{ socket string }

func newTmux(_, _ int) (*tmux, error) {
	if _, err := exec.LookPath("tmux"); err != nil {
		return nil, errors.New("tmux is not installed")
	}
	return &tmux{socket: fmt.Sprintf("lt-bench-%d", time.Now().UnixNano())}, nil
}

func (tm *tmux) start(env []string, argv ...string) {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	shell := strings.Join(append(env, q...), " ") + `; echo "EXIT=$?"; sleep 3600`
	tm.run("new-session", "-d", "-s", "w", "-x", "100", "-y", "40", "env "+shell)
}

func (tm *tmux) kill() {
	_ = exec.CommandContext(context.Background(), "tmux", "-L", tm.socket, "kill-server").Run() //nolint:gosec // this run's socket.
}

func (tm *tmux) run(args ...string) string {
	//nolint:gosec // tmux with this program's own arguments.
	out, err := exec.CommandContext(context.Background(), "tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		panic(failure(fmt.Sprintf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)))
	}
	return string(out)
}

func (tm *tmux) screen() string { return tm.run("capture-pane", "-p", "-t", "w") }

func (tm *tmux) keys(keys ...string) { tm.run(append([]string{"send-keys", "-t", "w"}, keys...)...) }

func (tm *tmux) waitText(text string) string {
	return tm.waitFor(strconv.Quote(text), func(s string) bool { return strings.Contains(s, text) })
}

func (tm *tmux) waitForm(title string) {
	tm.waitFor("the form of "+strconv.Quote(title), func(s string) bool {
		i := strings.Index(s, title)
		return i >= 0 && strings.Contains(s[i:], "\n┃ ")
	})
}

func (tm *tmux) waitFor(what string, match func(string) bool) string {
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := tm.screen()
		if match(s) {
			return s
		}
		if time.Now().After(deadline) {
			panic(failure(fmt.Sprintf("waiting for %s; the screen shows:\n%s", what, s)))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// failure is a measurement that could not be made; sandboxRun recovers it into an error.
type failure string

// shimTB lets this program use internal/e2etest's Chromium helpers, which take a testing.TB:
// it implements what they call and turns a failure into a failure panic.
type shimTB struct {
	testing.TB
	cleanups []func()
}

func (*shimTB) Helper()                        {}
func (*shimTB) Fatalf(format string, a ...any) { panic(failure(fmt.Sprintf(format, a...))) }
func (*shimTB) Errorf(format string, a ...any) { panic(failure(fmt.Sprintf(format, a...))) }
func (*shimTB) Skipf(format string, a ...any)  { panic(failure(fmt.Sprintf(format, a...))) }
func (t *shimTB) Cleanup(f func())             { t.cleanups = append(t.cleanups, f) }
func (t *shimTB) Context() context.Context     { return context.Background() }
func (t *shimTB) TempDir() string {
	d, err := os.MkdirTemp("", "lt-bench-")
	if err != nil {
		panic(failure(err.Error()))
	}
	t.cleanups = append(t.cleanups, func() { _ = os.RemoveAll(d) })
	return d
}

func (t *shimTB) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
