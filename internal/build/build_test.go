package build

import (
	"os"
	"regexp"
	"runtime/debug"
	"testing"
)

func buildInfo(version string, settings ...string) *debug.BuildInfo {
	bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/logto-twilio/logto-twilio", Version: version}}
	for i := 0; i+1 < len(settings); i += 2 {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return bi
}

// TestResolve: every way a binary is made says its version, and the commit and
// day where they are known.
func TestResolve(t *testing.T) {
	t.Parallel()
	const hash = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name                 string
		stampV, stampC, stmD string
		bi                   *debug.BuildInfo
		want                 Info
		out                  string
	}{
		{
			name:   "goreleaser",
			stampV: "0.1.0", stampC: hash, stmD: "2026-12-07T09:30:00Z",
			bi:   buildInfo("(devel)"),
			want: Info{Version: "0.1.0", Commit: hash, Date: "2026-12-07"},
			out: "logto-twilio version 0.1.0 (2026-12-07)\ncommit " + hash + "\n" +
				"https://github.com/logto-twilio/logto-twilio/releases/tag/v0.1.0\n",
		},
		{
			name:   "goreleaser snapshot",
			stampV: "0.1.1-snapshot", stampC: hash, stmD: "2026-12-08T09:30:00+02:00",
			want: Info{Version: "0.1.1-snapshot", Commit: hash, Date: "2026-12-08"},
			out:  "logto-twilio version 0.1.1-snapshot (2026-12-08)\ncommit " + hash + "\n",
		},
		{
			name:   "goreleaser without git state",
			stampV: "0.0.1-snapshot", stampC: "none", stmD: "0001-01-01T00:00:00Z",
			want: Info{Version: "0.0.1-snapshot"},
			out:  "logto-twilio version 0.0.1-snapshot\n",
		},
		{
			name: "go install @v0.1.0: the day from the release table",
			bi:   buildInfo("v0.1.0"),
			want: Info{Version: "0.1.0", Date: "2026-12-07"},
			out: "logto-twilio version 0.1.0 (2026-12-07)\n" +
				"https://github.com/logto-twilio/logto-twilio/releases/tag/v0.1.0\n",
		},
		{
			name: "go install @v9.9.9, a release this table does not know",
			bi:   buildInfo("v9.9.9"),
			want: Info{Version: "9.9.9"},
			out:  "logto-twilio version 9.9.9\nhttps://github.com/logto-twilio/logto-twilio/releases/tag/v9.9.9\n",
		},
		{
			name: "go install @main: a pseudo-version",
			bi:   buildInfo("v0.1.1-0.20261208093000-0123456789ab"),
			want: Info{Version: "0.1.1-0.20261208093000-0123456789ab", Commit: "0123456789ab", Date: "2026-12-08"},
			out:  "logto-twilio version 0.1.1-0.20261208093000-0123456789ab (2026-12-08)\ncommit 0123456789ab\n",
		},
		{
			name: "go build in a checkout with changes",
			bi:   buildInfo("v0.1.1-0.20261208093000-0123456789ab+dirty", "vcs.revision", hash, "vcs.time", "2026-12-08T09:30:00Z", "vcs.modified", "true"),
			want: Info{Version: "0.1.1-0.20261208093000-0123456789ab", Commit: "0123456789ab", Date: "2026-12-08", Modified: true},
			out:  "logto-twilio version 0.1.1-0.20261208093000-0123456789ab (2026-12-08)\ncommit 0123456789ab (with uncommitted changes)\n",
		},
		{
			name: "go build at a tag",
			bi:   buildInfo("v0.1.0", "vcs.revision", hash, "vcs.time", "2026-12-07T08:00:00Z", "vcs.modified", "false"),
			want: Info{Version: "0.1.0", Commit: hash, Date: "2026-12-07"},
		},
		{
			name: "go run: no version, the checkout's commit",
			bi:   buildInfo("(devel)", "vcs.revision", hash, "vcs.time", "2026-12-06T23:00:00-05:00"),
			want: Info{Version: "devel", Commit: hash, Date: "2026-12-07"},
			out:  "logto-twilio version devel (2026-12-07)\ncommit " + hash + "\n",
		},
		{
			name: "go test: nothing known",
			bi:   buildInfo(""),
			want: Info{Version: "devel"},
			out:  "logto-twilio version devel\n",
		},
		{
			name: "no build information",
			want: Info{Version: "devel"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := resolve(tt.stampV, tt.stampC, tt.stmD, tt.bi)
			if got != tt.want {
				t.Errorf("resolve = %+v, want %+v", got, tt.want)
			}
			if tt.out != "" && got.String() != tt.out {
				t.Errorf("String() =\n%s\nwant\n%s", got.String(), tt.out)
			}
		})
	}
}

// TestReleasedMatchesChangelog: the release table and CHANGELOG.md name the
// same releases on the same days, so a release cannot update one alone.
func TestReleasedMatchesChangelog(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	heading := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+[^\]]*)\] - (\d{4}-\d{2}-\d{2})$`)
	inLog := map[string]string{}
	for _, m := range heading.FindAllStringSubmatch(string(text), -1) {
		inLog[m[1]] = m[2]
	}
	if len(inLog) == 0 {
		t.Fatal("CHANGELOG.md has no release heading like \"## [0.1.0] - 2026-12-07\"")
	}
	for v, d := range inLog {
		if released[v] != d {
			t.Errorf("CHANGELOG.md: %s released %s; internal/build/releases.go says %q", v, d, released[v])
		}
	}
	for v, d := range released {
		if inLog[v] != d {
			t.Errorf("internal/build/releases.go: %s released %s; CHANGELOG.md says %q", v, d, inLog[v])
		}
	}
}
