package steps

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// testSMSStep sends a test SMS to the user's phone: through Logto's
// connector test (automatic) or Twilio directly (manual); on both paths the
// delivery is followed to a final state. The service's sender and, on trial
// accounts, a verified number are checked first. Failures are explained; the
// user can retry, edit or skip.
type testSMSStep struct {
	base
	phone string

	mu          sync.Mutex
	lastCreated time.Time // when Twilio created the last test message followed
}

func newTestSMS(st *State, d *Deps) *testSMSStep {
	return &testSMSStep{base: base{id: "testsms", title: "Test SMS", st: st, d: d}}
}

// region is the default region for a phone number typed without a country
// code: the region of the Messaging Service's sender ("" when unknown, and
// then the number must be international).
func (s *testSMSStep) region() string {
	if p, err := twiliosetup.ParsePhone(s.st.Setup.ServiceSender, ""); err == nil {
		return p.Region()
	}
	return ""
}

// parsePhone parses v with the sender's region as the default.
func (s *testSMSStep) parsePhone(v string) (twiliosetup.Phone, error) {
	return twiliosetup.ParsePhone(clean(v), s.region())
}

// phoneHint says which formats are accepted.
func (s *testSMSStep) phoneHint() string {
	if r := s.region(); r != "" {
		return "use the international format, e.g. +15551234567, or a national number (" + r + ")"
	}
	return "use the international format, e.g. +15551234567"
}

func (s *testSMSStep) validatePhone(v string) error {
	if _, err := s.parsePhone(v); err != nil {
		return errors.New(s.phoneHint() + ": " + plainCause(err))
	}
	return nil
}

func (s *testSMSStep) Form(env tui.FormEnv) *huh.Form {
	s.init()
	return huh.NewForm(huh.NewGroup(huh.NewInput().Key("phone").Title(tui.LineTitle(env, "Your phone number", s.phone, false)).
		Placeholder("+15551234567").Value(&s.phone).Validate(orDefault(&s.phone, s.validatePhone))))
}

// Timeout leaves room for following the delivery.
func (s *testSMSStep) Timeout() time.Duration { return 2 * time.Minute }

// WaitingText is shown while Execute runs; the delivery status comes under
// it, through tui.Report.
func (s *testSMSStep) WaitingText() string { return "Sending the test SMS…" }

// reportStatus shows a delivery status under the waiting text.
func reportStatus(ctx context.Context, status string) {
	if status != "" {
		tui.Report(ctx, "status: "+status)
	}
}

// SkipResult lets the user go on without a test SMS (tui.Optional).
func (s *testSMSStep) SkipResult() tui.Result {
	return tui.Result{Summary: "skipped", Commit: func() { s.st.Setup.TestResult = "skipped" }}
}

func (s *testSMSStep) Execute(ctx context.Context) (tui.Result, error) {
	phone, err := s.parsePhone(s.phone)
	if err != nil {
		return tui.Result{}, problem("That phone number is not valid", "{key:edit} and "+s.phoneHint()+".", err)
	}
	if s.st.Prefill.Preset != nil {
		return s.viaWorkshop(ctx, phone) // an attendee: through Logto, no M2M, no Twilio credentials
	}
	tw, err := s.twilio()
	if err != nil {
		return tui.Result{}, err
	}
	acct := s.st.Account
	if acct == nil {
		a, err := tw.Account(ctx)
		if err != nil {
			return tui.Result{}, explain("Twilio refused the credentials", err)
		}
		acct = &a
	}
	// Both paths send through the Messaging Service: check it has a sender
	// and that the account may text the number before anything is sent.
	if err := tw.EnsureSender(ctx, s.st.Setup.ServiceSID); err != nil {
		return tui.Result{}, explain("The Messaging Service cannot send", err)
	}
	if err := tw.CheckCanText(ctx, *acct, phone); err != nil {
		return tui.Result{}, explain("Twilio will not text "+phone.E164(), err)
	}
	var result string
	if s.st.Setup.Method == config.MethodAuto {
		result, err = s.viaLogto(ctx, tw, phone)
	} else {
		result, err = s.viaTwilio(ctx, tw, phone)
	}
	if err != nil {
		return tui.Result{}, err
	}
	e164 := phone.E164()
	return s.result(e164+" · "+result, func() {
		s.st.Setup.TestPhone, s.st.Setup.TestResult = e164, result
	}), nil
}

// Bounds of the delivery check: how far before the connector test a message
// may have been created (clock differences), and how long delivery is
// followed before the last status counts.
const (
	findSlack    = time.Minute
	followWindow = time.Minute
)

// viaLogto sends through Logto's connector test, which returns no message
// SID, then finds the message in Twilio and follows it. When Twilio does not
// list it in time the step still succeeds: Twilio accepted the message.
func (s *testSMSStep) viaLogto(ctx context.Context, tw Twilio, phone twiliosetup.Phone) (string, error) {
	c, err := s.logto()
	if err != nil {
		return "", err
	}
	since := time.Now().Add(-findSlack)
	s.mu.Lock()
	if !s.lastCreated.IsZero() && !s.lastCreated.Before(since) {
		since = s.lastCreated.Add(time.Second) // not the message of an earlier try
	}
	s.mu.Unlock()
	if err := c.TestTwilioConnector(ctx, phone.Digits(), s.st.TwilioConfig()); err != nil {
		return "", explain("Logto could not send the test SMS", err)
	}
	const how = "via Logto's connector"
	reportStatus(ctx, twiliosetup.StatusAccepted)
	msg, err := tw.FindSentMessage(ctx, phone, since)
	if err != nil {
		if ctx.Err() != nil {
			return "", explain("Lost track of the test SMS", err)
		}
		return "sent " + how + " (not followed)", nil
	}
	status, err := s.follow(ctx, tw, msg)
	if err != nil {
		return "", err
	}
	return status + " " + how, nil
}

// viaTwilio sends the SignIn template with a random code through the
// Messaging Service and follows the message.
func (s *testSMSStep) viaTwilio(ctx context.Context, tw Twilio, phone twiliosetup.Phone) (string, error) {
	body := "Your verification code is {{code}}"
	for _, t := range s.st.Setup.Templates {
		if t.UsageType == "SignIn" {
			body = t.Content
		}
	}
	code, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("steps: code: %w", err)
	}
	body = strings.ReplaceAll(body, twiliosetup.CodePlaceholder, fmt.Sprintf("%06d", code.Int64()))
	msg, err := tw.Send(ctx, s.st.Setup.ServiceSID, phone, body)
	if err != nil {
		return "", explain("Twilio did not accept the test SMS", err)
	}
	return s.follow(ctx, tw, msg)
}

// follow follows msg to a final state, for at most followWindow: a message
// still "sent" then counts as sent (many carriers send no receipt). It
// returns the status, or a Problem explaining why the message failed.
func (s *testSMSStep) follow(ctx context.Context, tw Twilio, msg twiliosetup.Message) (string, error) {
	reportStatus(ctx, msg.Status)
	s.mu.Lock()
	if msg.DateCreated.After(s.lastCreated) {
		s.lastCreated = msg.DateCreated
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, followWindow)
	defer cancel()
	final, err := tw.Follow(ctx, msg.SID, func(m twiliosetup.Message) { reportStatus(ctx, m.Status) })
	if err != nil {
		return "", explain("Lost track of the test SMS ("+msg.SID+")", err)
	}
	if e := final.Err(); e != nil {
		return "", explain("The test SMS was not delivered", e)
	}
	if final.Status == twiliosetup.StatusSent {
		return "sent (no delivery receipt yet)", nil
	}
	return final.Status, nil
}
