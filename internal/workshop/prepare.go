package workshop

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// Action is what happened to one app.
type Action string

// Actions reported in events and results.
const (
	ActionCreated Action = "created" // Prepare created it
	ActionReused  Action = "reused"  // recorded by an earlier run and still in Logto
	ActionAdopted Action = "adopted" // found by its name and description after a lost record write
	ActionFailed  Action = "failed"  // see Err; a re-run finishes it
	ActionWaiting Action = "waiting" // Logto answered 429: waiting Wait before sending again
	ActionDeleted Action = "deleted" // Teardown deleted it
	ActionGone    Action = "gone"    // Teardown: it was deleted already (say, in the Console)
)

// Event is one line of progress: an app finished (or failed), or a rate-limit wait.
type Event struct {
	Number      int
	Name, AppID string
	Action      Action
	Card        string        // the card's YAML file (prepare)
	Wait        time.Duration // ActionWaiting
	Err         error         // ActionFailed; never holds a secret
	// Counts after this event.
	Done, Failed, Total int
}

// AppResult is the outcome for one attendee app.
type AppResult struct {
	Number      int
	Name, AppID string
	Action      Action
	Card, Sheet string // the card's YAML and text files, when written
	Err         error
}

// Result is what Prepare did.
type Result struct {
	Apps                      []AppResult // one per attendee, by number
	Created, Reused, Adopted  int
	Failed                    int
	Extra                     []RecordedApp // recorded apps beyond --attendees: kept (teardown removes them)
	OutDir, Sheet, RecordPath string
	Warnings                  []string
	// Again is the command line, in backquotes, that runs this prepare again with the same
	// flags (it finishes an incomplete run); Teardown the one that deletes the workshop's
	// apps. Config.Command renders both.
	Again, Teardown string
}

// ErrIncomplete is wrapped by Prepare's and Teardown's error when some apps failed; the
// result lists them and a re-run finishes the work.
var ErrIncomplete = errors.New("incomplete")

// Prepare creates (or reuses) the attendee apps 1…cfg.Attendees and writes a card for each
// into cfg.OutDir, with at most cfg.Concurrency calls in flight. It records every app in
// workshop.json as soon as it exists. A failed app does not stop the others: it is in the
// result with its error, and Prepare then returns an error wrapping ErrIncomplete; a
// re-run creates only what is missing and never a duplicate. progress (may be nil) is
// called for every finished app and every rate-limit wait, one call at a time.
func Prepare(ctx context.Context, cfg Config, progress func(Event)) (Result, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validatePrepare(); err != nil {
		return Result{}, err
	}
	p := &preparer{cfg: cfg, emit: serialize(progress), total: cfg.Attendees}
	hc := withRetry(cfg.HTTPClient, cfg.MaxRetryWait, func(_ *http.Request, d time.Duration) {
		p.event(Event{Action: ActionWaiting, Wait: d})
	})
	f, err := load(cfg, hc, true)
	if err != nil {
		return Result{}, err
	}
	p.f = f
	rec, found, err := LoadRecord(cfg.Dir)
	if err != nil {
		return Result{}, err
	}
	if found && len(rec.Apps) > 0 {
		if rec.Endpoint != f.endpoint.String() {
			return Result{}, fmt.Errorf("workshop: %s lists apps on %s, but the saved setup is for %s: to delete them, run %s and then %s; or move %s away",
				RecordPath(cfg.Dir), rec.Endpoint, f.endpoint, cfg.cmd("setup", "--logto-endpoint", rec.Endpoint), cfg.cmd("workshop teardown"), RecordFile)
		}
		if rec.NamePrefix != cfg.NamePrefix {
			same := cfg
			same.NamePrefix = rec.NamePrefix
			return Result{}, fmt.Errorf("workshop: this workshop's apps are named %q (%s): keep their prefix (run %s), or run %s first",
				rec.NamePrefix+" …", RecordPath(cfg.Dir), cfg.cmd("workshop prepare", same.prepareArgs()...), cfg.cmd("workshop teardown"))
		}
	} else {
		rec = Record{Endpoint: f.endpoint.String(), NamePrefix: cfg.NamePrefix, Width: nameWidth(cfg.Attendees)}
	}
	if rec.Width < 1 {
		rec.Width = nameWidth(cfg.Attendees)
	}
	outDir, err := filepath.Abs(cfg.OutDir)
	if err != nil {
		return Result{}, fmt.Errorf("workshop: the cards folder: %w", err)
	}
	if err := os.MkdirAll(outDir, 0o700); err != nil {
		return Result{}, fmt.Errorf("workshop: create the cards folder: %w", err)
	}
	if err := f.client.CheckAccess(ctx); err != nil {
		return Result{}, fmt.Errorf("workshop: the M2M app cannot use the Management API: %w", err)
	}
	if !found || rec.Port != cfg.Port || rec.OutDir != outDir {
		rec.Port, rec.OutDir, rec.Updated = cfg.Port, outDir, time.Now().UTC()
	}
	recLog, err := openRecordLog(cfg.Dir, rec, cfg.recordWrites)
	if err != nil {
		return Result{}, err
	}
	p.log, p.outDir = recLog, outDir
	base := "http://localhost:" + fmt.Sprint(cfg.Port)
	p.redirect = []string{demo.RedirectURI(base)}
	pl := demo.PostLogoutRedirectURI(base)
	p.postLogout = []string{pl, pl + "/"} // as the wizard registers them (steps/app.go)

	res := Result{
		Apps: make([]AppResult, cfg.Attendees), OutDir: outDir, RecordPath: RecordPath(cfg.Dir),
		Again: cfg.cmd("workshop prepare", cfg.prepareArgs()...), Teardown: cfg.cmd("workshop teardown"),
	}
	cards := make([]*sheetEntry, cfg.Attendees)
	forEach(ctx, cfg.Attendees, cfg.Concurrency, func(i int) {
		r, card := p.one(ctx, i+1)
		res.Apps[i] = r
		cards[i] = card
		if r.Action == ActionFailed {
			p.event(Event{Number: r.Number, Name: r.Name, AppID: r.AppID, Action: r.Action, Err: r.Err, Failed: 1})
		} else {
			p.event(Event{Number: r.Number, Name: r.Name, AppID: r.AppID, Action: r.Action, Card: r.Card, Done: 1})
		}
	})
	var entries []sheetEntry
	for i, r := range res.Apps {
		if r.Number == 0 { // not started: the context ended
			n := i + 1
			err := ctx.Err()
			if err == nil {
				err = errors.New("not started")
			}
			res.Apps[i] = AppResult{Number: n, Name: AppName(cfg.NamePrefix, rec.Width, n), Action: ActionFailed, Err: err}
			r = res.Apps[i]
		}
		switch r.Action {
		case ActionCreated:
			res.Created++
		case ActionReused:
			res.Reused++
		case ActionAdopted:
			res.Adopted++
		default:
			res.Failed++
		}
		if cards[i] != nil {
			entries = append(entries, *cards[i])
		}
	}
	// Every worker has returned: p.log is this goroutine's alone from here.
	for _, a := range p.log.rec.Apps {
		if a.Number > cfg.Attendees {
			res.Extra = append(res.Extra, a)
		}
	}
	if len(entries) > 0 {
		res.Sheet = filepath.Join(outDir, SheetFile)
		if err := writeSheet(res.Sheet, entries); err != nil {
			res.Warnings = append(res.Warnings, err.Error())
			res.Sheet = ""
		} else if p.log.rec.Sheet != res.Sheet {
			p.log.rec.Sheet, p.log.rec.Updated = res.Sheet, time.Now().UTC()
		}
	}
	if err := p.log.close(); err != nil {
		res.Warnings = append(res.Warnings, err.Error())
	}
	if isLocal(f.endpoint.String()) && !cfg.Sandbox {
		res.Warnings = append(res.Warnings, fmt.Sprintf("The cards point at %s: attendees' machines cannot reach a local address. Give Logto an address they can reach (its ENDPOINT), run %s with --logto-endpoint set to it, then prepare again.", f.endpoint, cfg.cmd("setup")))
	}
	if res.Failed > 0 {
		return res, fmt.Errorf("workshop: prepare: %w: %d of %d apps failed; run %s again to finish them", ErrIncomplete, res.Failed, cfg.Attendees, res.Again)
	}
	return res, nil
}

type preparer struct {
	cfg                  Config
	f                    facilitator
	outDir               string
	redirect, postLogout []string
	emit                 func(Event)
	total                int

	mu           sync.Mutex
	log          *recordLog // the record
	done, failed int
}

// event fills the counts and reports ev.
func (p *preparer) event(ev Event) {
	p.mu.Lock()
	p.done += ev.Done
	p.failed += ev.Failed
	ev.Done, ev.Failed, ev.Total = p.done, p.failed, p.total
	p.mu.Unlock()
	p.emit(ev)
}

// serialize makes f safe to call from many goroutines (one call at a time).
func serialize(f func(Event)) func(Event) {
	if f == nil {
		return func(Event) {}
	}
	var mu sync.Mutex
	return func(ev Event) {
		mu.Lock()
		defer mu.Unlock()
		f(ev)
	}
}

// one makes sure app n exists, is recorded, and has a card.
func (p *preparer) one(ctx context.Context, n int) (AppResult, *sheetEntry) {
	p.mu.Lock()
	width := p.log.rec.Width
	recorded, isRecorded := p.log.rec.app(n)
	p.mu.Unlock()
	name := AppName(p.cfg.NamePrefix, width, n)
	if isRecorded {
		name = recorded.Name
	}
	r := AppResult{Number: n, Name: name}
	fail := func(what string, err error) (AppResult, *sheetEntry) {
		r.Action, r.Err = ActionFailed, fmt.Errorf("%s: %w", what, err)
		return r, nil
	}

	var app logtoapi.Application
	if isRecorded {
		got, err := p.f.client.GetApplication(ctx, recorded.ID)
		switch {
		case err == nil:
			app, r.Action = got, ActionReused
		case isNotFound(err): // deleted by hand: make it again
			p.mu.Lock()
			err := p.log.remove(n, time.Now().UTC())
			p.mu.Unlock()
			if err != nil {
				return fail("take the deleted app off the record", err)
			}
		default:
			return fail("check the recorded app", err)
		}
	}
	if r.Action == "" {
		found, err := p.f.client.FindTraditionalApplications(ctx, name)
		if err != nil {
			return fail("look the name up", err)
		}
		var ours, others int
		for _, a := range found {
			if a.Description == AppDescription {
				if ours == 0 {
					app = a
				}
				ours++
			} else {
				others++
			}
		}
		switch {
		case ours > 0:
			r.Action = ActionAdopted
		case others > 0:
			return fail("create the app", fmt.Errorf("an app named %q exists that workshop prepare did not make: rename it in the Console or choose another --name-prefix", name))
		default:
			app, err = p.f.client.CreateTraditionalApplication(ctx, logtoapi.NewApplication{
				Name: name, Description: AppDescription, RedirectURIs: p.redirect, PostLogoutRedirectURIs: p.postLogout,
			})
			if err != nil {
				return fail("create the app", err)
			}
			r.Action = ActionCreated
		}
	}
	r.AppID = app.ID
	now := time.Now().UTC()
	entry := RecordedApp{Number: n, Name: name, ID: app.ID, Created: now}
	if isRecorded && recorded.ID == app.ID {
		entry.Created = recorded.Created
	}
	entry.Card, entry.Sheet = cardFiles(p.outDir, name)
	var err error
	p.mu.Lock()
	if !isRecorded || entry != recorded {
		err = p.log.put(entry, now)
	}
	p.mu.Unlock()
	if err != nil {
		return fail("record the app", err)
	}
	if missing(app.RedirectURIs, p.redirect) || missing(app.PostLogoutRedirectURIs, p.postLogout) {
		if _, err := p.f.client.SetApplicationURIs(ctx, app.ID, union(app.RedirectURIs, p.redirect), union(app.PostLogoutRedirectURIs, p.postLogout)); err != nil {
			return fail("set the app's URIs for port "+fmt.Sprint(p.cfg.Port), err)
		}
	}
	secret, err := p.f.client.ApplicationSecret(ctx, app.ID)
	if err != nil {
		return fail("read the app's secret", err)
	}
	card := Card{Version: CardVersion, Name: name, Endpoint: p.f.endpoint.String(), AppID: app.ID, AppSecret: secret, Port: p.cfg.Port}
	if err := writeCard(card, entry.Card, entry.Sheet); err != nil {
		return fail("write the card", err)
	}
	r.Card, r.Sheet = entry.Card, entry.Sheet
	return r, &sheetEntry{Card: card, File: filepath.Base(entry.Card)}
}

func missing(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return true
		}
	}
	return false
}

func union(have, want []string) []string {
	out := slices.Clone(have)
	for _, w := range want {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// isLocal reports whether the endpoint's host is a loopback name or address.
func isLocal(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
