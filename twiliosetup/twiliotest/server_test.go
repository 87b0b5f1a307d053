package twiliotest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	accounts "github.com/twilio/twilio-go/rest/accounts/v1"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	messaging "github.com/twilio/twilio-go/rest/messaging/v1"

	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

const (
	trialSID  = "AC0000000000000000000000000000aaaa"
	fullSID   = "AC0000000000000000000000000000bbbb"
	token     = "0123456789abcdef0123456789abcdef"
	verified  = "+15005550006"
	stranger  = "+15005550009"
	senderNum = "+15017122661"
)

// rest builds a twilio-go client that reaches srv, as api-contracts §B.9 describes.
func rest(srv *twiliotest.Server, sid, tok string, hc *http.Client) *twilio.RestClient {
	if hc == nil {
		hc = srv.Client()
	}
	c := &client.Client{Credentials: client.NewCredentials(sid, tok), HTTPClient: hc}
	c.SetAccountSid(sid)
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
}

// fixture is a server with a trial account (one verified number, one service with a
// sender) and a full account with a service that has no sender.
type fixture struct {
	srv                  *twiliotest.Server
	trialSvc, fullSvc    string
	trialNum, fullNumber string
}

func newFixture(t *testing.T, opts ...twiliotest.Option) fixture {
	t.Helper()
	srv := twiliotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	srv.AddAccount(twiliotest.Account{SID: trialSID, AuthToken: token, FriendlyName: "Workshop trial", Type: "Trial"})
	srv.AddAccount(twiliotest.Account{SID: fullSID, AuthToken: token, FriendlyName: "Paid", Type: "Full"})
	f := fixture{srv: srv}
	f.trialNum = srv.AddNumber(trialSID, senderNum)
	f.trialSvc = srv.AddService(trialSID, "Logto", senderNum)
	srv.AddVerifiedCallerID(trialSID, verified)
	f.fullNumber = srv.AddNumber(fullSID, "+15017122662")
	f.fullSvc = srv.AddService(fullSID, "Empty")
	return f
}

func restErr(t *testing.T, err error) *client.TwilioRestError {
	t.Helper()
	var re *client.TwilioRestError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v (%T), want *client.TwilioRestError", err, err)
	}
	return re
}

func TestAccountFetchAndAuth(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name       string
		sid, tok   string
		wantCode   int
		wantType   string
		wantStatus int
	}{
		{name: "trial", sid: trialSID, tok: token, wantType: "Trial"},
		{name: "full", sid: fullSID, tok: token, wantType: "Full"},
		{name: "wrong token", sid: trialSID, tok: strings.Repeat("f", 32), wantCode: 20003, wantStatus: 401},
		{name: "unknown account", sid: "AC" + strings.Repeat("9", 32), tok: token, wantCode: 20003, wantStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := rest(f.srv, tt.sid, tt.tok, nil).Api.FetchAccount(tt.sid)
			if tt.wantCode != 0 {
				re := restErr(t, err)
				if re.Code != tt.wantCode || re.Status != tt.wantStatus || re.MoreInfo == "" {
					t.Fatalf("error = %+v, want code %d status %d", re, tt.wantCode, tt.wantStatus)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *a.Sid != tt.sid || *a.Type != tt.wantType || *a.Status != "active" {
				t.Fatalf("account = %s %s %s", *a.Sid, *a.Type, *a.Status)
			}
			if _, err := time.Parse(time.RFC1123Z, *a.DateCreated); err != nil {
				t.Fatalf("date_created %q is not RFC 2822: %v", *a.DateCreated, err)
			}
		})
	}
}

func TestServicesAndNumbers(t *testing.T) {
	f := newFixture(t)
	rc := rest(f.srv, fullSID, token, nil)
	svcs, err := rc.MessagingV1.ListService(&messaging.ListServiceParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(svcs) != 1 || *svcs[0].Sid != f.fullSvc || svcs[0].DateCreated == nil {
		t.Fatalf("services = %+v", svcs)
	}
	created, err := rc.MessagingV1.CreateService((&messaging.CreateServiceParams{}).SetFriendlyName("logto-twilio").SetUsecase("notifications"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := rc.MessagingV1.FetchService(*created.Sid)
	if err != nil || *got.FriendlyName != "logto-twilio" || *got.Usecase != "notifications" {
		t.Fatalf("fetch = %+v, %v", got, err)
	}
	nums, err := rc.Api.ListIncomingPhoneNumber(&api.ListIncomingPhoneNumberParams{})
	if err != nil || len(nums) != 1 || *nums[0].Sid != f.fullNumber || !nums[0].Capabilities.Sms {
		t.Fatalf("numbers = %+v, %v", nums, err)
	}
	if _, err := rc.MessagingV1.CreatePhoneNumber(*created.Sid, (&messaging.CreatePhoneNumberParams{}).SetPhoneNumberSid(f.fullNumber)); err != nil {
		t.Fatal(err)
	}
	senders, err := rc.MessagingV1.ListPhoneNumber(*created.Sid, &messaging.ListPhoneNumberParams{})
	if err != nil || len(senders) != 1 || *senders[0].PhoneNumber != "+15017122662" || *senders[0].CountryCode != "US" {
		t.Fatalf("senders = %+v, %v", senders, err)
	}
	_, err = rc.MessagingV1.CreatePhoneNumber(f.fullSvc, (&messaging.CreatePhoneNumberParams{}).SetPhoneNumberSid(f.fullNumber))
	if re := restErr(t, err); re.Code != 21712 {
		t.Fatalf("second service: %+v, want 21712", re)
	}
	_, err = rc.MessagingV1.FetchService("MG" + strings.Repeat("0", 31) + "9")
	if re := restErr(t, err); re.Code != 20404 || re.Status != 404 {
		t.Fatalf("unknown service: %+v, want 404 20404", re)
	}
	// Another account's service is as unknown as a missing one.
	_, err = rest(f.srv, trialSID, token, nil).MessagingV1.FetchService(f.fullSvc)
	if re := restErr(t, err); re.Code != 20404 {
		t.Fatalf("foreign service: %+v, want 20404", re)
	}
}

func TestPaging(t *testing.T) {
	srv := twiliotest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddAccount(twiliotest.Account{SID: fullSID, AuthToken: token})
	for i := range 7 {
		srv.AddService(fullSID, "svc")
		srv.AddNumber(fullSID, "+1501712266"+string(rune('0'+i)))
	}
	rc := rest(srv, fullSID, token, nil)
	svcs, err := rc.MessagingV1.ListService((&messaging.ListServiceParams{}).SetPageSize(3))
	if err != nil || len(svcs) != 7 {
		t.Fatalf("services over pages: %d, %v", len(svcs), err)
	}
	nums, err := rc.Api.ListIncomingPhoneNumber((&api.ListIncomingPhoneNumberParams{}).SetPageSize(2))
	if err != nil || len(nums) != 7 {
		t.Fatalf("numbers over pages: %d, %v", len(nums), err)
	}
	limited, err := rc.Api.ListIncomingPhoneNumber((&api.ListIncomingPhoneNumberParams{}).SetPageSize(2).SetLimit(3))
	if err != nil || len(limited) != 3 {
		t.Fatalf("limit 3: %d, %v", len(limited), err)
	}
}

func TestTrialRefusesUnverified(t *testing.T) {
	f := newFixture(t)
	rc := rest(f.srv, trialSID, token, nil)
	send := func(to string) (*api.ApiV2010Message, error) {
		return rc.Api.CreateMessage((&api.CreateMessageParams{}).SetTo(to).SetMessagingServiceSid(f.trialSvc).SetBody("Your code is 123456"))
	}
	_, err := send(stranger)
	if re := restErr(t, err); re.Code != 21608 || re.Status != 400 {
		t.Fatalf("unverified: %+v, want 400 21608", re)
	}
	if n := len(f.srv.Inbox()); n != 0 {
		t.Fatalf("inbox has %d messages after a refused send", n)
	}
	m, err := send(verified)
	if err != nil {
		t.Fatal(err)
	}
	if *m.Status != "accepted" || *m.NumSegments != "0" || m.From != nil {
		t.Fatalf("created message: status %s, segments %s, from %v", *m.Status, *m.NumSegments, m.From)
	}
	// A full account may text anyone.
	full := rest(f.srv, fullSID, token, nil)
	sid := f.srv.AddService(fullSID, "With sender", "+15017122662")
	if _, err := full.Api.CreateMessage((&api.CreateMessageParams{}).SetTo(stranger).SetMessagingServiceSid(sid).SetBody("hi")); err != nil {
		t.Fatalf("full account: %v", err)
	}
}

func TestVerificationStart(t *testing.T) {
	f := newFixture(t)
	rc := rest(f.srv, trialSID, token, nil)
	vr, err := rc.Api.CreateValidationRequest((&api.CreateValidationRequestParams{}).SetPhoneNumber(stranger).SetFriendlyName("Me"))
	if err != nil {
		t.Fatal(err)
	}
	if *vr.PhoneNumber != stranger || len(*vr.ValidationCode) != 6 || !strings.HasPrefix(*vr.CallSid, "CA") {
		t.Fatalf("validation request = %+v", vr)
	}
	ids, _ := rc.Api.ListOutgoingCallerId(&api.ListOutgoingCallerIdParams{})
	if len(ids) != 1 {
		t.Fatalf("caller ids before confirmation = %d, want 1", len(ids))
	}
	if !f.srv.ConfirmVerification(trialSID, stranger) {
		t.Fatal("ConfirmVerification found no pending request")
	}
	ids, err = rc.Api.ListOutgoingCallerId(&api.ListOutgoingCallerIdParams{})
	if err != nil || len(ids) != 2 {
		t.Fatalf("caller ids after confirmation = %d, %v", len(ids), err)
	}
	// Another account sees none of them.
	ids, err = rest(f.srv, fullSID, token, nil).Api.ListOutgoingCallerId(&api.ListOutgoingCallerIdParams{})
	if err != nil || len(ids) != 0 {
		t.Fatalf("the other account's caller ids = %d, %v; want 0", len(ids), err)
	}
	_, err = rc.Api.CreateValidationRequest((&api.CreateValidationRequestParams{}).SetPhoneNumber(stranger))
	if re := restErr(t, err); re.Code != 21450 {
		t.Fatalf("again: %+v, want 21450", re)
	}
}

// follow fetches the message until it reaches a final status (or 20 fetches), sleeping
// step between fetches, and returns the statuses seen and the last answer.
func follow(t *testing.T, rc *twilio.RestClient, sid string, step time.Duration) ([]string, *api.ApiV2010Message) {
	t.Helper()
	var seen []string
	var m *api.ApiV2010Message
	for range 20 {
		var err error
		m, err = rc.Api.FetchMessage(sid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 || seen[len(seen)-1] != *m.Status {
			seen = append(seen, *m.Status)
		}
		switch *m.Status {
		case "delivered", "undelivered", "failed":
			return seen, m
		}
		time.Sleep(step)
	}
	return seen, m
}

func TestStatusProgress(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(srv *twiliotest.Server)
		to         string
		fullSvc    bool
		fromNumber bool
		want       []string
		wantCode   int
		wantSegs   string
	}{
		{name: "delivered", to: verified, want: []string{"accepted", "queued", "sending", "sent", "delivered"}, wantSegs: "1"},
		{
			name: "undelivered", setup: func(s *twiliotest.Server) { s.FailDelivery("15005550006", 30007) }, to: verified,
			want: []string{"accepted", "queued", "sending", "sent", "undelivered"}, wantCode: 30007, wantSegs: "1",
		},
		{
			name: "failed", setup: func(s *twiliotest.Server) { s.FailSend(verified, 30034) }, to: verified,
			want: []string{"accepted", "queued", "failed"}, wantCode: 30034, wantSegs: "1",
		},
		{
			name: "no receipt", setup: func(s *twiliotest.Server) { s.NoReceipt(verified) }, to: verified,
			want: []string{"accepted", "queued", "sending", "sent"}, wantSegs: "1",
		},
		{name: "from a number", to: verified, fromNumber: true, want: []string{"queued", "sending", "sent", "delivered"}, wantSegs: "1"},
		{name: "no sender", to: stranger, fullSvc: true, want: []string{"accepted", "queued", "failed"}, wantCode: 21703, wantSegs: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, twiliotest.WithoutListener(), twiliotest.WithStatusStep(time.Second))
				if tt.setup != nil {
					tt.setup(f.srv)
				}
				sid, svc := trialSID, f.trialSvc
				if tt.fullSvc {
					sid, svc = fullSID, f.fullSvc
				}
				rc := rest(f.srv, sid, token, nil)
				p := (&api.CreateMessageParams{}).SetTo(tt.to).SetBody("Your code is 123456")
				if tt.fromNumber {
					p.SetFrom(senderNum)
				} else {
					p.SetMessagingServiceSid(svc)
				}
				m, err := rc.Api.CreateMessage(p)
				if err != nil {
					t.Fatal(err)
				}
				seen, last := follow(t, rc, *m.Sid, 500*time.Millisecond)
				if strings.Join(seen, ",") != strings.Join(tt.want, ",") {
					t.Fatalf("statuses = %v, want %v", seen, tt.want)
				}
				code := 0
				if last.ErrorCode != nil {
					code = *last.ErrorCode
				}
				if code != tt.wantCode || *last.NumSegments != tt.wantSegs {
					t.Fatalf("error_code = %d, num_segments = %s; want %d, %s", code, *last.NumSegments, tt.wantCode, tt.wantSegs)
				}
				if tt.wantCode != 0 && (last.ErrorMessage == nil || *last.ErrorMessage == "") {
					t.Fatal("error_message is empty for a failed message")
				}
			})
		})
	}
}

func TestStatusAdvancesPerFetch(t *testing.T) {
	f := newFixture(t, twiliotest.WithStatusStep(0))
	rc := rest(f.srv, trialSID, token, nil)
	m, err := rc.Api.CreateMessage((&api.CreateMessageParams{}).SetTo(verified).SetMessagingServiceSid(f.trialSvc).SetBody("x"))
	if err != nil {
		t.Fatal(err)
	}
	seen, _ := follow(t, rc, *m.Sid, 0)
	// The create answer said "accepted"; each fetch moves one status on.
	if got := strings.Join(seen, ","); got != "queued,sending,sent,delivered" {
		t.Fatalf("statuses = %s", got)
	}
}

func TestInboxAndWaitMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, twiliotest.WithoutListener())
		rc := rest(f.srv, trialSID, token, nil)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		got := make(chan twiliotest.Message, 1)
		go func() {
			m, err := f.srv.WaitMessage(ctx, "15005550006")
			if err != nil {
				t.Error(err)
			}
			got <- m
		}()
		synctest.Wait()
		if _, err := rc.Api.CreateMessage((&api.CreateMessageParams{}).SetTo(verified).SetMessagingServiceSid(f.trialSvc).SetBody("Code 4242")); err != nil {
			t.Fatal(err)
		}
		m := <-got
		if m.Body != "Code 4242" || m.To != verified || m.MessagingServiceSID != f.trialSvc {
			t.Fatalf("waited message = %+v", m)
		}
		if in := f.srv.Inbox(); len(in) != 1 || in[0].SID != m.SID {
			t.Fatalf("inbox = %+v", in)
		}
		// Nothing else is coming: the wait ends with the context.
		short, cancel2 := context.WithTimeout(t.Context(), time.Second)
		defer cancel2()
		if _, err := f.srv.WaitMessage(short, verified); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("second wait: %v, want deadline exceeded", err)
		}
	})
}

// TestLogtoConnectorRequest replays the requests Logto's Twilio connector made
// (testdata/logto-079-twilio-outbound.json: Basic auth, digits-only To, form fields) to
// URL, with a plain HTTP client and no host rewriting. Only the MessagingServiceSid is
// swapped for the stand-in's service.
func TestLogtoConnectorRequest(t *testing.T) {
	var fx struct {
		Requests []struct {
			Method, Path         string
			AuthorizationDecoded string
			Headers              map[string]string
			Form                 map[string]string
		}
	}
	b, err := os.ReadFile("testdata/logto-079-twilio-outbound.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fx); err != nil || len(fx.Requests) == 0 {
		t.Fatalf("fixture: %v (%d requests)", err, len(fx.Requests))
	}
	for i, rq := range fx.Requests {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			srv := twiliotest.NewServer()
			t.Cleanup(srv.Close)
			acct, tok, _ := strings.Cut(rq.AuthorizationDecoded, ":")
			srv.AddAccount(twiliotest.Account{SID: acct, AuthToken: tok})
			svc := srv.AddService(acct, "Logto", senderNum)
			form := url.Values{}
			for k, v := range rq.Form {
				form.Set(k, v)
			}
			form.Set("MessagingServiceSid", svc)
			req, err := http.NewRequestWithContext(t.Context(), rq.Method, srv.URL+rq.Path, strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", rq.Headers["content-type"])
			req.Header.Set("User-Agent", rq.Headers["user-agent"])
			req.SetBasicAuth(acct, tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			err = json.NewDecoder(resp.Body).Decode(&body)
			_ = resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusCreated {
				t.Fatalf("status = %d (%v), want 201", resp.StatusCode, err)
			}
			wantTo := "+" + rq.Form["To"]
			if body["to"] != wantTo || body["status"] != "accepted" || body["messaging_service_sid"] != svc {
				t.Fatalf("response = %v", body)
			}
			in := srv.Inbox()
			if len(in) != 1 || in[0].To != wantTo || in[0].Body != rq.Form["Body"] {
				t.Fatalf("inbox = %+v", in)
			}
			// A wrong token is refused the way Twilio does.
			req2, _ := http.NewRequestWithContext(t.Context(), rq.Method, srv.URL+rq.Path, strings.NewReader(form.Encode()))
			req2.Header.Set("Content-Type", rq.Headers["content-type"])
			req2.SetBasicAuth(acct, tok+"x")
			resp2, err := http.DefaultClient.Do(req2)
			if err != nil {
				t.Fatal(err)
			}
			var e struct {
				Code, Status int
				Message      string
				MoreInfo     string `json:"more_info"`
			}
			err = json.NewDecoder(resp2.Body).Decode(&e)
			_ = resp2.Body.Close()
			if err != nil || resp2.StatusCode != 401 || e.Code != 20003 || e.Status != 401 || e.MoreInfo == "" {
				t.Fatalf("wrong token: %d %+v %v", resp2.StatusCode, e, err)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name        string
		method, pat string
		fault       twiliotest.Fault
		wantCode    int
		wantStatus  int
		wantDropped bool
	}{
		{name: "wrong credentials", pat: "/2010-04-01/Accounts/{Sid}.json", fault: twiliotest.WrongCredentials(), wantCode: 20003, wantStatus: 401},
		{name: "unknown sid", method: "GET", pat: "*", fault: twiliotest.UnknownSID(), wantCode: 20404, wantStatus: 404},
		{name: "429", pat: "/2010-04-01/Accounts/" + fullSID + ".json", fault: twiliotest.TooManyRequests(2 * time.Second), wantCode: 20429, wantStatus: 429},
		{name: "503", fault: twiliotest.ServerError(503), wantCode: 20500, wantStatus: 503},
		{name: "custom code", fault: twiliotest.Fault{Status: 400, Code: 21211, Message: "Invalid 'To' Phone Number"}, wantCode: 21211, wantStatus: 400},
		{name: "drop", fault: twiliotest.Fault{Drop: true}, wantDropped: true},
		{name: "other method untouched", method: "POST", fault: twiliotest.ServerError(500)},
		{name: "other path untouched", pat: "/v1/Services", fault: twiliotest.ServerError(500)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.srv.Inject(tt.method, tt.pat, tt.fault)
			_, err := rest(f.srv, fullSID, token, nil).Api.FetchAccount(fullSID)
			switch {
			case tt.wantDropped:
				if !errors.Is(err, twiliotest.ErrConnectionDropped) {
					t.Fatalf("err = %v, want dropped connection", err)
				}
			case tt.wantCode == 0:
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
			default:
				re := restErr(t, err)
				if re.Code != tt.wantCode || re.Status != tt.wantStatus {
					t.Fatalf("error = %+v, want %d/%d", re, tt.wantCode, tt.wantStatus)
				}
			}
		})
	}
}

func TestFaultRetryAfterAndTimes(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject("GET", "/2010-04-01/Accounts/{Sid}.json", twiliotest.Fault{Status: 429, RetryAfter: 1500 * time.Millisecond, Times: 2})
	for i, want := range []int{429, 429, 200} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.twilio.com/2010-04-01/Accounts/"+fullSID+".json", nil)
		req.SetBasicAuth(fullSID, token)
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("call %d: status %d, want %d", i, resp.StatusCode, want)
		}
		if want == 429 && resp.Header.Get("Retry-After") != "2" {
			t.Fatalf("Retry-After = %q, want 2", resp.Header.Get("Retry-After"))
		}
	}
}

func TestLatencyFault(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, twiliotest.WithoutListener())
		f.srv.Inject("", "", twiliotest.Fault{Latency: 30 * time.Second})
		hc := f.srv.Client() // 10 s timeout, like twilio-go's default client
		start := time.Now()
		_, err := rest(f.srv, fullSID, token, hc).Api.FetchAccount(fullSID)
		var timeout interface{ Timeout() bool }
		if !errors.As(err, &timeout) || !timeout.Timeout() {
			t.Fatalf("err = %v, want a timeout", err)
		}
		if d := time.Since(start); d != 10*time.Second {
			t.Fatalf("gave up after %v, want 10s", d)
		}
		hc.Timeout = time.Minute
		start = time.Now()
		if _, err := rest(f.srv, fullSID, token, hc).Api.FetchAccount(fullSID); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 30*time.Second {
			t.Fatalf("answer after %v, want 30s", d)
		}
	})
}

func TestTokenRotation(t *testing.T) {
	f := newFixture(t)
	old := rest(f.srv, fullSID, token, nil)
	sec, err := old.AccountsV1.CreateSecondaryAuthToken(&accounts.CreateSecondaryAuthTokenParams{})
	if err != nil {
		t.Fatal(err)
	}
	if sec.DateCreated == nil || len(*sec.SecondaryAuthToken) != 32 {
		t.Fatalf("secondary = %+v", sec)
	}
	next := rest(f.srv, fullSID, *sec.SecondaryAuthToken, nil)
	// Both tokens work until the promotion.
	for name, rc := range map[string]*twilio.RestClient{"old": old, "secondary": next} {
		if _, err := rc.Api.FetchAccount(fullSID); err != nil {
			t.Fatalf("%s token before promotion: %v", name, err)
		}
	}
	p, err := next.AccountsV1.UpdateAuthTokenPromotion(&accounts.UpdateAuthTokenPromotionParams{})
	if err != nil || *p.AuthToken != *sec.SecondaryAuthToken {
		t.Fatalf("promote = %+v, %v", p, err)
	}
	_, err = old.Api.FetchAccount(fullSID)
	if re := restErr(t, err); re.Code != 20003 {
		t.Fatalf("old token after promotion: %+v, want 20003", re)
	}
	if _, err := next.Api.FetchAccount(fullSID); err != nil {
		t.Fatalf("new token after promotion: %v", err)
	}
	if got := f.srv.AuthToken(fullSID); got != *sec.SecondaryAuthToken {
		t.Fatal("AuthToken does not report the promoted token")
	}
	// No secondary is left: deleting it is a 404.
	err = next.AccountsV1.DeleteSecondaryAuthToken(&accounts.DeleteSecondaryAuthTokenParams{})
	if re := restErr(t, err); re.Code != 20404 {
		t.Fatalf("delete after promotion: %+v, want 20404", re)
	}
	if _, err := next.AccountsV1.CreateSecondaryAuthToken(&accounts.CreateSecondaryAuthTokenParams{}); err != nil {
		t.Fatal(err)
	}
	if err := next.AccountsV1.DeleteSecondaryAuthToken(&accounts.DeleteSecondaryAuthTokenParams{}); err != nil {
		t.Fatalf("delete: %v", err)
	}
}

func TestTransportHosts(t *testing.T) {
	for _, listen := range []bool{true, false} {
		var opts []twiliotest.Option
		if !listen {
			opts = append(opts, twiliotest.WithoutListener())
		}
		srv := twiliotest.NewServer(opts...)
		t.Cleanup(srv.Close)
		srv.AddAccount(twiliotest.Account{SID: fullSID, AuthToken: token})
		tests := []struct {
			base   string
			served bool
		}{
			{base: "https://api.twilio.com", served: true},
			{base: "https://api.sydney.au1.twilio.com", served: true},
			{base: srv.URL, served: true},
			{base: "https://example.com"},
			{base: "https://eviltwilio.com"},
			{base: "https://api.twilio.com.example.com"},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("listener=%v/%s", listen, tt.base), func(t *testing.T) {
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, tt.base+"/2010-04-01/Accounts/"+fullSID+".json", nil)
				req.SetBasicAuth(fullSID, token)
				resp, err := srv.Client().Do(req)
				if !tt.served {
					if err == nil {
						_ = resp.Body.Close()
						t.Fatalf("request to %s was served", tt.base)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d", resp.StatusCode)
				}
			})
		}
	}
}

func TestListMessagesFiltersAndFields(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, twiliotest.WithoutListener())
		full := rest(f.srv, fullSID, token, nil)
		send := func(rc *twilio.RestClient, from, to string) string {
			t.Helper()
			p := (&api.CreateMessageParams{}).SetTo(to).SetBody("Code 1")
			if from != "" {
				p.SetFrom(from)
			} else {
				p.SetMessagingServiceSid(f.trialSvc)
			}
			m, err := rc.Api.CreateMessage(p)
			if err != nil {
				t.Fatal(err)
			}
			return *m.Sid
		}
		f.srv.FailDelivery(stranger, 30099) // a code with no known message
		first := send(full, "+15017122662", verified)
		time.Sleep(time.Minute)
		between := time.Now()
		time.Sleep(time.Minute)
		second := send(full, "+15017122662", stranger)
		send(rest(f.srv, trialSID, token, nil), "", verified) // another account's
		time.Sleep(time.Minute)                               // every message has reached its last status

		sids := func(p *api.ListMessageParams) string {
			t.Helper()
			ms, err := full.Api.ListMessage(p)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range ms {
				out = append(out, *m.Sid)
			}
			return strings.Join(out, ",")
		}
		tests := []struct {
			name   string
			params *api.ListMessageParams
			want   string
		}{
			{"all of the account, newest first", &api.ListMessageParams{}, second + "," + first},
			{"to", (&api.ListMessageParams{}).SetTo(stranger), second},
			{"sent after", (&api.ListMessageParams{}).SetDateSentAfter(between), second},
			{"sent before", (&api.ListMessageParams{}).SetDateSentBefore(between), first},
		}
		for _, tt := range tests {
			if got := sids(tt.params); got != tt.want {
				t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
			}
		}

		delivered, err := full.Api.FetchMessage(first, nil)
		if err != nil {
			t.Fatal(err)
		}
		if *delivered.Status != "delivered" || delivered.DateSent == nil || delivered.Price == nil || *delivered.Price != "-0.00790" {
			t.Errorf("delivered message: status %s, date_sent %v, price %v", *delivered.Status, delivered.DateSent, delivered.Price)
		}
		failed, err := full.Api.FetchMessage(second, nil)
		if err != nil {
			t.Fatal(err)
		}
		if failed.ErrorCode == nil || *failed.ErrorCode != 30099 || failed.ErrorMessage == nil || *failed.ErrorMessage != "Unknown error" {
			t.Errorf("undelivered message: error_code %v, error_message %v", failed.ErrorCode, failed.ErrorMessage)
		}
	})
}

func TestServicePhoneNumberFields(t *testing.T) {
	f := newFixture(t, twiliotest.WithoutListener())
	tests := []struct{ e164, country string }{
		{"+442071838750", "GB"},
		{"+15017122663", "US"},
	}
	for _, tt := range tests {
		t.Run(tt.e164, func(t *testing.T) {
			svc := f.srv.AddService(fullSID, "Sender "+tt.e164, tt.e164)
			nums, err := rest(f.srv, fullSID, token, nil).MessagingV1.ListPhoneNumber(svc, nil)
			if err != nil || len(nums) != 1 {
				t.Fatalf("numbers = %v, %v", nums, err)
			}
			n := nums[0]
			if *n.PhoneNumber != tt.e164 || *n.CountryCode != tt.country || !slices.Contains(*n.Capabilities, "SMS") {
				t.Errorf("number = %s %s %v, want %s %s with SMS", *n.PhoneNumber, *n.CountryCode, *n.Capabilities, tt.e164, tt.country)
			}
		})
	}
}

// TestInboxChanged: the channel closes on a send, on a fetch that moves a status on
// (WithStatusStep(0)) and on Close; not when a status moves on with time, which Final
// tells a watcher to follow by time.
func TestInboxChanged(t *testing.T) {
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	send := func(t *testing.T, f fixture) string {
		t.Helper()
		m, err := rest(f.srv, trialSID, token, nil).Api.CreateMessage((&api.CreateMessageParams{}).SetTo(verified).SetMessagingServiceSid(f.trialSvc).SetBody("Code 4242"))
		if err != nil {
			t.Fatal(err)
		}
		return *m.Sid
	}
	t.Run("by time", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			f := newFixture(t, twiliotest.WithoutListener())
			ch := f.srv.InboxChanged()
			if closed(ch) {
				t.Fatal("closed before anything happened")
			}
			send(t, f)
			if !closed(ch) {
				t.Fatal("not closed by a send")
			}
			ch = f.srv.InboxChanged()
			if in := f.srv.Inbox(); in[0].Final {
				t.Fatalf("a new message is Final: %+v", in[0])
			}
			time.Sleep(10 * twiliotest.DefaultStatusStep)
			if in := f.srv.Inbox(); !in[0].Final || in[0].Status != "delivered" {
				t.Fatalf("after ten steps: %+v, want delivered and Final", in[0])
			}
			if closed(ch) {
				t.Fatal("closed by a status moving on with time")
			}
			f.srv.Close()
			if !closed(ch) || !closed(f.srv.InboxChanged()) {
				t.Fatal("not closed by Close")
			}
		})
	})
	t.Run("by fetch", func(t *testing.T) {
		f := newFixture(t, twiliotest.WithoutListener(), twiliotest.WithStatusStep(0))
		sid := send(t, f)
		ch := f.srv.InboxChanged()
		if _, err := rest(f.srv, trialSID, token, nil).Api.FetchMessage(sid, nil); err != nil {
			t.Fatal(err)
		}
		if !closed(ch) {
			t.Fatal("not closed by a fetch that moved the status on")
		}
	})
}
