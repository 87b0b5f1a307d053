package steps

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// sameNamed returns n Traditional apps named "Bookstore", app1 oldest; the
// list is given to the fake oldest first, so the step must sort it.
func sameNamed(n int) []logtoapi.Application {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	apps := make([]logtoapi.Application, n)
	for i := range apps {
		apps[i] = logtoapi.Application{
			ID: fmt.Sprintf("app%d", i+1), Name: "Bookstore", Type: logtoapi.TypeTraditional,
			CreatedAt: t0.Add(time.Duration(i) * time.Hour), RedirectURIs: []string{},
		}
	}
	return apps
}

// TestAppSameNames covers 0–3 apps with the name, with and without a saved
// app ID, interactive and not: which app is the default, which one is used,
// and when a non-interactive run stops with *MissingInputError.
func TestAppSameNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		matches  int
		saved    string // Setup.AppID
		flag     string // Prefill.PickAppID
		batch    bool   // Prefill.NonInteractive
		ours     []int  // the apps (1 = app1, the oldest) whose description says logto-twilio made them
		wantPick string // the default after Load ("" = none named)
		wantApp  string // the app used by Execute ("newapp" = created); "" = fails
		wantErr  string // "missing" = *MissingInputError, else a Problem's text
	}{
		{name: "0, no saved", matches: 0, wantApp: "newapp"},
		{name: "0, saved gone", matches: 0, saved: "gone", wantApp: "newapp"},
		{name: "0, non-interactive", matches: 0, batch: true, wantApp: "newapp"},
		{name: "1, no saved", matches: 1, wantApp: "app1"},
		{name: "1, saved it", matches: 1, saved: "app1", wantPick: "app1", wantApp: "app1"},
		{name: "1, non-interactive, no saved", matches: 1, batch: true, wantPick: "app1", wantApp: "app1"},
		{name: "1, non-interactive, saved it", matches: 1, saved: "app1", batch: true, wantPick: "app1", wantApp: "app1"},
		{name: "1, non-interactive, saved another", matches: 1, saved: "other", batch: true, wantErr: "missing"},
		{name: "2, saved the older", matches: 2, saved: "app1", wantPick: "app1", wantApp: "app1"},
		{name: "2, non-interactive, saved the older", matches: 2, saved: "app1", batch: true, wantPick: "app1", wantApp: "app1"},
		{name: "2, non-interactive, no saved", matches: 2, batch: true, wantErr: "missing"},
		{name: "2, non-interactive, saved another", matches: 2, saved: "other", batch: true, wantErr: "missing"},
		{name: "2, --app-id wins over saved", matches: 2, saved: "app2", flag: "app1", batch: true, wantPick: "app1", wantApp: "app1"},
		{name: "2, --app-id unknown", matches: 2, flag: "nope", wantErr: "has the ID nope"},
		{name: "3, saved the middle", matches: 3, saved: "app2", wantPick: "app2", wantApp: "app2"},
		{name: "3, non-interactive, saved the middle", matches: 3, saved: "app2", batch: true, wantPick: "app2", wantApp: "app2"},
		{name: "3, non-interactive, no saved", matches: 3, batch: true, wantErr: "missing"},
		{name: "3, --app-id", matches: 3, flag: "app3", wantPick: "app3", wantApp: "app3"},
		// Issue 23: a fresh run preselects the app logto-twilio made, not the newest.
		{name: "2, no saved, the older made by logto-twilio", matches: 2, ours: []int{1}, wantPick: "app1", wantApp: "app1"},
		{name: "2, no saved, the newer made by logto-twilio", matches: 2, ours: []int{2}, wantPick: "app2", wantApp: "app2"},
		{name: "3, no saved, two made by logto-twilio: the newest of them", matches: 3, ours: []int{1, 2}, wantPick: "app2", wantApp: "app2"},
		{name: "2, saved the newer, the older made by logto-twilio", matches: 2, saved: "app2", ours: []int{1}, wantPick: "app2", wantApp: "app2"},
		{name: "2, non-interactive, no saved, one made by logto-twilio", matches: 2, ours: []int{1}, batch: true, wantErr: "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.logto.apps = sameNamed(tt.matches)
			for _, i := range tt.ours {
				w.logto.apps[i-1].Description = AppDescription
			}
			st := readyState()
			st.Setup.AppID = tt.saved
			st.Prefill.NonInteractive, st.Prefill.PickAppID = tt.batch, tt.flag
			s := newApp(st, &w.deps)
			apply, err := s.Load(t.Context())
			if tt.wantErr != "" && err != nil {
				checkAppErr(t, err, tt.wantErr, tt.matches)
				if slices.ContainsFunc(w.logto.list(), func(c string) bool { return !strings.HasPrefix(c, "Find ") }) {
					t.Fatalf("calls after a refused choice: %q", w.logto.list())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			apply()
			if s.pick != tt.wantPick {
				t.Errorf("default %q, want %q", s.pick, tt.wantPick)
			}
			for i := 1; i < len(s.existing); i++ {
				if s.existing[i-1].CreatedAt.Before(s.existing[i].CreatedAt) {
					t.Fatalf("not newest first: %v", s.existing)
				}
			}
			res, err := s.Execute(t.Context())
			if tt.wantErr != "" {
				checkAppErr(t, err, tt.wantErr, tt.matches)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			res.Commit()
			if st.Setup.AppID != tt.wantApp {
				t.Fatalf("used %q, want %q", st.Setup.AppID, tt.wantApp)
			}
			if tt.matches > 1 && !strings.Contains(res.Summary, fmt.Sprintf("1 of %d apps", tt.matches)) {
				t.Errorf("summary %q does not say how many share the name", res.Summary)
			}
		})
	}
}

func checkAppErr(t *testing.T, err error, want string, matches int) {
	t.Helper()
	if want != "missing" {
		wantProblem(t, err, want, "--app-id")
		return
	}
	var mi *config.MissingInputError
	if !errors.As(err, &mi) {
		t.Fatalf("err %v (%T), want *MissingInputError", err, err)
	}
	if mi.Flag != "--app-id" || !strings.Contains(err.Error(), "--app-id") {
		t.Errorf("error %q does not name --app-id", err)
	}
	for i := 1; i <= matches; i++ {
		if id := fmt.Sprintf("app%d", i); !strings.Contains(err.Error(), id) {
			t.Errorf("error %q does not name %s", err, id)
		}
	}
	if !strings.Contains(mi.Hint(), "--app-id") {
		t.Errorf("hint %q", mi.Hint())
	}
}

// TestAppListRows: each app in the list says its ID, creation time,
// whether the demo's callback is registered, and marks the saved one.
func TestAppListRows(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.logto.apps = sameNamed(3)
	w.logto.apps[0].RedirectURIs = []string{"http://localhost:3000/logto/sign-in-callback"}
	w.logto.apps[0].Description = AppDescription
	st := readyState()
	st.Setup.AppID = "app1"
	s := newApp(st, &w.deps)
	apply, err := s.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	apply()
	callback := "http://localhost:3000/logto/sign-in-callback"
	got := []string{s.appRow(s.existing[0], callback), s.appRow(s.existing[2], callback)}
	want := []string{
		"app3  2026-12-01 11:00  callback no ",
		"app1  2026-12-01 09:00  callback yes  ← saved setup  ← made by logto-twilio",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("rows\n%q\nwant\n%q", got, want)
	}
	if f := s.Form(tui.FormEnv{}); f == nil {
		t.Fatal("no form")
	}
	if s.pick != "app1" {
		t.Fatalf("default %q, want the saved app1", s.pick)
	}
}

// TestAppSeveralCreateNew: choosing "create a new app" from the list asks
// for another name and creates it.
func TestAppSeveralCreateNew(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.logto.apps = sameNamed(2)
	st := readyState()
	s := newApp(st, &w.deps)
	apply, err := s.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	apply()
	s.pick, s.name = appNew, "Bookstore 2"
	res, err := s.Execute(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	res.Commit()
	if st.Setup.AppID != "newapp" || !slices.Contains(w.logto.list(), "Create Bookstore 2") {
		t.Fatalf("app %q, calls %q", st.Setup.AppID, w.logto.list())
	}
	if st.Setup.Created.AppID != "newapp" {
		t.Fatalf("created %+v", st.Setup.Created)
	}
}

// TestAppSeveralNoChoice: with several apps and nothing chosen, Execute
// refuses instead of taking the newest.
func TestAppSeveralNoChoice(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.logto.apps = sameNamed(2)
	s := newApp(readyState(), &w.deps)
	s.existing, s.loadedAs = w.logto.apps, "Bookstore"
	_, err := s.Execute(t.Context())
	wantProblem(t, err, "2 apps are named", "choose one")
	if slices.ContainsFunc(w.logto.list(), func(c string) bool { return strings.HasPrefix(c, "SetURIs") || strings.HasPrefix(c, "Secret") }) {
		t.Fatalf("an app was touched: %q", w.logto.list())
	}
}

func TestMissingInputError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  config.MissingInputError
		want string
	}{
		{
			config.MissingInputError{Input: "the endpoint", Flag: "--logto-endpoint", Env: "LOGTO_ENDPOINT", AnswerKey: "endpoint"},
			"missing input: the endpoint; give it with --logto-endpoint, LOGTO_ENDPOINT or the answer endpoint",
		},
		{
			config.MissingInputError{Input: "which app", Flag: "--app-id", Detail: "2 apps: a and b"},
			"missing input: which app (2 apps: a and b); give it with --app-id",
		},
		{config.MissingInputError{Input: "x"}, "missing input: x"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q\nwant %q", got, tt.want)
		}
	}
}
