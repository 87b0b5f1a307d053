package memhttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/memhttp"
)

// origin is the one host the transports of these tests serve; nothing is ever dialled.
const origin = "http://127.0.0.1:8080"

var errRefused = errors.New("refused")

// onlyOrigin is an Allow that serves origin's host alone.
func onlyOrigin(u *url.URL) error {
	if u.Host != "127.0.0.1:8080" {
		return fmt.Errorf("%w: %s", errRefused, u.Host)
	}
	return nil
}

// seen is what a handler saw of the request it was given.
type seen struct {
	Method, Host, RequestURI, URL, RemoteAddr, Header, Body string
	ContentLength                                           int64
	NoBody                                                  bool
}

// recordingHandler records what it saw into *got and answers 201 with a header and a body.
func recordingHandler(got **seen) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		*got = &seen{
			Method: r.Method, Host: r.Host, RequestURI: r.RequestURI, URL: r.URL.String(),
			RemoteAddr: r.RemoteAddr, Header: r.Header.Get("X-Test"), Body: string(body),
			ContentLength: r.ContentLength, NoBody: r.Body == http.NoBody,
		}
		w.Header().Set("X-Answer", "yes")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "answer to "+r.URL.Path)
	})
}

// closeCounter is a request body that counts its Close calls.
type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

type failingReader struct{}

var errRead = errors.New("read failed")

func (failingReader) Read([]byte) (int, error) { return 0, errRead }

// TestServed: an allowed request reaches the handler as a server would see it, and the
// handler's answer comes back as the response, its Request the client's request.
func TestServed(t *testing.T) {
	tests := []struct {
		name   string
		method string
		target string
		body   string // "" = no body
		want   seen
	}{
		{
			name: "GET without a body", method: http.MethodGet, target: origin + "/api/status?x=1&y=%20",
			want: seen{
				Method: "GET", Host: "127.0.0.1:8080", RequestURI: "/api/status?x=1&y=%20",
				URL: "/api/status?x=1&y=%20", RemoteAddr: "127.0.0.1:0", Header: "h", NoBody: true,
			},
		},
		{
			name: "POST with a body", method: http.MethodPost, target: origin + "/oidc/token", body: "grant_type=x",
			want: seen{
				Method: "POST", Host: "127.0.0.1:8080", RequestURI: "/oidc/token", URL: "/oidc/token",
				RemoteAddr: "127.0.0.1:0", Header: "h", Body: "grant_type=x", ContentLength: 12,
			},
		},
		{
			name: "escaped path keeps its escaping", method: http.MethodDelete, target: origin + "/api/a%2Fb/Default%20secret",
			want: seen{
				Method: "DELETE", Host: "127.0.0.1:8080", RequestURI: "/api/a%2Fb/Default%20secret",
				URL: "/api/a%2Fb/Default%20secret", RemoteAddr: "127.0.0.1:0", Header: "h", NoBody: true,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *seen
			tr := memhttp.Transport{Handler: recordingHandler(&got), Allow: onlyOrigin}
			var body *closeCounter
			var rd io.Reader
			if tc.body != "" {
				body = &closeCounter{Reader: strings.NewReader(tc.body)}
				rd = body
			}
			req, err := http.NewRequestWithContext(t.Context(), tc.method, tc.target, rd)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Test", "h")
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			if got == nil || *got != tc.want {
				t.Errorf("handler saw %+v, want %+v", got, tc.want)
			}
			answer, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusCreated || resp.Header.Get("X-Answer") != "yes" ||
				string(answer) != "answer to "+req.URL.Path || resp.Request != req {
				t.Errorf("response %d %v %q (request %p, sent %p)", resp.StatusCode, resp.Header, answer, resp.Request, req)
			}
			if body != nil && body.closed != 1 {
				t.Errorf("request body closed %d times, want 1", body.closed)
			}
		})
	}
}

// TestFailures: what RoundTrip returns instead of a response, and that the request's body is
// closed in every case.
func TestFailures(t *testing.T) {
	errOwnDrop := fmt.Errorf("stand-in: %w", memhttp.ErrConnectionDropped)
	tests := []struct {
		name     string
		target   string
		allow    func(*url.URL) error
		dropped  error
		body     io.Reader
		handler  func(cancel context.CancelFunc) http.HandlerFunc
		wantErr  []error // each must match with errors.Is
		notErr   []error // none may match with errors.Is
		exactErr error   // when set, err must be this value itself
		served   bool    // whether the handler must have been called
	}{
		{
			name: "another host", target: "http://127.0.0.1:9090/api/status", allow: onlyOrigin,
			wantErr: []error{errRefused}, notErr: []error{io.EOF, memhttp.ErrConnectionDropped},
		},
		{
			name: "localhost is another host", target: "http://localhost:8080/api/status", allow: onlyOrigin,
			wantErr: []error{errRefused},
		},
		{
			name: "no Allow refuses everything", target: origin + "/api/status",
			wantErr: []error{},
		},
		{
			name: "unreadable body", target: origin + "/x", allow: onlyOrigin, body: failingReader{},
			wantErr: []error{errRead},
		},
		{
			name: "dropped, default error", target: origin + "/x", allow: onlyOrigin,
			handler: func(context.CancelFunc) http.HandlerFunc {
				return func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }
			},
			exactErr: memhttp.ErrConnectionDropped, wantErr: []error{io.EOF}, served: true,
		},
		{
			name: "dropped after writing, own error", target: origin + "/x", allow: onlyOrigin, dropped: errOwnDrop,
			handler: func(context.CancelFunc) http.HandlerFunc {
				return func(w http.ResponseWriter, _ *http.Request) {
					w.WriteHeader(http.StatusOK)
					panic(http.ErrAbortHandler)
				}
			},
			exactErr: errOwnDrop, wantErr: []error{memhttp.ErrConnectionDropped, io.EOF}, notErr: []error{io.ErrUnexpectedEOF}, served: true,
		},
		{
			name: "context canceled while served", target: origin + "/x", allow: onlyOrigin,
			handler: func(cancel context.CancelFunc) http.HandlerFunc {
				return func(w http.ResponseWriter, _ *http.Request) {
					cancel()
					w.WriteHeader(http.StatusOK)
				}
			},
			exactErr: context.Canceled, notErr: []error{io.EOF}, served: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			served := false
			h := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }
			if tc.handler != nil {
				h = tc.handler(cancel)
			}
			tr := memhttp.Transport{
				Allow: tc.allow, Dropped: tc.dropped,
				Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served = true; h(w, r) }),
			}
			body := &closeCounter{Reader: strings.NewReader("payload")}
			if tc.body != nil {
				body.Reader = tc.body
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, tc.target, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tr.RoundTrip(req)
			if resp != nil || err == nil {
				t.Fatalf("got response %v, error %v; want only an error", resp, err)
			}
			for _, want := range tc.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("error %v is not %v", err, want)
				}
			}
			for _, not := range tc.notErr {
				if errors.Is(err, not) {
					t.Errorf("error %v is %v", err, not)
				}
			}
			if tc.exactErr != nil && err != tc.exactErr { //nolint:errorlint // the value itself, unwrapped
				t.Errorf("error %#v, want exactly %#v", err, tc.exactErr)
			}
			if served != tc.served {
				t.Errorf("handler called: %v, want %v", served, tc.served)
			}
			if body.closed != 1 {
				t.Errorf("request body closed %d times, want 1", body.closed)
			}
		})
	}
}

// TestOtherPanicPropagates: only http.ErrAbortHandler is turned into an error.
func TestOtherPanicPropagates(t *testing.T) {
	tr := memhttp.Transport{
		Allow:   onlyOrigin,
		Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("handler bug") }),
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, origin+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != "handler bug" {
			t.Errorf("recovered %v, want the handler's panic", r)
		}
	}()
	_, _ = tr.RoundTrip(req)
	t.Error("RoundTrip returned")
}

// TestClientTimeout: an http.Client's Timeout over the transport is reported as a timeout, in a
// synctest bubble's fake time, as over net/http's own transport.
func TestClientTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := memhttp.Transport{
			Allow:   onlyOrigin,
			Handler: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }),
		}
		hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		start := time.Now()
		_, err := hc.Get(origin + "/slow")
		var ue *url.Error
		if !errors.As(err, &ue) || !ue.Timeout() || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v, want a client timeout", err)
		}
		if waited := time.Since(start); waited != 10*time.Second {
			t.Errorf("gave up after %v, want 10s", waited)
		}
	})
}
