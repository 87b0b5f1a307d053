package teardown

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// Outcome is what happened to one row.
type Outcome struct {
	Row Row
	// Err is why the action failed (nil: done, or nothing to do).
	Err error
	// Skipped says why the action was not tried ("" when it was).
	Skipped string
	// Left is set when a Restore found the sign-in experience changed since
	// the plan was made: it was left alone (Note says what it is now).
	Left string
}

// OK reports whether the row needs nothing more: done, kept, or left.
func (o Outcome) OK() bool { return o.Err == nil && o.Skipped == "" }

// Result is what Execute did: each row's outcome, the setup as saved, and
// whether saving it failed.
type Result struct {
	Outcomes []Outcome
	Setup    config.Setup // the updated setup (what was saved, or would have been)
	// Saved is false when there was no store; SaveErr is set when the save
	// failed (the saved files are then as they were before).
	Saved   bool
	SaveErr error
	// Starter is the plan's Express starter folder (nil: none); StarterDeleted is
	// set when Execute deleted it, StarterErr when deleting it failed.
	Starter        *Starter
	StarterDeleted bool
	StarterErr     error
}

// Failed reports whether anything failed or was skipped, or the save failed:
// a re-run of teardown finishes the job.
func (r Result) Failed() bool {
	for _, o := range r.Outcomes {
		if !o.OK() {
			return true
		}
	}
	return r.SaveErr != nil
}

// Execute carries out the plan in its order: the sign-in experience back to
// its before-state (checked again first: if someone changed it since, it is
// left alone), then the connector, the app, the Messaging Service. A failure
// is reported and the rest continues, except that the connector is kept
// while a failed restore leaves phone sign-in on. The saved setup is then
// updated through cfg.Store (atomically; a failed save is reported in the
// Result): the records of what is gone are cleared, a History event is
// added, and TornDown is set when nothing failed.
func Execute(ctx context.Context, plan Plan, cfg Config) Result {
	var res Result
	lc := lazy(func() (Logto, error) { return logto(cfg) })
	tc := lazy(func() (Twilio, error) { return twilio(cfg) })
	restoreFailed := false
	for _, row := range plan.Rows {
		o := Outcome{Row: row}
		switch {
		case row.Action != Restore && row.Action != Delete:
		case row.Thing == SignInExperience:
			o.Left, o.Err = restore(ctx, lc, plan.signIn)
			restoreFailed = o.Err != nil
		case row.Thing == Connector && restoreFailed:
			o.Skipped = "kept while phone sign-in is still on (deleting it would leave sign-in without SMS codes): run teardown again once the sign-in experience is restored"
		case row.Thing == Connector:
			o.Err = del(ctx, lc, func(c Logto) error { return c.DeleteConnector(ctx, row.ID) })
		case row.Thing == App:
			o.Err = del(ctx, lc, func(c Logto) error { return c.DeleteApplication(ctx, row.ID) })
		case row.Thing == Service:
			o.Err = del(ctx, tc, func(c Twilio) error { return c.DeleteService(ctx, row.ID) })
		}
		res.Outcomes = append(res.Outcomes, o)
	}
	res.Starter = plan.Starter
	if plan.Starter.Deletable() && plan.Starter.Delete && appDone(res.Outcomes) {
		res.StarterErr = deleteStarter(plan.Starter)
		res.StarterDeleted = res.StarterErr == nil
	}
	su, sec := update(cfg, res.Outcomes)
	if res.StarterDeleted {
		su.ExpressDir = ""
	}
	res.Setup = su
	if cfg.Store != nil {
		res.Saved = true
		if err := cfg.Store.Save(su, sec); err != nil {
			res.SaveErr = fmt.Errorf("teardown: save the setup: %w", err)
		}
	}
	return res
}

// appDone reports whether the app row went through (deleted, or already gone).
func appDone(outs []Outcome) bool {
	for _, o := range outs {
		if o.Row.Thing == App {
			return o.OK() && (o.Row.Action == Delete || o.Row.Action == Gone)
		}
	}
	return false
}

// lazy builds a client on first use and remembers the outcome.
func lazy[T any](build func() (T, error)) func() (T, error) {
	var (
		c    T
		err  error
		done bool
	)
	return func() (T, error) {
		if !done {
			c, err = build()
			done = true
		}
		return c, err
	}
}

// del deletes with f; a thing already gone counts as deleted.
func del[T any](ctx context.Context, client func() (T, error), f func(T) error) error {
	c, err := client()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("teardown: %w", err)
	}
	if err := f(c); err != nil && !notFound(err) {
		return err
	}
	return nil
}

// restore puts signUp and signIn back to ch.Before if the live state is
// still ch.After; left describes the live state when it is not.
func restore(ctx context.Context, client func() (Logto, error), ch *config.SignInChange) (left string, err error) {
	if ch == nil {
		return "", nil
	}
	c, err := client()
	if err != nil {
		return "", err
	}
	live, err := c.SignInExperience(ctx)
	if err != nil {
		return "", fmt.Errorf("teardown: read the sign-in experience: %w", err)
	}
	cur := objects(live)
	switch {
	case sameJSON(cur, ch.Before):
		return "", nil
	case !sameJSON(cur, ch.After):
		return "changed since the plan was made, so it is left as it is: now " + describe(cur), nil
	}
	up, in, err := split(ch.Before)
	if err != nil {
		return "", err
	}
	if _, err := c.SetSignUpSignIn(ctx, up, in); err != nil {
		return "", err
	}
	return "", nil
}

// update returns the setup and secrets after the outcomes: records of what
// is gone cleared (so a re-run retries only what failed), steps undone so a
// resumed wizard sets them up again, a History event, and TornDown when
// nothing failed.
func update(cfg Config, outs []Outcome) (config.Setup, config.Secrets) {
	su, sec := cfg.Setup, cfg.Secrets
	su.History = slices.Clone(su.History)
	su.Done = slices.Clone(su.Done)
	if su.Created.SignIn != nil {
		c := *su.Created.SignIn
		su.Created.SignIn = &c
	}
	var did, failed []string
	for _, o := range outs {
		r := o.Row
		if r.Action == Keep {
			continue
		}
		if !o.OK() {
			failed = append(failed, label(r))
			continue
		}
		switch r.Thing {
		case SignInExperience:
			su.Created.SignIn = nil
			if r.Action == Restore && o.Left == "" {
				su.SignInConfigured = false
				su.Undo("signin", "verify")
				did = append(did, "restored the sign-in experience")
			} else {
				did = append(did, "left the sign-in experience as it is now")
			}
		case Connector:
			su.Created.ConnectorID, su.Created.ReplacedConnector = "", ""
			if su.ConnectorID == r.ID {
				su.ConnectorID, su.ConnectorAction = "", ""
			}
			su.Undo("connector", "testsms", "verify")
			did = append(did, verb(r)+" the SMS connector "+r.ID)
		case App:
			su.Created.AppID = ""
			if su.AppID == r.ID {
				su.AppID, sec.AppSecret = "", ""
			}
			su.Undo("app", "verify", "starter")
			did = append(did, verb(r)+" the app "+r.ID)
		case Service:
			su.Created.ServiceSID = ""
			if su.ServiceSID == r.ID {
				su.ServiceSID, su.ServiceName, su.ServiceSender = "", "", ""
			}
			su.Undo("service", "connector", "testsms", "verify")
			did = append(did, verb(r)+" the Messaging Service "+r.ID)
		case M2MApp:
		}
	}
	now := cfg.now()
	if len(did) > 0 || len(failed) > 0 {
		what := "teardown: " + strings.Join(did, ", ")
		if len(did) == 0 {
			what = "teardown: nothing done"
		}
		if len(failed) > 0 {
			what += "; not done: " + strings.Join(failed, ", ") + " (run teardown again)"
		}
		su.History = append(su.History, config.Event{At: now, What: what})
	}
	if len(failed) == 0 {
		su.TornDown = &now
	}
	return su, sec
}

// verb is what happened to a removed thing: deleted, or found gone.
func verb(r Row) string {
	if r.Action == Gone {
		return "found already gone"
	}
	return "deleted"
}

// label names a row's thing: `the app "Bookstore" (abc)`.
func label(r Row) string {
	s := "the " + string(r.Thing)
	if r.Name != "" {
		s += fmt.Sprintf(" %q", r.Name)
	}
	if r.ID != "" {
		s += " (" + r.ID + ")"
	}
	return s
}

// pkgPrefix matches the prefixes our packages put on their errors.
var pkgPrefix = regexp.MustCompile(`\blogtoapi: (?:[a-zA-Z][^:"]{0,40}: )?|\b(?:twiliosetup|teardown|steps): `)

// plain says what went wrong in words a user can act on (never a secret:
// the clients scrub their errors).
func plain(err error) string {
	var ae *logtoapi.APIError
	var te *twiliosetup.Error
	switch {
	case errors.As(err, &te) && te.What != "":
		s := te.What
		if te.Next != "" {
			s += ". " + te.Next
		}
		return s
	case errors.As(err, &ae):
		s := fmt.Sprintf("Logto answered %d", ae.Status)
		if ae.Code != "" {
			s += " " + ae.Code
		}
		if x := logtoapi.Explain(err); x != "" {
			s += ": " + x
		} else if ae.Message != "" {
			s += " (" + ae.Message + ")"
		}
		return s
	case errors.Is(err, context.DeadlineExceeded):
		return "it took too long"
	}
	return strings.TrimSpace(pkgPrefix.ReplaceAllString(err.Error(), ""))
}
