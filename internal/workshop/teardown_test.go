package workshop

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// Teardown deletes exactly the recorded apps: never an app with the prefix that prepare did
// not make, nor one it did not record.
func TestTeardownDeletesOnlyRecordedApps(t *testing.T) {
	r := newRoom(t)
	res, err := Prepare(t.Context(), r.cfg(5), nil)
	if err != nil {
		t.Fatal(err)
	}
	r.srv.AddTraditionalApp("Bookstore 06", []string{"http://localhost:3000/logto/sign-in-callback"}, nil)
	r.srv.AddTraditionalApp("Bookstore 01", []string{"http://localhost:3000/logto/sign-in-callback"}, nil) // a same-named app of the facilitator's
	r.srv.AddTraditionalApp("Bookstore", []string{"http://localhost:3000/logto/sign-in-callback"}, nil)

	planned, err := Recorded(r.cfg(0))
	if err != nil || len(planned) != 5 {
		t.Fatalf("recorded: %v %v", planned, err)
	}
	// One app was deleted in the Console already; one delete fails the first time.
	f, err := load(r.cfg(0).withDefaults(), r.srv.Client(), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client.DeleteApplication(t.Context(), res.Apps[2].AppID); err != nil {
		t.Fatal(err)
	}
	r.srv.Inject("DELETE", "/api/applications/"+res.Apps[3].AppID, logtotest.Fault{Status: 500, Body: `{"message":"Internal server error."}`, Times: 1})

	var c collector
	td, err := Teardown(t.Context(), r.cfg(0), c.add)
	if !errors.Is(err, ErrIncomplete) || td.Deleted != 3 || td.Gone != 1 || td.Failed != 1 {
		t.Fatalf("first teardown: %+v %v", td, err)
	}
	if len(c.all()) != 5 {
		t.Errorf("%d events, want 5", len(c.all()))
	}
	rec, found, _ := LoadRecord(r.dir)
	if !found || len(rec.Apps) != 1 || rec.Apps[0].Number != 4 {
		t.Fatalf("record after a partial teardown: %+v", rec.Apps)
	}
	if _, err := os.Stat(res.Apps[0].Card); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("card of a deleted app still there: %v", err)
	}
	if _, err := os.Stat(res.Apps[3].Card); err != nil {
		t.Errorf("card of the app not deleted: %v", err)
	}

	td, err = Teardown(t.Context(), r.cfg(0), nil)
	if err != nil || td.Deleted != 1 {
		t.Fatalf("second teardown: %+v %v", td, err)
	}
	want := []string{"Bookstore (not ours)", "Bookstore 01 (not ours)", "Bookstore 06 (not ours)"}
	if got := r.apps(t); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("apps left %v, want %v", got, want)
	}
	if _, err := os.Stat(RecordPath(r.dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("record still there: %v", err)
	}
	if files := filesUnder(t, r.out); len(files) != 0 {
		t.Errorf("card files left: %v", files)
	}
	// Nothing recorded: nothing to do, no request.
	n := len(r.srv.Requests())
	if td, err := Teardown(t.Context(), r.cfg(0), nil); err != nil || len(td.Apps) != 0 || len(r.srv.Requests()) != n {
		t.Errorf("teardown of nothing: %+v %v", td, err)
	}
}

func TestTeardownRefusesAnotherEndpoint(t *testing.T) {
	r := newRoom(t)
	if _, err := Prepare(t.Context(), r.cfg(1), nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(RecordPath(r.dir))
	if err := os.WriteFile(RecordPath(r.dir), []byte(strings.Replace(string(b), r.srv.URL, "https://other.example.com", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	n := len(r.srv.Requests())
	_, err := Teardown(t.Context(), r.cfg(0), nil)
	if err == nil || !strings.Contains(err.Error(), "nothing was deleted") {
		t.Fatalf("err %v", err)
	}
	checkHints(t, "error", err.Error())
	if len(r.srv.Requests()) != n {
		t.Error("requests sent")
	}
}

func TestRunTeardownLines(t *testing.T) {
	r := newRoom(t)
	var out strings.Builder
	if _, err := RunTeardown(t.Context(), r.cfg(0), &out); err != nil || out.String() != "No workshop apps are recorded: nothing to delete.\n" {
		t.Errorf("nothing recorded: %q %v", out.String(), err)
	}
	if _, err := Prepare(t.Context(), r.cfg(2), nil); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if _, err := RunTeardown(t.Context(), r.cfg(0), &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "Bookstore 01  deleted (") || !strings.HasSuffix(s, "2 deleted, 0 were gone already, 0 failed.\n") {
		t.Errorf("output:\n%s", s)
	}
}
