// Package build says which build of logto-twilio this is: the version stamped at build time
// (-ldflags "-X github.com/logto-twilio/logto-twilio/internal/build.version=…") or read from the
// module's build information.
package build

import "runtime/debug"

// version is set with -ldflags "-X github.com/logto-twilio/logto-twilio/internal/build.version=..." by release builds; when
// empty, the module version from the build info is used.
var version = ""

// Version returns the version to print for --version.
func Version() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}
