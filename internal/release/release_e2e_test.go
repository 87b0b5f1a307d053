package release

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

// platform is one target of .goreleaser.yaml's build.
type platform struct{ goos, goarch string }

var platforms = []platform{
	{"darwin", "amd64"},
	{"darwin", "arm64"},
	{"linux", "amd64"},
	{"linux", "arm64"},
	{"windows", "amd64"},
	{"windows", "arm64"},
}

// docs is what every archive holds besides the binary.
var docs = []string{
	"CHANGELOG.md", "LICENSE", "README.md", "THIRD_PARTY_LICENSES.md",
	"completions/logto-twilio.bash", "completions/logto-twilio.fish", "completions/logto-twilio.zsh",
	"man/logto-twilio.1.gz",
}

type artifact struct {
	Name, Path, Type string
	Goos, Goarch     string
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func gitOut(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "git", args...)
	cmd.Dir = repoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// TestE2ERelease: a GoReleaser snapshot makes every archive, the checksums,
// the Homebrew cask and the packages; each binary is stripped, static and of
// its platform; the linux/amd64 one prints the stamped version, commit and
// day; and the .deb installs with dpkg and runs.
func TestE2ERelease(t *testing.T) {
	dist := distDir(t)
	var meta struct{ Version string }
	readJSON(t, filepath.Join(dist, "metadata.json"), &meta)
	v := meta.Version
	if !strings.HasSuffix(v, "-snapshot") {
		t.Fatalf("metadata.json version %q: want a snapshot version (snapshot.version_template)", v)
	}
	var arts []artifact
	readJSON(t, filepath.Join(dist, "artifacts.json"), &arts)

	t.Run("artifacts", func(t *testing.T) {
		want := []string{"Checksum checksums.txt", "Homebrew Cask logto-twilio.rb", "Metadata metadata.json"}
		debV := strings.ReplaceAll(v, "-", "~") // nfpm's Debian and RPM spelling of a pre-release
		for _, p := range platforms {
			ext, exe := ".tar.gz", "logto-twilio"
			if p.goos == "windows" {
				ext, exe = ".zip", "logto-twilio.exe"
			}
			want = append(want, "Binary "+exe, fmt.Sprintf("Archive logto-twilio_%s_%s_%s%s", v, p.goos, p.goarch, ext))
			if p.goos == "linux" {
				rpmArch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[p.goarch]
				want = append(want,
					fmt.Sprintf("Linux Package logto-twilio_%s_%s.deb", debV, p.goarch),
					fmt.Sprintf("Linux Package logto-twilio-%s-1.%s.rpm", debV, rpmArch))
			}
		}
		var got []string
		for _, a := range arts {
			got = append(got, a.Type+" "+a.Name)
			path := a.Path // relative to the folder GoReleaser ran in, unless the dist folder is absolute
			if !filepath.IsAbs(path) {
				path = filepath.Join(repoRoot(t), path)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("artifacts.json lists %s: %v", a.Path, err)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("artifacts.json lists\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	sums := checksums(t, dist)
	t.Run("checksums", func(t *testing.T) {
		for _, a := range arts {
			if a.Type != "Archive" && a.Type != "Linux Package" {
				continue
			}
			if sums[a.Name] == "" {
				t.Errorf("checksums.txt has no line for %s", a.Name)
				continue
			}
			if got := sha256File(t, filepath.Join(dist, a.Name)); got != sums[a.Name] {
				t.Errorf("%s: sha256 %s, checksums.txt says %s", a.Name, got, sums[a.Name])
			}
		}
	})

	t.Run("archives", func(t *testing.T) {
		for _, p := range platforms {
			name := fmt.Sprintf("logto-twilio_%s_%s_%s", v, p.goos, p.goarch)
			exe := "logto-twilio"
			var files map[string][]byte
			if p.goos == "windows" {
				exe += ".exe"
				files = readZip(t, filepath.Join(dist, name+".zip"))
			} else {
				files = readTarGz(t, filepath.Join(dist, name+".tar.gz"))
			}
			want := append([]string{exe}, docs...)
			slices.Sort(want)
			got := slices.Sorted(func(yield func(string) bool) {
				for k := range files {
					if !yield(k) {
						return
					}
				}
			})
			if !slices.Equal(got, want) {
				t.Errorf("%s holds %q, want %q", name, got, want)
			}
			checkBinary(t, name, p, files[exe])
			if !strings.Contains(string(files["completions/logto-twilio.bash"]), "bash completion") {
				t.Errorf("%s: completions/logto-twilio.bash is not a bash completion script", name)
			}
			// The licenses of what is linked in: Apache-2.0 asks for its text and the NOTICE files.
			for _, want := range []string{"## github.com/spf13/cobra — LICENSE", "Apache License", "## github.com/coreos/go-oidc/v3/oidc — NOTICE"} {
				if !strings.Contains(string(files["THIRD_PARTY_LICENSES.md"]), want) {
					t.Errorf("%s: THIRD_PARTY_LICENSES.md has no %q", name, want)
				}
			}
			if man := gunzip(t, files["man/logto-twilio.1.gz"]); !strings.HasPrefix(man, ".TH LOGTO-TWILIO 1") {
				t.Errorf("%s: man/logto-twilio.1.gz is not the man page: %.60q", name, man)
			}
		}
	})

	// The version the binaries print: GoReleaser's version, this commit and its day.
	commitTime, err := time.Parse(time.RFC3339, gitOut(t, "show", "-s", "--format=%cI", "HEAD"))
	if err != nil {
		t.Fatal(err)
	}
	wantVersion := fmt.Sprintf("logto-twilio version %s (%s)\ncommit %s\n", v, commitTime.UTC().Format(time.DateOnly), gitOut(t, "rev-parse", "HEAD"))

	t.Run("stamped version", func(t *testing.T) {
		files := readTarGz(t, filepath.Join(dist, fmt.Sprintf("logto-twilio_%s_linux_amd64.tar.gz", v)))
		bin := filepath.Join(t.TempDir(), "logto-twilio")
		if err := os.WriteFile(bin, files["logto-twilio"], 0o755); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"--version"}, {"version"}} {
			out, err := exec.CommandContext(t.Context(), bin, args...).CombinedOutput()
			if err != nil || string(out) != wantVersion {
				t.Errorf("logto-twilio %s: %v\n%s\nwant\n%s", args[0], err, out, wantVersion)
			}
		}
	})

	t.Run("homebrew cask", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dist, "homebrew", "Casks", "logto-twilio.rb"))
		if err != nil {
			t.Fatal(err)
		}
		cask := string(b)
		for _, want := range []string{
			`cask "logto-twilio" do`,
			fmt.Sprintf("version %q", v),
			`binary "logto-twilio"`,
			`manpage "man/logto-twilio.1.gz"`,
			`bash_completion "completions/logto-twilio.bash"`,
			`zsh_completion "completions/logto-twilio.zsh"`,
			`fish_completion "completions/logto-twilio.fish"`,
			"com.apple.quarantine",
		} {
			if !strings.Contains(cask, want) {
				t.Errorf("the cask has no %q:\n%s", want, cask)
			}
		}
		for _, p := range platforms {
			if p.goos == "windows" {
				continue
			}
			archive := fmt.Sprintf("logto-twilio_%s_%s_%s.tar.gz", v, p.goos, p.goarch)
			const url = `url "https://github.com/logto-twilio/logto-twilio/releases/download/v`
			file := fmt.Sprintf("/logto-twilio_#{version}_%s_%s.tar.gz\"", p.goos, p.goarch)
			i := strings.Index(cask, file)
			if i < 0 || !strings.Contains(cask[:i], url) {
				t.Errorf("the cask has no download of %s", archive)
				continue
			}
			// The sha256 line comes just before its url line.
			block := cask[:i]
			block = block[strings.LastIndex(block, "sha256"):]
			if !strings.Contains(block, sums[archive]) {
				t.Errorf("the cask's sha256 for %s is not the checksum %s:\n%s", archive, sums[archive], block)
			}
		}
	})

	// Each package is installed for real (dpkg -i, rpm -i) into a root folder
	// of the test's own with its own package database: the files land where
	// the package says, without touching this machine's /usr or needing root.
	pkgV := strings.ReplaceAll(v, "-", "~") // nfpm's Debian and RPM spelling of a pre-release
	for _, pkg := range []struct {
		name, tool, file string
		install          func(root, file string) []string
		query            func(root string) []string
		installed        string
	}{
		{
			name: "deb", tool: "dpkg", file: fmt.Sprintf("logto-twilio_%s_amd64.deb", pkgV),
			install: func(root, file string) []string {
				return []string{"--root=" + root, "--force-not-root", "--log=/dev/null", "-i", file}
			},
			query:     func(root string) []string { return []string{"--root=" + root, "-s", "logto-twilio"} },
			installed: "Status: install ok installed",
		},
		{
			name: "rpm", tool: "rpm", file: fmt.Sprintf("logto-twilio-%s-1.x86_64.rpm", pkgV),
			install:   func(root, file string) []string { return []string{"--root", root, "-i", "--nodeps", file} },
			query:     func(root string) []string { return []string{"--root", root, "-q", "logto-twilio"} },
			installed: "logto-twilio-" + pkgV + "-1.x86_64",
		},
	} {
		t.Run(pkg.name+" installs", func(t *testing.T) {
			tool := e2etest.Need(t, pkg.tool)
			root := t.TempDir()
			if pkg.tool == "dpkg" {
				for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates"} {
					if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			} else if out, err := exec.CommandContext(t.Context(), tool, "--root", root, "--initdb").CombinedOutput(); err != nil {
				t.Fatalf("rpm --initdb: %v\n%s", err, out)
			}
			out, err := exec.CommandContext(t.Context(), tool, pkg.install(root, filepath.Join(dist, pkg.file))...).CombinedOutput()
			if err != nil {
				t.Fatalf("%s -i %s: %v\n%s", pkg.tool, pkg.file, err, out)
			}
			for _, f := range []string{
				"usr/share/man/man1/logto-twilio.1.gz",
				"usr/share/bash-completion/completions/logto-twilio",
				"usr/share/zsh/vendor-completions/_logto-twilio",
				"usr/share/fish/vendor_completions.d/logto-twilio.fish",
				"usr/share/doc/logto-twilio/copyright",
				"usr/share/doc/logto-twilio/THIRD_PARTY_LICENSES.md",
			} {
				if _, err := os.Stat(filepath.Join(root, f)); err != nil {
					t.Errorf("after %s -i: %v", pkg.tool, err)
				}
			}
			out, err = exec.CommandContext(t.Context(), filepath.Join(root, "usr/bin/logto-twilio"), "--version").CombinedOutput()
			if err != nil || string(out) != wantVersion {
				t.Errorf("/usr/bin/logto-twilio --version from the %s: %v\n%s\nwant\n%s", pkg.name, err, out, wantVersion)
			}
			out, err = exec.CommandContext(t.Context(), tool, pkg.query(root)...).CombinedOutput()
			if err != nil || !strings.Contains(string(out), pkg.installed) {
				t.Errorf("%s %q: %v\n%s", pkg.tool, pkg.query(root), err, out)
			}
		})
	}
}

// checkBinary: the binary is of its platform, stripped of debug information
// and symbols (-s -w) and, on Linux, static (CGO_ENABLED=0: no interpreter).
func checkBinary(t *testing.T, name string, p platform, b []byte) {
	t.Helper()
	if len(b) == 0 {
		t.Errorf("%s: no binary", name)
		return
	}
	r := strings.NewReader(string(b))
	switch p.goos {
	case "linux":
		f, err := elf.NewFile(r)
		if err != nil {
			t.Errorf("%s: not an ELF binary: %v", name, err)
			return
		}
		want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[p.goarch]
		if f.Machine != want {
			t.Errorf("%s: ELF machine %v, want %v", name, f.Machine, want)
		}
		for _, s := range []string{".debug_info", ".symtab"} {
			if f.Section(s) != nil {
				t.Errorf("%s: has %s (not stripped)", name, s)
			}
		}
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP {
				t.Errorf("%s: dynamically linked (it has an interpreter): CGO_ENABLED must be 0", name)
			}
		}
	case "darwin":
		f, err := macho.NewFile(r)
		if err != nil {
			t.Errorf("%s: not a Mach-O binary: %v", name, err)
			return
		}
		want := map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[p.goarch]
		if f.Cpu != want {
			t.Errorf("%s: Mach-O CPU %v, want %v", name, f.Cpu, want)
		}
		// A Mach-O binary keeps the symbols dyld needs even with -s; -w
		// leaves out the DWARF segment.
		if f.Segment("__DWARF") != nil {
			t.Errorf("%s: has debug information (__DWARF)", name)
		}
	case "windows":
		f, err := pe.NewFile(r)
		if err != nil {
			t.Errorf("%s: not a PE binary: %v", name, err)
			return
		}
		want := map[string]uint16{"amd64": pe.IMAGE_FILE_MACHINE_AMD64, "arm64": pe.IMAGE_FILE_MACHINE_ARM64}[p.goarch]
		if f.Machine != want {
			t.Errorf("%s: PE machine %#x, want %#x", name, f.Machine, want)
		}
		if f.Section(".debug_info") != nil || f.Section(".zdebug_info") != nil {
			t.Errorf("%s: not stripped", name)
		}
	}
}

func checksums(t *testing.T, dist string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("checksums.txt: line %q is not \"<sha256>  <file>\"", sc.Text())
		}
		sums[name] = sum
	}
	return sums
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func readTarGz(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if h.Name == "logto-twilio" && h.Mode&0o111 == 0 {
			t.Errorf("%s: logto-twilio has mode %o, not executable", path, h.Mode)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = b
	}
}

func readZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	return files
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	gz, err := gzip.NewReader(strings.NewReader(string(b)))
	if err != nil {
		t.Errorf("not gzip: %v", err)
		return ""
	}
	out, err := io.ReadAll(gz)
	if err != nil {
		t.Errorf("gzip: %v", err)
	}
	return string(out)
}
