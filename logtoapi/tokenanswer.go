package logtoapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// ErrNoAccessToken is wrapped by the error of a call that needs the Management API token when
// the token endpoint answered 2xx without an access token: an answer that is not Logto's (a
// proxy's or a captive portal's page).
var ErrNoAccessToken = errors.New("logtoapi: the token endpoint answered without an access token")

// tokenAnswer is the transport of one token request: it notes the token endpoint's answer as
// oauth2 reads it. oauth2 reports an answer it cannot use as text only ("oauth2: cannot fetch
// token: unexpected EOF", "oauth2: cannot parse json: …", "oauth2: server response missing
// access_token"); from the note, token adds what went wrong to the error's chain (see cause).
type tokenAnswer struct {
	next        http.RoundTripper
	status      int // 0 until an answer arrives
	contentType string
	body        []byte // what oauth2 read of the body
	readErr     error  // the error that ended the read, if not io.EOF
}

// RoundTrip sends r and notes the answer (the last one, after redirects).
func (a *tokenAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	next := a.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	a.status, a.contentType, a.body, a.readErr = resp.StatusCode, resp.Header.Get("Content-Type"), nil, nil
	resp.Body = &notedBody{ReadCloser: resp.Body, a: a}
	return resp, nil
}

// notedBody copies what is read of an answer's body into its tokenAnswer.
type notedBody struct {
	io.ReadCloser
	a *tokenAnswer
}

func (b *notedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.a.body = append(b.a.body, p[:n]...)
	if err != nil && !errors.Is(err, io.EOF) && b.a.readErr == nil {
		b.a.readErr = err
	}
	return n, err //nolint:wrapcheck // a reader's error passes through unchanged (io.EOF must stay itself)
}

// tokenShape is the part of a token answer oauth2 decodes (golang.org/x/oauth2/internal.tokenJSON).
type tokenShape struct {
	AccessToken  string      `json:"access_token"`
	TokenType    string      `json:"token_type"`
	RefreshToken string      `json:"refresh_token"`
	ExpiresIn    json.Number `json:"expires_in"`
}

// cause says what was wrong with the answer oauth2 refused (with an error that is not a
// *oauth2.RetrieveError), as oauth2 reads an answer:
//   - the error that cut the body short (io.ErrUnexpectedEOF, a timeout...);
//   - for a 2xx answer, the decoder's error (*json.SyntaxError, *json.UnmarshalTypeError;
//     *url.EscapeError for a form answer) when it is not a token answer, else ErrNoAccessToken
//     when it has no access token;
//   - nil when there was no answer (oauth2 then returns net/http's error as it is) or
//     nothing here explains the refusal.
func (a *tokenAnswer) cause() error {
	switch {
	case a.readErr != nil:
		return a.readErr
	case a.status < 200 || a.status > 299:
		return nil
	}
	var token string
	switch mt, _, _ := mime.ParseMediaType(a.contentType); mt {
	case "application/x-www-form-urlencoded", "text/plain": // read as a form, as oauth2 does
		vals, err := url.ParseQuery(string(a.body))
		if err != nil {
			return err //nolint:wrapcheck // the cause itself, for errors.As
		}
		token = vals.Get("access_token")
	default:
		var t tokenShape
		if err := json.Unmarshal(a.body, &t); err != nil {
			return err //nolint:wrapcheck // the cause itself, for errors.As
		}
		token = t.AccessToken
	}
	if token == "" {
		return ErrNoAccessToken
	}
	return nil
}

// explained is an error reported as text only, with its cause (found by this package) in its
// chain: Error is err's text, errors.Is and errors.As see both err and cause.
type explained struct{ err, cause error }

func (e *explained) Error() string   { return e.err.Error() }
func (e *explained) Unwrap() []error { return []error{e.err, e.cause} }

// explain adds the cause found in a's note to err (a failure oauth2 gave as text).
func (a *tokenAnswer) explain(err error) error {
	cause := a.cause()
	if cause == nil {
		return err
	}
	return &explained{err: err, cause: cause}
}
