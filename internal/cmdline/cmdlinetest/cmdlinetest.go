// Package cmdlinetest checks, in tests, that a domain package asks its
// cmdline.Func for every command line it suggests: Mark stands for the
// command layer's Func and marks what it renders; Problems finds a command
// line spelled out instead, a placeholder inside a rendered one, and a
// rendered one that words or punctuation would run into when pasted. It is
// for tests only.
package cmdlinetest

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Mark is a cmdline.Func for tests: ⟦command args⟧ (⟦⟧ is the wizard).
func Mark(command string, args ...string) string {
	return "⟦" + strings.Join(append(strings.Fields(command), args...), " ") + "⟧"
}

// Style is how a package sets its rendered commands in its text.
type Style int

// The styles.
const (
	// Spaced: a rendered command ends the text or is followed by a space or
	// a line break, never by punctuation (pasted with it, the last word
	// changes).
	Spaced Style = iota
	// Backquoted: a rendered command stands in backquotes (a report's hint:
	// the words around it are not part of it).
	Backquoted
)

var (
	// spelledOut is a command line written out by a package itself
	// ("logto-twilio rotate", "logto-twilio --sandbox", a bare
	// "logto-twilio."); a name such as "logto-twilio 2026-…" or
	// "/tmp/logto-twilio/cards" is not one.
	spelledOut = regexp.MustCompile(`logto-twilio( [a-z-]|$|[.,;:)]|\n)`)
	rendered   = regexp.MustCompile(`⟦([^⟧]*)⟧`)
)

// Check fails the test once for each of Problems(text, style); what names
// the text.
func Check(tb testing.TB, what, text string, style Style) {
	tb.Helper()
	for _, p := range Problems(text, style) {
		tb.Errorf("%s %s: %q", what, p, text)
	}
}

// Problems lists what is wrong with the command lines in text, set in style.
func Problems(text string, style Style) []string {
	var out []string
	if m := spelledOut.FindString(text); m != "" {
		out = append(out, "spells out "+strings.TrimSpace(m))
	}
	for _, loc := range rendered.FindAllStringSubmatchIndex(text, -1) {
		inner := text[loc[2]:loc[3]]
		if strings.ContainsAny(inner, "<>…") || slices.Contains(strings.Fields(inner), "N") {
			out = append(out, "a placeholder in "+inner)
		}
		switch style {
		case Backquoted:
			if loc[0] == 0 || text[loc[0]-1] != '`' || loc[1] == len(text) || text[loc[1]] != '`' {
				out = append(out, "no backquotes around "+inner)
			}
		case Spaced:
			if rest := text[loc[1]:]; rest != "" && !strings.HasPrefix(rest, " ") && !strings.HasPrefix(rest, "\n") {
				out = append(out, "punctuation glued to "+inner)
			}
		}
	}
	return out
}
