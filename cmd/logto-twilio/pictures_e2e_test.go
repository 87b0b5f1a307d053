package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

// recording is where TestE2ERecording writes its run as an asciicast (v2)
// file; make recording (scripts/recording.sh) sets it and renders the file.
var recording = flag.String("recording", "", "TestE2ERecording: write the sandbox run's screens into this asciicast file")

// recordingPort is the demo server's port in the recording: the program's
// default, so the recording shows what a user sees.
const recordingPort = 3000

// TestE2EPictureScript runs the driver of make picture (scripts/picture.sh)
// in its check mode against the current binary, so a change to the wizard's
// screens that breaks the picture breaks this test.
func TestE2EPictureScript(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "tmux")
	bash := e2etest.Need(t, "bash")
	bin := buildBinary(t)
	cmd := exec.CommandContext(t.Context(), bash, filepath.Join("..", "..", "scripts", "picture.sh"), "--check")
	cmd.Env = append(os.Environ(), "LOGTO_TWILIO_BIN="+bin, fmt.Sprintf("LOGTO_TWILIO_PICTURE_PORT=%d", freePort(t)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/picture.sh --check: %v\n%s", err, out)
	}
}

// TestE2ERecording is the recording of a whole --sandbox run that README
// shows (docs/sandbox.svg): the real binary at 90×34 with colours, the
// answers a user gives (the only forms that ask), the sign-in through the
// demo page by headless Chromium with the code from the sandbox's inbox
// panel, the Express starter skipped, the end. Without -recording it checks
// that the run still goes that way; with -recording FILE (make recording) it
// also records the screens into FILE, pausing before each answer so a viewer
// can read the question.
func TestE2ERecording(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "chromium", "/usr/bin/chromium")
	e2etest.Need(t, "tmux")
	bin := buildBinary(t)
	port := freePort(t)
	pause := func() {}
	if *recording != "" {
		// A pause for the viewer, not for the program: nothing waits on it.
		pause = func() { time.Sleep(3 * time.Second) }
		port = recordingPort
		if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
			t.Fatalf("port %d is in use (%v): the recording shows the program's default port; stop what listens there", port, err)
		} else {
			_ = l.Close()
		}
	}
	// As a user runs it: the command by its name, the setup in the
	// default config folder (of a fresh home), so the screens show no
	// test paths.
	home := t.TempDir()
	env := []string{
		e2etest.ShellQuote("PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH")),
		e2etest.ShellQuote("HOME=" + home), e2etest.ShellQuote("XDG_CONFIG_HOME=" + filepath.Join(home, ".config")),
		"TERM=xterm-256color", "COLORTERM=truecolor",
	}
	argv := []string{"logto-twilio", "--sandbox", "--no-browser", "--port", fmt.Sprint(port)}
	tm := newTmux(t, 90, 34, env, argv...)
	var rec *screenRecorder
	if *recording != "" {
		rec = recordScreens(tm)
	}

	tm.waitForm("Step 1/14 · Welcome")
	pause()
	tm.keys("y")
	tm.waitForm("Step 8/14 · SMS templates")
	pause()
	tm.keys("Enter") // the default texts
	tm.waitForm("Step 11/14 · Sign-in experience")
	tm.waitText("┃ Apply these changes")
	pause()
	tm.keys("Enter")
	demoURL := fmt.Sprintf("http://localhost:%d", port)
	tm.waitFor("the demo app's URL at Step 12/14", func(s string) bool {
		return strings.Contains(s, "Step 12/14 · Sign in for real") && strings.Contains(s, demoURL)
	})
	pause()
	signInThroughDemo(e2etest.Chromium(t), t, tm, demoURL)
	tm.waitFor("the wizard to see the sign-in", func(s string) bool {
		return strings.Contains(s, "✓ Sign in for real") && strings.Contains(s, sandboxTestPhone)
	})
	tm.waitForm("Step 13/14")
	pause()
	tm.keys("Enter") // no Express starter
	s := tm.waitText("EXIT=")
	if !strings.Contains(s, "EXIT=0") {
		t.Fatalf("the run did not end with exit code 0:\n%s", s)
	}
	if rec == nil {
		return
	}
	cast := rec.stop(90, 34)
	if cast == nil {
		t.Fatal("the recording has no frame")
	}
	if strings.Contains(string(cast), sandboxAuthToken) {
		t.Fatal("the recording holds the sandbox's Twilio auth token")
	}
	if err := os.WriteFile(*recording, cast, 0o600); err != nil {
		t.Fatal(err)
	}
}

// screenRecorder records what a tmux terminal shows, with its colours, as
// it changes: tmux is the terminal emulator, so each frame is what a user saw
// (a renderer of the program's raw output, such as svg-term's, mishandles
// some of the sequences Bubble Tea sends).
type screenRecorder struct {
	start  time.Time
	frames []screenFrame
	quit   chan struct{}
	done   chan struct{}
	once   sync.Once
}

type screenFrame struct {
	at     time.Duration
	screen string
}

// recordScreens starts recording tm's screen ten times a second, until stop
// or the end of the test (before tm's tmux server is stopped).
func recordScreens(tm *tmuxTerm) *screenRecorder {
	r := &screenRecorder{start: time.Now(), quit: make(chan struct{}), done: make(chan struct{})}
	tm.t.Cleanup(r.halt)
	go func() {
		defer close(r.done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		last := ""
		for {
			s := tm.Run("capture-pane", "-e", "-p", "-t", "w")
			// The program's end: the test's shell line prints EXIT=.
			if strings.Contains(s, "EXIT=") {
				return
			}
			if s != last && strings.TrimSpace(s) != "" {
				r.frames = append(r.frames, screenFrame{time.Since(r.start), s})
				last = s
			}
			select {
			case <-r.quit:
				return
			case <-tick.C:
			}
		}
	}()
	return r
}

// stop ends the recording and returns it as an asciicast v2 file for a
// width×height terminal: each frame redraws the whole screen; a pause longer
// than three seconds is cut to three, and the last frame stays five seconds.
// It returns nil when no frame was recorded.
func (r *screenRecorder) stop(width, height int) []byte {
	r.halt()
	if len(r.frames) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, `{"version": 2, "width": %d, "height": %d, "env": {"TERM": "xterm-256color"}}`+"\n", width, height)
	var at, prev time.Duration
	for i, f := range append(r.frames, screenFrame{}) {
		screen := f.screen
		if i == len(r.frames) {
			// Hold the last frame.
			at += 5 * time.Second
			screen = r.frames[len(r.frames)-1].screen
		} else if i > 0 {
			at += min(f.at-prev, 3*time.Second)
		}
		prev = f.at
		lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
		if len(lines) > height {
			lines = lines[:height]
		}
		frame := "\x1b[H" + strings.Join(lines, "\x1b[0m\x1b[K\r\n") + "\x1b[0m\x1b[J"
		ev, _ := json.Marshal([]any{at.Seconds(), "o", frame})
		b.Write(ev)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// halt stops the recording goroutine and waits for it.
func (r *screenRecorder) halt() {
	r.once.Do(func() { close(r.quit) })
	<-r.done
}
