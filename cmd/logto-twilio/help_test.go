package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// TestShortsKeepTheirCase: fang title-cases the first word of each
// command's Short in the command list (cases.Title, so "Re-check" would read
// "Re-Check" and "SMS" "Sms"); every Short's first word must read the same
// after it.
func TestShortsKeepTheirCase(t *testing.T) {
	t.Parallel()
	title := cases.Title(language.AmericanEnglish)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sc := range c.Commands() {
			walk(sc)
			if sc.Hidden || sc.Short == "" {
				continue
			}
			first := strings.Fields(sc.Short)[0]
			if got := title.String(first); got != first {
				t.Errorf("%s: fang shows the Short %q as starting %q; start it with a word that title-cases to itself", sc.CommandPath(), sc.Short, got)
			}
		}
	}
	walk(newRootCmd(noEnv))
}

// TestManPageFlags: the man page (the hidden man command) names each flag
// with a shorthand as "-c, --config-dir" (mango v0.1.0 printed
// "--c --config-dir").
func TestManPageFlags(t *testing.T) {
	t.Parallel()
	code, out, errOut, _ := runCaptured(t, []string{"man"}, nil)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit code %d, stderr %q", code, errOut)
	}
	n := 0
	newRootCmd(noEnv).Flags().VisitAll(func(f *pflag.Flag) {
		if f.Shorthand == "" || f.Hidden {
			return
		}
		n++
		if want := `\fB-` + f.Shorthand + `, --` + f.Name + `\fP`; !strings.Contains(out, want) {
			t.Errorf("the man page does not name --%s as %q", f.Name, want)
		}
	})
	if n == 0 {
		t.Fatal("no flag with a shorthand: the test checked nothing")
	}
	if strings.Contains(out, "--c --config-dir") {
		t.Errorf("the man page has %q", "--c --config-dir")
	}
}
