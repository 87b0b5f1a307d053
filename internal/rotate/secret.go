package rotate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// envKeyAppSecret is the Express starter's .env key of the app secret.
const envKeyAppSecret = "LOGTO_APP_SECRET" //nolint:gosec // G101: the name of a .env key, not a credential

// secretRun is one rotation of an app's client secret (the Traditional app or the M2M app).
type secretRun struct {
	*engine
	appID  string
	app    string // "the app" / "the M2M app", for sentences
	get    func(*config.Secrets) *config.Secret
	verify func(ctx context.Context, value string) error
	// envFile: the Express starter's .env holds the secret too.
	envFile bool
	// deleter returns the client that deletes the old secret (M2M: one on the new secret).
	deleter func(newValue string) (LogtoAPI, error)
}

func (e *engine) newSecretRun(what string) (*secretRun, error) {
	env := e.env
	if env.Logto == nil {
		return nil, &Error{
			What:  "Rotating a secret needs Logto's Management API (the M2M app setup uses), and this setup has none",
			Next:  "Add a secret in the Logto Console (the application's details page), put it where the old one is used, then delete the old one there.",
			State: Unchanged,
		}
	}
	r := &secretRun{engine: e, deleter: func(string) (LogtoAPI, error) { return env.Logto, nil }}
	switch what {
	case WhatAppSecret:
		r.appID, r.app, r.envFile = env.Setup.AppID, "the app", env.Setup.ExpressDir != ""
		r.get = func(s *config.Secrets) *config.Secret { return &s.AppSecret }
		r.verify = func(ctx context.Context, v string) error {
			if env.VerifyApp == nil {
				return errors.New("rotate: Env.VerifyApp is nil")
			}
			check, err := env.VerifyApp(ctx, env.Setup.AppID, v)
			if err != nil {
				return fmt.Errorf("rotate: check the new secret: %w", err)
			}
			if check == logtoapi.AppNoRedirectURI {
				return errNoRedirectURI
			}
			if check != logtoapi.AppCredentialsOK {
				return fmt.Errorf("rotate: Logto's token endpoint says %s", check)
			}
			return nil
		}
	case WhatM2MSecret:
		r.appID, r.app = env.Setup.M2MAppID, "the M2M app"
		r.get = func(s *config.Secrets) *config.Secret { return &s.M2MAppSecret }
		newClient := func(v string) (LogtoAPI, error) {
			if env.NewLogto == nil {
				return nil, errors.New("rotate: Env.NewLogto is nil")
			}
			c, err := env.NewLogto(logtoapi.M2MCredentials{AppID: env.Setup.M2MAppID, AppSecret: v})
			if err != nil {
				return nil, fmt.Errorf("rotate: Logto client: %w", err)
			}
			return c, nil
		}
		r.verify = func(ctx context.Context, v string) error {
			c, err := newClient(v)
			if err != nil {
				return err
			}
			if err := c.CheckAccess(ctx); err != nil {
				return fmt.Errorf("rotate: get a Management API token with the new secret: %w", err)
			}
			return nil
		}
		r.deleter = newClient
	default:
		return nil, fmt.Errorf("rotate: unknown secret %q", what)
	}
	if r.appID == "" {
		return nil, &Error{What: "The saved setup has no App ID for " + r.app, Next: "Run " + e.cmd("setup") + " first.", State: Unchanged}
	}
	return r, nil
}

// AppSecret rotates the Traditional app's secret: add a new one (expiresAt nil: never
// expires) → check it at Logto's token endpoint → save it (the Express starter's .env when
// the wizard wrote one, then secrets.json) → delete the old one once the user agrees
// (Env.Confirm or Env.Yes). The only secret is never deleted.
func AppSecret(ctx context.Context, env *Env, expiresAt *time.Time) (Outcome, error) {
	return rotateSecret(ctx, env, WhatAppSecret, expiresAt)
}

// M2MSecret rotates the M2M app's secret the same way; the new secret is checked by getting
// a Management API token with it, and the old one is deleted through a client on the new one.
func M2MSecret(ctx context.Context, env *Env, expiresAt *time.Time) (Outcome, error) {
	return rotateSecret(ctx, env, WhatM2MSecret, expiresAt)
}

func rotateSecret(ctx context.Context, env *Env, what string, expiresAt *time.Time) (Outcome, error) {
	e, err := newEngine(env, what)
	if err != nil {
		return Outcome{}, err
	}
	if err := e.checkNoneUnfinished(); err != nil {
		return e.out, err
	}
	r, err := e.newSecretRun(what)
	if err != nil {
		return e.out, err
	}
	if expiresAt != nil && !expiresAt.After(env.now()) {
		return e.out, &Error{What: "The expiry " + expiresAt.Format(time.RFC3339) + " is not in the future", Next: "Give a later expiry, or none. Nothing was changed.", State: Unchanged}
	}
	list, err := env.Logto.ApplicationSecrets(ctx, r.appID)
	if err != nil {
		return e.out, &Error{What: "Cannot list the secrets of " + r.app, Next: next(err, "Nothing was changed. Run "+e.cmd("doctor")+" to see what fails."), State: Unchanged, Err: err}
	}
	old := r.get(env.Secrets).Reveal()
	oldName := ""
	for _, s := range list {
		if old != "" && s.Value == old {
			oldName = s.Name
		}
	}
	newName := uniqueName(list, env.now())
	if err := e.begin(what, PhaseAddSecret, map[string]string{detailNewName: newName, detailOldName: oldName}); err != nil {
		return e.out, e.saveFailed(err)
	}
	sec, err := env.Logto.AddApplicationSecret(ctx, r.appID, newName, expiresAt)
	if err != nil {
		return r.fail(ctx, "Logto did not add a new secret to "+r.app, err)
	}
	v := sec.Value
	if err := e.advance(PhaseVerifySecret, &v); err != nil {
		return r.fail(ctx, "Could not save the new secret", err)
	}
	exp := "never expires"
	if sec.ExpiresAt != nil {
		exp = "expires " + sec.ExpiresAt.UTC().Format(time.RFC3339)
	}
	e.line("Added the secret %q to %s (%s; %s)", newName, r.app, masked(v), exp)
	if err := r.verify(ctx, v); err != nil {
		if errors.Is(err, errNoRedirectURI) {
			return r.failNoRedirectURI(ctx, err)
		}
		return r.fail(ctx, "The new secret does not work", err)
	}
	e.line("Logto accepts the new secret")
	if err := e.advance(PhaseSaveSecret, nil); err != nil {
		return r.fail(ctx, "Could not save the rotation's progress", err)
	}
	return r.saveAndDelete(ctx)
}

// uniqueName is a new secret's name: "logto-twilio <UTC time>", unique among list.
func uniqueName(list []logtoapi.AppSecret, now time.Time) string {
	base := "logto-twilio " + now.UTC().Format("2006-01-02T15:04:05Z")
	name := base
	for i := 2; slices.ContainsFunc(list, func(s logtoapi.AppSecret) bool { return s.Name == name }); i++ {
		name = fmt.Sprintf("%s (%d)", base, i)
	}
	return name
}

// fail undoes a secret rotation before the new secret was saved, unless ctx was cancelled.
func (r *secretRun) fail(ctx context.Context, what string, cause error) (Outcome, error) {
	if ctx.Err() != nil {
		return r.out, &Error{What: what + " (interrupted)", Next: "The saved secret still works. Run " + r.cmd("rotate") + " again: it undoes the unfinished rotation.", State: Unfinished, Err: cause}
	}
	if err := r.revert(ctx); err != nil {
		if only := (*onlySecretError)(nil); errors.As(err, &only) {
			return r.out, &Error{
				What: fmt.Sprintf("%s, and the old secret is gone from %s (deleted in the Logto Console?), so the new secret %q is kept: it is now the only secret of %s",
					what, r.app, only.name, r.app),
				Next:  "Run " + r.cmd("rotate") + " again: it checks the new secret again and saves it if Logto accepts it. If Logto keeps refusing it, open " + r.app + " in the Logto Console, check its secrets, and add one there if none works.",
				State: Unfinished, Err: errors.Join(cause, err),
			}
		}
		return r.out, &Error{
			What:  what + ", and removing the new secret did not finish either",
			Next:  "The saved secret still works. Run " + r.cmd("rotate") + " again: it removes the unused new secret.",
			State: Unfinished, Err: errors.Join(cause, err),
		}
	}
	return r.out, &Error{What: what, Next: next(cause, "") + "Nothing changed: the new secret is deleted and the saved setup is as it was.", State: Unchanged, Err: cause}
}

// errNoRedirectURI: Logto's token endpoint refused the app before checking the new secret,
// because the app has no redirect URI (logtoapi.AppNoRedirectURI).
var errNoRedirectURI = errors.New("rotate: the app has no redirect URI, so Logto's token endpoint did not check the new secret")

// failNoRedirectURI undoes an app-secret rotation whose new secret could not be checked
// because the app has no redirect URI: the cause is the app, not the secret, and so is
// the fix.
func (r *secretRun) failNoRedirectURI(ctx context.Context, cause error) (Outcome, error) {
	out, err := r.fail(ctx, "Logto could not check the new secret: "+r.app+" has no redirect URI, and Logto's token endpoint refuses its requests until it has one", cause)
	var re *Error
	if errors.As(err, &re) && re.State == Unchanged {
		re.Next = "Nothing changed: the new secret is deleted and the saved setup is as it was. Add the demo's redirect URI to the app (" +
			r.cmd("doctor") + " says which, and where), then run " + r.cmd("rotate", "--app-secret") + " again."
	}
	return out, err
}

// onlySecretError is revert's answer when the new secret is the app's only secret (the old
// one is gone, e.g. deleted in the Console): Logto lets the last secret be deleted, and an app
// without one is locked out (the M2M app's loss also cuts off the Management API), so it is kept.
type onlySecretError struct{ name, value, app string }

func (e *onlySecretError) Error() string {
	return fmt.Sprintf("rotate: the new secret %q is the only secret of %s: it is kept", e.name, e.app)
}

// revert deletes the new secret (never the only one: *onlySecretError) and clears the record.
func (r *secretRun) revert(ctx context.Context) error {
	name := r.detail(detailNewName)
	list, err := r.env.Logto.ApplicationSecrets(ctx, r.appID)
	if err != nil && r.out.What == WhatM2MSecret && r.env.Secrets.Pending.IsSet() {
		// The saved M2M secret may be the one that is gone: list with the new one.
		if c, cerr := r.deleter(r.env.Secrets.Pending.Reveal()); cerr == nil {
			if l, lerr := c.ApplicationSecrets(ctx, r.appID); lerr == nil {
				list, err = l, nil
				r.env.Logto = c
			}
		}
	}
	if err != nil {
		return fmt.Errorf("rotate: list secrets: %w", err)
	}
	if i := slices.IndexFunc(list, func(s logtoapi.AppSecret) bool { return s.Name == name }); i >= 0 {
		if len(list) < 2 {
			return &onlySecretError{name: name, value: list[i].Value, app: r.app}
		}
		if err := r.env.Logto.DeleteApplicationSecret(ctx, r.appID, name); err != nil {
			return fmt.Errorf("rotate: delete the new secret: %w", err)
		}
		r.line("Deleted the unused new secret %q", name)
	}
	return r.finish("", nil)
}

// saveAndDelete is the forward path from PhaseSaveSecret: the new secret is checked.
func (r *secretRun) saveAndDelete(ctx context.Context) (Outcome, error) {
	v := r.env.Secrets.Pending.Reveal()
	if v == "" {
		v = r.get(r.env.Secrets).Reveal() // the last save was cut short: it is saved
	}
	if r.envFile {
		if err := r.updateEnvFile(v); err != nil {
			return r.out, &Error{
				What:  "The new secret works, but the Express starter's .env could not be updated",
				Next:  "The old secret still works. Fix the file's permissions, then run " + r.cmd("rotate") + " again to finish (the new secret is kept in secrets.json until then).",
				State: Unfinished, Err: err,
			}
		}
	}
	err := r.commit(func(s *config.Setup, sec *config.Secrets) {
		*r.get(sec) = config.Secret(v)
		sec.Pending = ""
		if s.Rotation != nil {
			s.Rotation.Phase = PhaseDeleteOld
		}
	})
	if err != nil {
		return r.out, &Error{What: "The new secret works, but saving it failed", Next: "The old secret still works. Check that the config directory is writable, then run " + r.cmd("rotate") + " again to finish.", State: Unfinished, Err: err}
	}
	r.line("Saved the new secret (%s)", masked(v))
	if r.out.What == WhatM2MSecret {
		// From now on the Management API is used with the new secret.
		if c, err := r.deleter(v); err == nil {
			r.env.Logto = c
		}
	}
	return r.deleteOld(ctx, v)
}

func (r *secretRun) updateEnvFile(v string) error {
	p := filepath.Join(r.env.Setup.ExpressDir, demo.ExpressEnvFile)
	changed, err := demo.SetEnvValue(p, envKeyAppSecret, v)
	if errors.Is(err, fs.ErrNotExist) {
		r.note("The Express starter's .env (%s) is gone: nothing to update there.", p)
		return nil
	}
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	if changed {
		r.line("Updated %s in %s", envKeyAppSecret, p)
		r.note("Restart the Express starter (npm start in %s) so it reads the new secret.", r.env.Setup.ExpressDir)
	}
	return nil
}

// deleteOld deletes the old secret once the user agrees, and ends the rotation.
func (r *secretRun) deleteOld(ctx context.Context, newValue string) (Outcome, error) {
	oldName, newName := r.detail(detailOldName), r.detail(detailNewName)
	event := fmt.Sprintf("rotated the %s (new secret %q", label(r.out.What), newName)
	end := func(ev string) (Outcome, error) {
		if err := r.finish(ev, nil); err != nil {
			return r.out, &Error{What: "Could not save the setup", Next: "Check that the config directory is writable, then run " + r.cmd("rotate") + " again to finish.", State: Unfinished, Err: err}
		}
		return r.out, nil
	}
	if oldName == "" {
		r.note("The old secret is not one of %s's secrets (or was unknown): nothing to delete.", r.app)
		return end(event + ")")
	}
	yes := r.env.Yes
	if !yes && r.env.Confirm != nil {
		var err error
		yes, err = r.env.Confirm(ctx, fmt.Sprintf("Delete the old secret %q of %s now? Whatever still uses it stops working.", oldName, r.app))
		if err != nil {
			return r.out, &Error{What: "No answer about deleting the old secret", Next: "The new secret is saved and in use. Run " + r.cmd("rotate") + " again to decide.", State: Unfinished, Err: err}
		}
	}
	if !yes {
		r.note("The old secret %q is kept: delete it in the Logto Console once nothing uses it.", oldName)
		return end(event + fmt.Sprintf("; old secret %q kept)", oldName))
	}
	c, err := r.deleter(newValue)
	if err != nil {
		return r.out, &Error{What: "Cannot delete the old secret", Next: "Run " + r.cmd("rotate") + " again to retry.", State: Unfinished, Err: err}
	}
	list, err := c.ApplicationSecrets(ctx, r.appID)
	if err != nil {
		return r.out, &Error{What: "Cannot list the secrets of " + r.app + " to delete the old one", Next: next(err, "") + "The new secret is saved and in use. Run " + r.cmd("rotate") + " again to retry.", State: Unfinished, Err: err}
	}
	hasOld := slices.ContainsFunc(list, func(s logtoapi.AppSecret) bool { return s.Name == oldName })
	hasNew := slices.ContainsFunc(list, func(s logtoapi.AppSecret) bool { return s.Value == newValue && !s.Expired(r.env.now()) })
	switch {
	case !hasOld:
		r.line("The old secret %q is already gone", oldName)
		return end(event + fmt.Sprintf("; old secret %q deleted)", oldName))
	case !hasNew || len(list) < 2:
		return r.out, &Error{
			What:  fmt.Sprintf("The old secret %q is kept: it would be the last working secret of %s", oldName, r.app),
			Next:  "Run " + r.cmd("doctor") + " to see which secrets work.",
			State: Rotated,
		}
	}
	if err := c.DeleteApplicationSecret(ctx, r.appID, oldName); err != nil {
		return r.out, &Error{
			What:  fmt.Sprintf("The new secret is saved and in use, but deleting the old secret %q failed", oldName),
			Next:  next(err, "") + "Run " + r.cmd("rotate") + " again to retry, or delete it in the Logto Console.",
			State: Unfinished, Err: err,
		}
	}
	r.line("Deleted the old secret %q", oldName)
	return end(event + fmt.Sprintf("; old secret %q deleted)", oldName))
}

// resumeSecret finishes or undoes a recorded secret rotation.
func (e *engine) resumeSecret(ctx context.Context, what string) (Outcome, error) {
	r, err := e.newSecretRun(what)
	if err != nil {
		return e.out, err
	}
	switch ph := e.phase(); ph {
	case PhaseAddSecret, PhaseVerifySecret:
		err := r.revert(ctx)
		if only := (*onlySecretError)(nil); errors.As(err, &only) {
			return r.keepOnly(ctx, only)
		}
		if err != nil {
			return e.out, &Error{What: "Removing the unused new secret did not finish", Next: next(err, "") + "Run " + e.cmd("rotate") + " again to finish it.", State: Unfinished, Err: err}
		}
		e.out.Reverted = true
		e.line("Undid the unfinished rotation of the %s: the saved setup is as it was", label(what))
		return e.out, nil
	case PhaseSaveSecret:
		return r.saveAndDelete(ctx)
	case PhaseDeleteOld:
		return r.deleteOld(ctx, r.get(e.env.Secrets).Reveal())
	default:
		return e.out, &Error{What: fmt.Sprintf("Unknown rotation phase %q", ph), Next: unknownRotationNext(e), State: Unfinished}
	}
}

// keepOnly goes forward with a new secret that revert kept because it is the app's only one:
// when Logto accepts it now, it is saved (the old secret is gone: nothing to delete).
func (r *secretRun) keepOnly(ctx context.Context, only *onlySecretError) (Outcome, error) {
	if err := r.verify(ctx, only.value); err != nil {
		return r.out, &Error{
			What:  fmt.Sprintf("The new secret %q is the only secret of %s (the old one is gone), and Logto does not accept it", only.name, r.app),
			Next:  next(err, "") + "It is kept. Run " + r.cmd("rotate") + " again to retry; if Logto keeps refusing it, open " + r.app + " in the Logto Console, check its secrets, and add one there if none works.",
			State: Unfinished, Err: err,
		}
	}
	r.line("The old secret of %s is gone; Logto accepts the new secret %q, its only one", r.app, only.name)
	v := only.value
	if err := r.advance(PhaseSaveSecret, &v); err != nil {
		return r.out, &Error{What: "Could not save the rotation's progress", Next: "Check that the config directory is writable, then run " + r.cmd("rotate") + " again to finish.", State: Unfinished, Err: err}
	}
	return r.saveAndDelete(ctx)
}
