package teardown

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/demo"
)

// npmMade are what `npm install` makes in the starter's folder from its package.json
// (the starter's README says to run it): deleted with the starter's files.
var npmMade = []string{"node_modules", "package-lock.json"}

// Starter is the Express starter folder the wizard wrote (Setup.ExpressDir), when the app
// its .env names is deleted: the starter then no longer signs in.
type Starter struct {
	Dir string
	// Files are the starter's own files in it (and npm's: node_modules, package-lock.json).
	Files []string
	// Others are what else is in the folder: files the starter did not write, or starter
	// files changed since it wrote them. When there are any the folder is never deleted.
	Others []string
	// Delete asks Execute to delete the folder (the command sets it once the user agreed).
	Delete bool
}

// Deletable reports whether the folder holds only what the starter (and npm) wrote.
func (s *Starter) Deletable() bool { return s != nil && len(s.Others) == 0 }

// RemoveHint is how to remove the folder by hand.
func (s *Starter) RemoveHint() string { return "rm -r " + cmdline.Quote(s.Dir) }

// planStarter looks at the starter folder of su; nil when there is none (never written,
// or no longer there).
func planStarter(dir string) *Starter {
	if dir == "" {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	own, err := demo.ExpressStarterFiles()
	if err != nil {
		return nil
	}
	s := &Starter{Dir: dir}
	for _, e := range entries {
		name := e.Name()
		same, ours := own[name]
		switch {
		case slices.Contains(npmMade, name):
			s.Files = append(s.Files, name)
		case !ours || !e.Type().IsRegular():
			s.Others = append(s.Others, name)
		case !unchanged(filepath.Join(dir, name), same):
			s.Others = append(s.Others, name+" (changed)")
		default:
			s.Files = append(s.Files, name)
		}
	}
	return s
}

// unchanged reports whether the file at p is as the starter wrote it (same).
func unchanged(p string, same func([]byte) bool) bool {
	b, err := os.ReadFile(p) //nolint:gosec // G304: the starter folder the wizard wrote, and one of its own file names
	return err == nil && same(b)
}

// deleteStarter deletes the starter's files and then the folder, after looking at it again:
// if something else appeared in it meanwhile, nothing is deleted.
func deleteStarter(s *Starter) error {
	now := planStarter(s.Dir)
	switch {
	case now == nil:
		return nil // already gone
	case !now.Deletable():
		return fmt.Errorf("the folder now holds other files (%s), so it was left as it is", join(now.Others))
	}
	for _, name := range now.Files {
		if err := os.RemoveAll(filepath.Join(s.Dir, name)); err != nil {
			return fmt.Errorf("delete %s: %w", name, err)
		}
	}
	if err := os.Remove(s.Dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete the folder: %w", err)
	}
	return nil
}

// join lists names for a sentence, at most five.
func join(names []string) string {
	if len(names) > 5 {
		return fmt.Sprintf("%s and %d more", join(names[:5]), len(names)-5)
	}
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
