package twiliotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"
)

// WithListener makes NewServer serve on l instead of a fresh 127.0.0.1 port, so a stand-in
// restored from a Snapshot can keep the URL it had (the sandbox does this).
func WithListener(l net.Listener) Option {
	return func(c *config) { c.listen, c.listener = true, l }
}

// SnapshotVersion is the version of the JSON that Snapshot writes and Restore reads.
const SnapshotVersion = 1

// snapshotKind names what a snapshot is of, so a Logto stand-in's snapshot is refused.
const snapshotKind = "twiliotest"

// snapshot is the state kept between runs. Left out: injected faults and delivery outcomes
// (FailDelivery, ...), recorded requests, and which messages WaitMessage returned already.
type snapshot struct {
	Version     int              `json:"version"`
	Kind        string           `json:"kind"`
	Seq         int              `json:"seq"` // the SID counter, so new SIDs stay unique
	Accounts    []snapAccount    `json:"accounts"`
	Numbers     []snapNumber     `json:"numbers"`
	Services    []snapService    `json:"services"`
	CallerIDs   []snapCallerID   `json:"callerIds"`
	Validations []snapValidation `json:"validations,omitempty"`
	Messages    []snapMessage    `json:"messages"`
}

type snapAccount struct {
	SID            string    `json:"sid"`
	AuthToken      string    `json:"authToken"`
	SecondaryToken string    `json:"secondaryAuthToken,omitempty"`
	FriendlyName   string    `json:"friendlyName"`
	Type           string    `json:"type"`
	Status         string    `json:"status"`
	Created        time.Time `json:"created"`
}

type snapNumber struct {
	SID          string    `json:"sid"`
	Account      string    `json:"account"`
	E164         string    `json:"e164"`
	FriendlyName string    `json:"friendlyName"`
	SMS          bool      `json:"sms"`
	Service      string    `json:"service,omitempty"`
	Created      time.Time `json:"created"`
	Attached     time.Time `json:"attached,omitzero"`
}

type snapService struct {
	SID     string    `json:"sid"`
	Account string    `json:"account"`
	Name    string    `json:"name"`
	Usecase string    `json:"usecase"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

type snapCallerID struct {
	SID          string    `json:"sid"`
	Account      string    `json:"account"`
	E164         string    `json:"e164"`
	FriendlyName string    `json:"friendlyName"`
	Created      time.Time `json:"created"`
}

type snapValidation struct {
	Account      string `json:"account"`
	E164         string `json:"e164"`
	FriendlyName string `json:"friendlyName"`
	Code         string `json:"code"`
	CallSID      string `json:"callSid"`
}

type snapMessage struct {
	SID       string    `json:"sid"`
	Account   string    `json:"account"`
	Service   string    `json:"service,omitempty"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to"`
	Body      string    `json:"body"`
	Segments  int       `json:"segments"`
	Created   time.Time `json:"created"`
	Fetches   int       `json:"fetches,omitempty"`
	EndStatus string    `json:"endStatus"`
	EndCode   int       `json:"endCode,omitempty"`
}

// Snapshot returns the stand-in's state as versioned JSON: accounts (with their primary and
// secondary auth tokens), phone numbers, Messaging Services and their senders, verified caller
// IDs, pending caller-ID verifications and messages. It holds the accounts' made-up auth tokens:
// keep it in a file only the user can read.
func (s *Server) Snapshot() ([]byte, error) {
	s.mu.Lock()
	snap := snapshot{Version: SnapshotVersion, Kind: snapshotKind, Seq: s.seq}
	for _, id := range s.accountIDs {
		a := s.accounts[id]
		snap.Accounts = append(snap.Accounts, snapAccount{
			SID: a.SID, AuthToken: a.AuthToken, SecondaryToken: a.secondary,
			FriendlyName: a.FriendlyName, Type: a.Type, Status: a.Status, Created: a.created,
		})
	}
	for _, n := range s.numbers {
		snap.Numbers = append(snap.Numbers, snapNumber{
			SID: n.sid, Account: n.account, E164: n.e164, FriendlyName: n.friendly, SMS: n.sms,
			Service: n.service, Created: n.created, Attached: n.attached,
		})
	}
	for _, v := range s.services {
		snap.Services = append(snap.Services, snapService{
			SID: v.sid, Account: v.account, Name: v.name, Usecase: v.usecase, Created: v.created, Updated: v.updated,
		})
	}
	for _, c := range s.callerIDs {
		snap.CallerIDs = append(snap.CallerIDs, snapCallerID{
			SID: c.sid, Account: c.account, E164: c.e164, FriendlyName: c.friendly, Created: c.created,
		})
	}
	for _, v := range s.pending {
		snap.Validations = append(snap.Validations, snapValidation{
			Account: v.account, E164: v.e164, FriendlyName: v.friendly, Code: v.code, CallSID: v.callSID,
		})
	}
	for _, m := range s.messages {
		snap.Messages = append(snap.Messages, snapMessage{
			SID: m.sid, Account: m.account, Service: m.service, From: m.from, To: m.to, Body: m.body,
			Segments: m.segments, Created: m.created, Fetches: m.fetches, EndStatus: m.end.status, EndCode: m.end.code,
		})
	}
	s.mu.Unlock()
	b, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("twiliotest: snapshot: %w", err)
	}
	return b, nil
}

// ErrSnapshot is wrapped by Restore's errors about the snapshot itself (not JSON, another
// version, another stand-in's).
var ErrSnapshot = errors.New("twiliotest: unusable snapshot")

// Restore replaces the stand-in's state with a Snapshot's. Messages keep their creation time,
// so those older than the status steps are already at their final status; WaitMessage returns
// only messages sent after the restore. Injected faults,
// delivery outcomes and recorded requests are cleared. A snapshot that cannot be read leaves
// the server as it was and returns an error wrapping ErrSnapshot.
func (s *Server) Restore(state []byte) error {
	var snap snapshot
	if err := json.NewDecoder(bytes.NewReader(state)).Decode(&snap); err != nil {
		return fmt.Errorf("%w: %w", ErrSnapshot, err)
	}
	if snap.Kind != snapshotKind {
		return fmt.Errorf("%w: it is of %q, not of the Twilio stand-in", ErrSnapshot, snap.Kind)
	}
	if snap.Version != SnapshotVersion {
		return fmt.Errorf("%w: version %d, this program reads version %d", ErrSnapshot, snap.Version, SnapshotVersion)
	}
	accounts := map[string]*account{}
	var ids []string
	for _, a := range snap.Accounts {
		if a.SID == "" || a.AuthToken == "" {
			return fmt.Errorf("%w: an account without a SID or auth token", ErrSnapshot)
		}
		if _, dup := accounts[a.SID]; !dup {
			ids = append(ids, a.SID)
		}
		accounts[a.SID] = &account{
			Account:   Account{SID: a.SID, AuthToken: a.AuthToken, FriendlyName: a.FriendlyName, Type: a.Type, Status: a.Status},
			secondary: a.SecondaryToken, created: a.Created,
		}
	}
	numbers := make([]*number, 0, len(snap.Numbers))
	for _, n := range snap.Numbers {
		numbers = append(numbers, &number{
			sid: n.SID, account: n.Account, e164: n.E164, friendly: n.FriendlyName, sms: n.SMS,
			service: n.Service, created: n.Created, attached: n.Attached,
		})
	}
	services := make([]*service, 0, len(snap.Services))
	for _, v := range snap.Services {
		services = append(services, &service{sid: v.SID, account: v.Account, name: v.Name, usecase: v.Usecase, created: v.Created, updated: v.Updated})
	}
	callerIDs := make([]*callerID, 0, len(snap.CallerIDs))
	for _, c := range snap.CallerIDs {
		callerIDs = append(callerIDs, &callerID{sid: c.SID, account: c.Account, e164: c.E164, friendly: c.FriendlyName, created: c.Created})
	}
	pending := make([]*validation, 0, len(snap.Validations))
	for _, v := range snap.Validations {
		pending = append(pending, &validation{account: v.Account, e164: v.E164, friendly: v.FriendlyName, code: v.Code, callSID: v.CallSID})
	}
	messages := make([]*message, 0, len(snap.Messages))
	for _, m := range snap.Messages {
		end := outcome{status: m.EndStatus, code: m.EndCode}
		if end.status == "" {
			end.status = "delivered"
		}
		messages = append(messages, &message{
			sid: m.SID, account: m.Account, service: m.Service, from: m.From, to: m.To, body: m.Body,
			segments: m.Segments, created: m.Created, fetches: m.Fetches, end: end,
		})
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq = snap.Seq
	s.accounts, s.accountIDs = accounts, ids
	s.numbers, s.services, s.callerIDs, s.pending, s.messages = numbers, services, callerIDs, pending, messages
	s.consumed = map[string]bool{}
	for _, m := range messages {
		s.consumed[m.sid] = true
	}
	s.faults, s.failures, s.requests = nil, map[string]outcome{}, nil
	s.inboxMoved()
	return nil
}
