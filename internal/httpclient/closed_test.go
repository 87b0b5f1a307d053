package httpclient

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"syscall"
	"testing"
)

// TestRestoreEOF: net/http's "server closed idle connection", bare or wrapped, reads as
// io.EOF with its text and chain kept; every other error comes back as it is.
func TestRestoreEOF(t *testing.T) {
	t.Parallel()
	// net/http's errServerClosedIdle is unexported: an error with the same text stands in.
	closedIdle := errors.New("http: server closed idle connection")
	post := &url.Error{Op: "Post", URL: "http://127.0.0.1:3001/oidc/token", Err: closedIdle}
	tests := []struct {
		name    string
		err     error
		wantEOF bool
		same    bool // RestoreEOF returns err itself
	}{
		{"bare", closedIdle, true, false},
		{"in a url.Error", post, true, false},
		{"wrapped again", fmt.Errorf("get management API token: %w", post), true, false},
		{"nil", nil, false, true},
		{"EOF already", &url.Error{Op: "Post", URL: "http://127.0.0.1:3001/x", Err: io.EOF}, true, true},
		{"unexpected EOF", fmt.Errorf("read answer: %w", io.ErrUnexpectedEOF), false, true},
		{"reset", &url.Error{Op: "Get", URL: "http://127.0.0.1:3001/x", Err: syscall.ECONNRESET}, false, true},
		{"the text inside a longer message", errors.New("proxy: http: server closed idle connection"), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := RestoreEOF(tt.err)
			if same := got == tt.err; same != tt.same { //nolint:errorlint // the value itself
				t.Errorf("RestoreEOF(%q) returned the error itself: %v, want %v", tt.err, same, tt.same)
			}
			if tt.err == nil {
				return
			}
			if errors.Is(got, io.EOF) != tt.wantEOF {
				t.Errorf("errors.Is(RestoreEOF(%q), io.EOF) = %v, want %v", tt.err, !tt.wantEOF, tt.wantEOF)
			}
			if got.Error() != tt.err.Error() {
				t.Errorf("text %q, want %q", got, tt.err)
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("RestoreEOF(%q) lost the error itself", tt.err)
			}
			var ue *url.Error
			if errors.As(tt.err, &ue) && !errors.As(got, &ue) {
				t.Errorf("RestoreEOF(%q) hides the *url.Error", tt.err)
			}
		})
	}
}
