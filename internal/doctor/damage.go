package doctor

import (
	"context"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"
)

// What doctor says of damaged saved files (config.Damage, found by
// config.Store.Read without changing anything): a file whose content is
// unusable (damaged, made by a newer logto-twilio, secrets missing) is a
// FAIL of the setup row, naming the file, what is wrong and the fix; a
// secrets file others can read and a temporary file left by a killed save
// are a WARN. Doctor itself fixes none of it: it writes nothing.

// damageRow is the setup row for the damage cfg holds, when any is
// unusable; ok is false when none is.
func (r *run) damageRow() (Check, bool) {
	var bad []config.Damage
	for _, d := range r.cfg.Damage {
		if d.Unusable() {
			bad = append(bad, d)
		}
	}
	if len(bad) == 0 {
		return Check{}, false
	}
	detail, hint := r.describe(bad)
	if !r.cfg.Found {
		detail += " So there is nothing to check."
	} else {
		detail += " The checks that need a saved secret are skipped."
	}
	return fail(detail, hint), true
}

// describe joins the damage's sentences and their fixes (each fix once).
func (r *run) describe(ds []config.Damage) (detail, hint string) {
	var details, hints []string
	seen := map[string]bool{}
	for _, d := range ds {
		details = append(details, d.String())
		if f := d.Fix(r.cfg.Command); f != "" && !seen[f] {
			seen[f] = true
			hints = append(hints, f)
		}
	}
	return strings.Join(details, " "), strings.Join(hints, " ")
}

// setupWithDamage is the setup row: the damage when a file is unusable,
// else the saved setup's row, turned into a WARN by a secrets file others
// can read or a stray temporary file.
func (r *run) setupWithDamage(ctx context.Context) Check {
	if c, ok := r.damageRow(); ok {
		return c
	}
	c := r.setup(ctx)
	if len(r.cfg.Damage) == 0 {
		return c
	}
	detail, hint := r.describe(r.cfg.Damage)
	if c.Status == Pass {
		c.Status = Warn
	}
	c.Detail = strings.TrimSpace(c.Detail + " " + detail)
	c.Hint = strings.TrimSpace(c.Hint + " " + hint)
	return c
}

// secretsUnusable reports whether the saved secrets could not be read.
func (r *run) secretsUnusable() bool {
	for _, d := range r.cfg.Damage {
		if d.Secrets && d.Unusable() {
			return true
		}
	}
	return false
}

// secretChecks are the checks that SKIP without a saved secret.
var secretChecks = map[string]bool{IDM2M: true, IDAppSecret: true, IDTwilio: true}

// blameDamage rewrites a check that SKIPped for want of a secret when the
// secrets are unreadable: it names that cause, not "none is saved".
func (r *run) blameDamage(id string, c Check) Check {
	if c.Status == Skip && secretChecks[id] && r.secretsUnusable() {
		c.Detail = "Not checked: the saved secrets cannot be read (see setup)."
		c.Hint = ""
	}
	return c
}

// noSetup is the one row of a folder with no usable setup.json.
func (r *run) noSetup(context.Context) Check {
	if c, ok := r.damageRow(); ok {
		return c
	}
	c := fail("No saved setup was found, so there is nothing to check.",
		"Run `"+r.cfg.Command.Line("setup")+"` to make one (or `"+r.cfg.Command.Line("", "--sandbox")+"` to try it offline first).")
	if len(r.cfg.Damage) > 0 {
		detail, hint := r.describe(r.cfg.Damage)
		c.Detail += " " + detail
		c.Hint += " " + hint
	}
	return c
}
