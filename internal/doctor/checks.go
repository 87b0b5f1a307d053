package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/internal/docs"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// cmd is the command line to suggest for command and args (Config.Command), in backquotes.
func (r *run) cmd(command string, args ...string) string {
	return "`" + r.cfg.Command.Line(command, args...) + "`"
}

// hintRerun and hintM2M are hints of several checks.
func (r *run) hintRerun() string {
	return "Run " + r.cmd("setup") + " again: it finds what is saved and redoes only what is missing."
}

// hintRotation is the fix of every row while a rotation is under way (Setup.Rotation): its
// re-run finishes or reverts it (it needs no flag: it resumes what the record says), and
// until then the saved credentials may be about to change, so no other fix applies yet.
func (r *run) hintRotation() string {
	return "Run " + r.cmd("rotate") + " again to finish it (or revert it)."
}

// link is a Console URL to print, followed by the note that its address is a guess when
// it is one (a self-hosted Logto: the admin port 3002 is Logto's default, not known).
func (r *run) link(u string) string {
	if n := r.e.Console().GuessNote(); n != "" {
		return u + " " + n
	}
	return u
}

// hasM2M reports whether M2M credentials and a valid endpoint are saved: the checks
// that read Logto's settings (app, connector, sign-in) run.
func (r *run) hasM2M() bool {
	return r.cfg.Setup.M2MAppID != "" && r.cfg.Secrets.M2MAppSecret.IsSet() && r.eErr == nil
}

func (r *run) hintM2M() string {
	return "Run " + r.cmd("setup") + " with the automatic method (machine-to-machine credentials) to let doctor read Logto's settings."
}

func pass(detail string) Check       { return Check{Status: Pass, Detail: detail} }
func warn(detail, hint string) Check { return Check{Status: Warn, Detail: detail, Hint: hint} }
func fail(detail, hint string) Check { return Check{Status: Fail, Detail: detail, Hint: hint} }
func skip(detail, hint string) Check { return Check{Status: Skip, Detail: detail, Hint: hint} }
func quoted(s string) string         { return strconv.Quote(s) }
func listOf(items []string) string   { return strings.Join(items, ", ") }
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// setup describes what the saved setup holds (no call).
func (r *run) setup(ctx context.Context) Check {
	c := r.setupRow(ctx)
	if w := r.cfg.SecretsWhere; w != "" {
		c.Detail += " Secrets: " + w + "."
	}
	return c
}

func (r *run) setupRow(context.Context) Check {
	s := r.cfg.Setup
	if s.TornDown != nil {
		return warn("The setup was torn down on "+s.TornDown.UTC().Format(time.DateOnly)+"; the checks below show what is left.",
			"Run "+r.cmd("setup")+" to set it up again.")
	}
	if s.Rotation != nil {
		return warn(fmt.Sprintf("A rotation of the %s credentials is under way (phase %q): some checks may fail until it ends.", s.Rotation.What, s.Rotation.Phase),
			r.hintRotation())
	}
	var missing []string
	add := func(cond bool, what string) {
		if cond {
			missing = append(missing, what)
		}
	}
	add(s.Endpoint == "", "no Logto endpoint")
	add(s.AppID == "", "no app")
	add(s.TwilioAccountSID == "", "no Twilio account")
	add(s.ServiceSID == "", "no Messaging Service")
	add(s.ConnectorID == "" && s.ConnectorAction == "", "no SMS connector")
	add(!s.SignInConfigured, "phone sign-in not set up")
	if len(missing) > 0 {
		return warn("The saved setup is partial ("+listOf(missing)+"); doctor checks what exists and skips the rest.",
			"Run "+r.cmd("setup")+" to finish it.")
	}
	method := "automatic (M2M)"
	if s.Method == config.MethodManual {
		method = "manual (no M2M credentials)"
	}
	return pass(fmt.Sprintf("Saved setup for %s, app %q, %s.", s.Endpoint, s.AppName, method))
}

// endpoint: 1. discovery answers and its issuer is the saved endpoint's.
func (r *run) endpoint(ctx context.Context) Check {
	if r.eErr != nil {
		if errors.Is(r.eErr, errNoEndpoint) {
			return skip("No Logto endpoint is saved.", r.hintRerun())
		}
		return fail("The saved Logto endpoint "+quoted(r.cfg.Setup.Endpoint)+" is not valid: "+plain(r.eErr)+".", r.hintRerun())
	}
	d, err := logtoapi.Discover(ctx, r.cfg.LogtoHTTP, r.e)
	var bad *logtoapi.DiscoveryError
	if errors.As(err, &bad) && bad.Kind == logtoapi.DiscoveryMissing {
		// Something answered: neither the server nor the network is down.
		what, next := bad.Explain()
		return fail(what+".", next+" Then run "+r.cmd("doctor")+" again.")
	}
	if err != nil {
		return fail("Logto at "+r.e.String()+" does not answer its discovery document: "+plain(err)+".",
			"Check that Logto runs at this address (is the server or the network down?), then run "+r.cmd("doctor")+" again.")
	}
	if d.Issuer != r.e.Issuer() {
		return fail("Logto calls itself "+d.Issuer+", not "+r.e.Issuer()+": the demo's sign-in would be refused (issuer mismatch).",
			"Set Logto's ENDPOINT to "+r.e.String()+", or run "+r.cmd("setup")+" again with the endpoint "+strings.TrimSuffix(d.Issuer, "/oidc")+". "+docs.LogtoIssuerMismatch.More())
	}
	return pass(r.e.String() + " answers; its issuer " + d.Issuer + " matches the saved endpoint.")
}

// m2m: 2. the M2M credentials get a token with scope "all".
func (r *run) m2m(ctx context.Context) Check {
	s, sec := r.cfg.Setup, r.cfg.Secrets
	if s.M2MAppID == "" || !sec.M2MAppSecret.IsSet() {
		if s.Method == config.MethodManual {
			return skip("Manual setup: no M2M credentials are saved, so the app, connector and sign-in checks are skipped.", r.hintM2M())
		}
		return skip("No M2M credentials are saved: the app, connector and sign-in checks are skipped.", r.hintM2M())
	}
	if r.eErr != nil {
		return skip("No valid Logto endpoint is saved.", r.hintRerun())
	}
	lc, err := logtoapi.New(r.e, logtoapi.M2MCredentials{AppID: s.M2MAppID, AppSecret: sec.M2MAppSecret.Reveal()}, r.cfg.LogtoHTTP)
	if err != nil {
		return fail("The saved M2M credentials are not valid: "+plain(err)+".", r.hintRerun())
	}
	if err := lc.CheckAccess(ctx); err != nil {
		var se *logtoapi.ScopeError
		var nm *logtoapi.NotM2MAppError
		var ae *logtoapi.APIError
		switch {
		case errors.As(err, &se):
			return fail("The M2M app "+s.M2MAppID+" gets a token without the scope \"all\": it lacks the role \""+logtoapi.ManagementRoleName+"\".",
				"Assign that role to the M2M app in the Console: "+r.link(se.ConsoleURL)+" "+docs.LogtoManagementRole.More())
		case errors.As(err, &nm):
			return fail("The saved M2M app "+s.M2MAppID+" is not a machine-to-machine app, so Logto gives it no Management API token "+
				"(a Traditional web app's App ID and App secret get this answer).",
				logtoapi.NotM2MFix(nm.CreateURL)+" Then run "+r.cmd("setup")+" again with its App ID and App secret.")
		case errors.As(err, &ae) && ae.OAuth == "invalid_client":
			return fail("Logto refuses the saved M2M credentials (App ID "+s.M2MAppID+"): the app or its secret was deleted, rotated or has expired.",
				"Create a new secret for the M2M app, then run "+r.cmd("setup")+" again: "+r.link(r.e.Console().ApplicationDetails(s.M2MAppID))+" "+docs.LogtoInvalidClient.More())
		}
		return fail("No Management API token: "+plain(err)+".", "Check that Logto runs at "+r.e.String()+", then run "+r.cmd("doctor")+" again.")
	}
	r.lc = lc
	return pass("The M2M app " + s.M2MAppID + " gets a Management API token with the scope \"all\".")
}

// needM2M returns a SKIP row when the M2M check did not pass (nil otherwise).
func (r *run) needM2M(what string) *Check {
	if r.lc != nil {
		return nil
	}
	var c Check
	switch {
	case r.status(IDM2M) == Skip:
		c = skip("Not checked: reading "+what+" needs M2M credentials (see m2m).", "")
	default:
		c = skip("Not checked: reading "+what+" needs the M2M token, which failed (see m2m).", "")
	}
	return &c
}

// port is the demo port in use.
func (r *run) port() int {
	switch {
	case r.cfg.Port > 0:
		return r.cfg.Port
	case r.cfg.Setup.DemoPort > 0:
		return r.cfg.Setup.DemoPort
	}
	return config.DefaultPort
}

// app: 3. the app exists, is Traditional, its redirect URI matches the demo port in use and
// its post sign-out URI is registered.
func (r *run) app(ctx context.Context) Check {
	s := r.cfg.Setup
	if s.AppID == "" {
		return skip("No app is saved.", r.hintRerun())
	}
	if c := r.needM2M("the app's settings"); c != nil {
		return *c
	}
	page := r.e.Console().ApplicationDetails(s.AppID)
	app, err := r.lc.GetApplication(ctx, s.AppID)
	if err != nil {
		var ae *logtoapi.APIError
		if errors.As(err, &ae) && ae.Status == 404 {
			return fail("Logto has no app "+s.AppID+" any more (deleted?).", "Run "+r.cmd("setup")+" again to create or pick an app.")
		}
		return fail("Cannot read the app "+s.AppID+": "+plain(err)+".", "Run "+r.cmd("doctor")+" again; if it persists, check Logto's server log.")
	}
	if app.Type != "Traditional" {
		return fail(fmt.Sprintf("The app %q (%s) is a %s app, not a Traditional web app: the demo's sign-in needs one.", app.Name, app.ID, app.Type),
			"Run "+r.cmd("setup")+" again and create a Traditional web app.")
	}
	base := "http://localhost:" + strconv.Itoa(r.port())
	redirect, postLogout := demo.RedirectURI(base), demo.PostLogoutRedirectURI(base)
	if !slices.Contains(app.RedirectURIs, redirect) {
		detail := fmt.Sprintf("The app %q does not list the redirect URI %s (demo port %d), so Logto refuses the demo's sign-in.", app.Name, redirect, r.port())
		if len(app.RedirectURIs) > 0 {
			detail += " It lists: " + listOf(app.RedirectURIs) + "."
		}
		return fail(detail, "Run "+r.cmd("setup")+" again, or add "+redirect+" under Redirect URIs on the app's page: "+r.link(page))
	}
	if !slices.Contains(app.PostLogoutRedirectURIs, postLogout) {
		return warn(fmt.Sprintf("The app %q does not list the post sign-out redirect URI %s: signing out of the demo ends on a Logto error page.", app.Name, postLogout),
			"Run "+r.cmd("setup")+" again, or add "+postLogout+" under Post sign-out redirect URIs on the app's page: "+r.link(page))
	}
	return pass(fmt.Sprintf("The app %q (%s) is a Traditional web app with the redirect URI %s and the post sign-out URI.", app.Name, app.ID, redirect))
}

// appSecret: 3. the saved app secret still authenticates (token endpoint probe; no M2M).
func (r *run) appSecret(ctx context.Context) Check {
	s, sec := r.cfg.Setup, r.cfg.Secrets
	if s.AppID == "" || !sec.AppSecret.IsSet() {
		return skip("No app secret is saved.", r.hintRerun())
	}
	if r.eErr != nil {
		return skip("No valid Logto endpoint is saved.", r.hintRerun())
	}
	hc := *r.cfg.LogtoHTTP
	hc.Transport = probeGuard{next: hc.Transport}
	got, err := logtoapi.VerifyAppCredentials(ctx, &hc, r.e, s.AppID, sec.AppSecret.Reveal())
	if err != nil {
		return fail("Cannot check the app secret at Logto's token endpoint: "+plain(err)+".", "Check that Logto runs at "+r.e.String()+", then run "+r.cmd("doctor")+" again.")
	}
	page := r.e.Console().ApplicationDetails(s.AppID)
	switch got {
	case logtoapi.AppCredentialsOK:
		return pass("Logto's token endpoint accepts the saved app secret of " + s.AppID + ".")
	case logtoapi.AppSecretWrong:
		return fail("Logto refuses the saved app secret of "+s.AppID+": it was deleted, rotated or has expired.",
			"Run "+r.cmd("rotate")+", or add a secret on the app's page and run "+r.cmd("setup")+" again: "+r.link(page))
	case logtoapi.AppNoRedirectURI:
		// Logto refuses the app's token requests before it looks at the secret.
		if r.hasM2M() {
			// The app row reads the app and reports the missing URI with its fix.
			return skip("Not checked: the app "+s.AppID+" has no redirect URI, and Logto's token endpoint refuses its requests "+
				"before it looks at the secret (see app).", "Fix the app first (see app), then run "+r.cmd("doctor")+" again.")
		}
		// No M2M credentials: no other row can read the app, so this one says it.
		redirect := demo.RedirectURI("http://localhost:" + strconv.Itoa(r.port()))
		return fail("The app "+s.AppID+" has no redirect URI: Logto's token endpoint refuses its requests (so the saved app secret "+
			"could not be checked) and the demo's sign-in cannot work.",
			"Add "+redirect+" under Redirect URIs on the app's page, then run "+r.cmd("doctor")+" again: "+r.link(page))
	case logtoapi.AppUnknown:
		return fail("Logto has no app "+s.AppID+" any more (deleted?).", "Run "+r.cmd("setup")+" again to create or pick an app.")
	case logtoapi.AppNotTraditional:
		return fail("The app "+s.AppID+" cannot use the sign-in code flow: it is not a Traditional web app.", "Run "+r.cmd("setup")+" again and create a Traditional web app.")
	}
	return fail("Unexpected answer from the token endpoint ("+got.String()+").", "")
}

// connector: 4. exactly one SMS connector, Twilio, with the saved account and service.
func (r *run) connector(ctx context.Context) Check {
	s := r.cfg.Setup
	if s.ConnectorID == "" && s.ConnectorAction == "" && s.TwilioAccountSID == "" {
		return skip("No SMS connector is saved.", r.hintRerun())
	}
	if c := r.needM2M("the SMS connector"); c != nil {
		c.Detail += " The Twilio checks use the saved credentials."
		return *c
	}
	page := r.e.Console().SMSConnector()
	k, err := r.lc.SMSConnector(ctx)
	if err != nil {
		var ae *logtoapi.APIError
		if errors.As(err, &ae) && ae.Code == "connector.more_than_one_sms" {
			return fail("The tenant has more than one SMS connector: Logto refuses to list its connectors and cannot pick one to send codes with.",
				"Keep one SMS connector: remove the others in the Console, then run "+r.cmd("doctor")+" again: "+r.link(page))
		}
		return fail("Cannot read the SMS connector: "+plain(err)+".", "Run "+r.cmd("doctor")+" again; if it persists, check Logto's server log.")
	}
	if k == nil {
		return fail("The tenant has no SMS connector: nobody can get a sign-in code.", "Run "+r.cmd("setup")+" again to create the Twilio connector.")
	}
	if !k.IsTwilio() {
		if s.ConnectorAction == config.ConnectorKept {
			return warn("The SMS connector "+k.ID+" is "+k.ConnectorID+", not Twilio (kept at setup): the Twilio checks use the saved credentials.", "")
		}
		return fail("The SMS connector "+k.ID+" is "+k.ConnectorID+", not Twilio: codes are not sent with the saved Twilio account.",
			"Run "+r.cmd("setup")+" again to put the Twilio connector back (it replaces the other one, after asking).")
	}
	tc, err := k.TwilioConfig()
	if err != nil {
		return fail("The Twilio connector's config cannot be read: "+plain(err)+".", "Run "+r.cmd("setup")+" again, or open the connector in the Console and save it again: "+r.link(page))
	}
	r.addSecret(tc.AuthToken)
	r.conn = &tc
	var diffs []string
	if s.TwilioAccountSID != "" && tc.AccountSID != s.TwilioAccountSID {
		diffs = append(diffs, "accountSID "+tc.AccountSID+" (saved "+s.TwilioAccountSID+")")
	}
	if s.ServiceSID != "" && tc.FromMessagingServiceSID != s.ServiceSID {
		diffs = append(diffs, "fromMessagingServiceSID "+tc.FromMessagingServiceSID+" (saved "+s.ServiceSID+")")
	}
	note := ""
	if s.ConnectorID != "" && k.ID != s.ConnectorID {
		note = " (its id changed: saved " + s.ConnectorID + ")"
	}
	if len(diffs) > 0 {
		return warn("The Twilio connector "+k.ID+note+" differs from the saved setup: "+listOf(diffs)+". The Twilio checks use the connector's values.",
			"Fine for a workshop's shared connector; otherwise run "+r.cmd("setup")+" again to update the connector.")
	}
	return pass("One SMS connector, " + k.ID + note + ": Twilio, with the saved account " + tc.AccountSID + " and Messaging Service " + tc.FromMessagingServiceSID + ".")
}

// templates: 7. the nine templates exist and contain {{code}} (no call: the connector's
// config, else the saved copy).
func (r *run) templates(context.Context) Check {
	var list []logtoapi.SMSTemplate
	from, note := "The connector's", ""
	switch {
	case r.conn != nil:
		list = r.conn.Templates
	case len(r.cfg.Setup.Templates) > 0:
		from, note = "The saved", " (the connector was not read)"
		for _, t := range r.cfg.Setup.Templates {
			list = append(list, logtoapi.SMSTemplate{UsageType: t.UsageType, Content: t.Content})
		}
	default:
		return skip("No templates to check: the connector was not read and none are saved.", "")
	}
	have := map[string]bool{}
	var noCode []string
	for _, t := range list {
		have[t.UsageType] = true
		if !strings.Contains(t.Content, twiliosetup.CodePlaceholder) {
			noCode = append(noCode, t.UsageType)
		}
	}
	var missingReq, missingOpt []string
	for _, u := range twiliosetup.UsageTypes {
		if have[u] {
			continue
		}
		if slices.Contains(logtoapi.RequiredUsageTypes, u) {
			missingReq = append(missingReq, u)
		} else {
			missingOpt = append(missingOpt, u)
		}
	}
	hint := "Run " + r.cmd("setup") + " again (the templates step) to write all nine templates."
	var problems []string
	if len(noCode) > 0 {
		problems = append(problems, "without {{code}}: "+listOf(noCode)+" (users would get no code)")
	}
	if len(missingReq) > 0 {
		problems = append(problems, "missing required: "+listOf(missingReq))
	}
	if len(problems) > 0 {
		return fail(from+" SMS templates are broken"+note+": "+strings.Join(problems, "; ")+".", hint)
	}
	if len(missingOpt) > 0 {
		return warn(from+" SMS templates"+note+" lack "+listOf(missingOpt)+": Logto sends the Generic one for them (Logto 1.35 or later; older versions fail).", hint)
	}
	return pass(from + " " + strconv.Itoa(len(twiliosetup.UsageTypes)) + " SMS templates are all there and contain {{code}}" + note + ".")
}

// signIn: 8. sign-up by phone with verification, sign-in by phone + SMS code.
func (r *run) signIn(ctx context.Context) Check {
	if c := r.needM2M("the sign-in experience"); c != nil {
		return *c
	}
	x, err := r.lc.SignInExperience(ctx)
	if err != nil {
		return fail("Cannot read the sign-in experience: "+plain(err)+".", "Run "+r.cmd("doctor")+" again; if it persists, check Logto's server log.")
	}
	var problems []string
	if !slices.Contains(x.SignUp.Identifiers, logtoapi.IdentifierPhone) || !x.SignUp.Verify {
		now := "none"
		if len(x.SignUp.Identifiers) > 0 {
			now = listOf(x.SignUp.Identifiers)
		}
		problems = append(problems, "sign-up is not by phone with verification (now: "+now+")")
	}
	code := slices.ContainsFunc(x.SignIn.Methods, func(m logtoapi.SignInMethod) bool {
		return m.Identifier == logtoapi.IdentifierPhone && m.VerificationCode
	})
	if !code {
		problems = append(problems, "sign-in by phone + SMS code is off")
	}
	hint := "Run " + r.cmd("setup") + " again (the sign-in step), or change it in the Console: " + r.link(r.e.Console().SignInExperience())
	if len(problems) > 0 {
		return fail("The sign-in experience changed: "+strings.Join(problems, "; ")+".", hint)
	}
	if x.SignInMode == "SignIn" {
		return warn("Phone sign-in is on, but the sign-in mode is \"sign in only\": new phone numbers cannot sign up.", "Allow registration in the Console: "+r.link(r.e.Console().SignInExperience()))
	}
	if slices.Contains(x.MFAFactors, "PhoneVerificationCode") {
		return warn("Phone sign-in is on, but SMS is also an MFA factor: Logto refuses SMS-code sign-in until it is removed from MFA.", "Remove SMS from MFA in the Console (Security → MFA).")
	}
	return pass("Sign-up by phone with verification and sign-in by phone + SMS code are on.")
}

// twilio: 5. the Twilio credentials (the connector's, else the saved ones) fetch the
// account, which is active.
func (r *run) twilio(ctx context.Context) Check {
	s, sec := r.cfg.Setup, r.cfg.Secrets
	saved := logtoapi.TwilioConfig{AccountSID: s.TwilioAccountSID, AuthToken: sec.TwilioAuthToken.Reveal(), FromMessagingServiceSID: s.ServiceSID}
	for _, t := range s.Templates {
		saved.Templates = append(saved.Templates, logtoapi.SMSTemplate{UsageType: t.UsageType, Content: t.Content})
	}
	note := ""
	switch {
	case r.conn != nil && usableToken(r.conn.AuthToken):
		r.tcfg, r.tcfgFrom = *r.conn, "the connector's"
	case r.conn != nil && r.conn.AccountSID == s.TwilioAccountSID && sec.TwilioAuthToken.IsSet():
		r.tcfg, r.tcfgFrom = *r.conn, "the saved"
		r.tcfg.AuthToken = saved.AuthToken
		note = " Logto did not return the connector's Auth Token, so the saved one was used."
	case r.conn != nil:
		return fail("Logto did not return the connector's Auth Token and the connector's account "+r.conn.AccountSID+" is not the saved one: the credentials cannot be checked.", r.hintRerun())
	case s.TwilioAccountSID != "" && sec.TwilioAuthToken.IsSet():
		r.tcfg, r.tcfgFrom = saved, "the saved"
	default:
		return skip("No Twilio credentials are saved.", r.hintRerun())
	}
	tw, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: r.tcfg.AccountSID, AuthToken: r.tcfg.AuthToken}, r.cfg.TwilioHTTP)
	if err != nil {
		return fail(upperFirst(r.tcfgFrom)+" Twilio credentials are not valid: "+plain(err)+"."+note, r.hintRerun())
	}
	a, err := tw.Account(ctx)
	if err != nil {
		var te *twiliosetup.Error
		if errors.As(err, &te) && te.Code == twiliosetup.CodeAuthenticate {
			return fail("Twilio refuses "+r.tcfgFrom+" Auth Token of account "+r.tcfg.AccountSID+": it was revoked or rotated."+note,
				"Copy the current Auth Token from the Twilio Console (Account info) and run "+r.cmd("rotate")+" or "+r.cmd("setup")+" again: the connector needs it too. "+docs.Twilio20003.More())
		}
		return fail("Cannot fetch the Twilio account "+r.tcfg.AccountSID+": "+plain(err)+"."+note, "Run "+r.cmd("doctor")+" again; Twilio's status page says whether it is down.")
	}
	if !a.IsActive() {
		return fail("The Twilio account "+a.SID+" is "+a.Status+": it cannot send SMS."+note, "Reactivate it in the Twilio Console, or run "+r.cmd("setup")+" again with another account.")
	}
	r.tw, r.acct = tw, a
	kind := "full"
	if a.IsTrial() {
		kind = "trial"
	}
	detail := fmt.Sprintf("%s Auth Token works: account %s (%q) is active, %s.%s", upperFirst(r.tcfgFrom), a.SID, a.FriendlyName, kind, note)
	if r.tcfg.AccountSID == s.TwilioAccountSID && sec.TwilioAuthToken.IsSet() && r.tcfg.AuthToken != sec.TwilioAuthToken.Reveal() {
		if s.Rotation != nil && s.Rotation.What == "twilio" {
			// The rotation's own half-way state: its re-run puts them in step (the hint
			// is the setup row's, see duringRotation).
			return warn(detail+" The saved Auth Token is not the connector's: the rotation of the Twilio Auth Token under way (see setup) stopped half-way.",
				r.hintRotation())
		}
		return warn(detail+" The saved Auth Token is not the connector's (changed outside logto-twilio?), so commands that use it may fail.",
			"Run "+r.cmd("setup")+" again and paste the current Auth Token, so that the saved one matches.")
	}
	return pass(detail)
}

// usableToken reports whether an Auth Token read from Logto is a real value (not absent
// or masked).
func usableToken(t string) bool {
	return t != "" && twiliosetup.ValidateAuthToken(t) == nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// needTwilio returns a SKIP row when the twilio check did not pass.
func (r *run) needTwilio() *Check {
	if r.tw != nil {
		return nil
	}
	c := skip("Not checked: needs working Twilio credentials (see twilio).", "")
	return &c
}

// service: 6. the Messaging Service exists and has at least one sender (one call: its
// sender list answers 404 for an unknown service).
func (r *run) service(ctx context.Context) Check {
	if c := r.needTwilio(); c != nil {
		return *c
	}
	sid := r.tcfg.FromMessagingServiceSID
	if sid == "" {
		return skip("No Messaging Service is saved.", r.hintRerun())
	}
	senders, err := r.tw.ServiceSenders(ctx, sid)
	if err != nil {
		var te *twiliosetup.Error
		if errors.As(err, &te) && te.Code == twiliosetup.CodeNotFound {
			return fail("The Messaging Service "+sid+" does not exist in account "+r.tcfg.AccountSID+" (deleted?).",
				"Run "+r.cmd("setup")+" again to pick or create a Messaging Service.")
		}
		return fail("Cannot read the Messaging Service "+sid+": "+plain(err)+".", "Run "+r.cmd("doctor")+" again; Twilio's status page says whether it is down.")
	}
	if len(senders) == 0 {
		return fail("The Messaging Service "+sid+" has no sender number, so Twilio cannot send through it.",
			"Add a phone number to its Sender Pool (Twilio Console: Messaging → Services → "+sid+"), or run "+r.cmd("setup")+" again.")
	}
	nums := make([]string, 0, len(senders))
	for _, snd := range senders {
		nums = append(nums, snd.PhoneNumber)
	}
	return pass("The Messaging Service " + sid + " has " + plural(len(senders), "sender", "senders") + ": " + listOf(nums) + ".")
}

// testPhone is the phone the trial and test-SMS checks use: --send-test-sms, else the
// saved test phone.
func (r *run) testPhone() string {
	if r.cfg.SendTestSMS != "" {
		return r.cfg.SendTestSMS
	}
	return r.cfg.Setup.TestPhone
}

// trialPhone: 9. on a trial account, the test phone is a verified caller ID.
func (r *run) trialPhone(ctx context.Context) Check {
	if c := r.needTwilio(); c != nil {
		return *c
	}
	if !r.acct.IsTrial() {
		return pass("Full account: it may text any number.")
	}
	raw := r.testPhone()
	if raw == "" {
		return skip("Trial account, but no test phone is saved to check.", "Add --send-test-sms +15551234567 to check a number (and send it a test SMS).")
	}
	p, err := twiliosetup.ParsePhone(raw, "")
	if err != nil {
		return fail("The test phone "+quoted(raw)+" is not a valid number: "+plain(err)+".", "Give it in international format, e.g. +15551234567.")
	}
	ids, err := r.tw.VerifiedCallerIDs(ctx)
	if err != nil {
		return fail("Cannot list the trial account's verified caller IDs: "+plain(err)+".", "Run "+r.cmd("doctor")+" again; Twilio's status page says whether it is down.")
	}
	for _, id := range ids {
		if q, err := twiliosetup.ParsePhone(id, ""); err == nil && q.E164() == p.E164() {
			return pass("Trial account: " + p.E164() + " is a verified caller ID.")
		}
	}
	return fail("Trial account: "+p.E164()+" is not a verified caller ID, so Twilio refuses to text it (error 21608).",
		"Upgrade the account, or verify the number in the Twilio Console: "+twiliosetup.ConsoleVerifiedCallerIDs)
}

// testSMS: 10. a test SMS through Logto's connector, delivery followed to a final state.
func (r *run) testSMS(ctx context.Context) Check {
	raw := r.cfg.SendTestSMS
	if raw == "" {
		return skip("No test SMS was asked for.", "Add --send-test-sms +15551234567 to send one through Logto's connector and follow its delivery.")
	}
	p, err := twiliosetup.ParsePhone(raw, "")
	if err != nil {
		return fail("The test phone "+quoted(raw)+" is not a valid number: "+plain(err)+".", "Give it in international format, e.g. +15551234567.")
	}
	if r.lc == nil {
		return skip("Not sent: Logto's connector test is a Management API call and needs the M2M token (see m2m).", r.hintM2M())
	}
	if c := r.needTwilio(); c != nil {
		c.Detail = "Not sent: the Twilio account check did not pass (see twilio)."
		return *c
	}
	for _, dep := range []string{IDTemplates, IDService, IDTrialPhone} {
		if r.status(dep) == Fail {
			return skip("Not sent: it would not arrive (see "+dep+").", "")
		}
	}
	since := r.now().Add(-time.Minute)
	if err := r.lc.TestTwilioConnector(ctx, p.Digits(), r.tcfg); err != nil {
		if c, ok := r.tooManyCodes(p, err); ok {
			return c
		}
		return fail("Logto's connector could not send the test SMS to "+p.E164()+": "+plain(err)+".", "Fix what the other rows report, then run "+r.cmd("doctor", "--send-test-sms", p.E164())+" again.")
	}
	msg, err := r.tw.FindSentMessage(ctx, p, since)
	if err != nil {
		return warn("Logto's connector sent the test SMS to "+p.E164()+", but Twilio did not list it, so its delivery was not followed: "+plain(err)+".",
			"Check the phone, or Twilio Console → Monitor → Logs → Messaging.")
	}
	final, err := r.tw.Follow(ctx, msg.SID, nil)
	if err != nil {
		return warn("The test SMS "+msg.SID+" to "+p.E164()+" was sent, but its delivery could not be followed: "+plain(err)+".",
			"Check the phone, or Twilio Console → Monitor → Logs → Messaging.")
	}
	if e := final.Err(); e != nil {
		hint := "Open the message in the Twilio Console (Monitor → Logs → Messaging) to see why."
		var te *twiliosetup.Error
		if errors.As(e, &te) && te.Next != "" {
			hint = te.Next
		}
		return fail("The test SMS "+final.SID+" to "+p.E164()+" ended "+final.Status+": "+plain(e)+".", hint)
	}
	if final.Status == twiliosetup.StatusSent {
		return r.signInOnly(ctx, p, pass("The test SMS "+final.SID+" to "+p.E164()+" was sent through Logto's connector (no delivery receipt yet; many carriers send none)."))
	}
	return r.signInOnly(ctx, p, pass("The test SMS "+final.SID+" to "+p.E164()+" was "+final.Status+" through Logto's connector."))
}

// errProbeAccepted: the token endpoint answered 200 to the made-up code of the app-secret
// probe. Logto never does (fixtures 120–123), so something else answered (a proxy page).
var errProbeAccepted = errors.New("the token endpoint answered 200 to a made-up sign-in code, so it is not Logto answering (a proxy or an error page?)")

// probeGuard turns a 200 answer to the app-secret probe into errProbeAccepted, which
// logtoapi.VerifyAppCredentials would take for accepted credentials.
type probeGuard struct{ next http.RoundTripper }

func (g probeGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	next := g.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusOK {
		_ = resp.Body.Close()
		return nil, errProbeAccepted
	}
	return resp, nil
}
