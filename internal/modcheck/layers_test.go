package modcheck

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/logto-twilio/logto-twilio"

// TestDomainPackagesHaveNoUI (issue 18): the saved setup and the domain
// packages (doctor, rotate, teardown, workshop) take interfaces and return
// results; only the command packages, steps and tui talk to the terminal. So
// none of them may depend, even indirectly, on a Charm package, on steps or
// on tui (go list -deps, tests left out).
func TestDomainPackagesHaveNoUI(t *testing.T) {
	t.Parallel()
	for _, pkg := range []string{"internal/config", "internal/doctor", "internal/rotate", "internal/teardown", "internal/workshop", "internal/sandbox", "internal/cmdline"} {
		t.Run(pkg, func(t *testing.T) {
			t.Parallel()
			out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", module+"/"+pkg).Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", pkg, err)
			}
			for _, dep := range strings.Fields(string(out)) {
				if strings.HasPrefix(dep, "charm.land/") || dep == module+"/steps" || dep == module+"/tui" {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		})
	}
}
