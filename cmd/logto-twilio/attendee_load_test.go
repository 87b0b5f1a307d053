package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/workshop"
)

// attendeeAnswers are what an attendee types in the plain line mode: the phone for the
// test SMS, no Express starter, finish.
func attendeeAnswers(phone string) string { return phone + "\nn\n\n" }

// runAttendee runs `logto-twilio --preset card --config-dir dir --no-browser` in this
// process (the real command line, plain line mode: stdin is not a terminal) while
// signing in on its demo as a browser would. It returns the exit code, the output and
// the sign-in's error (extra: more flags). A run that exits before its demo answered ends the sign-in at once
// (it would otherwise wait for the demo until the test's deadline).
func runAttendee(t testing.TB, r *workshopRoom, card, dir string, port int, phone string, env map[string]string, extra ...string) (int, string, error) {
	t.Helper()
	signedIn := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		signedIn <- signInOnDemo(t.Context(), r.lg, fmt.Sprintf("http://localhost:%d", port), strings.TrimPrefix(phone, "+"), exited)
	}()
	var out, errb bytes.Buffer
	code := run(append([]string{"--preset", card, "--config-dir", dir, "--no-browser"}, extra...),
		strings.NewReader(attendeeAnswers(phone)), &out, &errb, envOf(env))
	close(exited)
	var err error
	select {
	case err = <-signedIn:
	case <-t.Context().Done():
		err = t.Context().Err()
	}
	return code, out.String() + errb.String(), err
}

// TestLoadAttendees runs 100 attendees at once, each the real command line in this
// process with its own card, config folder and demo port, against one Logto stand-in
// prepared by workshop.Prepare: every run exits 0, every app is signed in to once, no
// app is duplicated, the shared connector and sign-in experience are untouched, and no
// attendee's output or files hold the facilitator's secrets. The wall time and the
// process's peak RSS are logged (reported, never asserted).
func TestLoadAttendees(t *testing.T) {
	if testing.Short() {
		t.Skip("100 concurrent attendee runs: not in -short")
	}
	const n = 100
	r := newWorkshopRoom(t, n, freePort(t))
	if len(r.cards) != n {
		t.Fatalf("prepare wrote %d cards, want %d", len(r.cards), n)
	}
	ports := distinctFreePorts(t, n)
	for i, c := range r.cards {
		r.moveCard(t, c, ports[i])
	}
	sharedBefore := r.shared(t)
	sentBefore := len(r.twilioBodies())
	home := t.TempDir()

	start := time.Now()
	var wg sync.WaitGroup
	type outcome struct {
		code int
		out  string
		err  error
	}
	results := make([]outcome, n)
	for i := range n {
		wg.Go(func() {
			phone := fmt.Sprintf("+1415555%04d", i)
			code, out, err := runAttendee(t, r, r.cards[i], filepath.Join(home, fmt.Sprint(i)), ports[i], phone, map[string]string{"TERM": "dumb"})
			results[i] = outcome{code, out, err}
		})
	}
	wg.Wait()
	wall := time.Since(start)

	for i, res := range results {
		if res.code != 0 || res.err != nil {
			t.Errorf("attendee %d: exit %d, sign-in %v\n%s", i, res.code, res.err, res.out)
			continue
		}
		if !strings.Contains(res.out, fmt.Sprintf("signed in as +1415555%04d", i)) {
			t.Errorf("attendee %d: no sign-in line:\n%s", i, res.out)
		}
		assertNoFacilitatorSecret(t, fmt.Sprintf("attendee %d's output", i), res.out, r.m2mSecret)
	}
	assertNoSecretFiles(t, home, r.m2mSecret)

	// 100 distinct apps, one sign-in each, recorded by Logto.
	status, err := workshop.Status(t.Context(), workshop.Config{Dir: r.dir, HTTPClient: r.lg.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	signIns := 0
	for _, s := range status {
		if ids[s.AppID] {
			t.Errorf("app %s twice", s.AppID)
		}
		ids[s.AppID] = true
		signIns += s.SignIns
		if s.SignIns != 1 || s.Err != nil {
			t.Errorf("%s: %d sign-ins (%v), want 1", s.Name, s.SignIns, s.Err)
		}
	}
	if len(ids) != n || signIns != n {
		t.Errorf("%d apps, %d sign-ins; want %d of each", len(ids), signIns, n)
	}
	for _, s := range status {
		apps, err := r.client.FindTraditionalApplications(t.Context(), s.Name)
		if err != nil || len(apps) != 1 {
			t.Errorf("%s: %d apps (%v), want 1", s.Name, len(apps), err)
		}
	}
	if after := r.shared(t); after != sharedBefore {
		t.Errorf("the shared connector or sign-in experience changed:\nbefore %s\nafter  %s", sharedBefore, after)
	}
	// Each attendee: one test SMS and one sign-in code, both through Logto's connector.
	if sent := len(r.twilioBodies()) - sentBefore; sent != 2*n {
		t.Errorf("Twilio got %d messages, want %d", sent, 2*n)
	}
	t.Logf("%d attendees: wall time %v, peak RSS %s (GOMAXPROCS %d)", n, wall.Round(time.Millisecond), peakRSS(), runtime.GOMAXPROCS(0))
}

// distinctFreePorts finds n distinct free ports below the usual ephemeral range
// (32768 and up on Linux), so that none is taken meanwhile by an outgoing connection
// of the load itself.
func distinctFreePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	start := 20000 + rand.IntN(10000)
	for p := start; len(ports) < n && p < 32768; p++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		_ = l.Close()
		ports = append(ports, p)
	}
	if len(ports) < n {
		t.Fatalf("found %d free ports, want %d", len(ports), n)
	}
	return ports
}

// assertNoSecretFiles checks every file under dir for the facilitator's secrets.
func assertNoSecretFiles(t testing.TB, dir, m2mSecret string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		assertNoFacilitatorSecret(t, p, string(b), m2mSecret)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// peakRSS is the process's peak resident set size (VmHWM), where Linux reports it.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
