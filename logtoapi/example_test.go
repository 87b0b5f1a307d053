package logtoapi_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// Example shows the wizard's path through a Logto tenant, here the in-process stand-in:
// check M2M access, find or create the app, read its secret, set up the Twilio connector
// (replacing nothing), then plan and apply phone sign-in.
func Example() {
	ctx := context.Background()
	srv := logtotest.NewServer()
	defer srv.Close()
	m2mID, m2mSecret := srv.AddM2MApp("logto-twilio", true)

	e, err := logtoapi.ParseEndpoint(srv.URL + "/oidc/")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: m2mID, AppSecret: m2mSecret}, srv.Client())
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.CheckAccess(ctx); err != nil {
		fmt.Println(logtoapi.Explain(err))
		return
	}

	apps, err := c.FindTraditionalApplications(ctx, "logto-twilio demo")
	if err != nil {
		fmt.Println(err)
		return
	}
	if len(apps) == 0 {
		app, err := c.CreateTraditionalApplication(ctx, logtoapi.NewApplication{
			Name:                   "logto-twilio demo",
			RedirectURIs:           []string{"http://localhost:3000/logto/sign-in-callback"},
			PostLogoutRedirectURIs: []string{"http://localhost:3000"},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		apps = append(apps, app)
	}
	secret, err := c.ApplicationSecret(ctx, apps[0].ID)
	fmt.Println("app secret found:", err == nil && secret != "")

	cfg := logtoapi.TwilioConfig{
		AccountSID: "AC00000000000000000000000000000000", AuthToken: "0123456789abcdef0123456789abcdef",
		FromMessagingServiceSID: "MG00000000000000000000000000000000",
		Templates: []logtoapi.SMSTemplate{
			{UsageType: "SignIn", Content: "Your sign-in code is {{code}}."},
			{UsageType: "Register", Content: "Your sign-up code is {{code}}."},
			{UsageType: "ForgotPassword", Content: "Your reset code is {{code}}."},
			{UsageType: "Generic", Content: "Your code is {{code}}."},
		},
	}
	cur, err := c.SMSConnector(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	if cur != nil && cur.IsTwilio() {
		_, err = c.UpdateTwilioConnector(ctx, cur.ID, cfg)
	} else {
		_, err = c.CreateTwilioConnector(ctx, cfg, "")
	}
	var we *logtoapi.WouldReplaceError
	if errors.As(err, &we) {
		fmt.Println("ask first:", we.Current.ConnectorID)
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}

	sie, err := c.SignInExperience(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	plan := logtoapi.PlanPhoneSignIn(sie)
	for _, line := range plan.Changes {
		fmt.Println("-", line)
	}
	if _, err := c.ApplySignInPlan(ctx, plan); err != nil {
		fmt.Println(logtoapi.Explain(err))
		return
	}
	fmt.Println("Console:", e.Console().SignInExperience() != "")
	// Output:
	// app secret found: true
	// - New users will sign up with their phone number and an SMS code, without a password (before: username and a password).
	// - Users can sign in with their phone number and an SMS code.
	// - Other sign-in methods stay: username with password.
	// Console: true
}
