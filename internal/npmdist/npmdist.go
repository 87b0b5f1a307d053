// Package npmdist makes the npm packages of a release from GoReleaser's dist
// folder, the esbuild/Biome way: the launcher package logto-twilio (the
// template in npm/logto-twilio, with the release's version and one optional
// dependency per platform) and one package @logto-twilio/<platform>-<arch>
// per binary, whose "os" and "cpu" fields let npm install only the one that
// runs on the user's machine. Nothing is downloaded at install time: the
// registry is the only source. scripts/npmpkg is its command.
package npmdist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Scope is the npm scope of the platform packages.
const Scope = "@logto-twilio"

// Launcher is the launcher package's name (what users run with npx).
const Launcher = "logto-twilio"

// Platform is one platform package: GoReleaser's goos/goarch and Node's
// process.platform/process.arch for it.
type Platform struct {
	GOOS, GOARCH string
	OS, CPU      string
}

// Package is the platform package's name, e.g. @logto-twilio/linux-x64 (the
// launcher looks for @logto-twilio/${process.platform}-${process.arch}).
func (p Platform) Package() string { return Scope + "/" + p.OS + "-" + p.CPU }

// Binary is the program's file name on the platform.
func (p Platform) Binary() string {
	if p.GOOS == "windows" {
		return Launcher + ".exe"
	}
	return Launcher
}

// Platforms are the platforms the launcher knows (its PLATFORMS list): every
// one needs a binary in the release.
var Platforms = []Platform{
	{"linux", "amd64", "linux", "x64"},
	{"linux", "arm64", "linux", "arm64"},
	{"darwin", "amd64", "darwin", "x64"},
	{"darwin", "arm64", "darwin", "arm64"},
	{"windows", "amd64", "win32", "x64"},
	{"windows", "arm64", "win32", "arm64"},
}

// Options says where Generate reads and writes.
type Options struct {
	// Dist is GoReleaser's dist folder (metadata.json, artifacts.json and the binaries).
	Dist string
	// Out is where the packages are written: Out/logto-twilio and
	// Out/@logto-twilio/<platform>-<arch>, replaced if they exist.
	Out string
	// Template is the launcher package's folder (npm/logto-twilio in the repository).
	Template string
	// License is the LICENSE file every package carries.
	License string
	// ThirdParty, when set, is the THIRD_PARTY_LICENSES.md every platform
	// package carries beside its binary (scripts/release-extras writes it
	// in .release/ before GoReleaser builds).
	ThirdParty string
}

// artifact is one entry of GoReleaser's dist/artifacts.json (the fields used).
type artifact struct {
	Type   string `json:"type"`
	GOOS   string `json:"goos"`
	GOARCH string `json:"goarch"`
	Path   string `json:"path"`
}

// semver is npm's version syntax (semver 2.0, no leading v).
var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// Generate writes the launcher package and every platform package for the
// release in o.Dist, and returns their folders (the launcher's first). It
// fails, writing nothing, when the release's version is not a semantic
// version, when a platform of Platforms has no binary, or when a binary is
// for a platform the launcher does not know.
func Generate(o Options) ([]string, error) {
	version, err := readVersion(filepath.Join(o.Dist, "metadata.json"))
	if err != nil {
		return nil, err
	}
	bins, err := readBinaries(o.Dist)
	if err != nil {
		return nil, err
	}
	launcher, err := readTemplate(filepath.Join(o.Template, "package.json"))
	if err != nil {
		return nil, err
	}
	license, err := os.ReadFile(filepath.Clean(o.License))
	if err != nil {
		return nil, fmt.Errorf("reading the license: %w", err)
	}
	var thirdParty []byte
	if o.ThirdParty != "" {
		if thirdParty, err = os.ReadFile(filepath.Clean(o.ThirdParty)); err != nil {
			return nil, fmt.Errorf("reading the third-party licenses (GoReleaser's before hook, scripts/release-extras, writes them): %w", err)
		}
	}
	for _, dir := range []string{filepath.Join(o.Out, Launcher), filepath.Join(o.Out, Scope)} {
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("removing the previous packages: %w", err)
		}
	}

	launcher.Version = version
	launcher.OptionalDependencies = map[string]string{}
	for _, p := range Platforms {
		launcher.OptionalDependencies[p.Package()] = version
	}
	dir := filepath.Join(o.Out, Launcher)
	if err := copyTemplate(o.Template, dir); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(dir, "package.json"), launcher); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "LICENSE"), license); err != nil {
		return nil, fmt.Errorf("writing the launcher's license: %w", err)
	}
	dirs := []string{dir}
	for _, p := range Platforms {
		dir, err := writePlatform(o.Out, p, bins[p], version, launcher, license, thirdParty)
		if err != nil {
			return nil, err
		}
		dirs = append(dirs, dir)
	}
	return dirs, nil
}

func readVersion(file string) (string, error) {
	b, err := os.ReadFile(filepath.Clean(file))
	if err != nil {
		return "", fmt.Errorf("reading the release's version: %w (run goreleaser first)", err)
	}
	var m struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return "", fmt.Errorf("reading the release's version from %s: %w", file, err)
	}
	if !semver.MatchString(m.Version) {
		return "", fmt.Errorf("the release's version in %s is %q, which npm does not take: it needs a semantic version such as 0.1.0", file, m.Version)
	}
	return m.Version, nil
}

// readBinaries returns the binary of every platform in Platforms, from the
// dist folder's artifacts.json.
func readBinaries(dist string) (map[Platform]string, error) {
	file := filepath.Join(dist, "artifacts.json")
	b, err := os.ReadFile(filepath.Clean(file))
	if err != nil {
		return nil, fmt.Errorf("reading the release's binaries: %w (run goreleaser first)", err)
	}
	var arts []artifact
	if err := json.Unmarshal(b, &arts); err != nil {
		return nil, fmt.Errorf("reading the release's binaries from %s: %w", file, err)
	}
	bins := map[Platform]string{}
	for _, a := range arts {
		if a.Type != "Binary" {
			continue
		}
		i := slices.IndexFunc(Platforms, func(p Platform) bool { return p.GOOS == a.GOOS && p.GOARCH == a.GOARCH })
		if i < 0 {
			return nil, fmt.Errorf("%s lists a binary for %s/%s, which has no npm package: the launcher knows %s (add it to internal/npmdist.Platforms and the launcher's PLATFORMS, or remove it from .goreleaser.yaml)", file, a.GOOS, a.GOARCH, known())
		}
		p := Platforms[i]
		if prev, ok := bins[p]; ok {
			return nil, fmt.Errorf("%s lists two binaries for %s/%s (%s and %s): an npm package holds one", file, a.GOOS, a.GOARCH, prev, a.Path)
		}
		// GoReleaser writes each binary to <dist>/<build>_<os>_<arch>…/<name>,
		// and names it by the dist folder as given to it (e.g. dist/…): the
		// last two parts are the same wherever the folder is now.
		path := filepath.Join(dist, filepath.Base(filepath.Dir(a.Path)), filepath.Base(a.Path))
		if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
			return nil, fmt.Errorf("the %s/%s binary listed in %s is not at %s", a.GOOS, a.GOARCH, file, path)
		}
		if filepath.Base(path) != p.Binary() {
			return nil, fmt.Errorf("the %s/%s binary listed in %s is named %s; the launcher runs %s", a.GOOS, a.GOARCH, file, filepath.Base(path), p.Binary())
		}
		bins[p] = path
	}
	var missing []string
	for _, p := range Platforms {
		if _, ok := bins[p]; !ok {
			missing = append(missing, p.GOOS+"/"+p.GOARCH)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s has no binary for %s: the launcher needs one for each of %s (check .goreleaser.yaml's goos and goarch)", file, strings.Join(missing, ", "), known())
	}
	return bins, nil
}

func known() string {
	var s []string
	for _, p := range Platforms {
		s = append(s, p.GOOS+"/"+p.GOARCH)
	}
	return strings.Join(s, ", ")
}

// launcherPackage is the launcher's package.json: the template's fields,
// then the version and the platform packages the generator sets. A field the
// template has and this does not is an error, so none is dropped unseen.
type launcherPackage struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Description          string            `json:"description"`
	Keywords             []string          `json:"keywords"`
	Homepage             string            `json:"homepage"`
	Bugs                 string            `json:"bugs"`
	Repository           json.RawMessage   `json:"repository"`
	License              string            `json:"license"`
	Bin                  map[string]string `json:"bin"`
	Files                []string          `json:"files"`
	Engines              map[string]string `json:"engines"`
	OptionalDependencies map[string]string `json:"optionalDependencies,omitempty"`
}

// platformPackage is a platform package's package.json.
type platformPackage struct {
	Name        string          `json:"name"`
	Version     string          `json:"version"`
	Description string          `json:"description"`
	Homepage    string          `json:"homepage"`
	Repository  json.RawMessage `json:"repository"`
	License     string          `json:"license"`
	OS          []string        `json:"os"`
	CPU         []string        `json:"cpu"`
	// PreferUnplugged asks Yarn PnP to keep the binary on disk, runnable.
	PreferUnplugged bool `json:"preferUnplugged"`
}

func readTemplate(file string) (*launcherPackage, error) {
	b, err := os.ReadFile(filepath.Clean(file))
	if err != nil {
		return nil, fmt.Errorf("reading the launcher's template: %w", err)
	}
	var p launcherPackage
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("reading the launcher's template %s: %w", file, err)
	}
	if p.Name != Launcher || p.License == "" || len(p.Repository) == 0 || p.Bin[Launcher] == "" {
		return nil, fmt.Errorf("the launcher's template %s needs the name %s, a license, a repository and bin.%s", file, Launcher, Launcher)
	}
	return &p, nil
}

// copyTemplate copies the launcher's folder, keeping each file's mode
// (bin/logto-twilio.js is executable); its package.json is written after.
func copyTemplate(from, to string) error {
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err //nolint:wrapcheck // the walk's error names the path
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return mkdir(dst)
		}
		if rel == "package.json" {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err //nolint:wrapcheck // named by the caller
		}
		return copyFile(path, dst, info.Mode().Perm()|0o644)
	})
	if err != nil {
		return fmt.Errorf("copying the launcher's template: %w", err)
	}
	return nil
}

func copyFile(from, to string, mode fs.FileMode) error {
	in, err := os.Open(filepath.Clean(from))
	if err != nil {
		return err //nolint:wrapcheck // named by the caller
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(filepath.Clean(to), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err //nolint:wrapcheck // named by the caller
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err //nolint:wrapcheck // named by the caller
	}
	if err := out.Close(); err != nil {
		return err //nolint:wrapcheck // named by the caller
	}
	return os.Chmod(to, mode) //nolint:wrapcheck // named by the caller (the umask may have narrowed it)
}

func writePlatform(out string, p Platform, bin, version string, launcher *launcherPackage, license, thirdParty []byte) (string, error) {
	dir := filepath.Join(out, p.Package())
	if err := mkdir(filepath.Join(dir, "bin")); err != nil {
		return "", fmt.Errorf("writing %s: %w", p.Package(), err)
	}
	pkg := platformPackage{
		Name:            p.Package(),
		Version:         version,
		Description:     fmt.Sprintf("The %s %s program of %s, which the %s package runs (npx %s).", p.OS, p.CPU, Launcher, Launcher, Launcher),
		Homepage:        launcher.Homepage,
		Repository:      launcher.Repository,
		License:         launcher.License,
		OS:              []string{p.OS},
		CPU:             []string{p.CPU},
		PreferUnplugged: true,
	}
	readme := fmt.Sprintf("# %s\n\nThe %s program built for %s %s; install and run it with `npx %s` (%s).\n", p.Package(), Launcher, p.OS, p.CPU, Launcher, launcher.Homepage)
	if err := writeJSON(filepath.Join(dir, "package.json"), pkg); err != nil {
		return "", err
	}
	files := map[string][]byte{"README.md": []byte(readme), "LICENSE": license}
	if thirdParty != nil {
		files["THIRD_PARTY_LICENSES.md"] = thirdParty
	}
	for name, b := range files {
		if err := writeFile(filepath.Join(dir, name), b); err != nil {
			return "", fmt.Errorf("writing %s: %w", p.Package(), err)
		}
	}
	if err := copyFile(bin, filepath.Join(dir, "bin", p.Binary()), 0o755); err != nil {
		return "", fmt.Errorf("writing %s: %w", p.Package(), err)
	}
	return dir, nil
}

func writeJSON(file string, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if err := writeFile(file, b.Bytes()); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	return nil
}

// writeFile writes a file of a package: readable by all, as npm packs it.
func writeFile(file string, b []byte) error {
	return os.WriteFile(file, b, 0o644) //nolint:gosec,wrapcheck // a package's file is public; named by the caller
}

// mkdir makes a package's folder: readable by all, as npm packs it.
func mkdir(dir string) error {
	return os.MkdirAll(dir, 0o755) //nolint:gosec,wrapcheck // a package's folder is public; named by the caller
}
