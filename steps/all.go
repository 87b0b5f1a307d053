package steps

import "github.com/logto-twilio/logto-twilio/tui"

// All returns every step of the guide, in order. st is shared by the steps;
// cmd passes tui.Options{Checkpoint: Checkpoint(st, d.Store)} to save after
// each step and calls d.Demos.Close() when tui.Run returns.
func All(st *State, d Deps) []tui.Step {
	if d.Demos == nil {
		d.Demos = &DemoHost{}
	}
	dp := &d
	return []tui.Step{
		newWelcome(st, dp),
		newEndpoint(st, dp),
		newMethod(st, dp),
		newCreds(st, dp),
		newApp(st, dp),
		newTwilio(st, dp),
		newService(st, dp),
		newTemplates(st, dp),
		newConnector(st, dp),
		newTestSMS(st, dp),
		newSignIn(st, dp),
		newVerify(st, dp),
		newStarter(st, dp),
		newSummary(st, dp),
	}
}

// SignInCheck returns the guide's proof alone, for commands that change a
// finished setup (rotate): the demo server starts with the saved app
// credentials, the browser opens, the step waits for a sign-in, and the
// summary follows (the demo keeps serving the signed-in page until the user
// finishes). st holds the loaded setup; cmd closes d.Demos afterwards.
func SignInCheck(st *State, d Deps) []tui.Step {
	if d.Demos == nil {
		d.Demos = &DemoHost{}
	}
	dp := &d
	return []tui.Step{newVerify(st, dp), newSummary(st, dp)}
}
