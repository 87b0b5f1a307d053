package twiliotest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	api "github.com/twilio/twilio-go/rest/api/v2010"
	messaging "github.com/twilio/twilio-go/rest/messaging/v1"

	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// do sends a raw request through the stand-in's client and decodes the JSON answer.
func do(t *testing.T, srv *twiliotest.Server, method, rawURL, user, pass string, form url.Values) (int, map[string]any) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	if resp.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("%s %s: body: %v", method, rawURL, err)
		}
	}
	return resp.StatusCode, out
}

func TestRoutingAndAuthErrors(t *testing.T) {
	f := newFixture(t, twiliotest.WithoutListener())
	apiBase := "https://api.twilio.com/2010-04-01/Accounts/" + fullSID
	tests := []struct {
		name, method, url, user, pass string
		wantStatus, wantCode          int
	}{
		{name: "no credentials", method: "GET", url: apiBase + ".json", wantStatus: 401, wantCode: 20003},
		{name: "empty token (no secondary token either)", method: "GET", url: apiBase + ".json", user: fullSID, pass: "", wantStatus: 401, wantCode: 20003},
		{name: "unknown path", method: "GET", url: apiBase + "/Nope.json", user: fullSID, pass: token, wantStatus: 404, wantCode: 20404},
		{name: "wrong method", method: "PUT", url: apiBase + "/Messages.json", user: fullSID, pass: token, wantStatus: 405, wantCode: 20004},
		{name: "another account's path", method: "GET", url: "https://api.twilio.com/2010-04-01/Accounts/" + trialSID + "/Messages.json", user: fullSID, pass: token, wantStatus: 404, wantCode: 20404},
		{name: "unknown message", method: "GET", url: apiBase + "/Messages/SM" + strings.Repeat("0", 32) + ".json", user: fullSID, pass: token, wantStatus: 404, wantCode: 20404},
		{name: "unknown number", method: "GET", url: apiBase + "/IncomingPhoneNumbers/PN" + strings.Repeat("0", 32) + ".json", user: fullSID, pass: token, wantStatus: 404, wantCode: 20404},
		{name: "v1 path on the api host", method: "GET", url: "https://api.twilio.com/v1/Services", user: fullSID, pass: token, wantStatus: 404, wantCode: 20404},
		{name: "edge host still routes", method: "GET", url: "https://messaging.dublin.ie1.twilio.com/v1/Services", user: fullSID, pass: token, wantStatus: 200},
		{name: "promote without secondary", method: "POST", url: "https://accounts.twilio.com/v1/AuthTokens/Promote", user: fullSID, pass: token, wantStatus: 404, wantCode: 20404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var form url.Values
			if tt.method == "POST" {
				form = url.Values{}
			}
			status, body := do(t, f.srv, tt.method, tt.url, tt.user, tt.pass, form)
			if status != tt.wantStatus {
				t.Fatalf("status = %d (%v), want %d", status, body, tt.wantStatus)
			}
			if tt.wantCode == 0 {
				return
			}
			if int(body["code"].(float64)) != tt.wantCode || int(body["status"].(float64)) != tt.wantStatus ||
				body["more_info"] != "https://www.twilio.com/docs/errors/"+itoa(tt.wantCode) || body["message"] == "" {
				t.Fatalf("error body = %v, want code %d", body, tt.wantCode)
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestAccountStatus(t *testing.T) {
	srv := twiliotest.NewServer(twiliotest.WithoutListener())
	t.Cleanup(srv.Close)
	const suspended, closed = "AC000000000000000000000000000000c1", "AC000000000000000000000000000000c2"
	srv.AddAccount(twiliotest.Account{SID: suspended, AuthToken: token, Status: "suspended"})
	srv.AddAccount(twiliotest.Account{SID: closed, AuthToken: token, Status: "closed"})
	a, err := rest(srv, suspended, token, nil).Api.FetchAccount(suspended)
	if err != nil || *a.Status != "suspended" {
		t.Fatalf("suspended account fetch = %v, %v", a, err)
	}
	_, err = rest(srv, suspended, token, nil).MessagingV1.ListService(nil)
	if re := restErr(t, err); re.Code != 20003 {
		t.Fatalf("suspended account listing services: %+v, want 20003", re)
	}
	_, err = rest(srv, closed, token, nil).Api.FetchAccount(closed)
	if re := restErr(t, err); re.Code != 20003 {
		t.Fatalf("closed account: %+v, want 20003", re)
	}
}

func TestCreateMessageValidation(t *testing.T) {
	f := newFixture(t, twiliotest.WithoutListener())
	tests := []struct {
		name       string
		params     *api.CreateMessageParams
		wantCode   int
		wantStatus string
	}{
		{name: "no To", params: (&api.CreateMessageParams{}).SetMessagingServiceSid(f.fullSvc).SetBody("x"), wantCode: 21604},
		{name: "no sender", params: (&api.CreateMessageParams{}).SetTo(stranger).SetBody("x"), wantCode: 21603},
		{name: "no body", params: (&api.CreateMessageParams{}).SetTo(stranger).SetMessagingServiceSid(f.fullSvc), wantCode: 21602},
		{name: "body too long", params: (&api.CreateMessageParams{}).SetTo(stranger).SetMessagingServiceSid(f.fullSvc).SetBody(strings.Repeat("a", 1601)), wantCode: 21617},
		{name: "bad To", params: (&api.CreateMessageParams{}).SetTo("call me").SetMessagingServiceSid(f.fullSvc).SetBody("x"), wantCode: 21211},
		{name: "unknown service", params: (&api.CreateMessageParams{}).SetTo(stranger).SetMessagingServiceSid("MG" + strings.Repeat("0", 32)).SetBody("x"), wantCode: 21705},
		{name: "another account's service", params: (&api.CreateMessageParams{}).SetTo(stranger).SetMessagingServiceSid(f.trialSvc).SetBody("x"), wantCode: 21705},
		{name: "From not owned", params: (&api.CreateMessageParams{}).SetTo(stranger).SetFrom(senderNum).SetBody("x"), wantCode: 21606},
		{name: "From owned", params: (&api.CreateMessageParams{}).SetTo(stranger).SetFrom("+15017122662").SetBody("x"), wantStatus: "queued"},
		{name: "1600 characters", params: (&api.CreateMessageParams{}).SetTo(stranger).SetFrom("+15017122662").SetBody(strings.Repeat("a", 1600))},
	}
	rc := rest(f.srv, fullSID, token, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(f.srv.Inbox())
			m, err := rc.Api.CreateMessage(tt.params)
			if tt.wantCode == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if tt.wantStatus != "" && (*m.Status != tt.wantStatus || m.From == nil || *m.NumSegments == "0") {
					t.Fatalf("created %s from %v with %s segments; want %s with a sender", *m.Status, m.From, *m.NumSegments, tt.wantStatus)
				}
				return
			}
			if re := restErr(t, err); re.Code != tt.wantCode || re.Status != 400 {
				t.Fatalf("error = %+v, want 400 %d", re, tt.wantCode)
			}
			if len(f.srv.Inbox()) != before {
				t.Fatal("a refused message reached the inbox")
			}
		})
	}
}

func TestSegments(t *testing.T) {
	f := newFixture(t, twiliotest.WithoutListener(), twiliotest.WithStatusStep(0))
	rc := rest(f.srv, fullSID, token, nil)
	tests := []struct {
		body string
		want string
	}{
		{strings.Repeat("a", 160), "1"},
		{strings.Repeat("a", 161), "2"},
		{strings.Repeat("a", 306), "2"},
		{strings.Repeat("a", 307), "3"},
		{strings.Repeat("€", 80), "1"}, // escaped GSM: two septets each
		{strings.Repeat("€", 81), "2"},
		{strings.Repeat("é", 160), "1"}, // é is in the GSM basic set
		{strings.Repeat("✓", 70), "1"},
		{strings.Repeat("✓", 71), "2"},
		{strings.Repeat("😀", 35), "1"}, // two UTF-16 units each
		{strings.Repeat("😀", 36), "2"},
	}
	for _, tt := range tests {
		t.Run(tt.want+"/"+string([]rune(tt.body)[:1]), func(t *testing.T) {
			m, err := rc.Api.CreateMessage((&api.CreateMessageParams{}).SetTo(stranger).SetFrom("+15017122662").SetBody(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := rc.Api.FetchMessage(*m.Sid, nil)
			if err != nil {
				t.Fatal(err)
			}
			if *got.NumSegments != tt.want {
				t.Fatalf("num_segments = %s, want %s", *got.NumSegments, tt.want)
			}
		})
	}
}

func TestServiceRules(t *testing.T) {
	f := newFixture(t, twiliotest.WithoutListener())
	rc := rest(f.srv, fullSID, token, nil)
	_, err := rc.MessagingV1.CreateService(&messaging.CreateServiceParams{})
	if re := restErr(t, err); re.Status != 400 {
		t.Fatalf("service without a name: %+v, want 400", re)
	}
	_, err = rc.MessagingV1.CreateService((&messaging.CreateServiceParams{}).SetFriendlyName("x").SetUsecase("spam"))
	if re := restErr(t, err); re.Status != 400 {
		t.Fatalf("unknown usecase: %+v, want 400", re)
	}
	_, err = rc.MessagingV1.CreatePhoneNumber(f.fullSvc, (&messaging.CreatePhoneNumberParams{}).SetPhoneNumberSid(f.trialNum))
	if re := restErr(t, err); re.Code != 21421 {
		t.Fatalf("another account's number: %+v, want 21421", re)
	}
	if _, err := rc.MessagingV1.CreatePhoneNumber(f.fullSvc, (&messaging.CreatePhoneNumberParams{}).SetPhoneNumberSid(f.fullNumber)); err != nil {
		t.Fatal(err)
	}
	_, err = rc.MessagingV1.CreatePhoneNumber(f.fullSvc, (&messaging.CreatePhoneNumberParams{}).SetPhoneNumberSid(f.fullNumber))
	if re := restErr(t, err); re.Code != 21710 {
		t.Fatalf("same number twice: %+v, want 21710", re)
	}
	// Deleting the service frees its numbers.
	if err := rc.MessagingV1.DeleteService(f.fullSvc); err != nil {
		t.Fatal(err)
	}
	other, err := rc.MessagingV1.CreateService((&messaging.CreateServiceParams{}).SetFriendlyName("next"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.MessagingV1.CreatePhoneNumber(*other.Sid, (&messaging.CreatePhoneNumberParams{}).SetPhoneNumberSid(f.fullNumber)); err != nil {
		t.Fatalf("number freed by the delete: %v", err)
	}
}

// TestDropOverListener drops the connection over the real listener: the client sees an
// error, not an answer.
func TestDropOverListener(t *testing.T) {
	srv := twiliotest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddAccount(twiliotest.Account{SID: fullSID, AuthToken: token})
	srv.Inject("", "", twiliotest.Fault{Drop: true, Times: 1})
	get := func() (*http.Response, error) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/2010-04-01/Accounts/"+fullSID+".json", nil)
		req.SetBasicAuth(fullSID, token)
		return http.DefaultClient.Do(req)
	}
	if resp, err := get(); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("dropped request answered %d", resp.StatusCode)
	}
	resp, err := get()
	if err != nil {
		t.Fatalf("second request: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("second request: %d", resp.StatusCode)
	}
}

// TestConcurrentSends sends from many goroutines while others wait: run with -race.
func TestConcurrentSends(t *testing.T) {
	f := newFixture(t)
	const n = 20
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	got := make(chan string, n)
	for range n {
		wg.Go(func() {
			m, err := f.srv.WaitMessage(ctx, verified)
			if err != nil {
				t.Error(err)
				return
			}
			got <- m.SID
		})
	}
	for range n {
		wg.Go(func() {
			rc := rest(f.srv, trialSID, token, nil)
			if _, err := rc.Api.CreateMessage((&api.CreateMessageParams{}).SetTo(verified).SetMessagingServiceSid(f.trialSvc).SetBody("x")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	close(got)
	seen := map[string]bool{}
	for sid := range got {
		if seen[sid] {
			t.Fatalf("message %s returned to two waiters", sid)
		}
		seen[sid] = true
	}
	if len(seen) != n || len(f.srv.Inbox()) != n {
		t.Fatalf("waiters got %d messages, inbox has %d; want %d", len(seen), len(f.srv.Inbox()), n)
	}
}

func TestWaitMessageEnds(t *testing.T) {
	tests := []struct {
		name string
		stop func(srv *twiliotest.Server, cancel context.CancelFunc)
		want error
	}{
		{name: "context canceled", stop: func(_ *twiliotest.Server, cancel context.CancelFunc) { cancel() }, want: context.Canceled},
		{name: "server closed", stop: func(srv *twiliotest.Server, _ context.CancelFunc) { srv.Close() }, want: twiliotest.ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := twiliotest.NewServer(twiliotest.WithoutListener())
				defer srv.Close()
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				done := make(chan error, 1)
				go func() {
					_, err := srv.WaitMessage(ctx, verified)
					done <- err
				}()
				synctest.Wait() // the waiter is blocked
				select {
				case err := <-done:
					t.Fatalf("WaitMessage returned early: %v", err)
				default:
				}
				tt.stop(srv, cancel)
				if err := <-done; !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
			})
		})
	}
}

func TestRequests(t *testing.T) {
	f := newFixture(t, twiliotest.WithoutListener())
	rc := rest(f.srv, trialSID, token, nil)
	_, err := rc.Api.CreateMessage((&api.CreateMessageParams{}).SetTo(stranger).SetMessagingServiceSid(f.trialSvc).SetBody("Your code is 1"))
	if re := restErr(t, err); re.Code != 21608 {
		t.Fatalf("send: %+v", re)
	}
	f.srv.Inject("GET", "", twiliotest.Fault{Drop: true, Times: 1})
	if _, err := rc.MessagingV1.ListService(nil); !errors.Is(err, twiliotest.ErrConnectionDropped) {
		t.Fatalf("dropped list: %v", err)
	}
	got := f.srv.Requests()
	if len(got) != 2 {
		t.Fatalf("requests = %+v", got)
	}
	send, list := got[0], got[1]
	if send.Method != "POST" || send.Host != "api.twilio.com" || send.Path != "/2010-04-01/Accounts/"+trialSID+"/Messages.json" ||
		send.Form.Get("To") != stranger || send.Form.Get("Body") != "Your code is 1" || send.User != trialSID || send.Status != 400 {
		t.Fatalf("send recorded as %+v", send)
	}
	if list.Host != "messaging.twilio.com" || list.Path != "/v1/Services" || list.Query.Get("PageSize") == "" || list.Status != 0 {
		t.Fatalf("dropped list recorded as %+v", list)
	}
	if strings.Contains(fmt.Sprintf("%+v", got), token) {
		t.Fatal("the auth token was recorded")
	}
}

func TestValidationRequestInputs(t *testing.T) {
	f := newFixture(t, twiliotest.WithoutListener())
	apiURL := "https://api.twilio.com/2010-04-01/Accounts/" + trialSID + "/OutgoingCallerIds.json"
	tests := []struct {
		name         string
		form         url.Values
		wantStatus   int
		wantCode     int
		wantFriendly string
	}{
		{name: "no number", form: url.Values{}, wantStatus: 400, wantCode: 21604},
		{name: "not a number", form: url.Values{"PhoneNumber": {"abc"}}, wantStatus: 400, wantCode: 21211},
		{name: "no friendly name", form: url.Values{"PhoneNumber": {"+12015550123"}}, wantStatus: 200, wantFriendly: "(201) 555-0123"},
		{name: "friendly name", form: url.Values{"PhoneNumber": {"+12015550124"}, "FriendlyName": {"Mine"}}, wantStatus: 200, wantFriendly: "Mine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, f.srv, http.MethodPost, apiURL, trialSID, token, tt.form)
			if status != tt.wantStatus {
				t.Fatalf("status = %d (%v), want %d", status, body, tt.wantStatus)
			}
			if tt.wantCode != 0 {
				if code, _ := body["code"].(float64); int(code) != tt.wantCode {
					t.Errorf("body = %v, want code %d", body, tt.wantCode)
				}
				return
			}
			if body["friendly_name"] != tt.wantFriendly {
				t.Errorf("friendly_name = %v, want %q", body["friendly_name"], tt.wantFriendly)
			}
		})
	}
}

func TestMessagingServiceRefusals(t *testing.T) {
	f := newFixture(t, twiliotest.WithoutListener())
	const svcs = "https://messaging.twilio.com/v1/Services"
	unknown := "MG" + strings.Repeat("0", 32)
	tests := []struct {
		name, method, url    string
		form                 url.Values
		wantStatus, wantCode int
	}{
		{"name too long", http.MethodPost, svcs, url.Values{"FriendlyName": {strings.Repeat("x", 65)}}, 400, 20001},
		{"validity period 0", http.MethodPost, svcs, url.Values{"FriendlyName": {"x"}, "ValidityPeriod": {"0"}}, 400, 20001},
		{"validity period not a number", http.MethodPost, svcs, url.Values{"FriendlyName": {"x"}, "ValidityPeriod": {"ten"}}, 400, 20001},
		{"validity period too long", http.MethodPost, svcs, url.Values{"FriendlyName": {"x"}, "ValidityPeriod": {"36001"}}, 400, 20001},
		{"fetch unknown", http.MethodGet, svcs + "/" + unknown, nil, 404, 20404},
		{"fetch another account's", http.MethodGet, svcs + "/" + f.trialSvc, nil, 404, 20404},
		{"delete unknown", http.MethodDelete, svcs + "/" + unknown, nil, 404, 20404},
		{"numbers of unknown", http.MethodGet, svcs + "/" + unknown + "/PhoneNumbers", nil, 404, 20404},
		{"add number without its SID", http.MethodPost, svcs + "/" + f.fullSvc + "/PhoneNumbers", url.Values{}, 400, 20001},
		{"add number to unknown", http.MethodPost, svcs + "/" + unknown + "/PhoneNumbers", url.Values{"PhoneNumberSid": {f.fullNumber}}, 404, 20404},
		{"fetch a number of unknown", http.MethodGet, svcs + "/" + unknown + "/PhoneNumbers/" + f.fullNumber, nil, 404, 20404},
		{"remove a number from unknown", http.MethodDelete, svcs + "/" + unknown + "/PhoneNumbers/" + f.fullNumber, nil, 404, 20404},
		{"short codes of unknown", http.MethodGet, svcs + "/" + unknown + "/ShortCodes", nil, 404, 20404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, f.srv, tt.method, tt.url, fullSID, token, tt.form)
			if code, _ := body["code"].(float64); status != tt.wantStatus || int(code) != tt.wantCode {
				t.Errorf("%d %v, want %d with code %d", status, body, tt.wantStatus, tt.wantCode)
			}
		})
	}
	// A valid validity period is accepted.
	if status, body := do(t, f.srv, http.MethodPost, svcs, fullSID, token, url.Values{"FriendlyName": {"ok"}, "ValidityPeriod": {"36000"}}); status != 201 {
		t.Errorf("validity period 36000: %d %v", status, body)
	}
}

func TestAddAccountDefaults(t *testing.T) {
	srv := twiliotest.NewServer(twiliotest.WithoutListener())
	t.Cleanup(srv.Close)
	const sid = "AC0000000000000000000000000000cccc"
	srv.AddAccount(twiliotest.Account{SID: sid})
	tok := srv.AuthToken(sid)
	if len(tok) != 32 || strings.Trim(tok, "0123456789abcdef") != "" {
		t.Fatalf("generated token %q, want 32 hex digits", tok)
	}
	a, err := rest(srv, sid, tok, nil).Api.FetchAccount(sid)
	if err != nil {
		t.Fatal(err)
	}
	if *a.Type != "Full" || *a.Status != "active" || *a.FriendlyName != "My first Twilio account" {
		t.Errorf("account = %s %s %q, want Full active with a default name", *a.Type, *a.Status, *a.FriendlyName)
	}
}

func TestInjectAnyMethod(t *testing.T) {
	f := newFixture(t, twiliotest.WithoutListener())
	f.srv.Inject("*", "*", twiliotest.Fault{Status: 503, Code: 20503, Message: "Service unavailable", Times: 2})
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var form url.Values
		if method == http.MethodPost {
			form = url.Values{"FriendlyName": {"x"}}
		}
		if status, body := do(t, f.srv, method, "https://messaging.twilio.com/v1/Services", fullSID, token, form); status != 503 {
			t.Errorf("%s with a fault for any method: %d %v, want 503", method, status, body)
		}
	}
	if status, _ := do(t, f.srv, http.MethodGet, "https://messaging.twilio.com/v1/Services", fullSID, token, nil); status != 200 {
		t.Errorf("after the fault's two uses: %d, want 200", status)
	}
}

// TestMessageToWithAndWithoutPlus: Logto 1.37.1's connector (1.4.1) sends To as digits, 1.41's
// (1.4.4) with a "+" (Logto 1.41 replay, R4). Both are taken, and the message keeps what Twilio
// stores and answers: E.164, with the "+" (twilio_api_v2010.json: to is "The recipient's phone
// number in E.164 format").
func TestMessageToWithAndWithoutPlus(t *testing.T) {
	for _, to := range []string{"15551234567", "+15551234567"} {
		t.Run(to, func(t *testing.T) {
			f := newFixture(t)
			svc := f.srv.AddService(fullSID, "Logto", "+15005550006")
			form := url.Values{"To": {to}, "MessagingServiceSid": {svc}, "Body": {"Your code is 123456"}}
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost,
				f.srv.URL+"/2010-04-01/Accounts/"+fullSID+"/Messages.json", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(fullSID, token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var answer struct {
				To string `json:"to"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&answer)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusCreated || answer.To != "+15551234567" {
				t.Fatalf("%d, to %q", resp.StatusCode, answer.To)
			}
			inbox := f.srv.Inbox()
			if len(inbox) != 1 || inbox[0].To != "+15551234567" {
				t.Fatalf("inbox %+v", inbox)
			}
			for _, q := range []string{"+15551234567", "15551234567"} {
				list, err := rest(f.srv, fullSID, token, nil).Api.ListMessage((&api.ListMessageParams{}).SetTo(q))
				if err != nil || len(list) != 1 || *list[0].To != "+15551234567" {
					t.Errorf("list To=%s: %v, %v", q, list, err)
				}
			}
			if m, err := f.srv.WaitMessage(t.Context(), "+15551234567"); err != nil || m.SID != inbox[0].SID {
				t.Errorf("WaitMessage = %+v, %v", m, err)
			}
		})
	}
}
