package teardown

import (
	"encoding/json"
	"fmt"
	"time"
)

// SchemaVersion is the version of the plan's JSON (Plan.JSON, docs/teardown.md).
const SchemaVersion = 1

// StarterTarget is the target of the Express starter's action in the plan's JSON.
const StarterTarget = "Express starter"

type jsonAction struct {
	Kind    string   `json:"kind"`
	Target  string   `json:"target"`
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Skipped bool     `json:"skipped"`
	Why     string   `json:"why"`
	Files   []string `json:"files,omitempty"`
}

type jsonPlan struct {
	Version  int          `json:"version"`
	Empty    bool         `json:"empty"`
	Manual   bool         `json:"manual"`
	TornDown *string      `json:"tornDown"`
	Actions  []jsonAction `json:"actions"`
	Notes    []string     `json:"notes"`
}

// JSON returns the plan as one indented JSON document ending in a newline
// (docs/teardown.md): each action in the order teardown takes it, with its kind (the word
// the text plan starts the row with), target, id, name, whether teardown skips it (it
// changes nothing there) and why; then the notes.
func (p Plan) JSON() ([]byte, error) {
	out := jsonPlan{Version: SchemaVersion, Empty: p.Empty(), Manual: p.Manual, Actions: []jsonAction{}, Notes: []string{}}
	if p.TornDown != nil {
		s := p.TornDown.UTC().Format(time.RFC3339)
		out.TornDown = &s
	}
	for _, r := range p.Rows {
		a := jsonAction{Kind: actionWord(r.Action), Target: string(r.Thing), ID: r.ID, Name: r.Name, Why: r.Note}
		switch r.Action {
		case Keep:
			a.Skipped = true
		case Leave:
			a.Skipped = true
		case Gone:
			a.Skipped = true
			if a.Why == "" {
				a.Why = "already gone: only the record is cleared"
			}
		case Restore, Delete:
		}
		out.Actions = append(out.Actions, a)
	}
	if s := p.Starter; s != nil {
		a := jsonAction{Kind: "delete", Target: StarterTarget, ID: s.Dir, Skipped: !s.Delete, Files: s.Files}
		switch {
		case !s.Deletable():
			a.Kind, a.Skipped, a.Why = "keep", true, starterGone(s)
		case !s.Delete:
			a.Kind, a.Why = "offer", "deleted only when you agree on a terminal; otherwise kept: "+starterGone(s)
		}
		if a.Files == nil {
			a.Files = []string{}
		}
		out.Actions = append(out.Actions, a)
	}
	if p.Notes != nil {
		out.Notes = p.Notes
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("teardown: encode plan: %w", err)
	}
	return append(b, '\n'), nil
}
