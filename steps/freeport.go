package steps

import (
	"context"
	"net"
	"strconv"
)

// The ports the busy-port hint suggests: above Logto's own defaults, 3001
// (the core) and 3002 (the Admin Console).
const (
	freePortFrom = 3003
	freePortTo   = 3099
)

// firstFreePort is Deps.FreePort's default.
func firstFreePort(taken int) int { return freePortIn(freePortFrom, freePortTo, taken) }

// freePortIn is the first port in [from, to], other than taken, that
// 127.0.0.1 can listen on now (0: none). It listens and closes at once; the
// port may be taken again before the user runs the suggested command.
func freePortIn(from, to, taken int) int {
	for p := from; p <= to; p++ {
		if p == taken {
			continue
		}
		var lc net.ListenConfig // a loopback listen: nothing to cancel
		l, err := lc.Listen(context.Background(), "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err == nil {
			_ = l.Close()
			return p
		}
	}
	return 0
}
