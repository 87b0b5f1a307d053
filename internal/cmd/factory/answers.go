package factory

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/logto-twilio/logto-twilio/internal/yamlkeys"
	"github.com/logto-twilio/logto-twilio/steps"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// otherAnswers are the answer IDs of the commands besides setup (see
// docs/answers.md): teardown, rotate and workshop read "yes"; rotate,
// workshop and doctor read theirs through Factory.Answer. A flag wins over its
// answer.
var otherAnswers = []string{
	"yes",                  // teardown, rotate, workshop: go ahead without asking (like --yes)
	"rotate.what",          // rotate: twilio, app-secret, m2m-secret (comma-separated)
	"new-twilio-token",     // rotate: a Twilio Auth Token already rotated in Twilio's Console (secret)
	"attendees",            // workshop prepare: how many attendees
	"name-prefix",          // workshop prepare
	"out",                  // workshop prepare: the cards' folder
	"doctor.send-test-sms", // doctor: the phone for --send-test-sms
}

// knownAnswer reports whether id is an answer some command reads.
func knownAnswer(id string) bool {
	return steps.IsWizardAnswer(id) || slices.Contains(otherAnswers, id)
}

// errAnswers marks the errors of an answers file (exit code 2).
var errAnswers = errors.New("answers file")

// LoadAnswers reads an answers file (YAML: answer ID → value; a nested map
// such as templates: {SignIn: …} is read as templates.SignIn). Every ID
// must be known, and a file that holds a secret must be readable by its
// owner only: it gives control of the Logto tenant or the Twilio account.
func LoadAnswers(path string) (map[string]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", errAnswers, path, err)
	}
	raw, err := os.ReadFile(path) //nolint:gosec // the user names the file
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", errAnswers, path, err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%w %s is not valid YAML: %w", errAnswers, path, err)
	}
	out := map[string]string{}
	if err := flatten("", doc, out); err != nil {
		return nil, fmt.Errorf("%w %s: %w", errAnswers, path, err)
	}
	if uk := yamlkeys.Find(raw, knownAnswer, answerIDs(), true); uk != nil {
		uk.File = path
		return nil, fmt.Errorf("%w %w (docs/answers.md lists the answers)", errAnswers, uk)
	}
	ids := make([]string, 0, len(out))
	for id := range out {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !knownAnswer(id) {
			return nil, fmt.Errorf("%w %s: unknown answer %q (docs/answers.md lists them)", errAnswers, path, id)
		}
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		for _, id := range ids {
			if slices.Contains(steps.SecretAnswers, id) && out[id] != "" {
				return nil, fmt.Errorf("%w %s holds the secret %q but other users can read it (mode %04o): "+
					"it gives control of your Logto tenant or Twilio account; run chmod 600 %s, or give the secret "+
					"in its environment variable instead", errAnswers, path, id, perm, path)
			}
		}
	}
	// Checked now, with the steps' own validators: a bad value is refused
	// before any call, not at its step after the calls of the steps before.
	lines := yamlkeys.Lines(raw, true)
	for _, id := range ids {
		if err := checkAnswer(id, out[id]); err != nil {
			return nil, fmt.Errorf("%w %s, line %d: answer %q: %w", errAnswers, path, lines[id], id, err)
		}
	}
	return out, nil
}

// answerIDs are the answer IDs any command reads, for suggesting the one a
// mistyped key meant.
func answerIDs() []string {
	ids := slices.Concat(steps.WizardAnswers, otherAnswers)
	for _, t := range twiliosetup.DefaultTemplates() {
		ids = append(ids, steps.AnswerTemplatesPrefix+t.UsageType)
	}
	return ids
}

// checkAnswer checks the value of answer id with the validator of the flag
// or step that reads it (nil for an answer that has none).
func checkAnswer(id, v string) error {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	switch id {
	case steps.AnswerPort:
		var p PortValue
		return p.Set(v) // --port's own check
	case "new-twilio-token": // rotate's; never repeats the value
		if err := twiliosetup.ValidateAuthToken(twiliosetup.Clean(v)); err != nil {
			return fmt.Errorf("%w; give the new Auth Token: 32 hex digits", err)
		}
		return nil
	}
	return steps.CheckAnswer(id, v)
}

// flatten writes doc's scalar values into out under their dotted IDs.
func flatten(prefix string, doc map[string]any, out map[string]string) error {
	for k, v := range doc {
		id := prefix + k
		if _, twice := out[id]; twice {
			// templates.SignIn and templates: {SignIn: …} in one file: which one wins would
			// change from run to run (doc is a map).
			return fmt.Errorf("answer %q is given twice (once with its dotted ID, once nested): keep one", id)
		}
		switch v := v.(type) {
		case map[string]any:
			if err := flatten(id+".", v, out); err != nil {
				return err
			}
		case string:
			out[id] = v
		case bool:
			out[id] = map[bool]string{true: "yes", false: "no"}[v]
		case uint64:
			out[id] = strconv.FormatUint(v, 10)
		case int64:
			out[id] = strconv.FormatInt(v, 10)
		case int:
			out[id] = strconv.Itoa(v)
		case float64:
			out[id] = strconv.FormatFloat(v, 'f', -1, 64)
		case nil:
			out[id] = ""
		default:
			return fmt.Errorf("answer %q: give one value (text, number or yes/no), not a %T", id, v)
		}
	}
	return nil
}
