package twiliosetup_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// cutBody is an answer's body that ends in io.ErrUnexpectedEOF after its text (a connection
// cut in the middle of the answer).
type cutBody struct{ io.Reader }

func (cutBody) Close() error { return nil }

// TestFailureCauses: a call's error carries the cause of the failure for errors.Is/As, not only
// in its text. twilio-go returns the JSON decoder's error as it is (and wraps an error answer's
// with github.com/pkg/errors, which unwraps); the transport restores io.EOF for net/http's
// "server closed idle connection" (httpclient.RestoreEOF). So: io.EOF for a connection closed
// without an answer, io.ErrUnexpectedEOF for an answer cut short, *json.SyntaxError or
// *json.UnmarshalTypeError for an answer that is not the JSON expected.
func TestFailureCauses(t *testing.T) {
	t.Parallel()
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	const html = "<html><body>Proxy sign-in</body></html>"
	tests := []struct {
		name   string
		status int    // the answer's status (with body), when fail is nil
		body   string // the answer's body
		cut    bool   // the body ends in io.ErrUnexpectedEOF
		fail   error  // the transport's error instead of an answer
		is     error  // errors.Is(err, is) must hold
		as     any    // errors.As(err, as) must hold
	}{
		{name: "closed idle connection", fail: errors.New("http: server closed idle connection"), is: io.EOF},
		{name: "EOF", fail: io.EOF, is: io.EOF},
		{name: "200 empty", status: 200, is: io.EOF},
		{name: "200 cut short", status: 200, body: `{"sid": "AC01`, is: io.ErrUnexpectedEOF},
		{name: "200 connection cut", status: 200, body: `{"sid":`, cut: true, is: io.ErrUnexpectedEOF},
		{name: "200 HTML", status: 200, body: html, as: &syn},
		{name: "200 wrong type", status: 200, body: `{"sid": 12}`, as: &typ},
		{name: "503 HTML", status: 503, body: html, as: &syn},
		{name: "502 empty", status: 502, is: io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hc := &http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
				if tt.fail != nil {
					return nil, tt.fail
				}
				var body io.Reader = strings.NewReader(tt.body)
				if tt.cut {
					body = io.MultiReader(body, iotestErr{io.ErrUnexpectedEOF})
				}
				return &http.Response{StatusCode: tt.status, Header: http.Header{"Content-Type": {"application/json"}}, Body: cutBody{body}, Request: r}, nil
			})}
			c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: sidOK, AuthToken: tokenOK}, hc)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Account(t.Context())
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if tt.as != nil && !errors.As(err, fresh(tt.as)) {
				t.Errorf("error %q has no %T", err, tt.as)
			}
			if !errors.Is(tt.is, io.EOF) && errors.Is(err, io.EOF) {
				t.Errorf("error %q is io.EOF: it would read as a connection closed without an answer", err)
			}
		})
	}
}

// iotestErr is a reader that fails with err.
type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

// fresh is a new errors.As target of target's type: the table's targets are
// shared by parallel subtests, and errors.As writes into its target.
func fresh(target any) any { return reflect.New(reflect.TypeOf(target).Elem()).Interface() }
