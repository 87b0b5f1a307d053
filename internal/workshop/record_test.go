package workshop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

var (
	t1 = time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	t2 = t1.Add(time.Minute)
	t3 = t1.Add(2 * time.Minute)
)

func testApp(n int, id string) RecordedApp {
	return RecordedApp{Number: n, Name: AppName("Bookstore", 2, n), ID: id, Created: t1}
}

// writeRecordFiles writes a base (none when "") and a journal (none when "") into a new dir.
func writeRecordFiles(t *testing.T, base, journal string) string {
	t.Helper()
	dir := t.TempDir()
	if base != "" {
		if err := os.WriteFile(RecordPath(dir), []byte(base), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if journal != "" {
		if err := os.WriteFile(JournalPath(dir), []byte(journal), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadRecordReplaysTheJournal(t *testing.T) {
	const base = `{"version": 2, "endpoint": "https://logto.example.com", "namePrefix": "Bookstore", "width": 2, "port": 3000,
		"apps": [{"number": 1, "name": "Bookstore 01", "id": "a1", "created": "2025-05-01T09:00:00Z"}],
		"updated": "2025-05-01T09:00:00Z", "journal": "j1"}`
	put := func(id string, n int, appID string, at time.Time) string {
		return fmt.Sprintf(`{"version":1,"journal":%q,"op":"put","at":%q,"app":{"number":%d,"name":"Bookstore %02d","id":%q,"created":"2025-05-01T09:00:00Z"}}`+"\n",
			id, at.Format(time.RFC3339), n, n, appID)
	}
	remove := func(id string, n int, at time.Time) string {
		return fmt.Sprintf(`{"version":1,"journal":%q,"op":"remove","at":%q,"number":%d}`+"\n", id, at.Format(time.RFC3339), n)
	}
	made2 := put("j1", 2, "a2", t2)
	tests := []struct {
		name, base, journal string
		wantApps            []RecordedApp // nil: none
		wantUpdated         time.Time
		wantFound           bool
		wantErr             string
	}{
		{name: "no files"},
		{name: "base only", base: base, wantFound: true, wantApps: []RecordedApp{testApp(1, "a1")}, wantUpdated: t1},
		{
			name: "made, removed, made again", base: base, journal: made2 + remove("j1", 1, t2) + put("j1", 1, "a1b", t3),
			wantFound: true, wantApps: []RecordedApp{testApp(1, "a1b"), testApp(2, "a2")}, wantUpdated: t3,
		},
		{
			name: "made, then removed", base: base, journal: made2 + remove("j1", 2, t3),
			wantFound: true, wantApps: []RecordedApp{testApp(1, "a1")}, wantUpdated: t3,
		},
		{
			name: "a torn last line is ignored, the lines before it kept", base: base, journal: made2 + remove("j1", 1, t3)[:30],
			wantFound: true, wantApps: []RecordedApp{testApp(1, "a1"), testApp(2, "a2")}, wantUpdated: t2,
		},
		{
			name: "a whole last line without its newline is torn too", base: base, journal: made2 + strings.TrimSuffix(remove("j1", 1, t3), "\n"),
			wantFound: true, wantApps: []RecordedApp{testApp(1, "a1"), testApp(2, "a2")}, wantUpdated: t2,
		},
		{name: "a journal without a base is no record", journal: made2},
		{
			name: "lines of an earlier base are skipped (the base holds them)", base: base, journal: put("j0", 1, "old", t1) + remove("j0", 1, t1) + made2,
			wantFound: true, wantApps: []RecordedApp{testApp(1, "a1"), testApp(2, "a2")}, wantUpdated: t2,
		},
		{
			name: "a version 1 base has no journal", base: strings.Replace(strings.Replace(base, `"version": 2`, `"version": 1`, 1), `, "journal": "j1"`, "", 1), journal: made2,
			wantFound: true, wantApps: []RecordedApp{testApp(1, "a1")}, wantUpdated: t1,
		},
		{name: "a damaged line before the last", base: base, journal: "{not json\n" + made2, wantErr: "workshop.journal is damaged"},
		{name: "an unknown change", base: base, journal: `{"version":1,"journal":"j1","op":"rename","at":"2025-05-01T09:00:00Z"}` + "\n", wantErr: `unknown change "rename"`},
		{name: "a newer journal", base: base, journal: strings.Replace(made2, `"version":1`, `"version":2`, 1), wantErr: "workshop.journal was made by a newer logto-twilio (line 1 has version 2"},
		{name: "a newer base", base: strings.Replace(base, `"version": 2`, `"version": 3`, 1), wantErr: "workshop.json was made by a newer logto-twilio (version 3; this one reads versions 1 to 2): update logto-twilio"},
		{name: "a base without a version", base: strings.Replace(base, `"version": 2,`, "", 1), wantErr: "workshop.json is damaged (version 0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, found, err := LoadRecord(writeRecordFiles(t, tt.base, tt.journal))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || found != tt.wantFound {
				t.Fatalf("found %v, err %v; want found %v", found, err, tt.wantFound)
			}
			if !slices.Equal(rec.Apps, tt.wantApps) || !rec.Updated.Equal(tt.wantUpdated) {
				t.Errorf("apps %+v updated %v; want %+v updated %v", rec.Apps, rec.Updated, tt.wantApps, tt.wantUpdated)
			}
			if found && rec.Version != RecordVersion {
				t.Errorf("version %d", rec.Version)
			}
		})
	}
}

// diskState is a copy of the record's two files.
type diskState struct{ base, journal []byte }

func readDisk(t *testing.T, dir string) diskState {
	t.Helper()
	var s diskState
	var err error
	if s.base, err = os.ReadFile(RecordPath(dir)); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if s.journal, err = os.ReadFile(JournalPath(dir)); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return s
}

func (s diskState) load(t *testing.T) Record {
	t.Helper()
	dir := writeRecordFiles(t, string(s.base), string(s.journal))
	rec, found, err := LoadRecord(dir)
	if err != nil || !found {
		t.Fatalf("found %v, err %v", found, err)
	}
	return rec
}

func clone(r Record) Record {
	r.Apps = slices.Clone(r.Apps)
	return r
}

func sameRecord(a, b Record) bool {
	if len(a.Apps) == 0 && len(b.Apps) == 0 {
		a.Apps, b.Apps = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// The proof of the design: after every change, and after a crash cut any later line short,
// LoadRecord returns exactly the record in memory after the last change whose write
// finished — what rewriting workshop.json after every change left on disk. The journal is
// folded into the base several times on the way (a low threshold).
func TestRecordLogCrashAnywhere(t *testing.T) {
	dir := t.TempDir()
	start := Record{Version: RecordVersion, Endpoint: "https://logto.example.com", NamePrefix: "Bookstore", Width: 2, Port: 3000, Updated: t1}
	l, err := openRecordLog(dir, start, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.compactAt = 400
	want := []Record{clone(l.rec)}
	disk := []diskState{readDisk(t, dir)}
	at := t1
	change := func(f func() error) {
		t.Helper()
		at = at.Add(time.Second)
		if err := f(); err != nil {
			t.Fatal(err)
		}
		want = append(want, clone(l.rec))
		disk = append(disk, readDisk(t, dir))
	}
	for n := 1; n <= 12; n++ {
		change(func() error { return l.put(testApp(n, fmt.Sprint("a", n)), at) })
	}
	change(func() error { return l.remove(3, at) })
	change(func() error { return l.remove(99, at) }) // not recorded: a change all the same
	change(func() error { return l.put(testApp(3, "a3b"), at) })
	change(func() error { return l.put(testApp(12, "a12b"), at) })
	for n := 1; n <= 12; n += 2 {
		change(func() error { return l.remove(n, at) })
	}
	change(l.close)

	compactions := 0
	for k, s := range disk {
		if got := s.load(t); !sameRecord(got, want[k]) {
			t.Fatalf("after change %d: %+v\nwant %+v", k, got, want[k])
		}
		if k == 0 {
			continue
		}
		prev := disk[k-1]
		if !bytes.Equal(s.base, prev.base) {
			compactions++
			continue // the base was rewritten atomically: there is no state in between
		}
		if !bytes.HasPrefix(s.journal, prev.journal) {
			t.Fatalf("change %d rewrote the journal", k)
		}
		// A crash during the append of change k leaves any prefix of its line.
		for cut := len(prev.journal); cut < len(s.journal); cut++ {
			got, err := parseRecord(dir, s.base, s.journal[:cut])
			if err != nil {
				t.Fatalf("change %d cut after %d bytes: %v", k, cut-len(prev.journal), err)
			}
			if !sameRecord(got, want[k-1]) {
				t.Fatalf("change %d cut after %d bytes: %+v\nwant %+v", k, cut-len(prev.journal), got, want[k-1])
			}
		}
	}
	if compactions < 3 {
		t.Errorf("%d rewrites of the base, want the journal folded in a few times on the way", compactions)
	}
	if last := disk[len(disk)-1]; last.journal != nil {
		t.Errorf("a journal is left after close: %q", last.journal)
	}
}

// An append that fails is saved by rewriting the base; when that fails too, the next change
// rewrites the base (with the failed one), never a journal line without it.
func TestRecordLogAppendFails(t *testing.T) {
	dir := t.TempDir()
	l, err := openRecordLog(dir, Record{Endpoint: "https://logto.example.com", NamePrefix: "Bookstore", Width: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	readOnly := func() {
		t.Helper()
		l.closeJournal()
		if l.f, err = os.OpenFile(JournalPath(dir), os.O_RDONLY|os.O_CREATE, 0o600); err != nil { // writes to it fail
			t.Fatal(err)
		}
		l.size = 0
		if st, err := l.f.Stat(); err == nil {
			l.size = st.Size()
		}
	}
	readOnly()
	if err := l.put(testApp(1, "a1"), t2); err != nil {
		t.Fatal(err)
	}
	if s := readDisk(t, dir); s.journal != nil || len(s.load(t).Apps) != 1 {
		t.Fatalf("after a failed append: %s / %q", s.base, s.journal)
	}
	if err := l.put(testApp(2, "a2"), t2); err != nil {
		t.Fatal(err)
	}
	if s := readDisk(t, dir); !bytes.Contains(s.journal, []byte(`"a2"`)) || len(s.load(t).Apps) != 2 {
		t.Fatalf("the journal is used again: %q", s.journal)
	}

	// Now the rewrite of the base fails as well.
	saved := readDisk(t, dir)
	readOnly()
	if err := os.Remove(RecordPath(dir)); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(RecordPath(dir), "x"), 0o700); err != nil { // no rename over it
		t.Fatal(err)
	}
	if err := l.put(testApp(3, "a3"), t3); err == nil {
		t.Fatal("no error when nothing could be written")
	}
	if err := os.RemoveAll(RecordPath(dir)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(RecordPath(dir), saved.base, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := l.put(testApp(4, "a4"), t3); err != nil {
		t.Fatal(err)
	}
	got := readDisk(t, dir).load(t)
	if len(got.Apps) != 4 || !sameRecord(got, l.rec) {
		t.Errorf("after the failed change and the next: %+v, want %+v", got.Apps, l.rec.Apps)
	}
}

// snapshot copies the files of a config directory (the record and the setup) into a new one.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	to := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

// A crash after k of N apps: the files as they are when the k-th app is reported (other
// workers may be mid-append) hold every app reported so far, even with a line cut short
// after them; a prepare from those files ends with exactly N apps in Logto.
func TestPrepareCrashLosesNoApp(t *testing.T) {
	const n, k = 40, 17
	r := newRoom(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var (
		mu       sync.Mutex
		reported = map[int]string{} // number → app ID
		crashed  string
		problems []string
	)
	cfg := r.cfg(n)
	_, err := Prepare(ctx, cfg, func(ev Event) {
		if ev.Action != ActionCreated {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		reported[ev.Number] = ev.AppID
		dir := snapshot(t, r.dir)
		if len(reported) == k {
			// The next append is cut short by the crash.
			f, err := os.OpenFile(JournalPath(dir), os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				problems = append(problems, err.Error())
				return
			}
			_, _ = f.WriteString(`{"version":1,"journal":"`)
			_ = f.Close()
			crashed = dir
			cancel()
		}
		rec, found, err := LoadRecord(dir)
		if err != nil || !found {
			problems = append(problems, fmt.Sprintf("after %d apps: found %v, err %v", len(reported), found, err))
			return
		}
		for num, id := range reported {
			if a, ok := rec.app(num); !ok || a.ID != id {
				problems = append(problems, fmt.Sprintf("after %d apps: app %d (%s) is not in the record", len(reported), num, id))
			}
		}
	})
	if len(problems) > 0 {
		t.Fatal(strings.Join(problems, "\n"))
	}
	if !errors.Is(err, ErrIncomplete) || crashed == "" {
		t.Fatalf("the run did not stop: %v", err)
	}
	rec, _, err := LoadRecord(crashed)
	if err != nil || len(rec.Apps) < k {
		t.Fatalf("the crashed record: %d apps, %v", len(rec.Apps), err)
	}
	for _, a := range rec.Apps {
		if _, ok := r.srv.Application(a.ID); !ok {
			t.Errorf("the record lists %s (%s), which Logto does not have", a.Name, a.ID)
		}
	}
	cfg.Dir = crashed
	res, err := Prepare(t.Context(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created+res.Reused+res.Adopted != n || res.Reused < k {
		t.Errorf("after the crash: created %d, reused %d, adopted %d", res.Created, res.Reused, res.Adopted)
	}
	if got, want := r.apps(t), wantNames("Bookstore", 2, n); !sameList(got, want) {
		t.Errorf("apps %v, want exactly %v", got, want)
	}
	if _, err := os.Stat(JournalPath(crashed)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal left after a complete run: %v", err)
	}
}

// The record costs O(N) bytes: a byte count, unlike a time, is the same on every machine.
func TestRecordBytesGrowLinearly(t *testing.T) {
	written := func(n int) (prepare, teardown int) {
		r := newRoom(t)
		cfg := r.cfg(n)
		var total int
		cfg.recordWrites = func(b int) { total += b } // called under Prepare's lock
		if _, err := Prepare(t.Context(), cfg, nil); err != nil {
			t.Fatal(err)
		}
		prepare, total = total, 0
		if _, err := Teardown(t.Context(), cfg, nil); err != nil {
			t.Fatal(err)
		}
		return prepare, total
	}
	p10, t10 := written(10)
	p100, t100 := written(100)
	t.Logf("bytes written: prepare %d (N=10), %d (N=100); teardown %d, %d", p10, p100, t10, t100)
	if p100 >= 12*p10 {
		t.Errorf("prepare: %d bytes for 100 apps, %d for 10: more than linear", p100, p10)
	}
	if t100 >= 12*t10 {
		t.Errorf("teardown: %d bytes for 100 apps, %d for 10: more than linear", t100, t10)
	}
}

// updated is the time of the last change: set by a prepare that made apps, kept by one that
// changed nothing, moved by a teardown that took apps off.
func TestRecordUpdated(t *testing.T) {
	r := newRoom(t)
	before := time.Now().UTC()
	if _, err := Prepare(t.Context(), r.cfg(3), nil); err != nil {
		t.Fatal(err)
	}
	rec, _, err := LoadRecord(r.dir)
	if err != nil || rec.Updated.Before(before) || rec.Updated.After(time.Now()) {
		t.Fatalf("updated %v after a prepare that began at %v (%v)", rec.Updated, before, err)
	}
	b, _ := os.ReadFile(RecordPath(r.dir))
	if strings.Contains(string(b), "0001-01-01") {
		t.Errorf("a zero time in the record:\n%s", b)
	}
	first := rec.Updated
	if _, err := Prepare(t.Context(), r.cfg(3), nil); err != nil {
		t.Fatal(err)
	}
	if rec, _, _ = LoadRecord(r.dir); !rec.Updated.Equal(first) {
		t.Errorf("a prepare that changed nothing moved updated from %v to %v", first, rec.Updated)
	}
	f, err := load(r.cfg(3).withDefaults(), r.srv.Client(), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client.DeleteApplication(t.Context(), rec.Apps[2].ID); err != nil {
		t.Fatal(err)
	}
	r.srv.Inject("DELETE", "/api/applications/"+rec.Apps[0].ID, logtotest.Fault{Status: 500, Body: `{"message":"Internal server error."}`, Times: 1})
	if _, err := Teardown(t.Context(), r.cfg(0), nil); !errors.Is(err, ErrIncomplete) {
		t.Fatal(err)
	}
	if rec, _, _ = LoadRecord(r.dir); !rec.Updated.After(first) || len(rec.Apps) != 1 {
		t.Errorf("after a partial teardown: updated %v (was %v), %d apps", rec.Updated, first, len(rec.Apps))
	}
}

// TestRecordNeverWritesAZeroUpdated (issue 23): workshop.json had "updated":
// "0001-01-01T00:00:00Z" (versions before the journal never set it). Every path
// that writes the record — a prepare that makes apps, a re-run (resume) that
// changes nothing, a teardown that takes some apps off, one whose deletes all
// fail — writes a real time, also when it starts from such an old record. (The
// attendee's run writes no workshop.json; status writes nothing.)
func TestRecordNeverWritesAZeroUpdated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, r *room, rec Record)
	}{
		{"prepare that adds apps", func(t *testing.T, r *room, _ Record) {
			if _, err := Prepare(t.Context(), r.cfg(3), nil); err != nil {
				t.Fatal(err)
			}
		}},
		{"prepare re-run that changes nothing", func(t *testing.T, r *room, _ Record) {
			if _, err := Prepare(t.Context(), r.cfg(2), nil); err != nil {
				t.Fatal(err)
			}
		}},
		{"teardown that takes one app off", func(t *testing.T, r *room, rec Record) {
			r.srv.Inject("DELETE", "/api/applications/"+rec.Apps[0].ID, logtotest.Fault{Status: 500, Body: `{"message":"Internal server error."}`, Times: 1})
			if _, err := Teardown(t.Context(), r.cfg(0), nil); !errors.Is(err, ErrIncomplete) {
				t.Fatal(err)
			}
		}},
		{"teardown whose deletes all fail", func(t *testing.T, r *room, rec Record) {
			for _, a := range rec.Apps {
				r.srv.Inject("DELETE", "/api/applications/"+a.ID, logtotest.Fault{Status: 500, Body: `{"message":"Internal server error."}`, Times: 1})
			}
			if _, err := Teardown(t.Context(), r.cfg(0), nil); !errors.Is(err, ErrIncomplete) {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRoom(t)
			if _, err := Prepare(t.Context(), r.cfg(2), nil); err != nil {
				t.Fatal(err)
			}
			rec, _, err := LoadRecord(r.dir)
			if err != nil {
				t.Fatal(err)
			}
			// The record as a version before the journal wrote it: version 1,
			// no journal, the zero time.
			old := rec
			old.Version, old.Updated = 1, time.Time{}
			b, err := json.MarshalIndent(old, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(RecordPath(r.dir), b, 0o600); err != nil {
				t.Fatal(err)
			}
			start := time.Now().UTC()
			tc.run(t, r, rec)
			b, err = os.ReadFile(RecordPath(r.dir))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), "0001-01-01") {
				t.Errorf("workshop.json holds the zero time:\n%s", b)
			}
			got, _, err := LoadRecord(r.dir)
			if err != nil || got.Updated.Before(start.Add(-time.Second)) {
				t.Errorf("updated %v, want at or after %v (%v)", got.Updated, start, err)
			}
		})
	}
}
