package workshop

import (
	"context"
	"fmt"
	"io"
	"time"
)

// signInsPerApp is how many of an app's newest sign-ins Status reads (one page).
const signInsPerApp = 100

// AppStatus is the facilitator's view of one attendee app.
type AppStatus struct {
	Number      int
	Name, AppID string
	SignedIn    bool      // someone signed in through the app (a successful code exchange)
	SignIns     int       // successful sign-ins among the newest 100 log entries
	Users       int       // distinct users among them
	Last        time.Time // the newest successful sign-in
	Err         error     // the app's logs could not be read
}

// Status reads, for every recorded app, whether someone has signed in through it: Logto's
// audit logs of the app with the key ExchangeTokenBy.AuthorizationCode (GET /api/logs;
// logtoapi.ApplicationSignIns), the last step of every sign-in. Apps are in number order;
// an app whose logs cannot be read has Err set and the others are still read.
func Status(ctx context.Context, cfg Config) ([]AppStatus, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	// The saved setup first: a damaged one is named before anything else.
	f, err := load(cfg, withRetry(cfg.HTTPClient, cfg.MaxRetryWait, nil), false)
	if err != nil {
		return nil, err
	}
	rec, found, err := LoadRecord(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if !found || len(rec.Apps) == 0 {
		return nil, fmt.Errorf("workshop: no workshop apps are recorded in %s: run %s with --attendees and the number of attendees first", cfg.Dir, cfg.cmd("workshop prepare"))
	}
	if rec.Endpoint != f.endpoint.String() {
		return nil, fmt.Errorf("workshop: the workshop's apps are on %s, but the saved setup is for %s: run %s first", rec.Endpoint, f.endpoint, cfg.cmd("setup", "--logto-endpoint", rec.Endpoint))
	}
	out := make([]AppStatus, len(rec.Apps))
	forEach(ctx, len(rec.Apps), cfg.Concurrency, func(i int) {
		a := rec.Apps[i]
		st := AppStatus{Number: a.Number, Name: a.Name, AppID: a.ID}
		logs, err := f.client.ApplicationSignIns(ctx, a.ID, signInsPerApp)
		if err != nil {
			st.Err = err
			out[i] = st
			return
		}
		users := map[string]bool{}
		for _, l := range logs {
			if l.Result != "Success" {
				continue
			}
			st.SignIns++
			if l.UserID != "" {
				users[l.UserID] = true
			}
			if l.CreatedAt.After(st.Last) {
				st.Last = l.CreatedAt
			}
		}
		st.SignedIn, st.Users = st.SignIns > 0, len(users)
		out[i] = st
	})
	for i := range out {
		if out[i].Number == 0 {
			a := rec.Apps[i]
			out[i] = AppStatus{Number: a.Number, Name: a.Name, AppID: a.ID, Err: ctx.Err()}
		}
	}
	return out, nil
}

// WriteStatus prints the room: one line per app, then a count.
func WriteStatus(w io.Writer, list []AppStatus) {
	signed := 0
	for _, s := range list {
		switch {
		case s.Err != nil:
			fmt.Fprintf(w, "? %s  could not read its sign-ins: %v\n", s.Name, s.Err)
		case s.SignedIn:
			signed++
			fmt.Fprintf(w, "✓ %s  signed in (%s, %s; last %s)\n", s.Name, plural(s.SignIns, "sign-in"), plural(s.Users, "user"), s.Last.Local().Format("15:04"))
		default:
			fmt.Fprintf(w, "· %s  no sign-in yet\n", s.Name)
		}
	}
	fmt.Fprintf(w, "%d of %d apps have a sign-in.\n", signed, len(list))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
