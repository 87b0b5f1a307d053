//go:build unix

package atomicfile

import (
	"errors"
	"math"
	"os"
	"syscall"
)

// running reports whether a process with that pid exists (signal 0 asks
// without sending anything; EPERM means it exists under another user).
func running(pid int) bool {
	if pid <= 0 || pid > math.MaxInt32 {
		return false // not a pid_t: kill would read it as a process group
	}
	if pid == os.Getpid() {
		return true
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
