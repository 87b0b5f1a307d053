package rotate_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/rotate"
)

// TestTranscript freezes what a user reads: the progress lines, outcomes and questions of
// a full run (all three rotations, the old secrets' deletion asked and agreed), then of a
// failed Twilio rotation and of a promotion left unfinished. `go test ./rotate -update`
// rewrites testdata/TestTranscript.golden after an intended change.
func TestTranscript(t *testing.T) {
	w := newWorld(t)
	var b strings.Builder
	clock := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	build := func() *rotate.Env {
		env := w.env()
		env.Now = func() time.Time { return clock }
		env.Yes = false
		env.Confirm = func(_ context.Context, q string) (bool, error) {
			b.WriteString("? " + q + " yes\n")
			return true, nil
		}
		env.Report = func(l string) { b.WriteString("… " + l + "\n") }
		// As the command layer renders the hints of a run with --sandbox.
		env.Command = func(c string, args ...string) string {
			return cmdline.Plain(c, append([]string{"--sandbox"}, args...)...)
		}
		return env
	}
	show := func(title string, outs []rotate.Outcome, err error) {
		b.WriteString("\n== " + title + "\n")
		for _, o := range outs {
			b.WriteString(o.String())
		}
		if re, ok := err.(*rotate.Error); ok { //nolint:errorlint // the engine returns *Error itself
			b.WriteString("✗ " + re.What + " [" + re.State.String() + "]\n  " + re.Hint() + "\n  (" + err.Error() + ")\n")
		}
	}
	b.WriteString("== rotate --twilio --app-secret --m2m\n")
	outs, err := rotate.Run(t.Context(), build(), rotate.Plan{Twilio: true, AppSecret: true, M2MSecret: true})
	show("result", outs, err)

	w.lg.Inject("POST", "/api/connectors/{factoryId}/test", logtotestFault(500))
	b.WriteString("\n== rotate --twilio (the test SMS fails)\n")
	outs, err = rotate.Run(t.Context(), build(), rotate.Plan{Twilio: true})
	show("result", outs, err)

	w.tw.Inject("POST", "/v1/AuthTokens/Promote", twiliotestServerError())
	b.WriteString("\n== rotate --twilio (the promotion fails)\n")
	outs, err = rotate.Run(t.Context(), build(), rotate.Plan{Twilio: true})
	show("result", outs, err)
	b.WriteString("\n== rotate (re-run)\n")
	outs, err = rotate.Run(t.Context(), build(), rotate.Plan{})
	show("result", outs, err)

	got := strings.ReplaceAll(b.String(), w.env().Setup.ExpressDir, "<express>")
	golden.RequireEqual(t, got)
}
