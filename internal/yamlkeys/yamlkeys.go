// Package yamlkeys finds the keys a YAML file may not hold (a workshop card's, an answers
// file's), with their line, and the known key each is close to: a typo is named where it is,
// with the key that was meant.
package yamlkeys

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// UnknownKeyError is a key a file may not hold.
type UnknownKeyError struct {
	File    string // the file's path ("" when the caller names it)
	Key     string // the key; a nested one is dotted ("templates.SignUp")
	Line    int    // its line in the file (from 1)
	Suggest string // the known key it is close to ("" for none)
}

// Error says where the key is, and the known key it is close to: `answers.yaml, line 3: unknown
// key "endpont" (did you mean "endpoint"?)`.
func (e *UnknownKeyError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ", ")
	}
	fmt.Fprintf(&b, "line %d: unknown key %q", e.Line, e.Key)
	if e.Suggest != "" {
		fmt.Fprintf(&b, " (did you mean %q?)", e.Suggest)
	}
	return b.String()
}

// Find returns the first key of data's top mapping, in the file's order, that known refuses,
// or nil when there is none (or data is not a YAML mapping: the caller's decoder says that).
// With nested, a mapping's keys are read under their parent's, dotted ("templates.SignIn"), and
// only the keys of scalars are checked. Suggest is the candidate closest to the key, when it is
// close enough to be a typo of it.
func Find(data []byte, known func(key string) bool, candidates []string, nested bool) *UnknownKeyError {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	return find(doc.Content[0], "", known, candidates, nested)
}

func find(m *yaml.Node, prefix string, known func(string) bool, candidates []string, nested bool) *UnknownKeyError {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Tag == "!!merge" {
			continue
		}
		id := prefix + k.Value
		if nested && v.Kind == yaml.MappingNode {
			if e := find(v, id+".", known, candidates, nested); e != nil {
				return e
			}
			continue
		}
		if !known(id) {
			return &UnknownKeyError{Key: id, Line: k.Line, Suggest: Closest(id, candidates)}
		}
	}
	return nil
}

// Lines returns the line of each key of data's top mapping (with nested, the keys of scalars
// in nested mappings too, dotted as Find reads them); nil when data is not a YAML mapping.
func Lines(data []byte, nested bool) map[string]int {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	out := map[string]int{}
	lines(doc.Content[0], "", nested, out)
	return out
}

func lines(m *yaml.Node, prefix string, nested bool, out map[string]int) {
	if m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if nested && v.Kind == yaml.MappingNode {
			lines(v, prefix+k.Value+".", nested, out)
			continue
		}
		out[prefix+k.Value] = k.Line
	}
}

// Closest returns the candidate key is most likely a typo of: the same but for case, or the
// one fewest edits away when they are few (at most 2, and at most a third of key's length);
// "" when none is that close.
func Closest(key string, candidates []string) string {
	best, bestD := "", -1
	lk := strings.ToLower(key)
	for _, c := range candidates {
		d := distance(lk, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > 2 || bestD > 0 && bestD*3 > len([]rune(key)) {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b, by runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
