package config

import "strings"

// MissingInputError is what a step returns when it needs an answer that
// nobody gave and it must not guess: in a non-interactive run
// (Prefill.NonInteractive) it cannot ask. cmd maps it to exit 2 (usage).
// Its text never holds a secret.
type MissingInputError struct {
	Input     string // what is missing, in words: `which app named "Bookstore" to use`
	Flag      string // the flag that supplies it, e.g. "--app-id" ("" if none)
	Env       string // the environment variable that supplies it ("" if none)
	AnswerKey string // the key in an answers file that supplies it ("" if none)
	Detail    string // why it cannot be chosen, e.g. the candidates' IDs
}

// Error names the missing input, why, and what supplies it.
func (e *MissingInputError) Error() string {
	s := "missing input: " + e.Input
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if how := e.supply(); how != "" {
		s += "; give it with " + how
	}
	return s
}

// Hint says what to do next (tui.Hinter).
func (e *MissingInputError) Hint() string {
	if how := e.supply(); how != "" {
		return "Run again with " + how + ", or without --non-interactive to choose."
	}
	return "Run again without --non-interactive to choose."
}

// supply lists what can give the input: "--app-id, LOGTO_X or the answer app-id".
func (e *MissingInputError) supply() string {
	var ways []string
	if e.Flag != "" {
		ways = append(ways, e.Flag)
	}
	if e.Env != "" {
		ways = append(ways, e.Env)
	}
	if e.AnswerKey != "" {
		ways = append(ways, "the answer "+e.AnswerKey)
	}
	switch len(ways) {
	case 0:
		return ""
	case 1:
		return ways[0]
	}
	return strings.Join(ways[:len(ways)-1], ", ") + " or " + ways[len(ways)-1]
}
