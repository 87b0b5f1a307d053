package build

// released is the day of each release, by version: a `go install …@v0.1.0`
// build knows its version from the module but carries no commit and no date,
// so its date comes from here. A release adds its line in the commit the tag
// points at (docs/releasing.md); TestReleasedMatchesChangelog keeps it equal to
// CHANGELOG.md's headings.
var released = map[string]string{
	"0.1.0": "2026-12-07",
}
