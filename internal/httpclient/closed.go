package httpclient

import (
	"errors"
	"io"
)

// closedIdleText is the text of net/http's errServerClosedIdle, which net/http does not
// export (net/http/transport.go).
const closedIdleText = "http: server closed idle connection"

// RestoreEOF returns err with io.EOF added to its chain when err is net/http's "server
// closed idle connection", and err itself otherwise (nil for nil). The text stays the same.
//
// net/http reports a server that closes the connection without answering as io.EOF
// (`Post "…": EOF`), except when the connection was a kept-alive one that the server closed
// just as a request went out on it: net/http then turns the io.EOF it read into its
// unexported errServerClosedIdle, retries the request if it is idempotent and otherwise (a
// POST: the token endpoint, Logto's connector test) returns it. Only its text identifies it,
// and this is the one place that reads it: the clients (logtoapi, twiliosetup) pass their
// transport errors through RestoreEOF, so that their callers tell every connection closed
// without an answer by errors.Is(err, io.EOF).
func RestoreEOF(err error) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if errors.Unwrap(e) == nil && e.Error() == closedIdleText {
			return &closedIdle{err: err}
		}
	}
	return err
}

// closedIdle is net/http's errServerClosedIdle (in err's chain) with the io.EOF it came from.
type closedIdle struct{ err error }

func (e *closedIdle) Error() string   { return e.err.Error() }
func (e *closedIdle) Unwrap() []error { return []error{e.err, io.EOF} }
