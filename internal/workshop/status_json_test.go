package workshop

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

// TestStatusJSONGolden freezes the status JSON of a room with an app signed in, one not
// yet, and one whose logs could not be read (testdata/TestStatusJSONGolden.golden;
// `go test ./internal/workshop -run TestStatusJSONGolden -update`).
func TestStatusJSONGolden(t *testing.T) {
	t.Parallel()
	last := time.Date(2026, 12, 6, 9, 41, 0, 0, time.FixedZone("CET", 3600))
	b, err := StatusJSON([]AppStatus{
		{Number: 1, Name: "Bookstore 01", AppID: "app01"},
		{Number: 2, Name: "Bookstore 02", AppID: "app02", SignedIn: true, SignIns: 2, Users: 2, Last: last},
		{Number: 3, Name: "Bookstore 03", AppID: "app03", Err: errors.New("Logto answered 500")},
	})
	if err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, string(b))
}

// checkStatusJSON checks that b is one JSON document with the fields docs/workshop.md
// documents, and the counts of list.
func checkStatusJSON(t *testing.T, b []byte, apps, signedIn int) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "apps", "signedIn", "unreadable", "attendees"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	if len(doc) != 5 || doc["version"] != float64(1) || doc["apps"] != float64(apps) || doc["signedIn"] != float64(signedIn) {
		t.Errorf("status JSON = %v", doc)
	}
	for _, a := range doc["attendees"].([]any) {
		a := a.(map[string]any)
		for _, k := range []string{"number", "name", "appId", "signedIn", "signIns", "users", "lastSignIn", "error"} {
			if _, ok := a[k]; !ok {
				t.Errorf("attendee lacks %q: %v", k, a)
			}
		}
	}
}
