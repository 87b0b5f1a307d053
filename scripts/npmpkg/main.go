// Command npmpkg makes the npm packages of a release from GoReleaser's dist
// folder (see internal/npmdist); run it from the repository's root after
// goreleaser:
//
//	go run ./scripts/npmpkg --dist dist --out dist/npm
//
// then npm publish each folder it prints, the platform packages first
// (the launcher's optional dependencies must exist when it is installed).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/logto-twilio/logto-twilio/internal/npmdist"
)

func main() {
	var o npmdist.Options
	flag.StringVar(&o.Dist, "dist", "dist", "GoReleaser's dist folder (metadata.json, artifacts.json, the binaries)")
	flag.StringVar(&o.Out, "out", "dist/npm", "where the packages are written")
	flag.StringVar(&o.Template, "template", "npm/logto-twilio", "the launcher package's template")
	flag.StringVar(&o.License, "license", "LICENSE", "the license every package carries")
	flag.StringVar(&o.ThirdParty, "third-party", ".release/THIRD_PARTY_LICENSES.md", "the licenses of the modules linked into the binary, which every platform package carries (\"\" for none)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "npmpkg takes no arguments (got %q); usage:\n", flag.Args())
		flag.PrintDefaults()
		os.Exit(2)
	}
	dirs, err := npmdist.Generate(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "npmpkg:", err)
		os.Exit(1)
	}
	// The platform packages first: publishing them before the launcher means
	// no moment where the launcher names a package the registry lacks.
	for _, d := range append(dirs[1:], dirs[0]) {
		fmt.Println(d)
	}
}
