// Package e2etest holds what the end-to-end tests share: finding the real
// tools they drive (Chromium, tmux, node, npm) and starting headless
// Chromium the way this project's machines need it. It is for tests only.
package e2etest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Need returns the path of a tool an end-to-end test needs (the first of
// candidates, then tool, found on PATH). When none is there the test skips,
// except with CI=true, where it fails: end-to-end tests never skip in CI.
func Need(tb testing.TB, tool string, candidates ...string) string {
	tb.Helper()
	for _, c := range append(candidates, tool) {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is not installed, and CI=true: end-to-end tests must not skip in CI", tool)
	}
	tb.Skipf("%s is not installed (set CI=true to make this a failure)", tool)
	return ""
}

// SkipShort skips an end-to-end test under go test -short.
func SkipShort(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("end-to-end test; skipped with -short")
	}
}

// Chromium starts Debian's headless Chromium with a fresh profile and the
// flags this project's machines need, and returns the browser's context. It
// is closed when the test ends. Host names other than the loopback ones do not
// resolve, so the browser cannot reach beyond this machine.
func Chromium(tb testing.TB) context.Context {
	tb.Helper()
	chromium := Need(tb, "chromium", "/usr/bin/chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(tb.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Do starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("starting chromium: %v", err)
	}
	return ctx
}
