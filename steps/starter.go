package steps

import (
	"context"
	"fmt"
	"path/filepath"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/tui"
)

// DefaultStarterDir is where the Express starter is written by default.
const DefaultStarterDir = "logto-express-sample"

// starterStep offers to write the Express starter, configured.
type starterStep struct {
	base
	write bool
	dir   string
}

func newStarter(st *State, d *Deps) *starterStep {
	return &starterStep{base: base{id: "starter", title: "Express starter", st: st, d: d}}
}

// Pages asks whether to write the starter, then where.
func (s *starterStep) Pages(env tui.FormEnv) []tui.Page {
	if s.dir == "" {
		s.dir = firstNonEmpty(s.st.Setup.ExpressDir, DefaultStarterDir)
	}
	return []tui.Page{
		{Group: func() *huh.Group {
			return huh.NewGroup(huh.NewConfirm().Key("write").Title("Write the Express starter?").
				Affirmative("Yes").Negative("No thanks").Value(&s.write))
		}},
		{Group: func() *huh.Group {
			return huh.NewGroup(huh.NewInput().Key("dir").Title(tui.LineTitle(env, "Folder", s.dir, false)).Value(&s.dir).Validate(orDefault(&s.dir, required("folder"))))
		}, Hide: func() bool { return !s.write }},
	}
}

func (s *starterStep) Form(env tui.FormEnv) *huh.Form { return tui.FormOf(s.Pages(env)) }

func (s *starterStep) Execute(context.Context) (tui.Result, error) {
	if !s.write {
		line := "not written"
		if old := s.st.Setup.ExpressDir; old != "" {
			line += " (the one an earlier run wrote in " + old + " is left as it is)"
		}
		return s.result(line, func() { s.st.StarterDeclined = true }), nil
	}
	dir := clean(s.dir)
	files, err := s.d.WriteExpress(dir, demo.ExpressValues{
		Endpoint: s.st.Setup.Endpoint, AppID: s.st.Setup.AppID,
		AppSecret: s.st.Secrets.AppSecret.Reveal(), BaseURL: s.st.BaseURL(),
		Rerun: s.st.Again(""), // the app prints it when .env is missing
	}, nil)
	if err != nil {
		return tui.Result{}, explain("Cannot write the Express starter", err)
	}
	abs, aerr := filepath.Abs(dir)
	if aerr != nil {
		abs = dir
	}
	wrote := plural(len(files), "file") + " written to " + abs
	if len(files) == 0 {
		wrote = "nothing new in " + abs + " (its files were there already; none is overwritten)"
	}
	run := fmt.Sprintf("%s; run: cd %s && npm install && npm start", wrote, cmdline.Quote(dir))
	if s.st.Prefill.Sandbox {
		// The sandbox's stand-ins stop with the wizard.
		run += " (start " + s.st.Again("sandbox serve") + " first: it keeps the sandbox's Logto up)"
	}
	return s.result(run,
		// Saved absolute: rotate and teardown run from any folder.
		func() { s.st.Setup.ExpressDir, s.st.StarterDeclined = abs, false }), nil
}
