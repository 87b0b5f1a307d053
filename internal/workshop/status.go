package workshop

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// StatusSchemaVersion is the version of the status JSON (StatusJSON, docs/workshop.md).
const StatusSchemaVersion = 1

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
	if rec.Endpoint = cfg.relocate(rec.Endpoint); rec.Endpoint != f.endpoint.String() {
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
	signed, unread := 0, 0
	for _, s := range list {
		switch {
		case s.Err != nil:
			unread++
			fmt.Fprintf(w, "? %s  could not read its sign-ins: %v\n", s.Name, s.Err)
		case s.SignedIn:
			signed++
			fmt.Fprintf(w, "✓ %s  signed in (%s, %s; last %s)\n", s.Name, plural(s.SignIns, "sign-in"), plural(s.Users, "user"), s.Last.Local().Format("15:04"))
		default:
			fmt.Fprintf(w, "· %s  no sign-in yet\n", s.Name)
		}
	}
	if unread > 0 {
		// "0 of 2 apps have a sign-in." alone would hide that none was read.
		fmt.Fprintf(w, "%d of %d apps have a sign-in; %d could not be read (see above).\n", signed, len(list), unread)
		return
	}
	fmt.Fprintf(w, "%d of %d apps have a sign-in.\n", signed, len(list))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

type jsonApp struct {
	Number   int     `json:"number"`
	Name     string  `json:"name"`
	AppID    string  `json:"appId"`
	SignedIn bool    `json:"signedIn"`
	SignIns  int     `json:"signIns"`
	Users    int     `json:"users"`
	Last     *string `json:"lastSignIn"`
	Error    string  `json:"error"`
}

type jsonStatus struct {
	Version  int       `json:"version"`
	Apps     int       `json:"apps"`
	SignedIn int       `json:"signedIn"`
	Unread   int       `json:"unreadable"`
	List     []jsonApp `json:"attendees"`
}

// StatusJSON returns the room as one indented JSON document ending in a newline
// (docs/workshop.md): the counts (apps, apps with a sign-in, apps whose sign-ins could not
// be read) and one entry per app, as WriteStatus shows it; times in UTC (RFC 3339).
func StatusJSON(list []AppStatus) ([]byte, error) {
	out := jsonStatus{Version: StatusSchemaVersion, Apps: len(list), List: make([]jsonApp, 0, len(list))}
	for _, s := range list {
		a := jsonApp{Number: s.Number, Name: s.Name, AppID: s.AppID, SignedIn: s.SignedIn, SignIns: s.SignIns, Users: s.Users}
		switch {
		case s.Err != nil:
			out.Unread++
			a.Error = s.Err.Error()
		case s.SignedIn:
			out.SignedIn++
		}
		if !s.Last.IsZero() {
			t := s.Last.UTC().Format(time.RFC3339)
			a.Last = &t
		}
		out.List = append(out.List, a)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("workshop: encode status: %w", err)
	}
	return append(b, '\n'), nil
}
