package httpclient

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Trace writes every HTTP exchange of the clients it wraps (--debug,
// LOGTO_TWILIO_DEBUG=api) to one writer, as it happens: the request (method,
// URL, headers, body) before it is sent, then the answer (status, duration,
// headers, body) or the error. Every secret is redacted first (Redact*):
// tokens, secrets, passwords, the Authorization header, cookies, OIDC codes
// and the codes in SMS texts. Exchanges in flight at once are told apart by
// their number (#3); each block is written whole.
//
// A nil *Trace traces nothing.
type Trace struct {
	mu  sync.Mutex
	w   io.Writer
	seq atomic.Int64
	now func() time.Time
}

// NewTrace returns a Trace that writes to w.
func NewTrace(w io.Writer) *Trace { return &Trace{w: w, now: time.Now} }

// Wrap returns next (http.DefaultTransport when nil) with every exchange
// traced; with a nil Trace, next itself.
func (t *Trace) Wrap(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if t == nil {
		return next
	}
	return &traceTransport{t: t, next: next}
}

// maxShownBody is how much of a body the trace shows.
const maxShownBody = 16 << 10

type traceTransport struct {
	t    *Trace
	next http.RoundTripper
}

func (tt *traceTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t := tt.t
	n := t.seq.Add(1)
	var reqBody []byte
	if r.Body != nil && r.Body != http.NoBody {
		var err error
		if reqBody, err = readBody(r); err != nil {
			return nil, err
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--> #%d %s %s\n", n, r.Method, RedactURL(r.URL.String()))
	writeHeaders(&b, r.Header, r.Host, r.URL.Host)
	writeBody(&b, r.URL.Path, r.Header.Get("Content-Type"), reqBody)
	t.write(b.String())

	start := t.now()
	resp, err := tt.next.RoundTrip(r)
	took := t.now().Sub(start).Round(time.Millisecond)
	b.Reset()
	if err != nil {
		fmt.Fprintf(&b, "<-- #%d %s %s: error after %v: %s\n\n", n, r.Method, RedactURL(r.URL.String()), took, RedactText(err.Error()))
		t.write(b.String())
		return resp, err
	}
	respBody, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	fmt.Fprintf(&b, "<-- #%d %s %s: %s (%v)\n", n, r.Method, RedactURL(r.URL.String()), resp.Status, took)
	writeHeaders(&b, resp.Header, "", "")
	writeBody(&b, r.URL.Path, resp.Header.Get("Content-Type"), respBody)
	if rerr != nil {
		fmt.Fprintf(&b, "    (reading the body failed: %s)\n", RedactText(rerr.Error()))
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(respBody), errReader{rerr}))
	}
	b.WriteString("\n")
	t.write(b.String())
	return resp, nil
}

// readBody reads r's body and puts an unread copy back.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read the request body: %w", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func (t *Trace) write(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = io.WriteString(t.w, s)
}

// writeHeaders writes h sorted by name, each value redacted (RedactHeader);
// host is the Host header when it differs from the URL's.
func writeHeaders(b *strings.Builder, h http.Header, host, urlHost string) {
	if host != "" && host != urlHost {
		fmt.Fprintf(b, "    Host: %s\n", host)
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range h {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, v := range h[k] {
			fmt.Fprintf(b, "    %s: %s\n", k, RedactHeader(k, v))
		}
	}
}

// writeBody writes body, redacted by its content type, indented.
func writeBody(b *strings.Builder, path, contentType string, body []byte) {
	if len(body) == 0 {
		return
	}
	shown := RedactBody(path, contentType, body)
	if len(shown) > maxShownBody {
		shown = shown[:maxShownBody] + fmt.Sprintf(" … (%d more bytes not shown)", len(shown)-maxShownBody)
	}
	b.WriteString("\n")
	for line := range strings.SplitSeq(strings.TrimRight(shown, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
}

// RedactBody is body as the trace shows it: JSON and form bodies with their
// secret fields redacted (RedactJSON, RedactForm), other text with every
// token-like string redacted (RedactText), and anything else only its size.
// path is the URL's path (see RedactJSONAt).
func RedactBody(path, contentType string, body []byte) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return RedactJSONAt(path, body)
	case mt == "application/x-www-form-urlencoded":
		return RedactForm(string(body))
	case strings.HasPrefix(mt, "text/"), mt == "":
		if !isText(body) {
			return fmt.Sprintf("[%d bytes not shown]", len(body))
		}
		return RedactText(string(body))
	default:
		return fmt.Sprintf("[%d bytes of %s not shown]", len(body), mt)
	}
}

// isText reports whether body looks like printable text.
func isText(body []byte) bool {
	return !bytes.ContainsFunc(body, func(r rune) bool {
		return r == 0 || r == '\uFFFD' || (r < 0x20 && r != '\n' && r != '\r' && r != '\t')
	})
}
