package twiliotest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// Point the twiliosetup client (or any twilio-go client) at the stand-in with Client():
// requests to https://*.twilio.com are served in memory.
func ExampleServer_Client() {
	srv := twiliotest.NewServer()
	defer srv.Close()
	const sid, token = "AC0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"
	srv.AddAccount(twiliotest.Account{SID: sid, AuthToken: token, FriendlyName: "Workshop", Type: "Trial"})
	srv.AddService(sid, "Logto", "+15017122661")

	c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: sid, AuthToken: token}, srv.Client())
	if err != nil {
		panic(err)
	}
	acct, err := c.Account(context.Background())
	if err != nil {
		panic(err)
	}
	svcs, err := c.Services(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(acct.FriendlyName, acct.Type, len(svcs), svcs[0].FriendlyName)
	// Output: Workshop Trial 1 Logto
}

// Logto's Twilio connector posts straight to URL, with no host rewriting; the message
// lands in the inbox.
func ExampleServer_Inbox() {
	srv := twiliotest.NewServer()
	defer srv.Close()
	const sid, token = "AC0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"
	srv.AddAccount(twiliotest.Account{SID: sid, AuthToken: token})
	svc := srv.AddService(sid, "Logto", "+15017122661")

	form := url.Values{"To": {"15551234567"}, "MessagingServiceSid": {svc}, "Body": {"Your code is 123456"}}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/2010-04-01/Accounts/"+sid+"/Messages.json", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sid, token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	_ = resp.Body.Close()

	m, err := srv.WaitMessage(context.Background(), "+15551234567")
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, m.To, m.Body)
	// Output: 201 +15551234567 Your code is 123456
}
