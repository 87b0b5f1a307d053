// Command gendocs writes docs/reference.md, the command reference, from the
// program's own command tree (internal/cmd/root.NewCmdRoot) and the list of
// environment variables that "logto-twilio help environment" prints:
//
//	go run ./scripts/gendocs        (or: make docs)
//
// It is a small generator rather than cobra/doc: cobra/doc links
// cpuguy83/go-md2man and russross/blackfriday (two modules more in go.mod for
// its man-page half), writes one file per command with "SEE ALSO" links, shows
// flags as pflag's preformatted text, and leaves out help topics such as
// environment. TestReferenceUpToDate fails when docs/reference.md is stale.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/logto-twilio/logto-twilio/internal/cmd/root"
)

// referencePath is where the reference goes, from the repository's root.
const referencePath = "docs/reference.md"

// regenerate is the command that rewrites the reference, for messages.
const regenerate = "go run ./scripts/gendocs (or make docs)"

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	out := filepath.Join(dir, referencePath)
	if err := os.WriteFile(out, Reference(), 0o644); err != nil { //nolint:gosec // a document of the repository
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	fmt.Println("wrote", out)
}

// Reference is the whole of docs/reference.md.
func Reference() []byte {
	getenv := func(string) string { return "" }
	f := root.NewFactory(strings.NewReader(""), io.Discard, io.Discard, getenv, "logto-twilio")
	rc := root.NewCmdRoot(f, nil)
	rc.InitDefaultHelpCmd()

	var b bytes.Buffer
	b.WriteString("# Command reference\n\n")
	b.WriteString("<!-- Generated from the command tree by " + regenerate + ". Do not edit by hand. -->\n\n")
	b.WriteString("Every command of `logto-twilio`, its flags and examples, then the [global flags](#global-flags) " +
		"every command takes and the [environment variables](#environment-variables) it reads. " +
		"`logto-twilio <command> --help` prints the same on the terminal. " +
		"Pages on single commands: [setup](setup.md), [sandbox](sandbox.md), [doctor](doctor.md), " +
		"[rotate](rotate.md), [teardown](teardown.md), [workshop](workshop.md); when something fails, " +
		"[troubleshooting](troubleshooting.md).\n\n")

	cmds := commands(rc)
	b.WriteString("## Commands\n\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "- [`%s`](#%s) — %s\n", c.CommandPath(), slug(c.CommandPath()), c.Short)
	}
	b.WriteString("\n")
	for _, c := range cmds {
		writeCommand(&b, c, rc)
	}

	b.WriteString("## Global flags\n\n")
	b.WriteString("Every command takes these (and `-h`, `--help`).\n\n")
	writeFlags(&b, rc.PersistentFlags())

	intro, sections := root.Environment()
	b.WriteString("## Environment variables\n\n")
	b.WriteString("`logto-twilio help environment` prints this list.\n\n")
	b.WriteString(text(intro) + "\n\n")
	for _, s := range sections {
		b.WriteString("### " + s.Title + "\n\n")
		b.WriteString("| Variable | What it does |\n| --- | --- |\n")
		for _, v := range s.Vars {
			names := strings.Split(v.Name, ", ")
			for i := range names {
				names[i] = "`" + names[i] + "`"
			}
			fmt.Fprintf(&b, "| %s | %s |\n", strings.Join(names, ", "), cell(v.What))
		}
		b.WriteString("\n")
	}
	return append(bytes.TrimRight(b.Bytes(), "\n"), '\n')
}

// commands is the tree in --help's order, depth first: the runnable commands
// and those with subcommands; not the hidden ones or the help topics.
func commands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	if c.Hidden || c.Deprecated != "" || (!c.Runnable() && !c.HasAvailableSubCommands()) {
		return nil
	}
	out = append(out, c)
	for _, sc := range c.Commands() {
		out = append(out, commands(sc)...)
	}
	return out
}

// writeCommand writes one command's section.
func writeCommand(b *bytes.Buffer, c, rc *cobra.Command) {
	fmt.Fprintf(b, "## %s\n\n", c.CommandPath())
	b.WriteString(text(c.Short) + ".\n\n")
	if c.Runnable() {
		fmt.Fprintf(b, "```\n%s\n```\n\n", c.UseLine())
	}
	if long := strings.TrimSpace(c.Long); long != "" && long != c.Short {
		b.WriteString(text(long) + "\n\n")
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("Subcommands:\n\n")
		for _, sc := range c.Commands() {
			if sc.IsAvailableCommand() && !sc.IsAdditionalHelpTopicCommand() {
				fmt.Fprintf(b, "- [`%s`](#%s) — %s\n", sc.CommandPath(), slug(sc.CommandPath()), sc.Short)
			}
		}
		b.WriteString("\n")
	}
	if ex := strings.Trim(c.Example, "\n"); ex != "" {
		fmt.Fprintf(b, "Examples:\n\n```sh\n%s\n```\n\n", ex)
	}
	local := pflag.NewFlagSet(c.Name(), pflag.ContinueOnError)
	local.SortFlags = false
	c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
		if c != rc && rc.PersistentFlags().Lookup(fl.Name) == fl {
			return
		}
		if c == rc && rc.PersistentFlags().Lookup(fl.Name) != nil {
			return // the global flags have their own section
		}
		local.AddFlag(fl)
	})
	if local.HasAvailableFlags() {
		b.WriteString("Flags:\n\n")
		writeFlags(b, local)
	}
	inherited := pflag.NewFlagSet(c.Name(), pflag.ContinueOnError)
	c.InheritedFlags().VisitAll(func(fl *pflag.Flag) {
		if rc.PersistentFlags().Lookup(fl.Name) == nil {
			inherited.AddFlag(fl)
		}
	})
	if inherited.HasAvailableFlags() {
		fmt.Fprintf(b, "Flags of `%s`, which it takes too:\n\n", c.Parent().CommandPath())
		writeFlags(b, inherited)
	}
	if c != rc {
		b.WriteString("And the [global flags](#global-flags).\n\n")
	}
}

// writeFlags writes a table of the flags: name (and shorthand, and the kind
// of value), default, what it does.
func writeFlags(b *bytes.Buffer, fs *pflag.FlagSet) {
	b.WriteString("| Flag | Default | What it does |\n| --- | --- | --- |\n")
	fs.VisitAll(func(fl *pflag.Flag) {
		if fl.Hidden {
			return
		}
		varname, usage := pflag.UnquoteUsage(fl)
		name := "--" + fl.Name
		if fl.Shorthand != "" {
			name = "-" + fl.Shorthand + ", " + name
		}
		if varname != "" {
			name += " " + varname
		}
		def := ""
		switch fl.DefValue {
		case "", "false", "0", "[]":
		default:
			def = "`" + fl.DefValue + "`"
		}
		if fl.Deprecated != "" {
			usage += " (deprecated: " + fl.Deprecated + ")"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", strings.ReplaceAll(name, "|", `\|`), def, cell(usage))
	})
	b.WriteString("\n")
}

// text makes plain help text safe in Markdown: no HTML tags, no emphasis, no
// block quotes, no indented code blocks, and its line breaks kept.
func text(s string) string {
	r := strings.NewReplacer("<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = r.Replace(strings.TrimLeft(l, " \t"))
		if strings.HasPrefix(l, "#") || strings.HasPrefix(l, "- ") && i > 0 && lines[i-1] != "" {
			l = `\` + l // a heading, or a list that would need a blank line before it
		}
		lines[i] = l
	}
	// A line break inside a paragraph is one in the help too: a hard break.
	for i := range len(lines) - 1 {
		if lines[i] != "" && lines[i+1] != "" {
			lines[i] += `\`
		}
	}
	return strings.Join(lines, "\n")
}

// cell is text for a table cell: one line, no unescaped pipe.
func cell(s string) string {
	return strings.ReplaceAll(text(strings.Join(strings.Fields(s), " ")), "|", `\|`)
}

// slug is the anchor GitHub gives a heading: lower case, punctuation dropped
// (but - and _), spaces as hyphens.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}
