package demo

import (
	"regexp"
	"strings"
)

// slot stands for a setup's value in a starter file rendered for matching.
var slot = regexp.MustCompile(`LTSLOT[A-Za-z]+LTSLOT`)

// ExpressStarterFiles names the files WriteExpressStarter writes (as they are named in the
// folder: ".env", "app.js", …), each with whether content is that file as the starter writes
// it for some setup: the same text, where a file filled in with the setup's values (.env,
// app.js, README.md) may hold any value on the line of each. teardown uses it to delete only
// the starter's own files, unchanged.
func ExpressStarterFiles() (map[string]func(content []byte) bool, error) {
	v := ExpressValues{ //nolint:gosec // G101: placeholders that stand for any value, not credentials
		Endpoint: "LTSLOTEndpointLTSLOT", AppID: "LTSLOTAppIDLTSLOT", AppSecret: "LTSLOTAppSecretLTSLOT",
		BaseURL: "LTSLOTBaseURLLTSLOT", SessionSecret: "LTSLOTSessionSecretLTSLOT", Rerun: "LTSLOTRerunLTSLOT",
	}
	files, err := renderStarter(v)
	if err != nil {
		return nil, err
	}
	out := make(map[string]func([]byte) bool, len(files))
	for _, f := range files {
		// The file's text, each value (RerunJS too: a string literal of Rerun) matching
		// what the line holds there.
		parts := slot.Split(string(f.data), -1)
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		re := regexp.MustCompile(`\A` + strings.Join(parts, `[^\n]*`) + `\z`)
		out[f.name] = re.Match
	}
	return out, nil
}
