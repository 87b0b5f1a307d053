package rotate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// History lines of a Twilio rotation.
const (
	historyTwilio      = "rotated the Twilio Auth Token (secondary token created, tested through Logto's connector, promoted)"
	historyTwilioPaste = "rotated the Twilio Auth Token (the token rotated in Twilio's Console, pasted, tested through Logto's connector)"
)

// Bounds of the test SMS's delivery check (as the wizard's test SMS step).
const (
	findSlack     = time.Minute
	defaultFollow = time.Minute
)

// twilioRun is one Twilio rotation.
type twilioRun struct {
	*engine
	sid          string
	old, new     string // the tokens (values never leave this package but through the store)
	oldTw, newTw TwilioAPI
}

func (e *engine) newTwilioRun() (*twilioRun, error) {
	env := e.env
	if env.Logto == nil {
		return nil, &Error{
			What:  "Rotating the Twilio Auth Token needs Logto's Management API (the M2M app setup uses), and this setup has none",
			Next:  "Change the token by hand in the Logto Console's SMS connector page, or first run " + e.cmd("setup") + " with the automatic method (M2M credentials).",
			State: Unchanged,
		}
	}
	if env.NewTwilio == nil {
		return nil, errors.New("rotate: Env.NewTwilio is nil")
	}
	sid := env.Setup.TwilioAccountSID
	if err := twiliosetup.ValidateAccountSID(sid); err != nil {
		return nil, &Error{What: "The saved setup has no valid Twilio Account SID", Next: "Run " + e.cmd("setup") + " first.", State: Unchanged, Err: err}
	}
	return &twilioRun{engine: e, sid: sid}, nil
}

// phone is the test SMS's number.
func (r *twilioRun) phone() (twiliosetup.Phone, error) {
	p := r.env.TestPhone
	if p == "" {
		p = r.env.Setup.TestPhone
	}
	if p == "" {
		return twiliosetup.Phone{}, errors.New("rotate: no phone number for the test SMS: give one with --test-phone (international format, e.g. +14155550123)")
	}
	ph, err := twiliosetup.ParsePhone(p, "")
	if err != nil {
		return twiliosetup.Phone{}, fmt.Errorf("rotate: the test phone number: %w", err)
	}
	return ph, nil
}

// client builds a Twilio client on token.
func (r *twilioRun) client(token string) (TwilioAPI, error) {
	tw, err := r.env.NewTwilio(token)
	if err != nil {
		return nil, fmt.Errorf("rotate: Twilio client: %w", err)
	}
	return tw, nil
}

// accepted reports whether Twilio accepts token: false only when Twilio refused it
// (20003 or 401); other failures are errors.
func (r *twilioRun) accepted(ctx context.Context, token string) (bool, error) {
	if token == "" {
		return false, nil
	}
	tw, err := r.client(token)
	if err != nil {
		return false, err
	}
	if _, err := tw.Account(ctx); err != nil {
		var te *twiliosetup.Error
		if errors.As(err, &te) && (te.Code == 20003 || te.Status == http.StatusUnauthorized) {
			return false, nil
		}
		return false, fmt.Errorf("rotate: check a token with Twilio: %w", err)
	}
	return true, nil
}

// connector reads the tenant's SMS connector, which must be Twilio's, for this account.
func (r *twilioRun) connector(ctx context.Context) (logtoapi.Connector, logtoapi.TwilioConfig, error) {
	c, err := r.env.Logto.SMSConnector(ctx)
	if err != nil {
		return logtoapi.Connector{}, logtoapi.TwilioConfig{}, fmt.Errorf("rotate: read Logto's SMS connector: %w", err)
	}
	if c == nil || !c.IsTwilio() {
		return logtoapi.Connector{}, logtoapi.TwilioConfig{}, fmt.Errorf("rotate: Logto's SMS connector is not the Twilio connector (any more): run %s to see what changed", r.cmd("doctor"))
	}
	cfg, err := c.TwilioConfig()
	if err != nil {
		return logtoapi.Connector{}, logtoapi.TwilioConfig{}, fmt.Errorf("rotate: Logto's Twilio connector: %w", err)
	}
	if cfg.AccountSID != r.sid {
		return logtoapi.Connector{}, logtoapi.TwilioConfig{}, fmt.Errorf("rotate: Logto's Twilio connector uses account %s, the saved setup %s: run %s to see what changed", cfg.AccountSID, r.sid, r.cmd("doctor"))
	}
	return *c, cfg, nil
}

// setConnector PATCHes the connector's whole config with token and reads it back.
func (r *twilioRun) setConnector(ctx context.Context, token string) (logtoapi.TwilioConfig, error) {
	c, cfg, err := r.connector(ctx)
	if err != nil {
		return cfg, err
	}
	if cfg.AuthToken == token {
		return cfg, nil
	}
	cfg.AuthToken = token
	if _, err := r.env.Logto.UpdateTwilioConnector(ctx, c.ID, cfg); err != nil {
		return cfg, fmt.Errorf("rotate: update Logto's Twilio connector: %w", err)
	}
	_, got, err := r.connector(ctx)
	if err != nil {
		return cfg, err
	}
	if got.AuthToken != token {
		return cfg, errors.New("rotate: Logto's Twilio connector did not keep the token it was given")
	}
	return got, nil
}

// Twilio rotates the Twilio Auth Token through a secondary token: create it → PATCH
// Logto's connector with it → test SMS through the connector, delivery followed → promote
// it (the old token stops working) → save. Anything that fails before the promotion is
// undone (the connector back on the old token, the secondary deleted, the saved setup as it
// was); a failed promotion leaves the Unfinished phase PhasePromote, which Resume finishes.
// The connector never holds a token Twilio does not accept.
func Twilio(ctx context.Context, env *Env) (Outcome, error) {
	e, err := newEngine(env, WhatTwilio)
	if err != nil {
		return Outcome{}, err
	}
	if err := e.checkNoneUnfinished(); err != nil {
		return e.out, err
	}
	r, err := e.newTwilioRun()
	if err != nil {
		return e.out, err
	}
	r.old = env.Secrets.TwilioAuthToken.Reveal()
	if r.old == "" {
		return e.out, &Error{What: "The saved setup has no Twilio Auth Token", Next: "If you rotated it in Twilio's Console, run " + e.pasteToken() + " and paste the new one.", State: Unchanged}
	}
	phone, err := r.phone()
	if err != nil {
		return e.out, &Error{What: "No phone number for the test SMS", Next: e.phoneNext("Nothing was changed."), State: Unchanged, Err: err}
	}
	conn, cfg, err := r.connector(ctx)
	if err != nil {
		return e.out, &Error{What: "Cannot read Logto's Twilio connector", Next: next(err, "Nothing was changed. Run "+e.cmd("doctor")+" to see what fails."), State: Unchanged, Err: err}
	}
	if cfg.AuthToken != r.old {
		return e.out, &Error{
			What:  "Logto's Twilio connector holds another Auth Token than the saved setup",
			Next:  "Nothing was changed. If you rotated the token in Twilio's Console, run " + e.pasteToken() + " and paste the new one; otherwise run " + e.cmd("doctor") + " to see what differs.",
			State: Unchanged,
		}
	}
	if r.oldTw, err = r.client(r.old); err != nil {
		return e.out, err
	}
	if _, err := r.oldTw.Account(ctx); err != nil {
		return e.out, &Error{What: "Twilio does not accept the saved Auth Token", Next: "Nothing was changed. If you rotated it in Twilio's Console, run " + e.pasteToken() + " and paste the new one.", State: Unchanged, Err: err}
	}
	e.line("Twilio accepts the current Auth Token (%s)", masked(r.old))

	if err := e.begin(WhatTwilio, PhaseCreateSecondary, map[string]string{detailConnector: conn.ID}); err != nil {
		return e.out, e.saveFailed(err)
	}
	tok, err := r.oldTw.CreateSecondaryToken(ctx)
	if err != nil {
		return r.fail(ctx, "Twilio did not create a secondary Auth Token", err)
	}
	r.new = tok
	if err := e.advance(PhaseUpdateConnector, &tok); err != nil {
		return r.fail(ctx, "Could not save the new token before changing Logto's connector", err)
	}
	e.line("Created a secondary Auth Token (%s): both tokens work until it is promoted", masked(tok))
	if r.newTw, err = r.client(tok); err != nil {
		return r.fail(ctx, "Could not use the new token", err)
	}
	if _, err := r.newTw.Account(ctx); err != nil {
		return r.fail(ctx, "Twilio does not accept the new secondary token", err)
	}
	newCfg, err := r.setConnector(ctx, tok)
	if err != nil {
		return r.fail(ctx, "Logto's Twilio connector did not take the new token", err)
	}
	e.line("Logto's Twilio connector uses the new token")
	if err := e.advance(PhaseTestSMS, nil); err != nil {
		return r.fail(ctx, "Could not save the rotation's progress", err)
	}
	status, err := r.testSMS(ctx, phone, newCfg)
	if err != nil {
		return r.fail(ctx, "The test SMS with the new token failed", err)
	}
	e.line("Test SMS to %s through Logto's connector: %s", phone.E164(), status)
	if err := e.advance(PhasePromote, nil); err != nil {
		return r.fail(ctx, "Could not save the rotation's progress before the promotion", err)
	}
	return r.promote(ctx)
}

// promote promotes the secondary token and saves it.
func (r *twilioRun) promote(ctx context.Context) (Outcome, error) {
	if err := r.newTw.PromoteSecondaryToken(ctx); err != nil {
		return r.out, &Error{
			What: "Twilio did not confirm the promotion of the new Auth Token",
			Next: "Logto's connector already uses the new token, which Twilio accepts. Run " + r.cmd("rotate") + " again to finish: " +
				"it checks whether Twilio promoted the token and promotes it if not.",
			State: Unfinished, Err: err,
		}
	}
	r.line("Promoted the new token: Twilio no longer accepts the old one")
	return r.saveNew(ctx, historyTwilio)
}

// saveNew ends the rotation: the new token becomes the saved one.
func (r *twilioRun) saveNew(ctx context.Context, event string) (Outcome, error) {
	tok := r.new
	if err := r.finish(event, func(sec *config.Secrets) { sec.TwilioAuthToken = config.Secret(tok) }); err != nil {
		return r.out, &Error{
			What:  "The new token is in use, but saving it failed",
			Next:  "Check that the config directory is writable, then run " + r.cmd("rotate") + " again to save it.",
			State: Unfinished, Err: err,
		}
	}
	r.line("Saved the new Auth Token (%s)", masked(tok))
	if r.old != "" && r.old != tok {
		if ok, err := r.accepted(ctx, r.old); err == nil && ok {
			r.note("Twilio still accepts the old Auth Token too (a secondary token, or a rotation not finished in Twilio's Console): promote or delete it in the Console when nothing else uses it.")
		}
	}
	return r.out, nil
}

// fail handles a failure before the promotion: it undoes the rotation, unless ctx was
// cancelled (then the recorded phase stays for a re-run).
func (r *twilioRun) fail(ctx context.Context, what string, cause error) (Outcome, error) {
	if ctx.Err() != nil {
		return r.out, &Error{
			What:  what + " (interrupted)",
			Next:  "Logto's connector holds a token Twilio accepts. Run " + r.cmd("rotate") + " again: it undoes the unfinished rotation.",
			State: Unfinished, Err: cause,
		}
	}
	if err := r.revert(ctx); err != nil {
		return r.out, &Error{
			What:  what + ", and undoing the rotation did not finish either",
			Next:  "Logto's connector holds a token Twilio accepts. Run " + r.cmd("rotate") + " again: it finishes undoing the rotation.",
			State: Unfinished, Err: errors.Join(cause, err),
		}
	}
	return r.out, &Error{
		What: what,
		Next: next(cause, "") + "Nothing changed: Logto's connector uses the old token, the secondary token is deleted, " +
			"and the saved setup is as it was.",
		State: Unchanged, Err: cause,
	}
}

// revert undoes a rotation that was not promoted: the connector back on the old token
// (only once Twilio is known to accept it), then the secondary deleted, then the record
// cleared. The secondary is deleted only when the connector surely no longer holds it.
func (r *twilioRun) revert(ctx context.Context) error {
	if err := r.advance(PhaseRevert, nil); err != nil {
		return err
	}
	if r.oldTw == nil {
		tw, err := r.client(r.old)
		if err != nil {
			return err
		}
		r.oldTw = tw
	}
	if r.new != "" {
		_, cfg, err := r.connector(ctx)
		if err != nil {
			return err
		}
		if cfg.AuthToken == r.new {
			ok, err := r.accepted(ctx, r.old)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("rotate: Twilio no longer accepts the old token, so the connector keeps the new one: run %s again to finish the rotation", r.cmd("rotate"))
			}
			if _, err := r.setConnector(ctx, r.old); err != nil {
				return err
			}
			r.line("Logto's Twilio connector uses the old token again")
		}
	}
	if err := r.oldTw.DeleteSecondaryToken(ctx); err != nil && !notFound(err) {
		return fmt.Errorf("rotate: delete the secondary token: %w", err)
	}
	r.line("Deleted the secondary token")
	return r.finish("", nil)
}

// testSMS sends the test SMS through Logto's connector test with cfg and follows its
// delivery with the new token; it returns the status reached.
func (r *twilioRun) testSMS(ctx context.Context, phone twiliosetup.Phone, cfg logtoapi.TwilioConfig) (string, error) {
	since := r.env.now().Add(-findSlack)
	if err := r.env.Logto.TestTwilioConnector(ctx, phone.Digits(), cfg); err != nil {
		return "", fmt.Errorf("rotate: test SMS: %w", err)
	}
	msg, err := r.newTw.FindSentMessage(ctx, phone, since)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("rotate: test SMS: %w", err)
		}
		return "sent (not followed)", nil
	}
	window := r.env.FollowWindow
	if window <= 0 {
		window = defaultFollow
	}
	fctx, cancel := context.WithTimeout(ctx, window)
	defer cancel()
	final, err := r.newTw.Follow(fctx, msg.SID, nil)
	if err != nil {
		return "", fmt.Errorf("rotate: follow the test SMS %s: %w", msg.SID, err)
	}
	if err := final.Err(); err != nil {
		return "", fmt.Errorf("rotate: the test SMS was not delivered: %w", err)
	}
	if final.Status == twiliosetup.StatusSent {
		return "sent (no delivery receipt yet)", nil
	}
	return final.Status, nil
}

// TwilioPasted takes an Auth Token the user already rotated in Twilio's Console: it checks
// it with Twilio, PATCHes Logto's connector with it, sends the test SMS and saves it. When
// something fails and Twilio still accepts the old token, the connector gets the old one
// back and nothing changes; when the old token is dead (the usual case after a rotation in
// the Console), the phase stays recorded and a re-run finishes.
func TwilioPasted(ctx context.Context, env *Env, newToken string) (Outcome, error) {
	e, err := newEngine(env, WhatTwilio)
	if err != nil {
		return Outcome{}, err
	}
	if err := e.checkNoneUnfinished(); err != nil {
		return e.out, err
	}
	tok := twiliosetup.Clean(newToken)
	if err := twiliosetup.ValidateAuthToken(tok); err != nil {
		return e.out, &Error{What: "That is not an Auth Token", Next: "Copy the Auth Token from the Twilio Console's home page and paste it again. Nothing was changed.", State: Unchanged, Err: err}
	}
	r, err := e.newTwilioRun()
	if err != nil {
		return e.out, err
	}
	r.old, r.new = env.Secrets.TwilioAuthToken.Reveal(), tok
	phone, err := r.phone()
	if err != nil {
		return e.out, &Error{What: "No phone number for the test SMS", Next: e.phoneNext("Nothing was changed."), State: Unchanged, Err: err}
	}
	conn, cfg, err := r.connector(ctx)
	if err != nil {
		return e.out, &Error{What: "Cannot read Logto's Twilio connector", Next: next(err, "Nothing was changed. Run "+e.cmd("doctor")+" to see what fails."), State: Unchanged, Err: err}
	}
	if tok == r.old && cfg.AuthToken == tok {
		return e.out, &Error{What: "That token is already the saved one and the one Logto's connector uses", Next: "Nothing to do. To make a new token, run " + e.cmd("rotate", "--twilio") + " instead.", State: Unchanged}
	}
	if r.newTw, err = r.client(tok); err != nil {
		return e.out, err
	}
	if _, err := r.newTw.Account(ctx); err != nil {
		return e.out, &Error{
			What:  "Twilio does not accept the pasted token for account " + r.sid,
			Next:  "Copy the Auth Token of that account again (after a rotation, the new primary token) and paste it. Nothing was changed.",
			State: Unchanged, Err: err,
		}
	}
	e.line("Twilio accepts the pasted token (%s)", masked(tok))
	if err := e.commit(func(s *config.Setup, sec *config.Secrets) {
		s.Rotation = &config.Rotation{What: WhatTwilio, Phase: PhasePasteConnector, Started: env.now().UTC(), Detail: map[string]string{detailConnector: conn.ID}}
		sec.Pending = config.Secret(tok)
	}); err != nil {
		return e.out, e.saveFailed(err)
	}
	return r.pasteForward(ctx, phone)
}

// pasteForward puts the pasted token in the connector, tests it and saves it.
func (r *twilioRun) pasteForward(ctx context.Context, phone twiliosetup.Phone) (Outcome, error) {
	cfg, err := r.setConnector(ctx, r.new)
	if err != nil {
		return r.pasteFail(ctx, "Logto's Twilio connector did not take the pasted token", err)
	}
	r.line("Logto's Twilio connector uses the pasted token")
	status, err := r.testSMS(ctx, phone, cfg)
	if err != nil {
		return r.pasteFail(ctx, "The test SMS with the pasted token failed", err)
	}
	r.line("Test SMS to %s through Logto's connector: %s", phone.E164(), status)
	return r.saveNew(ctx, historyTwilioPaste)
}

// pasteFail undoes a pasted-token rotation when the old token still works; otherwise the
// connector keeps the pasted token (Twilio accepts it) and the phase stays for a re-run.
func (r *twilioRun) pasteFail(ctx context.Context, what string, cause error) (Outcome, error) {
	if ctx.Err() == nil {
		ok, err := r.accepted(ctx, r.old)
		if err == nil && ok {
			if _, err := r.setConnector(ctx, r.old); err == nil {
				if err := r.finish("", nil); err == nil {
					return r.out, &Error{What: what, Next: next(cause, "") + "Nothing changed: Logto's connector uses the old token again and the saved setup is as it was.", State: Unchanged, Err: cause}
				}
			}
		}
	}
	return r.out, &Error{
		What: what,
		Next: next(cause, "") + "Twilio accepts the pasted token, and Logto's connector holds a token Twilio accepts (the old one no longer works, or the connector has the pasted one). " +
			"Run " + r.cmd("rotate") + " again to finish.",
		State: Unfinished, Err: cause,
	}
}

// resumeTwilio finishes or undoes a recorded Twilio rotation.
func (e *engine) resumeTwilio(ctx context.Context) (Outcome, error) {
	r, err := e.newTwilioRun()
	if err != nil {
		return e.out, err
	}
	r.old, r.new = e.env.Secrets.TwilioAuthToken.Reveal(), e.env.Secrets.Pending.Reveal()
	switch ph := e.phase(); ph {
	case PhaseCreateSecondary, PhaseUpdateConnector, PhaseTestSMS, PhaseRevert:
		if err := r.revert(ctx); err != nil {
			return e.out, &Error{What: "Undoing the unfinished rotation of the Twilio Auth Token did not finish", Next: next(err, "") + "Run " + e.cmd("rotate") + " again to finish it.", State: Unfinished, Err: err}
		}
		e.out.Reverted = true
		e.line("Undid the unfinished rotation of the Twilio Auth Token: the saved setup is as it was")
		return e.out, nil
	case PhasePromote:
		if r.new == "" {
			// The last save was cut short after the promotion: the new token is saved.
			if err := r.finish(historyTwilio, nil); err != nil {
				return e.out, &Error{What: "Could not save the setup", Next: "Check that the config directory is writable, then run " + e.cmd("rotate") + " again.", State: Unfinished, Err: err}
			}
			e.line("Finished the rotation of the Twilio Auth Token")
			return e.out, nil
		}
		return r.resumePromote(ctx)
	case PhasePasteConnector:
		if r.new == "" {
			if err := r.finish(historyTwilioPaste, nil); err != nil {
				return e.out, &Error{What: "Could not save the setup", Next: "Check that the config directory is writable, then run " + e.cmd("rotate") + " again.", State: Unfinished, Err: err}
			}
			e.line("Finished the rotation of the Twilio Auth Token")
			return e.out, nil
		}
		phone, err := r.phone()
		if err != nil {
			return e.out, &Error{What: "No phone number for the test SMS", Next: e.phoneNext("The rotation stays unfinished until then."), State: Unfinished, Err: err}
		}
		if r.newTw, err = r.client(r.new); err != nil {
			return e.out, err
		}
		return r.pasteForward(ctx, phone)
	default:
		return e.out, &Error{What: fmt.Sprintf("Unknown rotation phase %q", ph), Next: unknownRotationNext(e), State: Unfinished}
	}
}

// resumePromote finishes from PhasePromote: the connector has the new token (tested).
func (r *twilioRun) resumePromote(ctx context.Context) (Outcome, error) {
	ok, err := r.accepted(ctx, r.new)
	if err != nil {
		return r.out, &Error{What: "Could not reach Twilio to finish the rotation", Next: next(err, "") + "Run " + r.cmd("rotate") + " again to finish it.", State: Unfinished, Err: err}
	}
	if !ok {
		return r.out, &Error{
			What:  "Twilio does not accept the new Auth Token of the unfinished rotation",
			Next:  "Run " + r.cmd("doctor") + " to see which token Logto's connector holds. If you changed the token in Twilio's Console, run " + r.pasteToken() + " and paste the current one.",
			State: Unfinished, Err: err,
		}
	}
	if r.newTw, err = r.client(r.new); err != nil {
		return r.out, err
	}
	if _, err := r.setConnector(ctx, r.new); err != nil {
		return r.out, &Error{What: "Logto's Twilio connector did not take the new token", Next: next(err, "") + "Run " + r.cmd("rotate") + " again to finish it.", State: Unfinished, Err: err}
	}
	oldOK, err := r.accepted(ctx, r.old)
	if err != nil {
		return r.out, &Error{What: "Could not ask Twilio whether the old token still works", Next: next(err, "") + "Run " + r.cmd("rotate") + " again to finish it.", State: Unfinished, Err: err}
	}
	if !oldOK {
		r.line("Twilio had promoted the new token already")
		return r.saveNew(ctx, historyTwilio)
	}
	return r.promote(ctx)
}

// pasteToken is the command that takes a token rotated in Twilio's Console (read from
// standard input, or asked for on a terminal).
func (e *engine) pasteToken() string {
	return e.cmd("rotate", "--new-twilio-token", "-")
}

// phoneNext says how to give the test SMS's phone. It is said in words: a command with a
// made-up number would send the test SMS there.
func (e *engine) phoneNext(then string) string {
	return "Run " + e.cmd("rotate") + " again with --test-phone and a number that can receive SMS, in international format " +
		"such as +14155550123 (on a trial account, a verified one). " + then
}

// next is the cause's own advice (Twilio's or Logto's), as a sentence, else fallback.
func next(err error, fallback string) string {
	var te *twiliosetup.Error
	if errors.As(err, &te) && te.Next != "" {
		return te.Next + " "
	}
	if s := logtoapi.Explain(err); s != "" {
		return s + " "
	}
	return fallback
}

// notFound reports a 404 from Twilio (nothing to delete).
func notFound(err error) bool {
	var te *twiliosetup.Error
	return errors.As(err, &te) && (te.Status == http.StatusNotFound || te.Code == 20404)
}
