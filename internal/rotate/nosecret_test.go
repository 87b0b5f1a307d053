package rotate_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/rotate"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// TestNoSecretInOutput runs every rotation, with and without failures, and checks that no
// secret value, old or new, appears in anything rotate reports or returns (progress lines,
// outcomes, errors and their hints, in every format) or in any setup.json it saved.
// secrets.json holds the values by design and is the only file that does.
func TestNoSecretInOutput(t *testing.T) {
	w := newWorld(t)
	var printed []string
	show := func(out rotate.Outcome, err error) {
		printed = append(printed, out.String(), fmt.Sprintf("%v|%+v|%#v", out, out, out), strings.Join(out.Lines, "\n"), strings.Join(out.Notes, "\n"), out.History)
		if err != nil {
			printed = append(printed, err.Error(), fmt.Sprintf("%v|%+v|%#v", err, err, err))
			if re, ok := err.(*rotate.Error); ok { //nolint:errorlint // the engine returns *Error itself
				printed = append(printed, re.Hint())
			}
		}
	}
	ctx := t.Context()
	show(rotate.Twilio(ctx, w.env()))
	show(rotate.AppSecret(ctx, w.env(), nil))
	show(rotate.M2MSecret(ctx, w.env(), nil))
	// Failures: an unfinished promotion and its re-run; a refused new secret; a bad paste.
	w.tw.Inject(http.MethodPost, "/v1/AuthTokens/Promote", twiliotest.Fault{Status: 500, Times: 1})
	show(rotate.Twilio(ctx, w.env()))
	show(rotate.Twilio(ctx, w.env())) // refused: unfinished
	show(rotate.Resume(ctx, w.env()))
	w.lg.Inject(http.MethodPatch, "/api/connectors/{id}", logtotestFault(500))
	show(rotate.Twilio(ctx, w.env()))
	w.tr.add(&rule{match: func(r *http.Request) bool {
		u, _, _ := r.BasicAuth()
		return r.URL.Path == "/oidc/token" && u == w.appID
	}, nth: 1})
	show(rotate.AppSecret(ctx, w.env(), nil))
	_, sec := w.loaded()
	show(rotate.TwilioPasted(ctx, w.env(), sec.AppSecret.Reveal()[:32]))
	show(rotate.TwilioPasted(ctx, w.env(), "0123456789abcdef0123456789abcdef"))
	outs, err := rotate.Run(ctx, w.env(), rotate.Plan{Twilio: true, AppSecret: true, M2MSecret: true})
	for _, o := range outs {
		show(o, nil)
	}
	show(rotate.Outcome{}, err)
	w.mustVerify()

	setupJSON, err := os.ReadFile(filepath.Join(w.store.Dir, "setup.json"))
	if err != nil {
		t.Fatal(err)
	}
	haystacks := append(append(append(printed, w.reports...), w.saved...), string(setupJSON))
	if len(w.secrets) < 9 {
		t.Fatalf("only %d secret values seen: the test did not rotate enough", len(w.secrets))
	}
	for i, h := range printed {
		checkHints(t, "output "+strconv.Itoa(i), h)
	}
	for v := range w.secrets {
		for i, h := range haystacks {
			if strings.Contains(h, v) {
				t.Errorf("a secret value (%d chars) appears in output %d: %.200q", len(v), i, h)
			}
		}
	}
	if len(w.reports) < 15 || len(w.saved) < 15 {
		t.Fatalf("too little captured: %d reports, %d saves", len(w.reports), len(w.saved))
	}
}
