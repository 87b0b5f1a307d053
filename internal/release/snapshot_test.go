package release

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

// GoReleaserVersion is the GoReleaser these tests run; the release workflow
// (.github/workflows/release.yml) runs the same one.
const GoReleaserVersion = "v2.17.0"

// repoRoot is the module's root folder, where .goreleaser.yaml is.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".goreleaser.yaml")); err != nil {
		tb.Fatalf("module root: %v", err)
	}
	return root
}

// snapshotRun is the one GoReleaser snapshot of this test binary: every test
// that needs the release artifacts shares it (it cross-compiles six
// binaries).
var snapshotRun struct {
	once     sync.Once
	dir, log string
	took     time.Duration
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if snapshotRun.dir != "" {
		_ = os.RemoveAll(snapshotRun.dir)
	}
	os.Exit(code)
}

// distDir returns the dist folder of `goreleaser release --snapshot --clean`
// run on this working tree (.goreleaser.yaml as it is, with the dist folder
// moved to a temporary one): what a release makes, without publishing.
func distDir(t *testing.T) string {
	t.Helper()
	e2etest.SkipShort(t)
	goBin := e2etest.Need(t, "go")
	e2etest.Need(t, "git")
	root := repoRoot(t)
	openInputs(t, root)
	snapshotRun.once.Do(func() {
		snapshotRun.dir, snapshotRun.log, snapshotRun.took, snapshotRun.err = snapshot(goBin, root)
	})
	if snapshotRun.err != nil {
		t.Fatalf("goreleaser release --snapshot: %v\n%s", snapshotRun.err, snapshotRun.log)
	}
	t.Logf("the GoReleaser snapshot took %s", snapshotRun.took.Round(time.Second))
	return filepath.Join(snapshotRun.dir, "dist")
}

func snapshot(goBin, root string) (dir, log string, took time.Duration, err error) {
	dir, err = os.MkdirTemp("", "logto-twilio-release-")
	if err != nil {
		return "", "", 0, err
	}
	cfg, err := os.ReadFile(filepath.Join(root, ".goreleaser.yaml"))
	if err != nil {
		return dir, "", 0, err
	}
	config := filepath.Join(dir, "goreleaser.yaml")
	cfg = append(cfg, fmt.Sprintf("\n# added by internal/release: the snapshot goes to a temporary folder\ndist: %s\n", filepath.Join(dir, "dist"))...)
	if err := os.WriteFile(config, cfg, 0o600); err != nil {
		return dir, "", 0, err
	}
	start := time.Now()
	cmd := exec.Command(goBin, "run", "github.com/goreleaser/goreleaser/v2@"+GoReleaserVersion,
		"release", "--snapshot", "--clean", "--config", config)
	cmd.Dir = root
	// GoReleaser reads the commit and its date from git, but gives up on all
	// of it when the repository has no remote (a fresh `git init`, or the
	// team's main copy): name one for its commands only, through git's
	// environment configuration. The working tree is not changed.
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=remote.origin.url",
		"GIT_CONFIG_VALUE_0=https://github.com/logto-twilio/logto-twilio.git",
		"HOMEBREW_TAP_GITHUB_TOKEN=",
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return dir, out.String(), time.Since(start), err
}
