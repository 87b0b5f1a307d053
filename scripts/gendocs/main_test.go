package main

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/logto-twilio/logto-twilio/internal/cmd/root"
)

// TestReferenceUpToDate: docs/reference.md is what the command tree says now; a flag, a
// command, an example or an environment variable added without regenerating fails here.
func TestReferenceUpToDate(t *testing.T) {
	t.Parallel()
	committed, err := os.ReadFile("../../" + referencePath)
	if err != nil {
		t.Fatalf("%v: run %s", err, regenerate)
	}
	if got := Reference(); !bytes.Equal(got, committed) {
		t.Errorf("%s is stale (the commands, flags or environment variables changed): run %s and commit it.\nfirst difference:\n%s",
			referencePath, regenerate, firstDiff(string(committed), string(got)))
	}
}

// TestReferenceCoversTheTree: every command and every flag of the tree, and every variable
// help environment lists, is in the reference (so a generator that drops one fails).
func TestReferenceCoversTheTree(t *testing.T) {
	t.Parallel()
	ref := string(Reference())
	f := root.NewFactory(strings.NewReader(""), io.Discard, io.Discard, func(string) string { return "" }, "logto-twilio")
	rc := root.NewCmdRoot(f, nil)
	walk(rc, func(c *cobra.Command) {
		if c.Hidden || (!c.Runnable() && !c.HasAvailableSubCommands()) {
			return
		}
		if !strings.Contains(ref, "\n## "+c.CommandPath()+"\n") {
			t.Errorf("no section for %q", c.CommandPath())
		}
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if !fl.Hidden && !strings.Contains(ref, "--"+fl.Name+"`") && !strings.Contains(ref, "--"+fl.Name+" ") {
				t.Errorf("%s: no row for --%s", c.CommandPath(), fl.Name)
			}
		})
	})
	_, sections := root.Environment()
	n := 0
	for _, s := range sections {
		for _, v := range s.Vars {
			n++
			if !strings.Contains(ref, "`"+strings.Split(v.Name, ", ")[0]+"`") {
				t.Errorf("no row for the variable %s", v.Name)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d environment variables: the list is not the one help environment prints", n)
	}
}

func walk(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sc := range c.Commands() {
		walk(sc, f)
	}
}

// firstDiff is the first line that differs, with its number.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  committed: " + wl + "\n  generated: " + gl
		}
	}
	return "(none: the line endings?)"
}
