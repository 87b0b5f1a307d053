package steps

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// templatesStep keeps the default SMS templates of every usage type or lets
// the user edit them; {{code}} is enforced and the segment count shown.
type templatesStep struct {
	base
	edit  bool
	texts []string // one per usage type, in defaults order
	types []string
}

func newTemplates(st *State, d *Deps) *templatesStep {
	return &templatesStep{base: base{id: "templates", title: "SMS templates", st: st, d: d}}
}

func (s *templatesStep) init() {
	if s.texts != nil {
		return
	}
	saved := map[string]string{}
	for _, t := range s.st.Setup.Templates {
		saved[t.UsageType] = t.Content
	}
	for _, t := range twiliosetup.DefaultTemplates() {
		s.types = append(s.types, t.UsageType)
		s.texts = append(s.texts, firstNonEmpty(saved[t.UsageType], t.Content))
	}
}

func validateTemplate(v string) error {
	if _, err := twiliosetup.ValidateTemplate(v); err != nil {
		return errors.New(plainCause(err))
	}
	return nil
}

func segmentText(v string) string {
	seg := twiliosetup.CountSegments(v)
	return fmt.Sprintf("%d characters · %s · %s", seg.Chars, segments(seg.Count), seg.Encoding)
}

// segments says how many SMS segments a text takes: "1 SMS segment".
func segments(n int) string {
	if n == 1 {
		return "1 SMS segment"
	}
	return fmt.Sprintf("%d SMS segments", n)
}

// usageNames say when Logto sends each message type.
var usageNames = map[string]string{
	"Register":                 "Sign-up",
	"SignIn":                   "Sign-in",
	"ForgotPassword":           "Password reset",
	"Generic":                  "Generic",
	"OrganizationInvitation":   "Organization invitation",
	"UserPermissionValidation": "Identity check",
	"BindNewIdentifier":        "New phone number",
	"MfaVerification":          "Two-step verification",
	"BindMfa":                  "Two-step setup",
}

// usageName names a usage type for people; an unknown one stays as it is.
func usageName(usageType string) string {
	if n, ok := usageNames[usageType]; ok {
		return n
	}
	return usageType
}

// Pages asks whether to edit, then one page per message type.
func (s *templatesStep) Pages(tui.FormEnv) []tui.Page {
	s.init()
	pages := []tui.Page{{Group: func() *huh.Group {
		return huh.NewGroup(huh.NewConfirm().Key("edit").
			Title(fmt.Sprintf("Edit the texts of the %d message types?", len(s.types))).
			Description("e.g. " + s.texts[0]).
			Affirmative("Edit them").Negative("Use these").
			Value(&s.edit))
	}}}
	for i := range s.texts {
		pages = append(pages, tui.Page{Group: func() *huh.Group {
			return huh.NewGroup(huh.NewText().Key(s.types[i]).
				Title(fmt.Sprintf("%s message (%d of %d, %s)", usageName(s.types[i]), i+1, len(s.types), s.types[i])).Lines(3).
				DescriptionFunc(func() string { return segmentText(s.texts[i]) }, &s.texts[i]).
				Value(&s.texts[i]).Validate(validateTemplate))
		}, Hide: func() bool { return !s.edit }})
	}
	return pages
}

func (s *templatesStep) Form(env tui.FormEnv) *huh.Form { return tui.FormOf(s.Pages(env)) }

func (s *templatesStep) Execute(context.Context) (tui.Result, error) {
	s.init()
	out := make([]config.Template, len(s.texts))
	maxSeg := 0
	for i, t := range s.texts {
		seg, err := twiliosetup.ValidateTemplate(t)
		if err != nil {
			return tui.Result{}, problem(fmt.Sprintf("The %s message (%s) is not valid", usageName(s.types[i]), s.types[i]),
				"{key:edit} and put {{code}} in it exactly once.", err)
		}
		maxSeg = max(maxSeg, seg.Count)
		out[i] = config.Template{UsageType: s.types[i], Content: t}
	}
	fit := "each fits in 1 SMS segment"
	if maxSeg > 1 {
		fit = "the longest takes " + segments(maxSeg)
	}
	return s.result(templatesWhat(out)+", "+fit, func() {
		s.st.Setup.Templates = out
	}), nil
}

// templatesWhat says how many templates there are and how many differ from the defaults:
// "9 templates (defaults)", "9 templates (2 edited)". Edited means the text, whether it was
// typed in this run, saved by an earlier one, or given in an answers file.
func templatesWhat(ts []config.Template) string {
	def := map[string]string{}
	for _, t := range twiliosetup.DefaultTemplates() {
		def[t.UsageType] = t.Content
	}
	edited := 0
	for _, t := range ts {
		if c, ok := def[t.UsageType]; !ok || c != t.Content {
			edited++
		}
	}
	what := "defaults"
	if edited > 0 {
		what = strconv.Itoa(edited) + " edited"
	}
	return plural(len(ts), "template") + " (" + what + ")"
}
