package tui

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Steps never write a key name into their texts: a guide, a waiting text,
// a hint or a validation message names what the user should do by intent,
// and the runner renders it for the way it is shown. The placeholders:
//
//	{key:edit}   the runner's keys on a failure or in a form, as a verb phrase:
//	{key:retry}  "press e" in the interactive runner, "choose “Edit the answers”"
//	{key:skip}   in the line runner (its "What now?" list); likewise retry,
//	{key:back}   skip, back (to the previous step) and quit. At the start of
//	{key:quit}   a sentence the phrase is capitalised.
//
//	{action:ID}  the key of the step's Action with that ID ("alt+o") in the
//	             interactive runner; the line runner, which has no such keys,
//	             shows the Action's Show text (the URL it opens) instead. An
//	             ID the step does not offer renders as its Show text, or "".
//
//	{tui:TEXT}   TEXT only in the interactive runner (e.g. " ({action:copy}
//	{line:TEXT}  copies)"), or only in the line runner. TEXT may hold the
//	             other placeholders; it may not hold an unmatched brace.
//
// Anything else in braces ("{{code}}", JSON) is left as it is. Values put in
// by a placeholder (a Show text, JSON) are never read as placeholders, and
// [Quote] makes any text (user input inside {tui:…}) a literal.

// Key names for {key:NAME}.
const (
	KeyEdit  = "edit"
	KeyRetry = "retry"
	KeySkip  = "skip"
	KeyBack  = "back"
	KeyQuit  = "quit"
)

// Choices of the line runner after a failure; {key:NAME} names them there.
const (
	choiceRetryLabel = "Retry"
	choiceEditLabel  = "Edit the answers"
	choiceSkipLabel  = "Skip this step"
	choiceBackLabel  = "Back to the previous step"
	choiceQuitLabel  = "Quit (progress is saved)"
)

// lineChoiceNames are the line runner's renderings of {key:NAME}.
var lineChoiceNames = map[string]string{
	KeyEdit:  "choose “" + choiceEditLabel + "”",
	KeyRetry: "choose “" + choiceRetryLabel + "”",
	KeySkip:  "choose “" + choiceSkipLabel + "”",
	KeyBack:  "choose “" + choiceBackLabel + "”",
	KeyQuit:  "choose “Quit”",
}

// Renderer turns a step's text with placeholders into what one runner
// shows. The zero Renderer renders for the interactive runner with its
// default keys and no step actions.
type Renderer struct {
	line    bool
	keys    *KeyMap
	actions []Action
}

// RendererFor returns the Renderer of the line runner (line) or of the
// interactive runner with its default keys, for a step offering actions.
// The runners make their own; this is for tests and previews.
func RendererFor(line bool, actions []Action) Renderer {
	return Renderer{line: line, actions: actions}
}

func (r Renderer) keyMap() KeyMap {
	if r.keys != nil {
		return *r.keys
	}
	return DefaultKeyMap()
}

// keyPhrase renders {key:name}; ok is false for an unknown name.
func (r Renderer) keyPhrase(name string) (string, bool) {
	if r.line {
		s, ok := lineChoiceNames[name]
		return s, ok
	}
	km := r.keyMap()
	b := map[string]string{
		KeyEdit:  km.Edit.Help().Key,
		KeyRetry: km.Retry.Help().Key,
		KeySkip:  km.Skip.Help().Key,
		KeyBack:  km.Back.Help().Key,
		KeyQuit:  km.Quit.Help().Key,
	}[name]
	if b == "" {
		return "", false
	}
	return "press " + b, true
}

// action renders {action:id}.
func (r Renderer) action(id string) string {
	for _, a := range r.actions {
		if a.ID != id {
			continue
		}
		if r.line {
			return a.Show
		}
		if k := a.Key.Help().Key; k != "" && a.Key.Enabled() {
			return k
		}
		return a.Show
	}
	return ""
}

// Render resolves the placeholders in text.
func (r Renderer) Render(text string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	r.render(&b, text)
	return b.String()
}

func (r Renderer) render(b *strings.Builder, text string) {
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return
		}
		b.WriteString(text[:i])
		text = text[i:]
		kind, arg, rest, ok := placeholder(text)
		if !ok {
			b.WriteByte('{')
			text = text[1:]
			continue
		}
		switch kind {
		case "lit":
			b.WriteString(arg)
		case "key":
			p, known := r.keyPhrase(arg)
			if !known {
				b.WriteString(text[:len(text)-len(rest)])
				break
			}
			if sentenceStart(b.String()) {
				p = capitalise(p)
			}
			b.WriteString(p)
		case "action":
			b.WriteString(r.action(arg))
		case "tui":
			if !r.line {
				r.render(b, arg)
			}
		case "line":
			if r.line {
				r.render(b, arg)
			}
		}
		text = rest
	}
}

// Quote returns text as a literal for a text with placeholders: it is shown
// as it is, whatever braces it holds.
func Quote(text string) string {
	return "{lit:" + strconv.Itoa(len(text)) + ":" + text + "}"
}

// literal parses "{lit:N:<N bytes>}" at the start of s.
func literal(s string) (arg, rest string, ok bool) {
	num, after, found := strings.Cut(strings.TrimPrefix(s, "{lit:"), ":")
	n, err := strconv.Atoi(num)
	if !strings.HasPrefix(s, "{lit:") || !found || err != nil || n < 0 || len(after) < n+1 || after[n] != '}' {
		return "", "", false
	}
	return after[:n], after[n+1:], true
}

// placeholder parses "{kind:arg}" at the start of s (arg may hold nested
// placeholders for tui/line), returning the rest after the closing brace.
func placeholder(s string) (kind, arg, rest string, ok bool) {
	if arg, rest, ok := literal(s); ok {
		return "lit", arg, rest, true
	}
	for _, k := range []string{"key", "action", "tui", "line"} {
		if !strings.HasPrefix(s, "{"+k+":") {
			continue
		}
		depth := 0
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '{':
				if _, rest, ok := literal(s[i:]); ok {
					i = len(s) - len(rest) - 1
					continue
				}
				depth++
			case '}':
				depth--
				if depth == 0 {
					return k, s[len(k)+2 : i], s[i+1:], true
				}
			}
		}
		return "", "", "", false
	}
	return "", "", "", false
}

// sentenceStart reports whether the text written so far ends where a
// sentence starts: nothing yet, a new line, or ". ", "? ", "! ".
func sentenceStart(so string) bool {
	t := strings.TrimRight(so, " ")
	if t == "" || strings.HasSuffix(so, "\n") {
		return true
	}
	if len(t) == len(so) {
		return false // no space before the placeholder
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	return last == '.' || last == '?' || last == '!'
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// renderer returns the Renderer for step s in the interactive runner.
func (m *Model) renderer(s Step) Renderer {
	r := Renderer{keys: &m.keys}
	if a, ok := s.(Actioner); ok {
		r.actions = a.Actions()
	}
	return r
}

// lineRenderer returns the Renderer for step s in the line runner.
func lineRenderer(s Step) Renderer {
	var acts []Action
	if a, ok := s.(Actioner); ok {
		acts = a.Actions()
	}
	return RendererFor(true, acts)
}
