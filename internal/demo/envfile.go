package demo

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ExpressEnvFile is the name of the Express starter's environment file.
const ExpressEnvFile = ".env"

// SetEnvValue sets key=value in the .env file at path, keeping every other line (comments,
// blank lines, other keys, line endings) as it is: the first line assigning key is replaced,
// later ones are removed, and a missing key is appended. The file is rewritten atomically
// with mode 0600 (it holds secrets). It returns changed=false, and writes nothing, when the
// file already holds the value. A missing file is an error wrapping fs.ErrNotExist. The
// value never appears in an error.
func SetEnvValue(path, key, value string) (changed bool, err error) {
	if key == "" || strings.ContainsAny(key, "= \t\r\n#") {
		return false, fmt.Errorf("demo: %q is not a .env key", key)
	}
	if value == "" || strings.ContainsAny(value, " \t\r\n\"'`#$\\") {
		return false, fmt.Errorf("demo: the value for %s is empty or has a space, quote or other character .env cannot hold", key)
	}
	old, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return false, fmt.Errorf("demo: read %s: %w", path, err)
	}
	lines := bytes.SplitAfter(old, []byte("\n"))
	var out bytes.Buffer
	found := false
	for _, line := range lines {
		if len(line) == 0 {
			continue
		}
		if !isAssignment(line, key) {
			out.Write(line)
			continue
		}
		if found {
			continue // a later duplicate would win in dotenv: drop it
		}
		found = true
		out.WriteString(key + "=" + value + lineEnding(line))
	}
	if !found {
		if out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
			out.WriteString("\n")
		}
		out.WriteString(key + "=" + value + "\n")
	}
	if bytes.Equal(out.Bytes(), old) {
		return false, nil
	}
	if err := writeFileAtomic(path, out.Bytes(), 0o600); err != nil {
		return false, err
	}
	return true, nil
}

// isAssignment reports whether line assigns key ("KEY=...", "export KEY=...", spaces around).
func isAssignment(line []byte, key string) bool {
	s := strings.TrimSpace(string(line))
	s = strings.TrimPrefix(s, "export ")
	name, _, ok := strings.Cut(s, "=")
	return ok && strings.TrimSpace(name) == key
}

// lineEnding returns the line's own ending ("\r\n", "\n" or "" for a last line without one).
func lineEnding(line []byte) string {
	switch {
	case bytes.HasSuffix(line, []byte("\r\n")):
		return "\r\n"
	case bytes.HasSuffix(line, []byte("\n")):
		return "\n"
	}
	return ""
}
