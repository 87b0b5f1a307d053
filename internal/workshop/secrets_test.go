package workshop

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// No card, sheet, record, event, result, error or printed line holds the M2M secret or the
// Twilio Auth Token; the cards hold their own app's secret only.
func TestNoFacilitatorSecretAnywhere(t *testing.T) {
	r := newRoom(t)
	r.enableSMSSignIn(t)
	r.srv.Inject("POST", "/api/applications", logtotest.Fault{Status: 500, Body: `{"message":"Internal server error."}`, Times: 1})
	r.srv.Inject("GET", "/api/applications/{id}/secrets", logtotest.Fault{Drop: true, Times: 1})
	var c collector
	var texts []string
	res, err := Prepare(t.Context(), r.cfg(4), c.add)
	texts = append(texts, fmt.Sprintf("%+v %#v %v", res, res, err))
	var plain bytes.Buffer
	res2, err := RunPrepare(t.Context(), r.cfg(4), &plain, nil)
	texts = append(texts, fmt.Sprintf("%+v %#v %v", res2, res2, err), plain.String())
	for _, ev := range c.all() {
		texts = append(texts, fmt.Sprintf("%+v %#v", ev, ev), PlainLine(ev))
	}
	card, err := ReadCard(res2.Apps[0].Card)
	if err != nil {
		t.Fatal(err)
	}
	r.signIn(t, card, "12015550111")
	st, err := Status(t.Context(), r.cfg(0))
	var out bytes.Buffer
	WriteStatus(&out, st)
	texts = append(texts, fmt.Sprintf("%+v %v", st, err), out.String(), fmt.Sprintf("%v %+v %#v", card, card, card))

	files := filesUnder(t, r.out)
	rec, _ := os.ReadFile(RecordPath(r.dir))
	files[RecordPath(r.dir)] = string(rec)
	if len(files) != 4*2+2 {
		t.Fatalf("%d files: %v", len(files), files)
	}
	for path, content := range files {
		if s := containsAny(content, r.m2mSecret, twilioToken); s != "" {
			t.Errorf("%s holds a facilitator secret", path)
		}
	}
	for _, a := range res2.Apps {
		c, err := ReadCard(a.Card)
		if err != nil || !strings.Contains(files[a.Sheet], c.AppSecret) {
			t.Errorf("card %s: %v", a.Card, err)
		}
		if strings.Contains(string(rec), c.AppSecret) {
			t.Errorf("the record holds %s's secret", a.Name)
		}
	}

	td, err := Teardown(t.Context(), r.cfg(0), c.add)
	texts = append(texts, fmt.Sprintf("%+v %v", td, err))
	for _, ev := range c.all() {
		texts = append(texts, fmt.Sprintf("%+v", ev), PlainLine(ev))
	}
	for i, s := range texts {
		if sec := containsAny(s, r.m2mSecret, twilioToken); sec != "" {
			t.Errorf("output %d holds a facilitator secret: %q", i, s)
		}
		if sec := containsAny(s, card.AppSecret); sec != "" {
			t.Errorf("output %d holds an app secret: %q", i, s)
		}
	}
}
