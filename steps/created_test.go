package steps

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// load runs a step's Load and applies it, then builds its form (defaults).
func load(t *testing.T, s tui.Step) {
	t.Helper()
	loadOnly(t, s)
	s.Form(tui.FormEnv{})
}

// commit executes a loaded step and commits its result.
func commit(t *testing.T, s tui.Step) {
	t.Helper()
	res, err := s.Execute(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	res.Commit()
}

func hasEvent(su *config.Setup, part string) bool {
	for _, e := range su.History {
		if strings.Contains(e.What, part) {
			return true
		}
	}
	return false
}

func TestCreatedApp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		apps        []logtoapi.Application
		created     string // Created.AppID before
		saved       string
		choose      string // pick/choice after the form ("" = default)
		wantApp     string
		wantCreated string
		wantEvent   string
	}{
		{name: "created", wantApp: "newapp", wantCreated: "newapp"},
		{name: "found and reused", apps: sameNamed(1), wantApp: "app1", wantCreated: ""},
		{name: "reusing the app it created earlier keeps it", apps: sameNamed(1), created: "app1", saved: "app1", wantApp: "app1", wantCreated: "app1"},
		{name: "reusing its own among several keeps it", apps: sameNamed(3), created: "app2", saved: "app2", wantApp: "app2", wantCreated: "app2"},
		{name: "moving to a found app names the left one", apps: sameNamed(2), created: "app1", saved: "app1", choose: "app2", wantApp: "app2", wantCreated: "", wantEvent: "teardown leaves app1"},
		{name: "a new app replaces the record", apps: sameNamed(2), created: "app1", saved: "app1", choose: appNew, wantApp: "newapp", wantCreated: "newapp", wantEvent: "from app app1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.logto.apps = tt.apps
			st := readyState()
			st.Setup.AppID, st.Setup.Created.AppID = tt.saved, tt.created
			s := newApp(st, &w.deps)
			load(t, s)
			if tt.choose != "" {
				s.pick = tt.choose
				if tt.choose == appNew {
					s.name = "Bookstore 2"
				}
			}
			commit(t, s)
			if st.Setup.AppID != tt.wantApp || st.Setup.Created.AppID != tt.wantCreated {
				t.Fatalf("app %q created %q, want %q and %q", st.Setup.AppID, st.Setup.Created.AppID, tt.wantApp, tt.wantCreated)
			}
			if (tt.wantEvent != "") != hasEvent(&st.Setup, tt.wantEvent) || tt.wantEvent == "" && len(st.Setup.History) > 0 {
				t.Fatalf("history %+v, want %q", st.Setup.History, tt.wantEvent)
			}
		})
	}
}

func TestCreatedConnector(t *testing.T) {
	t.Parallel()
	aliyun := &logtoapi.Connector{ID: "aliyun1", ConnectorID: "aliyun-short-message-service", Type: "Sms"}
	tests := []struct {
		name         string
		current      *logtoapi.Connector
		created      string // Created.ConnectorID before
		choice       string
		wantCreated  string
		wantReplaced string
	}{
		{name: "created (none before)", wantCreated: "conn1"},
		{name: "replaced another provider", current: aliyun, choice: connReplace, wantCreated: "conn1", wantReplaced: "Aliyun (id aliyun1)"},
		{name: "replaced another Twilio", current: twilioConnector("tw1", "ACother"), choice: connReplace, wantCreated: "conn1", wantReplaced: "Twilio (id tw1)"},
		{name: "replaced its own", current: twilioConnector("tw1", "ACother"), created: "tw1", choice: connReplace, wantCreated: "conn1"},
		{name: "kept another provider", current: aliyun, choice: connKeep},
		{name: "updated a found one", current: twilioConnector("tw1", accountSID), choice: connUpdate},
		{name: "updated its own keeps it", current: twilioConnector("tw1", accountSID), created: "tw1", choice: connUpdate, wantCreated: "tw1"},
		{name: "kept its own keeps it", current: twilioConnector("tw1", accountSID), created: "tw1", choice: connKeep, wantCreated: "tw1"},
		{name: "its own is gone, a found one kept", current: aliyun, created: "tw1", choice: connKeep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.logto.connector = tt.current
			st := readyState()
			st.Setup.Created.ConnectorID = tt.created
			s := newConnector(st, &w.deps)
			load(t, s)
			if tt.choice != "" {
				s.choice = tt.choice
			}
			commit(t, s)
			c := st.Setup.Created
			if c.ConnectorID != tt.wantCreated || c.ReplacedConnector != tt.wantReplaced {
				t.Fatalf("created %q replaced %q, want %q and %q", c.ConnectorID, c.ReplacedConnector, tt.wantCreated, tt.wantReplaced)
			}
			if tt.wantReplaced != "" && !hasEvent(&st.Setup, "cannot bring it back") {
				t.Fatalf("history %+v", st.Setup.History)
			}
		})
	}
}

func TestCreatedService(t *testing.T) {
	t.Parallel()
	main := "MG11111111111111111111111111111111"
	tests := []struct {
		name, created, choice, wantCreated string
		wantEvent                          bool
	}{
		{name: "created", choice: createService, wantCreated: "MGnew"},
		{name: "picked a found one", choice: main},
		{name: "picked the one it created earlier", created: main, choice: main, wantCreated: main},
		{name: "picked another than its own", created: "MGold", choice: main, wantEvent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			st := readyState()
			st.Setup.Created.ServiceSID = tt.created
			s := newService(st, &w.deps)
			load(t, s)
			s.choice = tt.choice
			commit(t, s)
			if st.Setup.Created.ServiceSID != tt.wantCreated {
				t.Fatalf("created %q, want %q", st.Setup.Created.ServiceSID, tt.wantCreated)
			}
			if hasEvent(&st.Setup, "teardown leaves MGold") != tt.wantEvent {
				t.Fatalf("history %+v", st.Setup.History)
			}
		})
	}
}

func sie(t *testing.T, s string) logtoapi.SignInExperience {
	t.Helper()
	var out logtoapi.SignInExperience
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

const (
	seedSIE  = `{"id":"default","signInMode":"SignInAndRegister","signUp":{"identifiers":["username"],"password":true,"verify":false},"signIn":{"methods":[{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true}]}}`
	phoneSIE = `{"id":"default","signInMode":"SignInAndRegister","signUp":{"identifiers":["phone"],"password":false,"verify":true},"signIn":{"methods":[{"identifier":"phone","password":false,"verificationCode":true,"isPasswordPrimary":false}]}}`
)

func sameJSON(t *testing.T, got, want json.RawMessage) bool {
	t.Helper()
	var a, b any
	if json.Unmarshal(got, &a) != nil || json.Unmarshal(want, &b) != nil {
		return false
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestCreatedSignIn(t *testing.T) {
	t.Parallel()
	before := signInObjects(sie(t, seedSIE))
	after := signInObjects(sie(t, phoneSIE))
	t.Run("records before and after the PATCH", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.logto.sie = sie(t, seedSIE)
		st := readyState()
		s := newSignIn(st, &w.deps)
		load(t, s)
		w.logto.sie = sie(t, phoneSIE) // what the PATCH answers
		commit(t, s)
		c := st.Setup.Created.SignIn
		if c == nil || !sameJSON(t, c.Before, before) || !sameJSON(t, c.After, after) {
			t.Fatalf("recorded %+v", c)
		}
		if !strings.Contains(string(c.Before), `"signUp"`) || strings.Contains(string(c.Before), `"signInMode"`) {
			t.Fatalf("before holds more or less than signUp and signIn: %s", c.Before)
		}
	})
	t.Run("already enabled keeps an earlier record", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.logto.sie = sie(t, phoneSIE)
		st := readyState()
		st.Setup.Created.SignIn = &config.SignInChange{Before: before, After: after}
		s := newSignIn(st, &w.deps)
		load(t, s)
		commit(t, s)
		if c := st.Setup.Created.SignIn; c == nil || !sameJSON(t, c.Before, before) {
			t.Fatalf("recorded %+v", c)
		}
	})
	t.Run("a second change keeps the first before", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		w.logto.sie = sie(t, `{"signUp":{"identifiers":["email"],"password":true,"verify":true},"signIn":{"methods":[{"identifier":"email","password":true,"verificationCode":false,"isPasswordPrimary":true}]}}`)
		st := readyState()
		st.Setup.Created.SignIn = &config.SignInChange{Before: before, After: after}
		s := newSignIn(st, &w.deps)
		load(t, s)
		w.logto.sie = sie(t, phoneSIE)
		commit(t, s)
		if c := st.Setup.Created.SignIn; c == nil || !sameJSON(t, c.Before, before) || !sameJSON(t, c.After, after) {
			t.Fatalf("recorded %+v", c)
		}
	})
	t.Run("declined records nothing", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		s := newSignIn(st, &w.deps)
		load(t, s)
		s.apply = false
		commit(t, s)
		if st.Setup.Created.SignIn != nil {
			t.Fatalf("recorded %+v", st.Setup.Created.SignIn)
		}
	})
}
