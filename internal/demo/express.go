package demo

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/logto-twilio/logto-twilio/assets"
	"github.com/logto-twilio/logto-twilio/internal/atomicfile"
	"github.com/logto-twilio/logto-twilio/internal/cmdline"
)

// ExpressValues fill in the Express starter's .env and README.
type ExpressValues struct {
	Endpoint      string // Logto endpoint, e.g. http://localhost:3001 (a trailing "/oidc" is dropped)
	AppID         string
	AppSecret     string // written to .env only (mode 0600)
	BaseURL       string // e.g. http://localhost:3000; the app listens on its port
	SessionSecret string // "" = a new random one
	// Rerun is the command line that writes the starter's .env again (the wizard, rendered by
	// the command layer's cmdline.Func); "" = cmdline.Plain("setup"). The app prints it when a
	// variable is missing.
	Rerun string
}

// String masks the app and session secrets.
func (v ExpressValues) String() string {
	return fmt.Sprintf("demo.ExpressValues{Endpoint: %s, AppID: %s, AppSecret: %s, BaseURL: %s, SessionSecret: %s, Rerun: %s}",
		v.Endpoint, v.AppID, mask(v.AppSecret), v.BaseURL, mask(v.SessionSecret), v.Rerun)
}

// GoString masks the secrets in %#v too.
func (v ExpressValues) GoString() string { return v.String() }

// check validates and normalises v. Values go into a .env file, so they must be one plain token.
func (v ExpressValues) check() (ExpressValues, error) {
	ep, err := parseHTTPURL("Logto endpoint", v.Endpoint)
	if err != nil {
		return v, err
	}
	v.Endpoint = strings.TrimSuffix(strings.TrimSuffix(ep, "/"), "/oidc")
	base, err := parseHTTPURL("base URL", v.BaseURL)
	if err != nil {
		return v, err
	}
	v.BaseURL = strings.TrimSuffix(base, "/")
	if v.SessionSecret == "" {
		v.SessionSecret = rand.Text() + rand.Text()
	}
	if v.Rerun = strings.TrimSpace(v.Rerun); v.Rerun == "" {
		v.Rerun = cmdline.Plain("setup")
	}
	if strings.ContainsAny(v.Rerun, "\r\n`") {
		return v, errors.New("demo: the command line that writes the starter again has a line break or backquote")
	}
	for _, f := range []struct{ name, val string }{
		{"Logto endpoint", v.Endpoint},
		{"App ID", v.AppID},
		{"App secret", v.AppSecret},
		{"base URL", v.BaseURL},
		{"session secret", v.SessionSecret},
	} {
		if f.val == "" {
			return v, fmt.Errorf("demo: the %s is empty", f.name)
		}
		if strings.ContainsAny(f.val, " \t\r\n\"'`#$\\") {
			// Never echo the value: it may be a secret.
			return v, fmt.Errorf("demo: the %s has a space, quote or other character .env cannot hold", f.name)
		}
	}
	return v, nil
}

// WriteExpressStarter writes the Express starter (package.json, app.js, .env, .env.example,
// .gitignore, README.md) into dir, creating it when needed. An existing file with other content is replaced
// only when overwrite(path) returns true (a nil overwrite never replaces); one that already has the
// same content is left alone. It returns the paths it wrote. Nothing is written when v is invalid.
func WriteExpressStarter(dir string, v ExpressValues, overwrite func(path string) bool) ([]string, error) {
	v, err := v.check()
	if err != nil {
		return nil, err
	}
	files, err := renderStarter(v)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil { //nolint:gosec // G301: a project folder the user opens and runs npm in; the secret .env inside is 0600
		return nil, fmt.Errorf("demo: creating %s: %w", dir, err)
	}
	var written []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		fi, err := os.Lstat(p)
		switch {
		case err == nil && fi.IsDir():
			return written, fmt.Errorf("demo: %s is a directory; not replacing it", p)
		case err == nil:
			if old, rerr := os.ReadFile(p); rerr == nil && bytes.Equal(old, f.data) { //nolint:gosec // G304: the user chose dir; the names are the starter's own
				continue
			}
			if overwrite == nil || !overwrite(p) {
				continue
			}
		case !errors.Is(err, fs.ErrNotExist):
			return written, fmt.Errorf("demo: checking %s: %w", p, err)
		}
		if err := writeFileAtomic(p, f.data, f.mode); err != nil {
			return written, err
		}
		written = append(written, p)
	}
	return written, nil
}

type starterFile struct {
	name string
	data []byte
	mode os.FileMode
}

// renderStarter fills in every starter file, in the embedded order (sorted by name).
func renderStarter(v ExpressValues) ([]starterFile, error) {
	root, err := fs.Sub(assets.Express, "express")
	if err != nil {
		return nil, fmt.Errorf("demo: express starter: %w", err)
	}
	entries, err := fs.ReadDir(root, ".")
	if err != nil {
		return nil, fmt.Errorf("demo: express starter: %w", err)
	}
	var out []starterFile
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		data, err := fs.ReadFile(root, name)
		if err != nil {
			return nil, fmt.Errorf("demo: express starter: %w", err)
		}
		if base, ok := strings.CutSuffix(name, ".tmpl"); ok {
			filled, err := fillMarkers(string(data), v.markers())
			if err != nil {
				return nil, fmt.Errorf("demo: express starter %s: %w", e.Name(), err)
			}
			name, data = base, []byte(filled)
		}
		if rest, ok := strings.CutPrefix(name, "dot-"); ok {
			name = "." + rest
		}
		mode := os.FileMode(0o644)
		if name == ".env" {
			mode = 0o600
		}
		out = append(out, starterFile{name: path.Clean(name), data: data, mode: mode})
	}
	return out, nil
}

// markers are the values a starter file's "{{.Field}}" markers stand for.
func (v ExpressValues) markers() map[string]string {
	return map[string]string{
		"Endpoint":      v.Endpoint,
		"AppID":         v.AppID,
		"AppSecret":     v.AppSecret,
		"BaseURL":       v.BaseURL,
		"SessionSecret": v.SessionSecret,
		"Rerun":         v.Rerun,
		"RerunJS":       v.RerunJS(),
	}
}

// RerunJS is Rerun as a JavaScript string literal (app.js prints it).
func (v ExpressValues) RerunJS() string {
	b, err := json.Marshal(v.Rerun)
	if err != nil { // a string always marshals
		panic(err)
	}
	return string(b)
}

// fillMarkers replaces every "{{.Name}}" in src with values[Name], as text/template did for these
// files, without linking text/template (whose reachable Execute keeps every exported method in
// the binary). Any other "{{…}}", or a "{{" without its "}}", is an error. Values are inserted as
// they are: they are not searched for markers.
func fillMarkers(src string, values map[string]string) (string, error) {
	var b strings.Builder
	for {
		before, rest, found := strings.Cut(src, "{{")
		b.WriteString(before)
		if !found {
			return b.String(), nil
		}
		inner, after, closed := strings.Cut(rest, "}}")
		if !closed {
			return "", errors.New(`a "{{" without its "}}"`)
		}
		name, ok := strings.CutPrefix(inner, ".")
		val, known := values[name]
		if !ok || !known {
			return "", fmt.Errorf("unknown marker {{%s}}", inner)
		}
		b.WriteString(val)
		src = after
	}
}

// writeFileAtomic writes data to a temporary file beside p, then renames it over p.
func writeFileAtomic(p string, data []byte, mode os.FileMode) error {
	if err := atomicfile.Write(p, data, mode); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}
