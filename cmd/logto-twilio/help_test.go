package main

import (
	"slices"
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

// TestCompleteSecretsStore: the shells' completion (cobra's __complete)
// offers --secrets-store's values, on any command, and no file names.
func TestCompleteSecretsStore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", "--secrets-store", ""}, []string{"auto", "keyring", "file"}},
		{[]string{"__complete", "doctor", "--secrets-store", "k"}, []string{"keyring"}},
		{[]string{"__complete", "rotate", "--secrets-store="}, []string{"auto", "keyring", "file"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			code, out, _, _ := runCaptured(t, tt.args, nil)
			if code != exitOK {
				t.Fatalf("exit code %d", code)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			var got []string
			for _, l := range lines[:len(lines)-1] {
				value, desc, _ := strings.Cut(l, "\t")
				if desc == "" {
					t.Errorf("%q has no description", value)
				}
				got = append(got, value)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("completions = %q, want %q\n%s", got, tt.want, out)
			}
			if last := lines[len(lines)-1]; last != ":4" { // ShellCompDirectiveNoFileComp
				t.Errorf("directive %q, want :4 (no file names)", last)
			}
		})
	}
}
