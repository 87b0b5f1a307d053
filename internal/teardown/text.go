package teardown

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/logto-twilio/logto-twilio/internal/textwrap"
)

// actionWord is the verb a plan row starts with.
func actionWord(a Action) string {
	switch a {
	case Restore:
		return "restore"
	case Delete:
		return "delete"
	case Leave:
		return "leave"
	case Gone:
		return "forget"
	case Keep:
		return "keep"
	}
	return ""
}

// Text is the plan for people, wrapped at width columns (0 = 80): one line
// per row, then the notes. cmd prints it before asking for consent.
func (p Plan) Text(width int) string {
	if width <= 0 {
		width = 80
	}
	var b strings.Builder
	if p.Empty() {
		b.WriteString("Nothing to tear down: ")
		switch {
		case p.TornDown != nil:
			b.WriteString("it was torn down on " + p.TornDown.UTC().Format("2006-01-02 15:04") + " UTC.")
		default:
			b.WriteString("the saved setup records nothing the wizard created.")
		}
		b.WriteString("\n")
		for _, r := range p.Rows {
			b.WriteString(wrap("  keep     ", label(r)+note(r.Note), width))
		}
		return strings.TrimRight(b.String(), "\n")
	}
	b.WriteString(wrap("", "Teardown removes what the wizard created, and only that:", width))
	for _, r := range p.Rows {
		w := actionWord(r.Action)
		line := label(r)
		if r.Action == Gone && r.Thing != SignInExperience {
			line += " (already gone: only the record is cleared)"
		}
		b.WriteString(wrap("  "+w+strings.Repeat(" ", 9-len(w)), line+note(r.Note), width))
	}
	if s := p.Starter; s != nil {
		b.WriteString(wrap("  "+"offer    ", starterPlanLine(s), width))
	}
	for _, n := range p.Notes {
		b.WriteString("\n" + wrap("! ", n, width))
	}
	return strings.TrimRight(b.String(), "\n")
}

// Text is the outcome for people, wrapped at width columns (0 = 80): ✓ done,
// ✗ failed (with why), – kept, left or skipped; then what the saved setup says.
func (r Result) Text(width int) string {
	if width <= 0 {
		width = 80
	}
	var b strings.Builder
	for _, o := range r.Outcomes {
		row := o.Row
		mark, line := "✓ ", ""
		switch {
		case o.Err != nil:
			mark, line = "✗ ", label(row)+": "+plain(o.Err)
		case o.Skipped != "":
			mark, line = "– ", label(row)+": "+o.Skipped
		case o.Left != "":
			mark, line = "– ", label(row)+": "+o.Left
		case row.Action == Restore:
			line = "restored " + label(row) + note(row.Note)
		case row.Action == Delete:
			line = "deleted " + label(row)
		case row.Action == Gone && row.Thing == SignInExperience:
			line = label(row) + " was already as before the wizard"
		case row.Action == Gone:
			line = label(row) + " was already gone: its record is cleared"
		case row.Action == Leave:
			mark, line = "– ", "left "+label(row)+note(row.Note)
		case row.Action == Keep:
			mark, line = "– ", "kept "+label(row)+note(row.Note)
		}
		b.WriteString(wrap(mark, line, width))
	}
	if s := r.Starter; s != nil {
		switch {
		case r.StarterDeleted:
			b.WriteString(wrap("✓ ", "deleted the Express starter folder "+s.Dir, width))
		case r.StarterErr != nil:
			b.WriteString(wrap("✗ ", "the Express starter folder "+s.Dir+" was not deleted: "+r.StarterErr.Error()+". "+starterGone(s), width))
		default:
			b.WriteString(wrap("– ", starterGone(s), width))
		}
	}
	switch {
	case r.SaveErr != nil:
		b.WriteString(wrap("✗ ", "The saved setup could not be updated ("+plain(r.SaveErr)+"); it is as it was, so the next teardown checks everything again.", width))
	case !r.Saved:
	case r.Failed():
		b.WriteString(wrap("", "The saved setup keeps what is left: run teardown again to finish.", width))
	default:
		b.WriteString(wrap("", "The saved setup now says it was torn down.", width))
	}
	return strings.TrimRight(b.String(), "\n")
}

// starterPlanLine is the plan's line about the Express starter folder.
func starterPlanLine(s *Starter) string {
	line := "the Express starter in " + s.Dir + ": its .env names the app teardown deletes, so it will no longer sign in; "
	if s.Deletable() {
		return line + "you can delete the folder too (asked after the rest; without a terminal it is kept)"
	}
	return line + "its folder also holds " + join(s.Others) + ", so teardown does not delete it"
}

// starterGone says the starter folder no longer works and what to do with it.
func starterGone(s *Starter) string {
	line := "The Express starter in " + s.Dir + " no longer works: the app its .env names is deleted. "
	if s.Deletable() {
		return line + "To remove it: " + s.RemoveHint() + ". To use it again, run the setup again and write the starter on its step."
	}
	return line + "Its folder also holds " + join(s.Others) + ": keep what you need, then delete it, or run the setup again and write the starter on its step with the new app."
}

func note(n string) string {
	if n == "" {
		return ""
	}
	return ": " + n
}

// wrap writes prefix and text, broken at spaces so that no line is wider
// than width (a longer word stays whole); later lines are indented by the
// prefix's width. It ends with a newline.
func wrap(prefix, text string, width int) string {
	indent := strings.Repeat(" ", ansi.StringWidth(prefix))
	return strings.Join(textwrap.Lines(text, width, prefix, indent), "\n") + "\n"
}
