// Package build says which build of logto-twilio this is: the version, commit and date stamped at
// build time by GoReleaser (-ldflags "-X …/internal/build.version=…"), or, for `go install
// …@v0.1.0` and `go build`, read from the module's build information.
package build

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Repository is where the project lives: its releases, its issues, the User-Agent's URL.
const Repository = "https://github.com/logto-twilio/logto-twilio"

// Stamped by release builds (.goreleaser.yaml): -ldflags "-X
// github.com/logto-twilio/logto-twilio/internal/build.version=0.1.0 -X ….commit=<full hash> -X
// ….date=2026-12-07T10:00:00Z". Empty otherwise.
var (
	version = ""
	commit  = ""
	date    = ""
)

// Info is one build's identity.
type Info struct {
	// Version is a semantic version without the leading "v" (0.1.0, 0.1.1-snapshot,
	// 0.1.1-0.20261208093000-0123456789ab for a pseudo-version), or "devel" when
	// nothing says.
	Version string
	// Commit is the git commit it was built from; empty when unknown (a module
	// download carries no commit).
	Commit string
	// Date is the day of that commit or release, YYYY-MM-DD; empty when unknown.
	Date string
	// Modified: built from a checkout with uncommitted changes.
	Modified bool
}

// Version returns the version alone (0.1.0, devel): the User-Agent's.
func Version() string { return Read().Version }

// Read returns this build's Info.
func Read() Info {
	info, _ := debug.ReadBuildInfo()
	return resolve(version, commit, date, info)
}

// resolve is Read with its inputs given: the stamped strings, then the build
// information (nil when the binary has none).
func resolve(stampedVersion, stampedCommit, stampedDate string, bi *debug.BuildInfo) Info {
	var in Info
	var settings map[string]string
	if bi != nil {
		settings = make(map[string]string, len(bi.Settings))
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		in = fromModuleVersion(bi.Main.Version)
	}
	if in.Commit == "" {
		in.Commit = settings["vcs.revision"]
	}
	if in.Date == "" {
		in.Date = day(settings["vcs.time"])
	}
	if settings["vcs.modified"] == "true" {
		in.Modified = true
	}
	if stampedVersion != "" {
		in.Version = strings.TrimPrefix(stampedVersion, "v")
	}
	if stampedCommit != "" && stampedCommit != "none" { // GoReleaser's "none": no git state
		in.Commit = stampedCommit
	}
	if stampedDate != "" {
		in.Date = day(stampedDate)
	}
	if in.Version == "" {
		in.Version = "devel"
	}
	if in.Date == "" {
		in.Date = released[in.Version]
	}
	return in
}

// fromModuleVersion reads a main module version: v0.1.0 (go install
// …@v0.1.0), a pseudo-version (…@main, or go build in a checkout past a tag,
// with the commit and its time inside it), "+dirty" (go build with
// uncommitted changes), or "(devel)".
func fromModuleVersion(v string) Info {
	var in Info
	if v == "" || v == "(devel)" {
		return in
	}
	if base, ok := strings.CutSuffix(v, "+dirty"); ok {
		v, in.Modified = base, true
	}
	if module.IsPseudoVersion(v) {
		if rev, err := module.PseudoVersionRev(v); err == nil {
			in.Commit = rev
		}
		if t, err := module.PseudoVersionTime(v); err == nil {
			in.Date = t.UTC().Format(time.DateOnly)
		}
	}
	in.Version = strings.TrimPrefix(v, "v")
	return in
}

// day turns an RFC 3339 time (GoReleaser's CommitDate, git's vcs.time) into
// YYYY-MM-DD; a day is kept as it is; the zero time (GoReleaser's when it has
// no git state) is no day.
func day(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil && !t.IsZero() {
		return t.UTC().Format(time.DateOnly)
	}
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return s
	}
	return ""
}

// Release reports whether the version is a release (0.1.0), which has a
// page, rather than a pre-release, a snapshot, a pseudo-version or devel.
func (i Info) Release() bool {
	v := "v" + i.Version
	return semver.IsValid(v) && semver.Prerelease(v) == "" && semver.Build(v) == ""
}

// String is what --version and the version command print, as gh does:
//
//	logto-twilio version 0.1.0 (2026-12-07)
//	commit 0123456789abcdef0123456789abcdef01234567
//	https://github.com/logto-twilio/logto-twilio/releases/tag/v0.1.0
//
// The commit line is left out when it is unknown, the link when the version
// is not a release.
func (i Info) String() string {
	var b strings.Builder
	b.WriteString("logto-twilio version " + i.Version)
	if i.Date != "" {
		b.WriteString(" (" + i.Date + ")")
	}
	b.WriteString("\n")
	if i.Commit != "" {
		b.WriteString("commit " + i.Commit)
		if i.Modified {
			b.WriteString(" (with uncommitted changes)")
		}
		b.WriteString("\n")
	} else if i.Modified {
		b.WriteString("built with uncommitted changes\n")
	}
	if i.Release() {
		fmt.Fprintf(&b, "%s/releases/tag/v%s\n", Repository, i.Version)
	}
	return b.String()
}
