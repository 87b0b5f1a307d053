package steps

import (
	"fmt"
	"slices"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// Source says where a prefilled answer came from. A step run without its
// form says it on its ✓ line: "(from env)".
type Source string

// The sources of an answer, from the strongest: a flag wins over the
// environment, the environment over an answers file, that file over the
// saved setup. The sandbox and a preset (a workshop card) fill what is left.
const (
	SourceFlag    Source = "flag"
	SourceEnv     Source = "env"
	SourceAnswers Source = "answers"
	SourceSaved   Source = "saved"
	SourcePreset  Source = "preset"
	SourceSandbox Source = "sandbox"
)

// Answer IDs: the stable names of the wizard's questions, as an answers
// file (--answers, docs/answers.md) and Prefill.Sources know them.
const (
	AnswerMode            = "mode" // welcome, with a saved setup: resume, reverify, fresh
	AnswerEndpoint        = "endpoint"
	AnswerMethod          = "method" // auto, auto-create, manual
	AnswerM2MAppID        = "m2m-app-id"
	AnswerM2MAppSecret    = "m2m-app-secret" //nolint:gosec // an answer's name, not a credential
	AnswerAppID           = "app-id"         // manual: the pasted app; automatic: which app of a name to reuse
	AnswerAppSecret       = "app-secret"
	AnswerAppName         = "app-name"
	AnswerAppChoice       = "app-choice" // reuse, new
	AnswerTwilioSID       = "twilio-account-sid"
	AnswerTwilioToken     = "twilio-auth-token" //nolint:gosec // an answer's name, not a credential
	AnswerService         = "service"           // a Messaging Service SID (MG…), or "new"
	AnswerServiceName     = "service-name"
	AnswerServiceNumber   = "service-number"   // the number (E.164 or PN… SID) for a new service
	AnswerTemplatesPrefix = "templates."       // templates.<UsageType>: that message's text
	AnswerConnector       = "connector-choice" // create, update, replace, keep, done
	AnswerTestPhone       = "test-phone"
	AnswerSignInApply     = "signin-apply" // yes, no
	AnswerStarter         = "starter"      // yes, no
	AnswerStarterDir      = "starter-dir"
	AnswerPort            = "port"
)

// SecretAnswers are the answer IDs whose values are secrets, in the
// wizard's answers and in the other commands' (rotate's new values): an
// answers file holding one must be private to its owner (mode 0600).
var SecretAnswers = []string{AnswerM2MAppSecret, AnswerAppSecret, AnswerTwilioToken, "new-twilio-token"}

// WizardAnswers are the answer IDs setup reads (templates.<UsageType>
// besides).
var WizardAnswers = []string{
	AnswerMode, AnswerEndpoint, AnswerMethod, AnswerM2MAppID, AnswerM2MAppSecret, AnswerAppID, AnswerAppSecret,
	AnswerAppName, AnswerAppChoice, AnswerTwilioSID, AnswerTwilioToken, AnswerService, AnswerServiceName,
	AnswerServiceNumber, AnswerConnector, AnswerTestPhone, AnswerSignInApply, AnswerStarter, AnswerStarterDir, AnswerPort,
}

// IsWizardAnswer reports whether id is an answer setup reads.
func IsWizardAnswer(id string) bool {
	if t, ok := strings.CutPrefix(id, AnswerTemplatesPrefix); ok {
		return slices.ContainsFunc(twiliosetup.DefaultTemplates(), func(d twiliosetup.SMSTemplate) bool { return d.UsageType == t })
	}
	return slices.Contains(WizardAnswers, id)
}

// choices are the values a choice answer may take.
var choices = map[string][]string{
	AnswerMode:        {ModeResume, ModeReverify, ModeFresh},
	AnswerMethod:      {choiceAutoHave, choiceAutoCreate, choiceManual},
	AnswerAppChoice:   {appReuse, appNew},
	AnswerConnector:   {connCreate, connUpdate, connReplace, connKeep, connDone},
	AnswerSignInApply: {"yes", "no"},
	AnswerStarter:     {"yes", "no"},
}

// ApplyAnswers takes an answers file's values (answer ID → value): each
// fills its Prefill field when no flag or variable gave it (Sources says
// SourceAnswers then), and the choices are kept in Answers for the steps.
// An unknown ID or a choice outside its values is an error naming it.
func (p *Prefill) ApplyAnswers(a map[string]string) error {
	for id, v := range a {
		if !IsWizardAnswer(id) {
			continue // another command's answer (the caller checks the IDs)
		}
		if cs, ok := choices[id]; ok {
			v = strings.ToLower(strings.TrimSpace(v))
			if !slices.Contains(cs, v) {
				return fmt.Errorf("steps: answer %s: %q is not one of %s", id, v, strings.Join(cs, ", "))
			}
		}
		if p.Answers == nil {
			p.Answers = map[string]string{}
		}
		p.Answers[id] = v
		p.fill(id, v)
	}
	return nil
}

// fill sets the Prefill field of answer id to v when it is empty.
func (p *Prefill) fill(id, v string) {
	set := func(f *string) {
		if strings.TrimSpace(*f) == "" && v != "" {
			*f = v
			p.SetSource(id, SourceAnswers)
		}
	}
	setSecret := func(f *config.Secret) {
		if !f.IsSet() && v != "" {
			*f = config.Secret(v)
			p.SetSource(id, SourceAnswers)
		}
	}
	switch id {
	case AnswerEndpoint:
		set(&p.Endpoint)
	case AnswerM2MAppID:
		set(&p.M2MAppID)
	case AnswerM2MAppSecret:
		setSecret(&p.M2MAppSecret)
	case AnswerAppID:
		// The manual method's app (with app-secret), and the automatic
		// method's choice among apps of one name.
		set(&p.AppID)
		if p.PickAppID == "" {
			p.PickAppID = v
		}
	case AnswerAppSecret:
		setSecret(&p.AppSecret)
	case AnswerTwilioSID:
		set(&p.TwilioAccountSID)
	case AnswerTwilioToken:
		setSecret(&p.TwilioAuthToken)
	case AnswerTestPhone:
		set(&p.TestPhone)
	case AnswerPort:
		if p.Port == 0 {
			var n int
			if _, err := fmt.Sscan(v, &n); err == nil && n > 0 && n < 65536 {
				p.Port = n
				p.SetSource(id, SourceAnswers)
			}
		}
	}
}

// SetSource records where answer id's value came from.
func (p *Prefill) SetSource(id string, s Source) {
	if p.Sources == nil {
		p.Sources = map[string]Source{}
	}
	p.Sources[id] = s
}

// MarkSources records s for every prefilled value that has no source yet
// (the sandbox's or a preset's values).
func (p *Prefill) MarkSources(s Source) {
	for id, v := range map[string]bool{
		AnswerEndpoint: p.Endpoint != "", AnswerM2MAppID: p.M2MAppID != "", AnswerM2MAppSecret: p.M2MAppSecret.IsSet(),
		AnswerAppID: p.AppID != "", AnswerAppSecret: p.AppSecret.IsSet(), AnswerTwilioSID: p.TwilioAccountSID != "",
		AnswerTwilioToken: p.TwilioAuthToken.IsSet(), AnswerTestPhone: p.TestPhone != "",
	} {
		if _, ok := p.Sources[id]; v && !ok {
			p.SetSource(id, s)
		}
	}
}

// answer returns the answers file's value for id ("" when none).
func (p *Prefill) answer(id string) string { return p.Answers[id] }

// acceptDefaults reports whether a default answer may be taken without
// asking: --yes, or --non-interactive (which cannot ask).
func (p *Prefill) acceptDefaults() bool { return p.Yes || p.NonInteractive }

// from is the note of a value given in the Prefill for answer id, or of
// the saved setup when the Prefill had none: "from env", "from saved".
func (p *Prefill) from(id string, prefilled bool) string {
	if !prefilled {
		return "from " + string(SourceSaved)
	}
	if s, ok := p.Sources[id]; ok {
		if s == SourcePreset {
			return "from the workshop card"
		}
		return "from " + string(s)
	}
	return "prefilled"
}

// missing builds the MissingInputError of answer id: what it is, and the
// flag and variable that also give it ("" for none).
func missing(input, id, flag, env string) *config.MissingInputError {
	return &config.MissingInputError{Input: input, Flag: flag, Env: env, AnswerKey: id}
}
