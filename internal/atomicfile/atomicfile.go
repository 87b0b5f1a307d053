// Package atomicfile writes files so that a reader (or a crash) sees either
// the old content or the new one, never a mix: the data goes to a temporary
// file beside the target, is flushed to disk, and is renamed over it.
//
// A process killed between creating the temporary file and renaming it
// leaves the temporary file behind, with the new content (for secrets.json,
// secrets). Its name says which target and which process it was for
// (".secrets.json.<pid>-<random>.tmp"), so Stray finds it and RemoveStray
// removes it once that process has ended.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Write replaces path with data, created with mode perm. The temporary file
// is removed when anything fails; the target is then unchanged.
func Write(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), tempPrefix(filepath.Base(path))+strconv.Itoa(os.Getpid())+"-*"+tempSuffix)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			_ = os.Remove(tmp) //nolint:gosec // the file CreateTemp just made beside path
		}
	}()
	if err := f.Chmod(perm); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if beforeRename != nil {
		beforeRename(tmp)
	}
	if err := os.Rename(tmp, path); err != nil { //nolint:gosec // from the file CreateTemp just made to the caller's path
		return fmt.Errorf("write %s: %w", path, err)
	}
	ok = true
	return nil
}

// FreeName is path when nothing is there, else path.1, path.2, … (the first
// free one): a copy kept aside never replaces an earlier one.
func FreeName(path string) string {
	p := path
	for i := 1; ; i++ {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p
		}
		p = path + "." + strconv.Itoa(i)
	}
}

const tempSuffix = ".tmp"

// beforeRename, when set (tests), runs between writing the temporary file
// and renaming it: where a kill leaves a stray.
var beforeRename func(tmp string)

// tempPrefix is how the temporary files of target begin.
func tempPrefix(target string) string { return "." + target + "." }

// Stray lists the temporary files that Write left in dir for the targets
// (base names, e.g. "secrets.json") and whose writer has ended: a process
// killed mid-write. Temporary files of a process that still runs (it is
// writing now) are not listed. Listing changes nothing.
func Stray(dir string, targets ...string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		for _, t := range targets {
			if pid, ok := writerPID(e.Name(), t); ok && !running(pid) {
				out = append(out, filepath.Join(dir, e.Name()))
				break
			}
		}
	}
	return out, nil
}

// RemoveStray removes what Stray lists and returns the paths it removed.
func RemoveStray(dir string, targets ...string) ([]string, error) {
	stray, err := Stray(dir, targets...)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, p := range stray {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("remove %s: %w", p, err)
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// writerPID parses the name of a temporary file of target: "." + target +
// "." + pid + "-" + random + ".tmp". Names from before the pid was part of
// them (".secrets.json.<random>.tmp") give their random number, which no
// running process has, almost surely.
func writerPID(name, target string) (int, bool) {
	rest, ok := strings.CutPrefix(name, tempPrefix(target))
	if !ok {
		return 0, false
	}
	rest, ok = strings.CutSuffix(rest, tempSuffix)
	if !ok || rest == "" {
		return 0, false
	}
	pidPart, random, hasRandom := strings.Cut(rest, "-")
	if hasRandom && !digits(random) || !digits(pidPart) {
		return 0, false
	}
	pid, err := strconv.Atoi(pidPart)
	if err != nil || pid <= 0 {
		return 0, true // too big to be a pid: no process has it
	}
	return pid, true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
