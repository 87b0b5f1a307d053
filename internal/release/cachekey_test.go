package release

import (
	"os"
	"path/filepath"
	"testing"

	// The go command keeps a passing test's result until the test binary or a
	// file the test opened changes. These tests build and run the program in
	// other processes (GoReleaser, go run ./scripts/npmpkg, npm), so the
	// binary imports the program's packages: a change to any of them runs the
	// tests again rather than showing a stale "(cached)".
	_ "github.com/logto-twilio/logto-twilio/internal/cmd/root"
)

// releaseInputs are the files other than Go packages that the release is made
// from; openInputs reads them so that a change to one also runs the tests again.
var releaseInputs = []string{
	".goreleaser.yaml", "scripts/release-extras", "scripts/npmpkg/main.go",
	"npm/logto-twilio/package.json", "npm/logto-twilio/bin/logto-twilio.js", "npm/logto-twilio/README.md",
	"go.mod", "go.sum", "LICENSE", "CHANGELOG.md", "README.md",
}

func openInputs(tb testing.TB, root string) {
	tb.Helper()
	for _, f := range releaseInputs {
		if _, err := os.ReadFile(filepath.Join(root, f)); err != nil {
			tb.Fatalf("a release input: %v", err)
		}
	}
}
