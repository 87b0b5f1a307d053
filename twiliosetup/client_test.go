package twiliosetup_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	twclient "github.com/twilio/twilio-go/client"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

const (
	pathAccount  = "/2010-04-01/Accounts/" + sidOK + ".json"
	pathMessages = "/2010-04-01/Accounts/" + sidOK + "/Messages.json"
	pathCallers  = "/2010-04-01/Accounts/" + sidOK + "/OutgoingCallerIds.json"
	pnA          = "PN0123456789abcdef0123456789abcdef"
	pnB          = "PNfedcba9876543210fedcba9876543210"
	serviceB     = "MGfedcba9876543210fedcba9876543210"
	smsSID       = "SM0123456789abcdef0123456789abcdef"
)

func TestNewValidatesAndNeverReadsEnv(t *testing.T) {
	// Not parallel: sets environment variables twilio-go would fall back to.
	t.Setenv("TWILIO_ACCOUNT_SID", sidOK)
	t.Setenv("TWILIO_AUTH_TOKEN", tokenOK)
	tests := []struct {
		name    string
		creds   twiliosetup.Credentials
		wantErr string
	}{
		{"empty sid", twiliosetup.Credentials{AuthToken: tokenOK}, "Account SID"},
		{"empty token", twiliosetup.Credentials{AccountSID: sidOK}, "Auth Token"},
		{"both empty", twiliosetup.Credentials{}, "empty"},
		{"bad sid", twiliosetup.Credentials{AccountSID: "AC12", AuthToken: tokenOK}, "34 characters"},
		{"pasted values cleaned", twiliosetup.Credentials{AccountSID: " " + sidOK + "\n", AuthToken: "\"" + tokenOK + "\"\r\n"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := twiliosetup.New(tt.creds, nil)
			if tt.wantErr == "" {
				if err != nil || c.AccountSID() != sidOK {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestAccount(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"Trial", "Full"} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.handle("GET api.twilio.com"+pathAccount, func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, account(typ))
			})
			acct, err := f.client().Account(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			want := twiliosetup.Account{SID: sidOK, FriendlyName: "My first Twilio account", Status: "active", Type: typ}
			if acct != want {
				t.Errorf("got %+v, want %+v", acct, want)
			}
			if acct.IsTrial() != (typ == "Trial") || !acct.IsActive() {
				t.Errorf("IsTrial/IsActive wrong for %+v", acct)
			}
			reqs := f.requests()
			if len(reqs) != 1 || reqs[0].User != sidOK || reqs[0].Pass != tokenOK {
				t.Errorf("requests = %+v, want one with Basic auth", reqs)
			}
		})
	}
}

func TestAPIErrorsAreExplained(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		code   int
		call   func(context.Context, *twiliosetup.Client) error
	}{
		{"wrong credentials", 401, 20003, func(ctx context.Context, c *twiliosetup.Client) error {
			_, err := c.Account(ctx)
			return err
		}},
		{"unknown service", 404, 20404, func(ctx context.Context, c *twiliosetup.Client) error {
			_, err := c.Service(ctx, serviceOK)
			return err
		}},
		{"invalid to", 400, 21211, func(ctx context.Context, c *twiliosetup.Client) error {
			_, err := c.Send(ctx, serviceOK, mustPhone(t, "+15551234567"), "hi")
			return err
		}},
		{"geo permission", 400, 21408, func(ctx context.Context, c *twiliosetup.Client) error {
			_, err := c.Send(ctx, serviceOK, mustPhone(t, "+33612345678"), "hi")
			return err
		}},
		{"opted out", 400, 21610, func(ctx context.Context, c *twiliosetup.Client) error {
			_, err := c.Send(ctx, serviceOK, mustPhone(t, "+15551234567"), "hi")
			return err
		}},
		{"number in another service", 400, 21712, func(ctx context.Context, c *twiliosetup.Client) error {
			return c.AttachNumber(ctx, serviceOK, pnB)
		}},
		{"a code without an explanation", 400, 21999, func(ctx context.Context, c *twiliosetup.Client) error {
			_, err := c.Send(ctx, serviceOK, mustPhone(t, "+15551234567"), "hi")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			fail := func(w http.ResponseWriter, _ *http.Request) { writeError(w, tt.status, tt.code, "Twilio says no") }
			f.handle("GET api.twilio.com"+pathAccount, fail)
			f.handle("GET messaging.twilio.com/v1/Services/{sid}", fail)
			f.handle("POST api.twilio.com"+pathMessages, fail)
			f.handle("GET messaging.twilio.com/v1/Services/{sid}/PhoneNumbers", func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, map[string]any{"phone_numbers": []any{}, "meta": v1Meta("phone_numbers")})
			})
			f.handle("POST messaging.twilio.com/v1/Services/{sid}/PhoneNumbers", fail)
			err := tt.call(t.Context(), f.client())
			var te *twiliosetup.Error
			if !errors.As(err, &te) {
				t.Fatalf("error %v is not *twiliosetup.Error", err)
			}
			what, next := twiliosetup.Explain(tt.code)
			if te.Code != tt.code || te.Status != tt.status || te.What != what || te.Next != next || te.Message != "Twilio says no" {
				t.Errorf("got %+v", te)
			}
			if _, next := te.Explain(); next == "" || tt.code == 21999 && next != "Twilio's page on this error: https://www.twilio.com/docs/errors/21999" {
				t.Errorf("Explain() next = %q", next)
			}
			var rest *twclient.TwilioRestError
			if !errors.As(err, &rest) || rest.Code != tt.code {
				t.Errorf("cause %v is not the TwilioRestError", err)
			}
			if !strings.HasPrefix(err.Error(), "twiliosetup: ") || strings.Contains(err.Error(), tokenOK) {
				t.Errorf("error text %q", err)
			}
		})
	}
}

func mustPhone(t *testing.T, s string) twiliosetup.Phone {
	t.Helper()
	p, err := twiliosetup.ParsePhone(s, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestServicesWithSenderCounts(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.handle("GET messaging.twilio.com/v1/Services", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"services": []any{service(serviceOK, "Logto"), service(serviceB, "Empty")}, "meta": v1Meta("services")})
	})
	f.handle("GET messaging.twilio.com/v1/Services/{sid}/PhoneNumbers", func(w http.ResponseWriter, r *http.Request) {
		nums := []any{}
		if r.PathValue("sid") == serviceOK {
			nums = append(nums, phoneNumber(pnA, "+15005550006", serviceOK), phoneNumber(pnB, "+15005550007", serviceOK))
		}
		writeJSON(w, 200, map[string]any{"phone_numbers": nums, "meta": v1Meta("phone_numbers")})
	})
	c := f.client()
	got, err := c.Services(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []twiliosetup.Service{{SID: serviceOK, FriendlyName: "Logto", Senders: 2}, {SID: serviceB, FriendlyName: "Empty", Senders: 0}}
	if !slices.Equal(got, want) {
		t.Errorf("Services = %+v, want %+v", got, want)
	}
	senders, err := c.ServiceSenders(t.Context(), serviceOK)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(senders, []twiliosetup.Sender{{SID: pnA, PhoneNumber: "+15005550006"}, {SID: pnB, PhoneNumber: "+15005550007"}}) {
		t.Errorf("senders = %+v", senders)
	}
	// A service with no sender is reported before anything is sent through it.
	if err := c.EnsureSender(t.Context(), serviceOK); err != nil {
		t.Errorf("EnsureSender(with senders) = %v", err)
	}
	err = c.EnsureSender(t.Context(), serviceB)
	var te *twiliosetup.Error
	if !errors.Is(err, twiliosetup.ErrNoSender) || !errors.As(err, &te) || te.What == "" || te.Next == "" {
		t.Errorf("EnsureSender(empty) = %v, want *Error wrapping ErrNoSender", err)
	}
	if n := f.count("POST", "/Messages.json"); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

func TestCreateServiceAndAttachNumber(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	attached := []any{}
	f.handle("POST messaging.twilio.com/v1/Services", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 201, service(serviceB, r.PostForm.Get("FriendlyName")))
	})
	f.handle("GET messaging.twilio.com/v1/Services/{sid}/PhoneNumbers", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"phone_numbers": attached, "meta": v1Meta("phone_numbers")})
	})
	f.handle("POST messaging.twilio.com/v1/Services/{sid}/PhoneNumbers", func(w http.ResponseWriter, r *http.Request) {
		pn := phoneNumber(r.PostForm.Get("PhoneNumberSid"), "+15005550006", r.PathValue("sid"))
		attached = append(attached, pn)
		writeJSON(w, 201, pn)
	})
	f.handle("GET api.twilio.com/2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, v2010List("incoming_phone_numbers", []any{
			map[string]any{
				"sid": pnA, "phone_number": "+15005550006", "friendly_name": "(500) 555-0006",
				"capabilities": map[string]bool{"sms": true, "mms": true, "voice": true, "fax": false}, "date_created": rfc2822,
			},
			map[string]any{
				"sid": pnB, "phone_number": "+15005550007", "friendly_name": "voice only",
				"capabilities": map[string]bool{"sms": false, "mms": false, "voice": true, "fax": false}, "date_created": rfc2822,
			},
		}))
	})
	c := f.client()
	svc, err := c.CreateService(t.Context(), "logto-twilio")
	if err != nil {
		t.Fatal(err)
	}
	if svc != (twiliosetup.Service{SID: serviceB, FriendlyName: "logto-twilio"}) {
		t.Errorf("CreateService = %+v", svc)
	}
	nums, err := c.Numbers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wantNums := []twiliosetup.Number{
		{SID: pnA, PhoneNumber: "+15005550006", FriendlyName: "(500) 555-0006", SMS: true},
		{SID: pnB, PhoneNumber: "+15005550007", FriendlyName: "voice only", SMS: false},
	}
	if !slices.Equal(nums, wantNums) {
		t.Errorf("Numbers = %+v", nums)
	}
	if err := c.AttachNumber(t.Context(), svc.SID, pnA); err != nil {
		t.Fatal(err)
	}
	// Attaching again is a no-op: the number is already in the pool.
	if err := c.AttachNumber(t.Context(), svc.SID, pnA); err != nil {
		t.Fatal(err)
	}
	var creates, attaches []recorded
	for _, r := range f.requests() {
		switch {
		case r.Method == "POST" && r.Path == "/v1/Services":
			creates = append(creates, r)
		case r.Method == "POST" && strings.HasSuffix(r.Path, "/PhoneNumbers"):
			attaches = append(attaches, r)
		}
	}
	if len(creates) != 1 || creates[0].Form.Get("FriendlyName") != "logto-twilio" || creates[0].Form.Get("Usecase") != "notifications" {
		t.Errorf("create requests = %+v", creates)
	}
	if len(attaches) != 1 || attaches[0].Form.Get("PhoneNumberSid") != pnA || attaches[0].Path != "/v1/Services/"+serviceB+"/PhoneNumbers" {
		t.Errorf("attach requests = %+v", attaches)
	}
	if err := c.AttachNumber(t.Context(), svc.SID, "PN12"); err == nil {
		t.Error("AttachNumber accepted a bad PN SID")
	}
}

func callerIDs(nums ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		items := []any{}
		for i, n := range nums {
			items = append(items, map[string]any{
				"sid": pnA[:len(pnA)-1] + string(rune('0'+i)), "phone_number": n,
				"friendly_name": n, "account_sid": sidOK, "date_created": rfc2822, "date_updated": rfc2822,
			})
		}
		writeJSON(w, 200, v2010List("outgoing_caller_ids", items))
	}
}

// The trial path: a trial account texting an unverified number is refused with 21608 and the
// Console link before any message request goes out.
func TestTrialUnverifiedRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		acct     string
		to       string
		wantErr  bool
		wantList bool
	}{
		{"trial unverified", "Trial", "+15551234567", true, true},
		{"trial verified", "Trial", "+15550100199", false, true},
		{"full account", "Full", "+15551234567", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.handle("GET api.twilio.com"+pathAccount, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, account(tt.acct)) })
			f.handle("GET api.twilio.com"+pathCallers, callerIDs("+1 555 010 0199", "+14155550100"))
			f.handle("POST api.twilio.com"+pathMessages, func(w http.ResponseWriter, _ *http.Request) {
				writeError(w, 400, 21608, "The number is unverified. Trial accounts cannot send messages to unverified numbers")
			})
			c := f.client()
			acct, err := c.Account(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckCanText(t.Context(), acct, mustPhone(t, tt.to))
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("CheckCanText = %v", err)
				}
			} else {
				var te *twiliosetup.Error
				if !errors.As(err, &te) || te.Code != 21608 || !errors.Is(err, twiliosetup.ErrUnverifiedNumber) {
					t.Fatalf("CheckCanText = %v, want *Error 21608", err)
				}
				if !strings.Contains(te.Next, twiliosetup.ConsoleVerifiedCallerIDs) || !strings.Contains(te.Message, tt.to) {
					t.Errorf("error %+v lacks the Console link or the number", te)
				}
			}
			if got := f.count("GET", "/OutgoingCallerIds.json") > 0; got != tt.wantList {
				t.Errorf("listed caller ids = %v, want %v", got, tt.wantList)
			}
			if n := f.count("POST", "/Messages.json"); n != 0 {
				t.Errorf("%d message requests went out", n)
			}
		})
	}
}

func TestStartVerification(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.handle("POST api.twilio.com/2010-04-01/Accounts/{sid}/OutgoingCallerIds.json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 201, map[string]any{
			"account_sid": sidOK, "call_sid": "CA0123456789abcdef0123456789abcdef",
			"friendly_name": r.PostForm.Get("FriendlyName"), "phone_number": r.PostForm.Get("PhoneNumber"), "validation_code": "123456",
		})
	})
	code, err := f.client().StartVerification(t.Context(), mustPhone(t, "+1 (415) 555-0100"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if code != "123456" || len(reqs) != 1 || reqs[0].Form.Get("PhoneNumber") != "+14155550100" {
		t.Errorf("code %q, requests %+v", code, reqs)
	}
}

func TestSendForm(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.handle("POST api.twilio.com"+pathMessages, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 201, message(smsSID, r.PostForm.Get("To"), "accepted", nil))
	})
	m, err := f.client().Send(t.Context(), serviceOK, mustPhone(t, "+1 555 123 4567"), "Your code is 123456")
	if err != nil {
		t.Fatal(err)
	}
	created := m.DateCreated
	m.DateCreated = time.Time{}
	if m != (twiliosetup.Message{SID: smsSID, To: "+15551234567", Status: "accepted"}) ||
		!created.Equal(time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC)) {
		t.Errorf("Send = %+v (created %v)", m, created)
	}
	r := f.requests()[0]
	if r.Host != "api.twilio.com" || r.Form.Get("To") != "+15551234567" || r.Form.Get("MessagingServiceSid") != serviceOK ||
		r.Form.Get("Body") != "Your code is 123456" || r.Form.Has("From") {
		t.Errorf("request %+v", r)
	}
	if _, err := f.client().Send(t.Context(), "MG1", mustPhone(t, "+15551234567"), "x"); err == nil {
		t.Error("Send accepted a bad service SID")
	}
	if len(f.requests()) != 1 {
		t.Error("a request went out for a bad service SID")
	}
}

// statusSeq serves the message's statuses one fetch after another, repeating the last one.
func statusSeq(f *fakeTwilio, code any, statuses ...string) {
	i := 0
	f.handle("GET api.twilio.com/2010-04-01/Accounts/{sid}/Messages/{msg}", func(w http.ResponseWriter, r *http.Request) {
		s := statuses[min(i, len(statuses)-1)]
		i++
		var c any
		if s == "undelivered" || s == "failed" {
			c = code
		}
		writeJSON(w, 200, message(strings.TrimSuffix(r.PathValue("msg"), ".json"), "+15551234567", s, c))
	})
}

func TestFollowUndelivered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(t)
		statusSeq(f, 30007, "accepted", "sending", "sent", "undelivered")
		var seen []string
		start := time.Now()
		m, err := f.client().Follow(t.Context(), smsSID, func(m twiliosetup.Message) { seen = append(seen, m.Status) })
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != "undelivered" || m.ErrorCode != 30007 || !m.Final() {
			t.Errorf("Follow = %+v", m)
		}
		if !slices.Equal(seen, []string{"accepted", "sending", "sent", "undelivered"}) {
			t.Errorf("updates %v", seen)
		}
		// Backoff 1 s, 2 s, 4 s between the four fetches.
		if d := time.Since(start); d != 7*time.Second {
			t.Errorf("followed for %v, want 7s of backoff", d)
		}
		var te *twiliosetup.Error
		if err := m.Err(); !errors.As(err, &te) || te.Code != 30007 || !strings.Contains(te.What, "filtered") {
			t.Errorf("Err() = %v", err)
		}
	})
}

func TestFollowDelivered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(t)
		statusSeq(f, nil, "accepted", "delivered")
		m, err := f.client().Follow(t.Context(), smsSID, nil)
		if err != nil || m.Status != "delivered" || m.Err() != nil {
			t.Fatalf("Follow = %+v, %v", m, err)
		}
	})
}

func TestFollowDeadline(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		wantErr bool
	}{
		{"sent without receipt is an answer", "sent", false},
		{"still accepted is a timeout", "accepted", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake(t)
				statusSeq(f, nil, tt.status)
				ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
				defer cancel()
				start := time.Now()
				m, err := f.client().Follow(ctx, smsSID, nil)
				if (err != nil) != tt.wantErr {
					t.Fatalf("Follow = %+v, %v", m, err)
				}
				if tt.wantErr && !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("error %v is not DeadlineExceeded", err)
				}
				if m.Status != tt.status {
					t.Errorf("status %q", m.Status)
				}
				if d := time.Since(start); d != 60*time.Second {
					t.Errorf("returned after %v, want at the 60s deadline", d)
				}
				// 1+2+4+8 s, then every 10 s: fetches at 0,1,3,7,15,25,35,45,55.
				if n := f.count("GET", smsSID+".json"); n != 9 {
					t.Errorf("%d fetches, want 9", n)
				}
			})
		})
	}
}

func TestRetry429(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter []string // one per 429 answer before success; "" = header absent
		always429  bool
		wantReqs   int
		wantWait   time.Duration
		wantCode   int
	}{
		{"retry-after seconds", []string{"3", "3"}, false, 3, 6 * time.Second, 0},
		{"retry-after http date", []string{"Fri, 27 Nov 2026 00:00:05 GMT"}, false, 2, 5 * time.Second, 0},
		{"exponential without header", []string{"", ""}, false, 3, 3 * time.Second, 0},
		{"gives up after four tries", nil, true, 4, 7 * time.Second, 20429},
		{"retry-after too long is not waited", []string{"120"}, false, 1, 0, 20429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake(t)
				n := 0
				var bodies []string
				f.handle("POST api.twilio.com"+pathMessages, func(w http.ResponseWriter, r *http.Request) {
					bodies = append(bodies, r.PostForm.Encode())
					n++
					if tt.always429 || n <= len(tt.retryAfter) {
						if !tt.always429 && tt.retryAfter[n-1] != "" {
							w.Header().Set("Retry-After", tt.retryAfter[n-1])
						}
						writeError(w, 429, 20429, "Too Many Requests")
						return
					}
					writeJSON(w, 201, message(smsSID, r.PostForm.Get("To"), "accepted", nil))
				})
				start := time.Now()
				if strings.Contains(tt.name, "http date") {
					// The bubble's clock starts at 2000-01-01; make the date 5 s ahead of it.
					tt.retryAfter[0] = start.Add(5 * time.Second).UTC().Format(http.TimeFormat)
				}
				m, err := f.client().Send(t.Context(), serviceOK, mustPhone(t, "+15551234567"), "code 123456")
				if d := time.Since(start); d != tt.wantWait {
					t.Errorf("waited %v, want %v", d, tt.wantWait)
				}
				if len(bodies) != tt.wantReqs {
					t.Fatalf("%d requests, want %d", len(bodies), tt.wantReqs)
				}
				for _, b := range bodies[1:] {
					if b != bodies[0] {
						t.Errorf("retried body %q differs from %q", b, bodies[0])
					}
				}
				if tt.wantCode == 0 {
					if err != nil || m.SID != smsSID {
						t.Fatalf("Send = %+v, %v", m, err)
					}
					return
				}
				var te *twiliosetup.Error
				if !errors.As(err, &te) || te.Code != tt.wantCode || te.What == "" {
					t.Fatalf("Send error %v, want code %d", err, tt.wantCode)
				}
			})
		})
	}
}

func TestContextCancelsRequestInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(t)
		f.handle("GET api.twilio.com"+pathAccount, func(_ http.ResponseWriter, r *http.Request) {
			<-r.Context().Done() // Twilio never answers
		})
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		_, err := f.client().Account(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Account = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != 5*time.Second {
			t.Errorf("returned after %v", d)
		}
	})
}

func TestContextDoneSendsNothing(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := f.client().Account(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Account = %v", err)
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests", n)
	}
}

func TestTokenRotation(t *testing.T) {
	t.Parallel()
	const newToken = "fedcba9876543210fedcba9876543210"
	f := newFake(t)
	f.handle("POST accounts.twilio.com/v1/AuthTokens/Secondary", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 201, map[string]any{
			"account_sid": sidOK, "secondary_auth_token": newToken,
			"date_created": iso8601, "date_updated": iso8601, "url": "https://accounts.twilio.com/v1/AuthTokens/Secondary",
		})
	})
	f.handle("POST accounts.twilio.com/v1/AuthTokens/Promote", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{
			"account_sid": sidOK, "auth_token": newToken,
			"date_created": iso8601, "date_updated": iso8601, "url": "https://accounts.twilio.com/v1/AuthTokens/Promote",
		})
	})
	f.handle("DELETE accounts.twilio.com/v1/AuthTokens/Secondary", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	c := f.client()
	tok, err := c.CreateSecondaryToken(t.Context())
	if err != nil || tok != newToken {
		t.Fatalf("CreateSecondaryToken = %q, %v", tok, err)
	}
	if err := c.PromoteSecondaryToken(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSecondaryToken(t.Context()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range f.requests() {
		got = append(got, r.Method+" "+r.Host+r.Path)
	}
	want := []string{
		"POST accounts.twilio.com/v1/AuthTokens/Secondary",
		"POST accounts.twilio.com/v1/AuthTokens/Promote",
		"DELETE accounts.twilio.com/v1/AuthTokens/Secondary",
	}
	if !slices.Equal(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
}

func TestSendTestChecksFirst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		acct     string
		senders  int
		to       string
		wantIs   error
		wantSent int
	}{
		{"no sender", "Full", 0, "+15551234567", twiliosetup.ErrNoSender, 0},
		{"trial unverified", "Trial", 1, "+15551234567", twiliosetup.ErrUnverifiedNumber, 0},
		{"trial verified", "Trial", 1, "+14155550100", nil, 1},
		{"full", "Full", 1, "+15551234567", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.handle("GET messaging.twilio.com/v1/Services/{sid}/PhoneNumbers", func(w http.ResponseWriter, _ *http.Request) {
				nums := []any{}
				for range tt.senders {
					nums = append(nums, phoneNumber(pnA, "+15005550006", serviceOK))
				}
				writeJSON(w, 200, map[string]any{"phone_numbers": nums, "meta": v1Meta("phone_numbers")})
			})
			f.handle("GET api.twilio.com"+pathCallers, callerIDs("+14155550100"))
			f.handle("POST api.twilio.com"+pathMessages, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 201, message(smsSID, r.PostForm.Get("To"), "accepted", nil))
			})
			acct := twiliosetup.Account{SID: sidOK, Status: "active", Type: tt.acct}
			m, err := f.client().SendTest(t.Context(), acct, serviceOK, mustPhone(t, tt.to), "code 123456")
			if tt.wantIs != nil {
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("SendTest = %v, want %v", err, tt.wantIs)
				}
			} else if err != nil || m.SID != smsSID {
				t.Fatalf("SendTest = %+v, %v", m, err)
			}
			if n := f.count("POST", "/Messages.json"); n != tt.wantSent {
				t.Errorf("%d sends, want %d", n, tt.wantSent)
			}
		})
	}
}

func TestFetchMessageRejectsBadSID(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	for _, sid := range []string{"", "SM12", "../Accounts", "AC0123456789abcdef0123456789abcdef"} {
		if _, err := f.client().FetchMessage(t.Context(), sid); err == nil {
			t.Errorf("FetchMessage(%q) = nil error", sid)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests went out", n)
	}
}

// closeRecorder is a response body that records its Close.
type closeRecorder struct {
	*strings.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestErrorAnswerBodyClosed: twilio-go never closes the body of a 4xx/5xx answer; the
// client's transport reads it into memory and closes it, so no connection or timeout
// goroutine is held until the timeout.
func TestErrorAnswerBodyClosed(t *testing.T) {
	for _, status := range []int{401, 404, 500, 503} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			var body *closeRecorder
			hc := &http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
				body = &closeRecorder{Reader: strings.NewReader(`{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}`)}
				return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: body, Request: r}, nil
			})}
			c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: sidOK, AuthToken: tokenOK}, hc)
			if err != nil {
				t.Fatal(err)
			}
			var te *twiliosetup.Error
			if _, err := c.Account(t.Context()); !errors.As(err, &te) || te.Code != 20003 {
				t.Fatalf("Account = %v, want the decoded Twilio error 20003", err)
			}
			if body == nil || !body.closed {
				t.Error("the error answer's body was not closed")
			}
		})
	}
}
