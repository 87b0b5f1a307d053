package twiliotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Account is a Twilio account held by the stand-in.
type Account struct {
	SID          string // "AC" + 32 hex digits
	AuthToken    string // the primary auth token; generated when empty
	FriendlyName string
	Type         string // "Trial" or "Full" (default "Full")
	Status       string // "active" (default), "suspended" or "closed"
}

// Message is an SMS as the stand-in holds it, with the status it has reached now.
type Message struct {
	SID                 string
	AccountSID          string
	MessagingServiceSID string
	From                string // E.164; "" until a sender is picked
	To                  string // E.164 (a digits-only To from Logto gets its "+")
	Body                string
	Status              string
	Final               bool // Status is the last this message reaches
	ErrorCode           int  // 0 when none
	ErrorMessage        string
	NumSegments         int
	DateCreated         time.Time
}

type account struct {
	Account
	secondary string
	created   time.Time
}

type number struct {
	sid, account, e164, friendly string
	sms                          bool
	service                      string // Messaging Service SID, "" when in none
	created, attached            time.Time
}

type service struct {
	sid, account, name, usecase string
	created, updated            time.Time
}

type callerID struct {
	sid, account, e164, friendly string
	created                      time.Time
}

type validation struct {
	account, e164, friendly, code, callSID string
}

// outcome is how a message ends.
type outcome struct {
	status string // "delivered", "undelivered", "failed" or "sent" (no receipt)
	code   int
}

type message struct {
	sid, account, service, from, to, body string
	segments                              int
	created                               time.Time
	fetches                               int
	end                                   outcome
}

// newSID returns prefix + 32 hex digits, unique within the server. Callers hold s.mu.
func (s *Server) newSID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%032x", prefix, s.seq)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// AddAccount adds (or replaces) an account. Type defaults to "Full", Status to "active";
// an empty AuthToken gets a random 32-hex-digit one (read it back with AuthToken).
func (s *Server) AddAccount(a Account) {
	if a.Type == "" {
		a.Type = "Full"
	}
	if a.Status == "" {
		a.Status = "active"
	}
	if a.AuthToken == "" {
		a.AuthToken = randomHex(16)
	}
	if a.FriendlyName == "" {
		a.FriendlyName = "My first Twilio account"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[a.SID]; !ok {
		s.accountIDs = append(s.accountIDs, a.SID)
	}
	s.accounts[a.SID] = &account{Account: a, created: s.now().UTC()}
}

// AuthToken returns the account's current primary auth token ("" for an unknown account).
// After a promotion it is the former secondary token.
func (s *Server) AuthToken(accountSID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[accountSID]; ok {
		return a.AuthToken
	}
	return ""
}

// AddNumber gives the account an SMS-capable phone number (E.164) and returns its PN SID.
func (s *Server) AddNumber(accountSID, e164 string) (sid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := &number{
		sid: s.newSID("PN"), account: accountSID, e164: e164,
		friendly: friendlyNumber(e164), sms: true, created: s.now().UTC(),
	}
	s.numbers = append(s.numbers, n)
	return n.sid
}

// AddService creates a Messaging Service for the account and returns its MG SID. Each
// sender number is the E.164 of a number already added with AddNumber (it is moved into
// this service) or a new one (it is added to the account first).
func (s *Server) AddService(accountSID, name string, senderNumbers ...string) (sid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	svc := &service{sid: s.newSID("MG"), account: accountSID, name: name, usecase: "undeclared", created: now, updated: now}
	s.services = append(s.services, svc)
	for _, e := range senderNumbers {
		n := s.numberByE164(accountSID, e)
		if n == nil {
			n = &number{sid: s.newSID("PN"), account: accountSID, e164: e, friendly: friendlyNumber(e), sms: true, created: now}
			s.numbers = append(s.numbers, n)
		}
		n.service, n.attached = svc.sid, now
	}
	return svc.sid
}

// AddVerifiedCallerID marks a number (E.164) as verified for the account, so that a trial
// account may text it.
func (s *Server) AddVerifiedCallerID(accountSID, e164 string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addCallerID(accountSID, e164, friendlyNumber(e164))
}

func (s *Server) addCallerID(accountSID, e164, friendly string) {
	for _, c := range s.callerIDs {
		if c.account == accountSID && c.e164 == e164 {
			return
		}
	}
	s.callerIDs = append(s.callerIDs, &callerID{sid: s.newSID("PN"), account: accountSID, e164: e164, friendly: friendly, created: s.now().UTC()})
}

// ConfirmVerification completes a caller-ID verification started with POST
// OutgoingCallerIds.json (as the person answering Twilio's call and typing the code
// would). It reports whether such a request was pending.
func (s *Server) ConfirmVerification(accountSID, e164 string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, v := range s.pending {
		if v.account == accountSID && v.e164 == e164 {
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			s.addCallerID(accountSID, e164, v.friendly)
			return true
		}
	}
	return false
}

// FailDelivery makes every later message to that number (E.164 or digits only) end
// "undelivered" with the given error code (30003, 30007, 30032, 30034, ...).
func (s *Server) FailDelivery(to string, code int) {
	s.setOutcome(to, outcome{status: "undelivered", code: code})
}

// FailSend makes every later message to that number end "failed" with the given error
// code (for example 30034 for an unregistered 10DLC sender).
func (s *Server) FailSend(to string, code int) {
	s.setOutcome(to, outcome{status: "failed", code: code})
}

// NoReceipt makes every later message to that number stop at "sent": no delivery
// receipt ever comes, as with carriers that do not report one.
func (s *Server) NoReceipt(to string) {
	s.setOutcome(to, outcome{status: "sent"})
}

func (s *Server) setOutcome(to string, o outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[digits(to)] = o
}

// Inbox returns every message sent so far, through twilio-go or posted directly (Logto's
// connector), oldest first, each with the status it has reached now.
func (s *Server) Inbox() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := make([]Message, 0, len(s.messages))
	for _, m := range s.messages {
		out = append(out, s.view(m, now).public(m))
	}
	return out
}

// InboxChanged returns a channel that is closed the next time the inbox changes by an
// event: a message is sent, a fetch moves a status on (WithStatusStep(0)), a snapshot is
// restored, or the server is closed. A status that moves on with time (WithStatusStep > 0) does
// not close it: while a message is not Final, watch it by time.
func (s *Server) InboxChanged() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	return s.changed
}

// inboxMoved wakes WaitMessage calls and InboxChanged watchers; s.mu is held.
func (s *Server) inboxMoved() {
	s.cond.Broadcast()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
}

// WaitMessage returns the oldest message to that number (E.164 or digits only) that no
// earlier WaitMessage call has returned, waiting for one to be sent until ctx is done or
// the server is closed (ErrClosed).
func (s *Server) WaitMessage(ctx context.Context, to string) (Message, error) {
	want := digits(to)
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		for _, m := range s.messages {
			if !s.consumed[m.sid] && digits(m.to) == want {
				s.consumed[m.sid] = true
				return s.view(m, s.now()).public(m), nil
			}
		}
		if err := ctx.Err(); err != nil {
			return Message{}, fmt.Errorf("twiliotest: wait for a message to %s: %w", to, err)
		}
		if s.closed {
			return Message{}, ErrClosed
		}
		s.cond.Wait()
	}
}

func (s *Server) numberByE164(accountSID, e164 string) *number {
	for _, n := range s.numbers {
		if n.account == accountSID && n.e164 == e164 {
			return n
		}
	}
	return nil
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// friendlyNumber formats +15017122661 as Twilio does for US numbers: (501) 712-2661.
func friendlyNumber(e164 string) string {
	d := digits(e164)
	if len(d) == 11 && d[0] == '1' {
		return fmt.Sprintf("(%s) %s-%s", d[1:4], d[4:7], d[7:])
	}
	return e164
}
