//go:build !unix

package atomicfile

import "os"

// running reports whether a process with that pid exists: on Windows
// FindProcess opens the process, which fails when there is none.
func running(pid int) bool {
	if pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
