package doctor

import (
	"context"
	"errors"
	"fmt"

	"github.com/logto-twilio/logto-twilio/internal/docs"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// tooManyCodes is the test-sms finding when Logto refused to send because the phone got too
// many codes (1.41: 429 request.message_rate_limited, at most 10 codes to one phone in 10
// minutes). Retrying cannot help until the window has passed, so doctor does not retry, and
// says how long to wait. ok is false for any other error.
func (r *run) tooManyCodes(p twiliosetup.Phone, err error) (Check, bool) {
	var rl *logtoapi.MessageRateLimitError
	if !errors.As(err, &rl) {
		return Check{}, false
	}
	wait := fmt.Sprintf("%d minutes", int(logtoapi.MessageRateWindow.Minutes()))
	return warn(fmt.Sprintf("Not sent: Logto refused to send another code to %s, which got too many codes (Logto sends at most %d to one phone in %s).",
		p.E164(), logtoapi.MessageRateLimit, wait),
		"Wait up to "+wait+", then run "+r.cmd("doctor", "--send-test-sms", p.E164())+
			" again; a sign-in with this phone before then gets the same refusal, so retrying sooner does not help. "+
			docs.LogtoMessageRateLimited.More()), true
}

// signInOnly turns a passing test SMS into what it means for a sign-in when the sign-in
// experience is sign-in only: Logto's connector test texts any phone, but a sign-in sends
// a code only to a phone that has an account (1.41 answers 200 and sends nothing), so
// doctor says which case p is. Any other sign-in mode, or a read that fails, keeps c.
func (r *run) signInOnly(ctx context.Context, p twiliosetup.Phone, c Check) Check {
	x, err := r.lc.SignInExperience(ctx)
	if err != nil || x.SignInMode != logtoapi.SignInModeSignIn {
		return c
	}
	has, err := r.lc.PhoneHasAccount(ctx, p.Digits())
	switch {
	case err != nil:
		return c
	case has:
		c.Detail += " The sign-in mode is \"sign in only\", and " + p.E164() + " has an account, so its sign-in gets codes."
		return c
	}
	return warn(c.Detail+" But the sign-in mode is \"sign in only\" and "+p.E164()+" has no account, so a sign-in with it gets no code (Logto sends nothing and shows no error).",
		"Register the phone (Console → User management → Add user), or allow registration (Console → Sign-in experience: "+
			r.e.Console().SignInExperience()+"). "+docs.LogtoSignInOnly.More())
}
