package steps

import (
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// TestTemplatesSummarySaysEdited: the templates step's line and the final summary say how many
// texts differ from the defaults, whether they were typed in this run or saved by an earlier
// one and then kept with "Use these"; "(defaults)" only when none does.
func TestTemplatesSummarySaysEdited(t *testing.T) {
	t.Parallel()
	defs := twiliosetup.DefaultTemplates()
	for _, tc := range []struct {
		name  string
		saved []config.Template
		edit  func(s *templatesStep)
		want  string
	}{
		{name: "defaults", want: "9 templates (defaults)"},
		{
			name: "saved edited texts, then Use these",
			saved: []config.Template{
				{UsageType: "SignIn", Content: "Bookstore code {{code}}"},
				{UsageType: "Register", Content: "Welcome! Code {{code}}"},
				{UsageType: defs[2].UsageType, Content: defs[2].Content},
			},
			want: "9 templates (2 edited)",
		},
		{
			name: "Edit them, one text changed",
			edit: func(s *templatesStep) { s.edit, s.texts[0] = true, "Code: {{code}}" },
			want: "9 templates (1 edited)",
		},
		{
			name: "Edit them, nothing changed",
			edit: func(s *templatesStep) { s.edit = true },
			want: "9 templates (defaults)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			st := NewState(Prefill{})
			st.Setup.Templates = tc.saved
			s := newTemplates(st, &w.deps)
			s.init()
			if tc.edit != nil {
				tc.edit(s)
			}
			res, err := run(t, s)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(res.Summary, tc.want+", ") {
				t.Errorf("step summary %q, want it to start with %q", res.Summary, tc.want)
			}
			if r := Report(st, nil); !strings.Contains(r+"\n", "SMS templates      "+tc.want+"\n") {
				t.Errorf("final summary lacks %q:\n%s", tc.want, r)
			}
		})
	}
}
