package steps

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/doctor"
)

// A resume re-checks before it trusts: the welcome step asks doctor whether what
// the steps done before made is still there (doctor.Recheck: reads only, no SMS),
// and reopens a step whose result no longer holds, with the steps that use it.

// Bounds of the re-check: the whole, and each of its checks.
const (
	RecheckTimeout      = 10 * time.Second
	recheckCheckTimeout = 5 * time.Second
)

// stepChecks returns the doctor checks that prove step id's result still holds:
// none for a step that made nothing outside (the method, the templates, which the
// connector carries, the starter) or whose result is an event (the test SMS, the
// sign-in).
func stepChecks(su *config.Setup, id string) []string {
	manual := su.Method == config.MethodManual
	switch id {
	case "endpoint":
		return []string{doctor.IDEndpoint}
	case "credentials":
		if manual {
			return []string{doctor.IDAppSecret} // the pasted App ID and secret
		}
		return []string{doctor.IDM2M}
	case "app":
		if manual {
			return nil // made in the Console; the credentials' check covers it
		}
		return []string{doctor.IDApp, doctor.IDAppSecret}
	case "twilio":
		return []string{doctor.IDTwilio}
	case "service":
		return []string{doctor.IDService}
	case "connector":
		return []string{doctor.IDConnector, doctor.IDTemplates}
	case "signin":
		return []string{doctor.IDSignIn}
	}
	return nil
}

// stepDependents returns the steps that use step id's result, so they run again
// with it: a new app (or app secret) needs a new starter .env, a new Twilio token
// or service a connector that has it, a new connector the test SMS and the sign-in
// step (Logto refuses phone sign-in without one).
func stepDependents(su *config.Setup, id string) []string {
	switch id {
	case "app":
		return []string{"starter"}
	case "credentials":
		if su.Method == config.MethodManual {
			return []string{"starter"}
		}
	case "twilio", "service":
		return []string{"connector"}
	case "connector":
		return []string{"testsms", "signin"}
	}
	return nil
}

// warnReopens reports whether a WARN of check id means the step's result changed
// (the connector or its templates differ from what was saved, a URI is missing, the
// saved Auth Token is not the connector's): the step that made it can put it back.
// A connector kept at setup and the sign-in experience's warnings (sign-in only,
// SMS as an MFA factor) are not the step's to change: they are shown, not reopened.
func warnReopens(su *config.Setup, id string) bool {
	switch id {
	case doctor.IDApp, doctor.IDTemplates, doctor.IDTwilio:
		return true
	case doctor.IDConnector:
		return su.ConnectorAction != config.ConnectorKept
	}
	return false
}

// recheckOutcome is what the re-check of a resumed setup found.
type recheckOutcome struct {
	checked int      // steps done before that were re-checked
	missed  int      // of these, the ones whose check could not run
	reopen  []string // steps to run again, in the wizard's order
	lines   []string // what to show: why a step runs again, what was not checked
}

// recheckSteps is a titled step of the wizard, in order (for the lines).
type recheckStep struct{ id, title string }

// wizardSteps lists the wizard's steps (All) with their titles for st.
func wizardSteps(st *State) []recheckStep {
	var out []recheckStep
	for _, s := range All(st, Deps{}) { // builds the steps only: no I/O
		out = append(out, recheckStep{s.ID(), s.Title()})
	}
	return out
}

// recheck re-checks the steps a resume would skip: done before, not answered by a
// workshop card, with a check that proves their result. It runs in the welcome's
// Execute: it reads st and never writes it.
func recheck(ctx context.Context, st *State, d *Deps) recheckOutcome {
	if d.Recheck == nil || !st.Found {
		return recheckOutcome{}
	}
	su := &st.Setup
	all := wizardSteps(st)
	var todo []recheckStep
	var ids []string
	for _, s := range all {
		cs := stepChecks(su, s.id)
		if len(cs) == 0 || !su.IsDone(s.id) || presetNote(st, s.id) != "" {
			continue
		}
		todo = append(todo, s)
		ids = append(ids, cs...)
	}
	if len(todo) == 0 {
		return recheckOutcome{}
	}
	ctx, cancel := context.WithTimeout(ctx, RecheckTimeout)
	defer cancel()
	rows := d.Recheck(ctx, doctor.Config{
		Setup: st.Setup, Secrets: st.Secrets, Found: true, Port: st.Port(),
		Command: st.Prefill.Again, CheckTimeout: recheckCheckTimeout,
	}, ids...)
	return judge(su, all, todo, rows)
}

// judge turns the re-check's rows into the steps to reopen and the lines to show.
func judge(su *config.Setup, all, todo []recheckStep, rows doctor.Results) recheckOutcome {
	out := recheckOutcome{checked: len(todo)}
	title := map[string]string{}
	for _, s := range all {
		title[s.id] = s.title
	}
	var unchecked []string              // reasons, in order of first appearance
	notChecked := map[string][]string{} // reason → titles
	for _, s := range todo {
		var changed, reason string
		var notes []string
		for _, id := range stepChecks(su, s.id) {
			r, ok := rows.Find(id)
			kept := id == doctor.IDConnector && su.ConnectorAction == config.ConnectorKept // chosen at setup
			switch {
			case !ok:
				reason = cmp.Or(reason, "The check did not run.")
			case r.Status == doctor.Fail && r.Unreached:
				reason = cmp.Or(reason, r.Detail)
			case r.Status == doctor.Fail, r.Status == doctor.Warn && warnReopens(su, id):
				changed = cmp.Or(changed, r.Detail)
			case r.Status == doctor.Skip:
				reason = cmp.Or(reason, skipReason(su, rows, r))
			case r.Status == doctor.Warn && !kept:
				notes = append(notes, strings.TrimSpace(r.Detail+" "+r.Hint))
			}
		}
		switch {
		case changed != "":
			again := []string{title[s.id]}
			out.reopen = append(out.reopen, s.id)
			for _, dep := range dependentsOf(su, s.id) {
				if su.IsDone(dep) && !slices.Contains(out.reopen, dep) {
					out.reopen = append(out.reopen, dep)
					again = append(again, title[dep])
				}
			}
			out.lines = append(out.lines, "! "+sentence(changed)+" Running again: "+strings.Join(again, ", ")+".")
		case reason != "":
			if _, ok := notChecked[reason]; !ok {
				unchecked = append(unchecked, reason)
			}
			notChecked[reason] = append(notChecked[reason], title[s.id])
			out.missed++
		}
		for _, n := range notes {
			out.lines = append(out.lines, "! "+sentence(n))
		}
	}
	for _, reason := range unchecked {
		out.lines = append(out.lines, "! Not re-checked: "+strings.Join(notChecked[reason], ", ")+". "+sentence(reason)+
			" Kept as done; if one of them fails later, run the wizard again and choose \"Check everything again\".")
	}
	// In the wizard's order, as the steps run.
	var ordered []string
	for _, s := range all {
		if slices.Contains(out.reopen, s.id) {
			ordered = append(ordered, s.id)
		}
	}
	out.reopen = ordered
	return out
}

// dependentsOf returns the steps that use step id's result, and the ones that use
// theirs.
func dependentsOf(su *config.Setup, id string) []string {
	var out []string
	var walk func(string)
	walk = func(id string) {
		for _, d := range stepDependents(su, id) {
			if !slices.Contains(out, d) {
				out = append(out, d)
				walk(d)
			}
		}
	}
	walk(id)
	return out
}

// skipReason says in a sentence why a check could not run.
func skipReason(su *config.Setup, rows doctor.Results, r doctor.Result) string {
	switch r.ID {
	case doctor.IDApp, doctor.IDConnector, doctor.IDSignIn:
		m, _ := rows.Find(doctor.IDM2M)
		if m.Status == doctor.Skip && su.Method == config.MethodManual {
			return "Reading them in Logto needs M2M credentials, and this setup has none (manual method)."
		}
		if m.Status == doctor.Skip {
			return "Reading them in Logto needs M2M credentials, and none are saved."
		}
		if m.Status == doctor.Fail {
			return "Reading them in Logto needs the M2M credentials, which did not work."
		}
	case doctor.IDService, doctor.IDTrialPhone:
		if t, _ := rows.Find(doctor.IDTwilio); t.Status == doctor.Fail {
			return "Reading it needs the Twilio credentials, which did not work."
		}
	}
	return r.Detail
}

// sentence trims s and ends it with a full stop (not after a URL, which it
// would seem to be part of).
func sentence(s string) string {
	s = strings.TrimSpace(s)
	f := strings.Fields(s)
	if len(f) == 0 || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") ||
		strings.Contains(f[len(f)-1], "://") {
		return s
	}
	return s + "."
}

// summary is the welcome's line for the re-check: "" when nothing was re-checked.
func (o recheckOutcome) summary() string {
	if o.checked == 0 {
		return ""
	}
	var parts []string
	if n := len(o.reopen); n == 1 {
		parts = append(parts, "1 step runs again")
	} else if n > 1 {
		parts = append(parts, plural(n, "step")+" run again")
	}
	if o.missed > 0 {
		parts = append(parts, strconv.Itoa(o.missed)+" not checked")
	}
	if len(parts) == 0 {
		parts = []string{"all still hold"}
	}
	return plural(o.checked, "step") + " done before re-checked: " + strings.Join(parts, ", ")
}
