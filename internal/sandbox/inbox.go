package sandbox

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// InboxMessage is one SMS the sandbox's Twilio accepted, as the inbox shows it.
type InboxMessage struct {
	SID    string    `json:"sid"`
	Time   time.Time `json:"time"`
	To     string    `json:"to"` // E.164
	Status string    `json:"status"`
	Final  bool      `json:"final"` // Status is the last it reaches
	Body   string    `json:"body"`
	Code   string    `json:"code,omitempty"` // the six-digit code in Body
	// UsageType is what Logto sent the code for ("SignIn", "Register",
	// "ForgotPassword", "Generic"…); "" for a message Logto did not send
	// for a sign-in (the wizard's test SMS).
	UsageType string `json:"usageType,omitempty"`
	// AppID is the Logto app whose sign-in asked for the code ("" when unknown).
	AppID string `json:"-"`
	// Pending says the message is young and its code is not yet in the Logto
	// stand-in's record of what it sent (Logto records once Twilio answered):
	// UsageType may still come.
	Pending bool `json:"pending,omitempty"`
}

// controlVersion is the version of the control routes' answers.
const controlVersion = 1

// inboxAnswer is GET /__sandbox/inbox's answer.
type inboxAnswer struct {
	Version  int            `json:"version"`
	Tag      string         `json:"tag"` // changes whenever Messages does
	Messages []InboxMessage `json:"messages"`
}

// inboxSource waits for the inbox to differ from what tag seen stood for,
// at most maxWait, and returns it with its tag.
type inboxSource interface {
	wait(ctx context.Context, seen string, maxWait time.Duration) ([]InboxMessage, string, error)
}

// smsCode finds the one-time code in an SMS body.
var smsCode = regexp.MustCompile(`\b\d{6}\b`)

// localInbox is the inbox of stand-ins in this process, with each
// message's usage type from the Logto stand-in's record of what it sent;
// app, when set, keeps only the codes sent for that app's sign-ins.
type localInbox struct {
	lg  *logtotest.Server
	tw  *twiliotest.Server
	app string
}

// statusPoll is how often a waiting inbox looks again while a message is
// still on its way (its status moves on with time, not by an event).
const statusPoll = 250 * time.Millisecond

func (l localInbox) wait(ctx context.Context, seen string, maxWait time.Duration) ([]InboxMessage, string, error) {
	deadline := time.NewTimer(maxWait)
	defer deadline.Stop()
	tick := time.NewTicker(statusPoll)
	defer tick.Stop()
	for {
		changed := l.tw.InboxChanged() // before reading, so no change is missed
		msgs, moving := l.messages()
		tag := inboxTag(msgs)
		if tag != seen {
			return msgs, tag, nil
		}
		var poll <-chan time.Time
		if moving {
			poll = tick.C
		}
		select {
		case <-ctx.Done():
			return msgs, tag, ctx.Err()
		case <-deadline.C:
			return msgs, tag, nil
		case <-changed:
		case <-poll:
		}
	}
}

// joinWindow is how long a message with a code may wait for the Logto
// stand-in to record that it sent it (it records after Twilio answered).
const joinWindow = 2 * time.Second

// messages joins the Twilio stand-in's inbox with what the Logto stand-in
// sent: each message's usage type and app. moving says a message may still
// change with time: its status is not final, or a young message's code is
// not yet in the Logto stand-in's record.
func (l localInbox) messages() (out []InboxMessage, moving bool) {
	inbox := l.tw.Inbox()
	var sent []logtotest.SMS
	if l.lg != nil {
		sent = l.lg.SentSMS()
	}
	out = make([]InboxMessage, 0, len(inbox))
	now := time.Now()
	for _, m := range inbox {
		im := InboxMessage{
			SID: m.SID, Time: m.DateCreated, To: m.To, Status: m.Status, Final: m.Final,
			Body: m.Body, Code: smsCode.FindString(m.Body),
		}
		joined := false
		if im.Code != "" {
			for _, s := range slices.Backward(sent) {
				if s.Code == im.Code && digitsOf(s.To) == digitsOf(m.To) {
					im.UsageType, im.AppID, joined = s.UsageType, s.AppID, true
					break
				}
			}
		}
		im.Pending = !joined && im.Code != "" && now.Sub(m.DateCreated) < joinWindow
		if !m.Final || im.Pending {
			moving = true
		}
		if l.app != "" && im.AppID != l.app {
			continue
		}
		out = append(out, im)
	}
	return out, moving
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// inboxTag names the inbox's content: the messages and their statuses.
func inboxTag(msgs []InboxMessage) string {
	h := fnv.New64a()
	for _, m := range msgs {
		_, _ = h.Write([]byte(m.SID + "\x00" + m.Status + "\x00" + m.UsageType + "\x00" + strconv.FormatBool(m.Pending) + "\n"))
	}
	return strconv.Itoa(len(msgs)) + "-" + strconv.FormatUint(h.Sum64(), 36)
}

// The control requests of a sandbox's host, served on the Logto stand-in's
// listener under controlPrefix (real Logto has no such path).
const controlPrefix = "/__sandbox/"

// maxInboxWait bounds how long GET /__sandbox/inbox holds a request.
const maxInboxWait = 25 * time.Second

// control serves the host's control requests in front of the Logto stand-in:
//
//   - GET /__sandbox/answers (the serving key as a bearer token): the
//     sandbox's current made-up credentials, for a guest's wizard;
//   - GET /__sandbox/inbox?seen=TAG&wait=SECONDS: the inbox once it differs
//     from TAG (or after SECONDS, at most 25). With the serving key, every
//     message; with an app's ID and secret (HTTP Basic, as a workshop card
//     gives them), only the codes sent for that app's sign-ins.
func (e *Env) control(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+controlPrefix+"answers", e.serveAnswers)
	mux.HandleFunc("GET "+controlPrefix+"inbox", e.serveInbox)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, controlPrefix) {
			mux.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// keyed reports whether r carries the serving key.
func (e *Env) keyed(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && e.key != "" && subtle.ConstantTimeCompare([]byte(got), []byte(e.key)) == 1
}

// controlAnswers is GET /__sandbox/answers's answer.
type controlAnswers struct {
	Version          int    `json:"version"`
	TwilioAccountSID string `json:"twilioAccountSid"`
	TwilioAuthToken  string `json:"twilioAuthToken"`
	M2MAppID         string `json:"m2mAppId"`
	M2MAppSecret     string `json:"m2mAppSecret"`
	// LogtoVersion is the version the host's Logto stand-in imitates
	// ("" from a host of a logto-twilio before it had a choice: the default).
	LogtoVersion string `json:"logtoVersion,omitempty"`
}

func (e *Env) serveAnswers(w http.ResponseWriter, r *http.Request) {
	if !e.keyed(r) {
		http.Error(w, "the sandbox's serving key is required", http.StatusUnauthorized)
		return
	}
	a := controlAnswers{
		Version: controlVersion, TwilioAccountSID: sandboxAccountSID,
		TwilioAuthToken: e.tw.AuthToken(sandboxAccountSID), M2MAppID: e.m2mAppID,
		LogtoVersion: e.logtoVer,
	}
	if s := e.lg.AppSecrets(e.m2mAppID); len(s) > 0 {
		a.M2MAppSecret = s[0]
	}
	writeJSON(w, a)
}

func (e *Env) serveInbox(w http.ResponseWriter, r *http.Request) {
	src := localInbox{lg: e.lg, tw: e.tw}
	if !e.keyed(r) {
		id, secret, ok := r.BasicAuth()
		if !ok || id == "" || !slices.ContainsFunc(e.lg.AppSecrets(id), func(s string) bool {
			return subtle.ConstantTimeCompare([]byte(s), []byte(secret)) == 1
		}) {
			http.Error(w, "the sandbox's serving key, or an app's ID and secret, is required", http.StatusUnauthorized)
			return
		}
		src.app = id
	}
	wait := time.Duration(0)
	if s, err := strconv.Atoi(r.URL.Query().Get("wait")); err == nil && s > 0 {
		wait = min(time.Duration(s)*time.Second, maxInboxWait)
	}
	// The wait ends early when the host closes: its servers wait for
	// every request to finish.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() {
		select {
		case <-e.shutdown:
			cancel()
		case <-ctx.Done():
		}
	}()
	msgs, tag, err := src.wait(ctx, r.URL.Query().Get("seen"), wait)
	if r.Context().Err() != nil {
		return // the client went away
	}
	_ = err // a wait cut short by Close answers with what the inbox holds
	writeJSON(w, inboxAnswer{Version: controlVersion, Tag: tag, Messages: msgs})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

// remoteInbox is the inbox of a sandbox served by another process (a
// guest's, or a sandbox attendee's), read with GET /__sandbox/inbox.
type remoteInbox struct {
	hc       *http.Client
	endpoint string // the Logto stand-in's URL
	// auth sets the request's credentials: the serving key, or an app's.
	auth func(*http.Request)
}

func (ri remoteInbox) wait(ctx context.Context, seen string, maxWait time.Duration) ([]InboxMessage, string, error) {
	secs := int(min(maxWait, maxInboxWait) / time.Second)
	u := ri.endpoint + controlPrefix + "inbox?" + url.Values{"seen": {seen}, "wait": {strconv.Itoa(secs)}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", fmt.Errorf("sandbox: inbox request: %w", err)
	}
	ri.auth(req)
	resp, err := ri.hc.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("sandbox: read the inbox: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("sandbox: read the inbox: %w", errStatus(resp.StatusCode))
	}
	var a inboxAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || a.Version != controlVersion {
		return nil, "", errors.New("sandbox: read the inbox: not a sandbox's answer")
	}
	return a.Messages, a.Tag, nil
}

type errStatus int

func (e errStatus) Error() string { return "HTTP " + strconv.Itoa(int(e)) }

// inboxClient is the HTTP client of remote inbox requests: no whole-request
// timeout shorter than a long wait.
func inboxClient() *http.Client {
	return &http.Client{Timeout: maxInboxWait + 10*time.Second}
}

// AttendeeInbox is the panel of a workshop attendee whose card names a
// sandbox's Logto stand-in (a loopback endpoint): the codes sent for the
// card's app, read from the process that serves the sandbox. It returns
// nil when endpoint is not a sandbox's (a real Logto on this machine).
func AttendeeInbox(ctx context.Context, endpoint, appID, appSecret string) *Panel {
	if !isLoopbackURL(endpoint) {
		return nil
	}
	src := remoteInbox{
		hc: inboxClient(), endpoint: strings.TrimRight(endpoint, "/"),
		auth: func(r *http.Request) { r.SetBasicAuth(appID, appSecret) },
	}
	msgs, tag, err := src.wait(ctx, "", 0)
	if err != nil {
		return nil
	}
	p := newPanel(src, "")
	p.set(msgs, tag)
	return p
}
