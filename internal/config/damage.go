package config

import (
	"fmt"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/atomicfile"
	"github.com/logto-twilio/logto-twilio/internal/cmdline"
)

// DamageKind says what is wrong with a saved file.
type DamageKind int

// Kinds of damage. Corrupt, Newer and Missing make the file's content
// unusable (Damage.Unusable); Exposed and Stray do not.
const (
	// Corrupt: the file is not a setup of this program (not JSON, or a
	// field of the wrong type).
	Corrupt DamageKind = iota + 1
	// Newer: the file's version is newer than this program reads: a newer
	// logto-twilio made it. It is never moved or written over.
	Newer
	// Missing: setup.json says the secrets are in a store that has none.
	Missing
	// Exposed: the secrets file is readable by other users.
	Exposed
	// Stray: a temporary file left by a save that was cut short (a killed
	// process); it may hold secrets.
	Stray
)

// Damage is one problem with the saved files, found without changing
// anything (Store.Read). String says which file and what is wrong; Fix
// says what to do.
type Damage struct {
	Kind DamageKind
	// File is the file's path, or for the keyring where the item is.
	File string
	// Detail is what is wrong, never the file's content: "not valid JSON
	// at byte 60", "version 99; this logto-twilio reads version 1",
	// "mode 0644".
	Detail string
	// Secrets is true for the secrets (secrets.json or the keyring item).
	Secrets bool
}

// Unusable reports whether the file's content cannot be used as it is.
func (d Damage) Unusable() bool { return d.Kind == Corrupt || d.Kind == Newer || d.Kind == Missing }

// String is one sentence naming the file and what is wrong with it.
func (d Damage) String() string {
	switch d.Kind {
	case Corrupt:
		return fmt.Sprintf("%s is damaged (%s).", d.File, d.Detail)
	case Newer:
		return fmt.Sprintf("%s was made by a newer logto-twilio (%s).", d.File, d.Detail)
	case Missing:
		return fmt.Sprintf("The saved secrets are missing: setup.json says they are in %s, which has none.", d.File)
	case Exposed:
		return fmt.Sprintf("%s, which holds secrets, is readable by other users (%s).", d.File, d.Detail)
	case Stray:
		return fmt.Sprintf("%s was left by a save that was cut short and may hold secrets.", d.File)
	}
	return d.File + ": " + d.Detail + "."
}

// Fix says what to do about it; cmd renders the command lines it names
// (the caller's, with the flags that reach the same folder).
func (d Damage) Fix(cmd cmdline.Func) string {
	switch d.Kind {
	case Corrupt, Missing:
		if d.Secrets {
			how := "keeps the damaged file as " + cmdline.Quote(atomicfile.FreeName(d.File+".bak")) + " and asks again"
			if d.Kind == Missing || !strings.HasSuffix(d.File, SecretsFile) {
				how = "asks again"
			}
			return fmt.Sprintf("Run `%s` and choose Resume: it %s for the secrets the steps need (or put back a copy of the file you trust).", cmd.Line("setup"), how)
		}
		return fmt.Sprintf("Run `%s`: it keeps the damaged file as %s and starts a new setup (or put back a copy of the file you trust).",
			cmd.Line("setup"), cmdline.Quote(atomicfile.FreeName(d.File+".bak")))
	case Newer:
		return "Update logto-twilio to the version that made it (or newer), then run this again; this version does not change the file."
	case Exposed:
		return fmt.Sprintf("Make it private: `chmod 600 %s` (any logto-twilio command that saves does it too).", cmdline.Quote(d.File))
	case Stray:
		return fmt.Sprintf("Remove it: `rm %s` (any logto-twilio command that saves removes it too).", cmdline.Quote(d.File))
	}
	return ""
}

// DamagedError refuses to go on with saved files whose content is
// unusable: a command that changes things (rotate, teardown, workshop)
// never works from a damaged setup, and never moves the damaged file.
type DamagedError struct {
	Damage []Damage
	// Command renders the command lines of the fixes.
	Command cmdline.Func
}

func (e *DamagedError) Error() string {
	var b strings.Builder
	b.WriteString("the saved setup cannot be used: ")
	for i, d := range e.Damage {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(d.String())
	}
	b.WriteString(" Nothing was changed, and the file stays where it is. ")
	seen := map[string]bool{}
	for _, d := range e.Damage {
		if f := d.Fix(e.Command); !seen[f] {
			seen[f] = true
			b.WriteString(f)
			b.WriteByte(' ')
		}
	}
	return strings.TrimSpace(b.String())
}

// NewerError refuses a saved file made by a newer logto-twilio: nothing
// reads, moves or writes it.
type NewerError struct{ Damage Damage }

func (e *NewerError) Error() string {
	return e.Damage.String() + " " + e.Damage.Fix(nil)
}

// Unusable returns the damage that makes the saved setup unusable.
func (l Loaded) Unusable() []Damage {
	var out []Damage
	for _, d := range l.Damage {
		if d.Unusable() {
			out = append(out, d)
		}
	}
	return out
}
