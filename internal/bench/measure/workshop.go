//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// workshopPrepare measures `workshop prepare --sandbox --attendees N` for each N: the wall
// time from exec to exit, and the CPU time of the process (user + system, from its rusage:
// every thread, waited for), each per attendee, the median of runs. Every run starts from a
// fresh copy of one sandbox setup (no app yet), so it creates N apps and N cards. The ratio
// of the CPU per attendee at the largest N to that at the smallest says how far from linear
// the run is (1 = linear).
func workshopPrepare(bin string, ns []int, runs int) error {
	dir, err := os.MkdirTemp("", "lt-bench-workshop-")
	if err != nil {
		return fmt.Errorf("measure: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	setup := filepath.Join(dir, "setup")
	if err := sandboxSetup(bin, setup); err != nil {
		return err
	}
	perAttendee, cpuAt := map[int]time.Duration{}, map[int]time.Duration{}
	for _, n := range ns {
		var walls, cpus []time.Duration
		for r := range runs {
			cfg := filepath.Join(dir, fmt.Sprintf("n%d-run%d", n, r))
			if err := copyDir(setup, cfg); err != nil {
				return err
			}
			wall, cpu, err := prepareOnce(bin, cfg, n)
			if err != nil {
				return fmt.Errorf("with %d attendees: %w", n, err)
			}
			walls, cpus = append(walls, wall), append(cpus, cpu)
			_ = os.RemoveAll(cfg)
		}
		w, c := median(walls), median(cpus)
		perAttendee[n], cpuAt[n] = c/time.Duration(n), c
		fmt.Printf("workshop prepare   --sandbox, N=%d: wall %.0f ms (%.2f ms/attendee), CPU user+sys %.0f ms (%.2f ms/attendee); median of %d\n",
			n, ms(w), ms(w)/float64(n), ms(c), ms(c)/float64(n), runs)
	}
	if len(ns) > 1 {
		lo, hi := ns[0], ns[len(ns)-1]
		fmt.Printf("workshop prepare   CPU per attendee at N=%d / at N=%d: %.2f× (1 = linear)\n",
			hi, lo, float64(perAttendee[hi])/float64(perAttendee[lo]))
		// The start-up (some 20 ms: the sandbox's state, the setup) weighs on the smallest N
		// only; the CPU each further attendee adds is free of it.
		var steps []string
		for i := 1; i < len(ns); i++ {
			a, b := ns[i-1], ns[i]
			if b > a {
				steps = append(steps, fmt.Sprintf("N=%d→%d %.2f ms", a, b, ms(cpuAt[b]-cpuAt[a])/float64(b-a)))
			}
		}
		if len(steps) > 0 {
			fmt.Printf("workshop prepare   CPU per further attendee: %s (constant = linear)\n", strings.Join(steps, ", "))
		}
	}
	return nil
}

// sandboxSetup makes a sandbox setup in dir that workshop prepare accepts: it runs the
// wizard with --sandbox --non-interactive up to the sign-in wait (step 12, which needs a
// browser) and stops it there with an interrupt. Every step before it is saved by then:
// the M2M app, the Twilio connector and phone sign-in, which is all prepare needs.
func sandboxSetup(bin, dir string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--sandbox", "--non-interactive", "--no-browser", //nolint:gosec // the binary under measure.
		"--port", strconv.Itoa(port), "--config-dir", dir)
	cmd.Env = benchEnv(dir)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("measure: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("measure: %w", err)
	}
	var seen strings.Builder
	sc := bufio.NewScanner(out)
	waiting := false
	for sc.Scan() {
		seen.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "Waiting for the sign-in") {
			waiting = true
			break
		}
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_, _ = io.Copy(io.Discard, out)
	_ = cmd.Wait() // stopped: exit code 130
	if !waiting {
		return fmt.Errorf("measure: the sandbox wizard did not reach the sign-in wait; stderr %q, output:\n%s", errOut.String(), seen.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "setup.json")); err != nil {
		return fmt.Errorf("measure: the sandbox wizard saved no setup: %w", err)
	}
	return nil
}

// prepareOnce runs workshop prepare for n attendees on the setup in dir.
func prepareOnce(bin, dir string, n int) (wall, cpu time.Duration, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "workshop", "prepare", "--sandbox", "--non-interactive", //nolint:gosec // the binary under measure.
		"--config-dir", dir, "--attendees", strconv.Itoa(n), "--out", filepath.Join(dir, "cards"))
	cmd.Env = benchEnv(dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("measure: workshop prepare: %w; output:\n%s", err, out.String())
	}
	if want := fmt.Sprintf("%d created, 0 reused", n); !strings.Contains(out.String(), want) {
		return 0, 0, fmt.Errorf("measure: workshop prepare did not say %q:\n%s", want, out.String())
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

func benchEnv(home string) []string {
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "NO_COLOR=1", "TERM=dumb"}
}

// copyDir copies the files under from into to (created), readable by the owner only, as
// the program keeps its config folder.
func copyDir(from, to string) error {
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		return fmt.Errorf("measure: copy the sandbox setup: %w", err)
	}
	root, err := os.OpenRoot(to)
	if err != nil {
		return fmt.Errorf("measure: copy the sandbox setup: %w", err)
	}
	defer func() { _ = root.Close() }()
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o600)
		if d.IsDir() {
			mode = 0o700
		}
		return root.Chmod(p, mode)
	})
	if err != nil {
		return fmt.Errorf("measure: copy the sandbox setup: %w", err)
	}
	return nil
}

// parseCounts reads a list like "10,100,500".
func parseCounts(s string) ([]int, error) {
	var ns []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, errors.New("measure: -attendees wants counts like 10,100,500")
		}
		ns = append(ns, n)
	}
	return ns, nil
}
