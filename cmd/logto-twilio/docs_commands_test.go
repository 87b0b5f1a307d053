package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsCommandsParse: every command line of the program in README.md and docs/ (in code
// blocks and `code`) parses through the real command tree, as printed: a renamed flag or
// command fails here, not for a reader.
func TestDocsCommandsParse(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, f := range append([]string{"../../README.md"}, files...) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cands []string
		inCode := false
		for _, l := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(l, "```") {
				inCode = !inCode
				continue
			}
			if inCode {
				if i := strings.Index(l, " #"); i >= 0 {
					l = l[:i]
				}
				cands = append(cands, strings.TrimSpace(l))
			}
		}
		noCode := regexp.MustCompile("(?s)```.*?```").ReplaceAllString(string(raw), "")
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(noCode, -1) {
			cands = append(cands, m[1])
		}
		n := 0
		for _, c := range cands {
			c = strings.ReplaceAll(c, "\n", " ")
			c = strings.TrimPrefix(c, "npx ")
			c = strings.TrimPrefix(c, "sudo ")
			if c != "logto-twilio" && !strings.HasPrefix(c, "logto-twilio ") && !strings.HasPrefix(c, "go run ./cmd/logto-twilio") {
				continue
			}
			for _, stop := range []string{" |", " >", " &&"} {
				if j := strings.Index(c, stop); j >= 0 {
					c = c[:j]
				}
			}
			c = strings.TrimSpace(c)
			// Skipped: placeholders (…, <name>, a [synopsis]), an error message quoted ("logto-twilio: …") and package file names.
			if strings.Contains(c, "…") || strings.Contains(c, "<") || strings.Contains(c, "[") || strings.HasPrefix(c, "logto-twilio:") || strings.HasPrefix(c, "logto-twilio_") || strings.HasPrefix(c, "logto-twilio-0") {
				continue
			}
			n++
			if err := parseSuggestion(c); err != nil {
				t.Errorf("%s: %q: %v", f, c, err)
			}
		}
		total += n
	}
	if total < 30 {
		t.Errorf("found only %d command lines in README.md and docs/: the scan is broken", total)
	}
}
