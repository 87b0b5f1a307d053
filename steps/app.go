package steps

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// DefaultAppName is the name of the app the wizard creates (as in Logto's
// Express guide).
const DefaultAppName = "Bookstore"

// Choices when an app with the name exists.
const (
	appReuse = "reuse"
	appNew   = "new"
)

// appStep (automatic method) finds or creates the Traditional web app,
// registers the demo's redirect URIs and reads the app's secret. It asks
// before reusing an app that already exists.
type appStep struct {
	base
	name     string
	choice   string
	existing []logtoapi.Application // apps with the loaded name
	loadedAs string                 // the name existing was loaded for
}

func newApp(st *State, d *Deps) *appStep {
	return &appStep{base: base{id: "app", title: "The app", st: st, d: d}}
}

// Skip: the manual method has the app already; on resume the app is kept
// unless --port asks for another demo port (its URIs must be registered).
func (s *appStep) Skip() bool {
	if s.st.Setup.Method == MethodManual {
		return true
	}
	return s.base.Skip() && s.st.Port() == s.st.Setup.DemoPort
}

// SkipNote: with the manual method the user creates the app in the Console.
func (s *appStep) SkipNote() string {
	if s.st.Setup.Method == MethodManual {
		return "not needed: you create the app in the Console"
	}
	return s.base.SkipNote()
}

// LoadingText says what Load fetches (tui.LoadWaiter).
func (s *appStep) LoadingText() string { return "Looking for the app in Logto…" }

func (s *appStep) Load(ctx context.Context) (func(), error) {
	name := firstNonEmpty(s.name, s.st.Setup.AppName, DefaultAppName)
	c, err := s.logto()
	if err != nil {
		return nil, err
	}
	apps, err := c.FindTraditionalApplications(ctx, name)
	if err != nil {
		return nil, explain("Cannot list the apps in Logto", err)
	}
	return func() {
		s.name, s.existing, s.loadedAs = name, apps, name
		if s.choice == "" {
			s.choice = appReuse
		}
	}, nil
}

// Pages asks whether to reuse an existing app, then (for a new one) its name.
func (s *appStep) Pages(env tui.FormEnv) []tui.Page {
	name := func(validate func(string) error) func() *huh.Group {
		return func() *huh.Group {
			return huh.NewGroup(huh.NewInput().Key("name").Title(tui.LineTitle(env, "App name", s.name, false)).Value(&s.name).Validate(orDefault(&s.name, validate)))
		}
	}
	if len(s.existing) == 0 {
		s.choice = appNew
		return []tui.Page{{Group: name(required("app name"))}}
	}
	a := s.existing[0]
	return []tui.Page{
		{Group: func() *huh.Group {
			return huh.NewGroup(huh.NewSelect[string]().Key("choice").
				Title(fmt.Sprintf("An app named %q already exists (ID %s).", a.Name, a.ID)).
				Options(
					huh.NewOption("Use it (the demo's redirect URIs are added; none are removed)", appReuse),
					huh.NewOption("Create a new app with another name", appNew),
				).Value(&s.choice))
		}},
		{Group: name(func(v string) error {
			if strings.TrimSpace(v) == "" {
				return fmt.Errorf("enter the app name")
			}
			if strings.TrimSpace(v) == s.loadedAs {
				return fmt.Errorf("%q exists already: choose another name", v)
			}
			return nil
		}), Hide: func() bool { return s.choice != appNew }},
	}
}

func (s *appStep) Form(env tui.FormEnv) *huh.Form { return tui.FormOf(s.Pages(env)) }

func (s *appStep) WaitingText() string {
	return "Setting up the app in Logto…"
}

func (s *appStep) Execute(ctx context.Context) (tui.Result, error) {
	c, err := s.logto()
	if err != nil {
		return tui.Result{}, err
	}
	base := s.st.BaseURL()
	redirect, postLogout := demo.RedirectURI(base), postLogoutURIs(base)
	var app logtoapi.Application
	verb := "created"
	if s.choice == appReuse && len(s.existing) > 0 {
		app, verb = s.existing[0], "reused"
	} else {
		name := strings.TrimSpace(s.name)
		found, err := c.FindTraditionalApplications(ctx, name)
		if err != nil {
			return tui.Result{}, explain("Cannot list the apps in Logto", err)
		}
		if len(found) > 0 {
			return tui.Result{}, problem(fmt.Sprintf("An app named %q exists already", name),
				"{key:edit} and choose another name, or go back and choose to reuse it.", nil)
		}
		app, err = c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{
			Name: name, Description: "Created by logto-twilio for the SMS sign-in demo",
			RedirectURIs: []string{redirect}, PostLogoutRedirectURIs: postLogout,
		})
		if err != nil {
			return tui.Result{}, explain("Cannot create the app", err)
		}
	}
	r := appendMissing(app.RedirectURIs, redirect)
	p := appendMissing(app.PostLogoutRedirectURIs, postLogout...)
	if len(r) != len(app.RedirectURIs) || len(p) != len(app.PostLogoutRedirectURIs) {
		if app, err = c.SetApplicationURIs(ctx, app.ID, r, p); err != nil {
			return tui.Result{}, explain("Cannot register the redirect URIs", err)
		}
	}
	secret, err := c.ApplicationSecret(ctx, app.ID)
	if err != nil {
		return tui.Result{}, explain("Cannot read the app's secret", err)
	}
	port := s.st.Port()
	return s.result(fmt.Sprintf("%s %q (%s), redirect %s", verb, app.Name, app.ID, redirect), func() {
		s.st.Setup.AppID, s.st.Setup.AppName, s.st.Setup.DemoPort = app.ID, app.Name, port
		s.st.Secrets.AppSecret = Secret(secret)
	}), nil
}

// postLogoutURIs are the post sign-out redirect URIs registered for the demo
// at base: the exact string @logto/express sends (no trailing slash) and, as
// Logto compares them exactly, the same with a slash (what apps made from
// Logto's guide often register).
func postLogoutURIs(base string) []string {
	u := demo.PostLogoutRedirectURI(base)
	return []string{u, u + "/"}
}

// appendMissing returns list with the values it lacks appended (a new slice
// when it grows; no duplicates added).
func appendMissing(list []string, vs ...string) []string {
	out := list
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(slices.Clip(out), v)
		}
	}
	return out
}
