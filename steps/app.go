package steps

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/internal/demo"
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
	choice   string                 // one app has the name: appReuse or appNew
	pick     string                 // several have it: the ID to reuse, or appNew
	existing []logtoapi.Application // apps with the loaded name, newest first
	loadedAs string                 // the name existing was loaded for
}

func newApp(st *State, d *Deps) *appStep {
	return &appStep{base: base{id: "app", title: "The app", st: st, d: d}}
}

// Skip: the manual method has the app already; on resume the app is kept
// unless --port asks for another demo port (its URIs must be registered).
func (s *appStep) Skip() bool {
	if s.st.Setup.Method == config.MethodManual {
		return true
	}
	return s.base.Skip() && s.st.Port() == s.st.Setup.DemoPort
}

// SkipNote: with the manual method the user creates the app in the Console.
func (s *appStep) SkipNote() string {
	if n := presetNote(s.st, s.id); n != "" {
		return n
	}
	if s.st.Setup.Method == config.MethodManual {
		return "not needed: you create the app in the Console"
	}
	return s.base.SkipNote()
}

// LoadingText says what Load fetches (tui.LoadWaiter).
func (s *appStep) LoadingText() string { return "Looking for the app in Logto…" }

func (s *appStep) Load(ctx context.Context) (func(), error) {
	name := firstNonEmpty(s.name, s.st.Prefill.answer(AnswerAppName), s.st.Setup.AppName, DefaultAppName)
	c, err := s.logto()
	if err != nil {
		return nil, err
	}
	apps, err := c.FindTraditionalApplications(ctx, name)
	if err != nil {
		return nil, explain("Cannot list the apps in Logto", err)
	}
	slices.SortStableFunc(apps, func(a, b logtoapi.Application) int { return b.CreatedAt.Compare(a.CreatedAt) })
	pick, err := s.decide(name, apps)
	if err != nil {
		return nil, err
	}
	return func() {
		s.name, s.existing, s.loadedAs = name, apps, name
		if s.choice == "" {
			s.choice = firstNonEmpty(s.st.Prefill.answer(AnswerAppChoice), appReuse)
		}
		if s.pick != appNew && !slices.ContainsFunc(apps, func(a logtoapi.Application) bool { return a.ID == s.pick }) {
			s.pick = pick
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
	choose := func() *huh.Group {
		return huh.NewGroup(huh.NewSelect[string]().Key("choice").
			Title(fmt.Sprintf("An app named %q already exists (ID %s).", a.Name, a.ID)).
			Options(
				huh.NewOption("Use it (the demo's redirect URIs are added; none are removed)", appReuse),
				huh.NewOption("Create a new app with another name", appNew),
			).Value(&s.choice))
	}
	if len(s.existing) > 1 {
		choose = s.listGroup
	}
	return []tui.Page{
		{Group: choose},
		{Group: name(func(v string) error {
			if strings.TrimSpace(v) == "" {
				return fmt.Errorf("enter the app name")
			}
			if strings.TrimSpace(v) == s.loadedAs {
				return fmt.Errorf("%q exists already: choose another name", v)
			}
			return nil
		}), Hide: func() bool { return !s.wantsNew() }},
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
	app, reuse, err := s.target()
	if err != nil {
		return tui.Result{}, err
	}
	verb, of := "created", ""
	if reuse {
		verb = "reused"
		if n := len(s.existing); n > 1 {
			of = fmt.Sprintf(" (1 of %d apps with that name)", n)
		}
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
			Name: name, Description: AppDescription,
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
	return s.result(fmt.Sprintf("%s %q (%s)%s, redirect %s", verb, app.Name, app.ID, of, redirect), func() {
		s.st.Setup.AppID, s.st.Setup.AppName, s.st.Setup.DemoPort = app.ID, app.Name, port
		s.st.Secrets.AppSecret = config.Secret(secret)
		recordApp(&s.st.Setup, app.ID, !reuse)
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

// AppDescription is the description of the apps the app step creates: a
// later run that finds several apps with the name prefers one that says it
// (madeByUs).
const AppDescription = "Created by logto-twilio for the SMS sign-in demo"

// madeByUs reports whether a's description says the app step created it.
func madeByUs(a logtoapi.Application) bool {
	return strings.HasPrefix(strings.TrimSpace(a.Description), "Created by logto-twilio")
}

// newestOurs is the newest app (apps are newest first) whose description says
// logto-twilio created it, or "" when none does.
func newestOurs(apps []logtoapi.Application) string {
	if i := slices.IndexFunc(apps, madeByUs); i >= 0 {
		return apps[i].ID
	}
	return ""
}

// decide returns the app to reuse by default when several are named name
// (--app-id, else the saved setup's, else in an interactive run the newest
// that logto-twilio created; "" = none named). In a non-interactive
// run, several apps and no such answer, or a saved app that no longer has
// the name, is a *MissingInputError: it never picks one silently.
func (s *appStep) decide(name string, apps []logtoapi.Application) (string, error) {
	has := func(id string) bool {
		return id != "" && slices.ContainsFunc(apps, func(a logtoapi.Application) bool { return a.ID == id })
	}
	if p := strings.TrimSpace(s.st.Prefill.PickAppID); p != "" {
		if has(p) {
			return p, nil
		}
		if len(apps) == 0 {
			return "", problem(fmt.Sprintf("No Traditional app is named %q, so --app-id %s cannot be used", name, p),
				"Leave out --app-id to create the app.", nil)
		}
		return "", problem(fmt.Sprintf("No Traditional app named %q has the ID %s", name, p),
			fmt.Sprintf("Give --app-id one of: %s.", appIDs(apps)), nil)
	}
	saved := s.st.Setup.AppID
	switch {
	case has(saved):
		return saved, nil
	case !s.st.Prefill.NonInteractive || len(apps) == 0:
		return newestOurs(apps), nil
	case len(apps) == 1 && saved == "":
		return apps[0].ID, nil
	}
	detail := fmt.Sprintf("%d Traditional apps are named %q: %s", len(apps), name, appIDs(apps))
	if len(apps) == 1 {
		detail = fmt.Sprintf("the only Traditional app named %q is %s", name, apps[0].ID)
	}
	if saved != "" {
		detail += fmt.Sprintf("; the saved setup's app %s is not among them", saved)
	}
	return "", &config.MissingInputError{
		Input: fmt.Sprintf("which app named %q to use", name), Flag: "--app-id", AnswerKey: "app-id", Detail: detail,
	}
}

// appIDs lists the apps' IDs: "a, b and c".
func appIDs(apps []logtoapi.Application) string {
	ids := make([]string, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	if len(ids) < 2 {
		return strings.Join(ids, "")
	}
	return strings.Join(ids[:len(ids)-1], ", ") + " and " + ids[len(ids)-1]
}

// wantsNew reports whether the user chose to create a new app.
func (s *appStep) wantsNew() bool {
	if len(s.existing) > 1 {
		return s.pick == appNew
	}
	return s.choice == appNew
}

// target is the app chosen to reuse (reuse true), or reuse false for a new
// one. With several apps and no choice it fails rather than pick one.
func (s *appStep) target() (app logtoapi.Application, reuse bool, err error) {
	switch n := len(s.existing); {
	case n == 0 || s.wantsNew():
		return logtoapi.Application{}, false, nil
	case n == 1:
		return s.existing[0], true, nil
	}
	for _, a := range s.existing {
		if a.ID == s.pick {
			return a, true, nil
		}
	}
	if s.st.Prefill.NonInteractive {
		_, err := s.decide(s.loadedAs, s.existing)
		return logtoapi.Application{}, false, err
	}
	return logtoapi.Application{}, false, problem(fmt.Sprintf("%d apps are named %q and none was chosen", len(s.existing), s.loadedAs),
		"{key:edit} and choose one.", nil)
}

// listGroup lists the apps that share the name (newest first): ID, when
// created, whether the demo's callback is registered, and which one the
// saved setup uses (the default).
func (s *appStep) listGroup() *huh.Group {
	callback := demo.RedirectURI(s.st.BaseURL())
	opts := make([]huh.Option[string], 0, len(s.existing)+1)
	for _, a := range s.existing {
		opts = append(opts, huh.NewOption(s.appRow(a, callback), a.ID))
	}
	opts = append(opts, huh.NewOption("Create a new app with another name", appNew))
	return huh.NewGroup(huh.NewSelect[string]().Key("pick").
		Title(fmt.Sprintf("%d Traditional apps are named %q. Which one should the demo use?", len(s.existing), s.loadedAs)).
		Description(s.listNote()).
		Options(opts...).Value(&s.pick))
}

// listNote explains the list's columns and marks.
func (s *appStep) listNote() string {
	note := "Newest first: ID, created (UTC), whether this demo's callback is registered."
	saved := slices.ContainsFunc(s.existing, func(a logtoapi.Application) bool { return a.ID == s.st.Setup.AppID })
	if saved {
		note += "\n← saved setup: the app your saved setup uses (the default)."
	}
	if slices.ContainsFunc(s.existing, madeByUs) {
		if saved {
			note += "\n← made by logto-twilio: its description says this tool created it."
		} else {
			note += "\n← made by logto-twilio: its description says this tool created it (the newest such is the default)."
		}
	}
	return note
}

// appRow is one app in the list: "ID  2026-12-01 14:03  callback yes  ← saved setup".
func (s *appStep) appRow(a logtoapi.Application, callback string) string {
	created := "unknown date    "
	if !a.CreatedAt.IsZero() {
		created = a.CreatedAt.UTC().Format("2006-01-02 15:04")
	}
	cb := "callback no "
	if slices.Contains(a.RedirectURIs, callback) {
		cb = "callback yes"
	}
	row := a.ID + "  " + created + "  " + cb
	if a.ID == s.st.Setup.AppID {
		row += "  ← saved setup"
	}
	if madeByUs(a) {
		row += "  ← made by logto-twilio"
	}
	if p := strings.TrimSpace(s.st.Prefill.PickAppID); p != "" && a.ID == p {
		row += "  ← --app-id"
	}
	return row
}
