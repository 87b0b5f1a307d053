package workshop

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

func wantNames(prefix string, width, n int) []string {
	out := make([]string, n)
	for i := range n {
		out[i] = AppName(prefix, width, i+1)
	}
	return out
}

func sameList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The proof: prepare with N=100 twice in a row creates exactly 100 apps.
func TestPrepareHundredTwice(t *testing.T) {
	r := newRoom(t)
	var c collector
	start := time.Now()
	res, err := Prepare(t.Context(), r.cfg(100), c.add)
	first := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 100 || res.Reused != 0 || res.Failed != 0 {
		t.Fatalf("first run: created %d, reused %d, failed %d", res.Created, res.Reused, res.Failed)
	}
	want := wantNames("Bookstore", 3, 100)
	if got := r.apps(t); !sameList(got, want) {
		t.Fatalf("apps after the first run: %d %v", len(got), got[:min(5, len(got))])
	}
	evs := c.all()
	if last := evs[len(evs)-1]; len(evs) != 100 || last.Done != 100 || last.Total != 100 {
		t.Errorf("events: %d, last %+v", len(evs), last)
	}

	start = time.Now()
	res, err = Prepare(t.Context(), r.cfg(100), nil)
	second := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 0 || res.Reused != 100 {
		t.Fatalf("second run: created %d, reused %d", res.Created, res.Reused)
	}
	if got := r.apps(t); !sameList(got, want) {
		t.Fatalf("apps after the second run: %d", len(got))
	}
	t.Logf("N=100: first run %v, second run %v", first.Round(time.Millisecond), second.Round(time.Millisecond))

	rec, found, err := LoadRecord(r.dir)
	if err != nil || !found || len(rec.Apps) != 100 || rec.Width != 3 || rec.Apps[99].Name != "Bookstore 100" {
		t.Fatalf("record: %v %v %d", err, found, len(rec.Apps))
	}
	for _, p := range []string{RecordPath(r.dir), rec.Apps[0].Card, rec.Apps[0].Sheet, filepath.Join(r.out, SheetFile)} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", p, err, fi)
		}
	}
	card, err := ReadCard(filepath.Join(r.out, "bookstore-042.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	app, ok := r.srv.Application(card.AppID)
	if !ok || card.Name != "Bookstore 042" || card.Port != 3000 || card.Endpoint != r.srv.URL || card.AppSecret == "" {
		t.Fatalf("card %v (app found: %v)", card, ok)
	}
	for _, uri := range []string{`"http://localhost:3000/logto/sign-in-callback"`, `"http://localhost:3000"`, `"http://localhost:3000/"`} {
		if !strings.Contains(string(app), uri) {
			t.Errorf("app lacks %s: %s", uri, app)
		}
	}
}

func TestPrepareNamesAndGrowth(t *testing.T) {
	r := newRoom(t)
	if _, err := Prepare(t.Context(), r.cfg(3), nil); err != nil {
		t.Fatal(err)
	}
	// A larger room later keeps the width of the first run: no "Bookstore 001" beside "Bookstore 01".
	res, err := Prepare(t.Context(), r.cfg(5), nil)
	if err != nil || res.Created != 2 || res.Reused != 3 {
		t.Fatalf("grow: %+v %v", res, err)
	}
	if got, want := r.apps(t), wantNames("Bookstore", 2, 5); !sameList(got, want) {
		t.Errorf("apps %v, want %v", got, want)
	}
	// A smaller number keeps the rest, and says so.
	res, err = Prepare(t.Context(), r.cfg(2), nil)
	if err != nil || res.Reused != 2 || len(res.Extra) != 3 {
		t.Fatalf("shrink: %+v %v", res, err)
	}
	// Another prefix while this workshop is recorded is refused before any call.
	cfg := r.cfg(2)
	cfg.NamePrefix = "Cafe"
	n := len(r.srv.Requests())
	if _, err := Prepare(t.Context(), cfg, nil); err == nil || !strings.Contains(err.Error(), "keep their prefix (run `⟦workshop prepare --attendees 2 --out") || strings.Contains(err.Error(), "Cafe") {
		t.Errorf("other prefix: %v", err)
	}
	if len(r.srv.Requests()) != n {
		t.Error("the refused run sent requests")
	}
}

// Faults during prepare: 429 with Retry-After (honoured), 5xx and dropped connections on some
// app creations. The run finishes what it can, reports the rest, and a re-run completes it.
func TestPrepareFaultsThenRerun(t *testing.T) {
	r := newRoom(t)
	r.srv.Inject("POST", "/api/applications", logtotest.TooManyRequests(30*time.Second, 2))
	r.srv.Inject("POST", "/api/applications", logtotest.Fault{Status: 500, Body: `{"message":"Internal server error."}`, Times: 3})
	r.srv.Inject("POST", "/api/applications", logtotest.Fault{Drop: true, Times: 2})
	r.srv.Inject("GET", "/api/applications/{id}/secrets", logtotest.Fault{Status: 503, Body: "busy", Times: 1})
	// Inside a synctest bubble the Retry-After waits take no real time. The stand-in runs
	// outside the bubble; the client's transport is made inside it, without keep-alive
	// connections, whose idle reads would keep the bubble's clock from moving.
	var (
		c       collector
		res     Result
		err     error
		elapsed time.Duration
	)
	synctest.Test(t, func(t *testing.T) {
		cfg := r.cfg(12)
		cfg.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		start := time.Now()
		res, err = Prepare(t.Context(), cfg, c.add)
		elapsed = time.Since(start)
	})
	if elapsed < 30*time.Second {
		t.Errorf("the run took %v of the bubble's time, want at least the Retry-After of 30s", elapsed)
	}
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("err = %v, want ErrIncomplete", err)
	}
	// 3 × 500 + 2 drops fail the create; 1 × 503 fails after the app exists (it is recorded);
	// the two 429s are waited out and sent again.
	if res.Failed != 6 || res.Created != 6 {
		t.Fatalf("created %d, failed %d: %+v", res.Created, res.Failed, res.Apps)
	}
	waits := 0
	for _, ev := range c.all() {
		if ev.Action == ActionWaiting {
			waits++
			if ev.Wait != 30*time.Second {
				t.Errorf("wait %v, want the Retry-After of 30s", ev.Wait)
			}
		}
	}
	if waits != 2 {
		t.Errorf("%d rate-limit waits reported, want 2", waits)
	}
	for _, a := range res.Apps {
		if a.Action == ActionFailed && (a.Err == nil || a.Card != "") {
			t.Errorf("failed app %+v", a)
		}
	}
	if !strings.Contains(err.Error(), "6 of 12 apps failed") || !strings.Contains(err.Error(), "run `⟦workshop prepare --attendees 12 --out "+r.out+"⟧` again") {
		t.Errorf("error text: %v", err)
	}
	checkHints(t, "error", err.Error())

	res, err = Prepare(t.Context(), r.cfg(12), nil)
	if err != nil {
		t.Fatalf("re-run: %v", err)
	}
	// A dropped connection or a 500 may hide a created app: the re-run finds those by name.
	if res.Created+res.Adopted != 5 || res.Reused != 7 {
		t.Errorf("re-run: created %d, adopted %d, reused %d", res.Created, res.Adopted, res.Reused)
	}
	if got, want := r.apps(t), wantNames("Bookstore", 2, 12); !sameList(got, want) {
		t.Errorf("apps %v, want exactly %v", got, want)
	}
	if n := len(filesUnder(t, r.out)); n != 12*2+1 {
		t.Errorf("%d files in the cards folder, want 12 cards, 12 sheets and cards.html", n)
	}
}

// A crash after Logto created the app but before the record was written: the re-run
// finds the app by its exact name and description and never makes a second one; an app
// of the facilitator's with the same name is never adopted.
func TestPrepareLostRecord(t *testing.T) {
	r := newRoom(t)
	if _, err := Prepare(t.Context(), r.cfg(4), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(RecordPath(r.dir)); err != nil {
		t.Fatal(err)
	}
	r.srv.AddTraditionalApp("Bookstore 05", []string{"http://localhost:3000/logto/sign-in-callback"}, nil)
	res, err := Prepare(t.Context(), r.cfg(5), nil)
	if !errors.Is(err, ErrIncomplete) || res.Adopted != 4 || res.Failed != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if e := res.Apps[4].Err; e == nil || !strings.Contains(e.Error(), "did not make") {
		t.Errorf("foreign app: %v", e)
	}
	want := append(wantNames("Bookstore", 2, 4), "Bookstore 05 (not ours)")
	if got := r.apps(t); !sameList(got, want) {
		t.Errorf("apps %v, want %v", got, want)
	}
	rec, _, _ := LoadRecord(r.dir)
	if len(rec.Apps) != 4 {
		t.Errorf("record has %d apps, want the 4 adopted", len(rec.Apps))
	}
}

func TestPrepareRecreatesAppDeletedByHand(t *testing.T) {
	r := newRoom(t)
	if _, err := Prepare(t.Context(), r.cfg(2), nil); err != nil {
		t.Fatal(err)
	}
	rec, _, _ := LoadRecord(r.dir)
	f, err := load(r.cfg(2).withDefaults(), r.srv.Client(), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client.DeleteApplication(t.Context(), rec.Apps[1].ID); err != nil {
		t.Fatal(err)
	}
	res, err := Prepare(t.Context(), r.cfg(2), nil)
	if err != nil || res.Reused != 1 || res.Created != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if got := r.apps(t); !sameList(got, wantNames("Bookstore", 2, 2)) {
		t.Errorf("apps %v", got)
	}
}

func TestPrepareBadInputSendsNothing(t *testing.T) {
	r := newRoom(t)
	tests := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"no attendees", func(c *Config) { c.Attendees = 0 }, "--attendees 0"},
		{"too many", func(c *Config) { c.Attendees = MaxAttendees + 1 }, "--attendees 501"},
		{"prefix with spaces", func(c *Config) { c.NamePrefix = " Shop" }, "--name-prefix"},
		{"prefix without letters", func(c *Config) { c.NamePrefix = "!!!" }, "at least one letter"},
		{"bad port", func(c *Config) { c.Port = 70000 }, "--port 70000"},
		{"bad concurrency", func(c *Config) { c.Concurrency = 99 }, "--concurrency 99"},
		{"no dir", func(c *Config) { c.Dir = "" }, "config directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := r.cfg(3)
			tc.mod(&cfg)
			if _, err := Prepare(t.Context(), cfg, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
	if n := len(r.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	if _, err := os.Stat(r.out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cards folder made: %v", err)
	}
}

func TestPrepareNeedsTheFacilitatorSetup(t *testing.T) {
	r := newRoom(t)
	store := filepath.Join(r.dir, "setup.json")
	b, _ := os.ReadFile(store)
	s := strings.Replace(string(b), `"signInConfigured": true`, `"signInConfigured": false`, 1)
	s = strings.Replace(s, `"connectorId": "conn123"`, `"connectorId": ""`, 1)
	if s == string(b) {
		t.Fatalf("setup.json not as expected: %s", b)
	}
	if err := os.WriteFile(store, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Prepare(t.Context(), r.cfg(3), nil)
	var nr *NotReadyError
	if !errors.As(err, &nr) || fmt.Sprint(nr.Missing) != "[Twilio SMS connector phone sign-in]" || !strings.Contains(err.Error(), "run `⟦setup⟧` first") {
		t.Fatalf("err %v", err)
	}
	checkHints(t, "error", err.Error())
	if n := len(r.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// Status and teardown need only the M2M app.
	if _, err := Teardown(t.Context(), r.cfg(0), nil); err != nil {
		t.Errorf("teardown with nothing recorded: %v", err)
	}
}
