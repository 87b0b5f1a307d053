package workshop

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

// TeardownResult is what Teardown did.
type TeardownResult struct {
	Apps                  []AppResult // by number: ActionDeleted, ActionGone or ActionFailed
	Deleted, Gone, Failed int
}

// Recorded returns the apps Teardown would delete (for the consent question).
func Recorded(cfg Config) ([]RecordedApp, error) {
	rec, found, err := LoadRecord(cfg.Dir)
	if err != nil || !found {
		return nil, err
	}
	return rec.Apps, nil
}

// Teardown deletes exactly the apps recorded in workshop.json (never another app, whatever
// its name) with their card files, and takes each one off the record as soon as it is gone
// (a line in the journal); the record goes when it is empty. An app already deleted counts
// as done. The caller asks for consent first (or --yes). A failed app stays recorded and
// Teardown returns an error wrapping ErrIncomplete; a re-run finishes it.
func Teardown(ctx context.Context, cfg Config, progress func(Event)) (TeardownResult, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return TeardownResult{}, err
	}
	rec, found, err := LoadRecord(cfg.Dir)
	if err != nil {
		return TeardownResult{}, err
	}
	if !found || len(rec.Apps) == 0 {
		return TeardownResult{}, nil
	}
	emit := serialize(progress)
	var mu sync.Mutex
	done, failed := 0, 0
	hc := withRetry(cfg.HTTPClient, cfg.MaxRetryWait, func(_ *http.Request, d time.Duration) {
		mu.Lock()
		ev := Event{Action: ActionWaiting, Wait: d, Done: done, Failed: failed, Total: len(rec.Apps)}
		mu.Unlock()
		emit(ev)
	})
	f, err := load(cfg, hc, false)
	if err != nil {
		return TeardownResult{}, err
	}
	if rec.Endpoint != f.endpoint.String() {
		return TeardownResult{}, fmt.Errorf("workshop: the workshop's apps are on %s, but the saved setup is for %s: nothing was deleted; run %s first", rec.Endpoint, f.endpoint, cfg.cmd("setup", "--logto-endpoint", rec.Endpoint))
	}
	apps := slices.Clone(rec.Apps) // recLog.remove edits rec.Apps in place
	recLog, err := openRecordLog(cfg.Dir, rec, cfg.recordWrites)
	if err != nil {
		return TeardownResult{}, err
	}
	res := TeardownResult{Apps: make([]AppResult, len(apps))}
	forEach(ctx, len(apps), cfg.Concurrency, func(i int) {
		a := apps[i]
		r := AppResult{Number: a.Number, Name: a.Name, AppID: a.ID, Action: ActionDeleted}
		err := f.client.DeleteApplication(ctx, a.ID)
		switch {
		case isNotFound(err):
			r.Action = ActionGone
		case err != nil:
			r.Action, r.Err = ActionFailed, fmt.Errorf("delete the app: %w", err)
		}
		if r.Err == nil {
			removeFiles(a.Card, a.Sheet)
			mu.Lock()
			if err := recLog.remove(a.Number, time.Now().UTC()); err != nil {
				r.Err = err // the app is gone; a re-run sees it as gone
			}
			mu.Unlock()
		}
		res.Apps[i] = r
		mu.Lock()
		ev := Event{Number: r.Number, Name: r.Name, AppID: r.AppID, Action: r.Action, Err: r.Err}
		if r.Action == ActionFailed {
			failed++
		} else {
			done++
		}
		ev.Done, ev.Failed, ev.Total = done, failed, len(apps)
		mu.Unlock()
		emit(ev)
	})
	for i, r := range res.Apps {
		if r.Number == 0 {
			a := apps[i]
			res.Apps[i] = AppResult{Number: a.Number, Name: a.Name, AppID: a.ID, Action: ActionFailed, Err: ctx.Err()}
			r = res.Apps[i]
		}
		switch r.Action {
		case ActionDeleted:
			res.Deleted++
		case ActionGone:
			res.Gone++
		default:
			res.Failed++
		}
	}
	// Every worker has returned: recLog is this goroutine's alone from here.
	if len(recLog.rec.Apps) == 0 {
		removeFiles(recLog.rec.Sheet)
		if err := recLog.removeAll(); err != nil {
			return res, err
		}
	} else if err := recLog.close(); err != nil {
		return res, err
	}
	if res.Failed > 0 {
		return res, fmt.Errorf("workshop: teardown: %w: %d of %d apps were not deleted; run %s again", ErrIncomplete, res.Failed, len(apps), cfg.cmd("workshop teardown"))
	}
	return res, nil
}

// removeFiles removes card files that Prepare wrote (only those recorded paths).
func removeFiles(paths ...string) {
	for _, p := range paths {
		if p != "" {
			_ = os.Remove(p) // already gone or moved away: nothing to do
		}
	}
}
