package twiliosetup_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// fakeTwilio is a small in-memory Twilio for the client's unit tests: handlers registered per
// "METHOD host/path" pattern, served without a network (so testing/synctest can run them), and
// every request recorded. The shapes follow api-contracts.md §B (ISO dates on v1, RFC 2822 on
// 2010-04-01, error bodies with code/message/more_info/status).
type fakeTwilio struct {
	t   *testing.T
	mux *http.ServeMux

	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Method, Host, Path string
	Form               url.Values
	User, Pass         string
}

func newFake(t *testing.T) *fakeTwilio {
	t.Helper()
	return &fakeTwilio{t: t, mux: http.NewServeMux()}
}

func (f *fakeTwilio) handle(pattern string, h http.HandlerFunc) { f.mux.HandleFunc(pattern, h) }

// RoundTrip serves the request in memory.
func (f *fakeTwilio) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Host = req.URL.Host
	r.RequestURI = req.URL.RequestURI()
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		r.Body = io.NopCloser(strings.NewReader(string(b)))
	}
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	user, pass, _ := r.BasicAuth()
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{Method: r.Method, Host: r.Host, Path: r.URL.Path, Form: r.PostForm, User: user, Pass: pass})
	f.mu.Unlock()
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, r)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	return rec.Result(), nil
}

func (f *fakeTwilio) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fakeTwilio) count(method, pathSuffix string) int {
	n := 0
	for _, r := range f.requests() {
		if r.Method == method && strings.HasSuffix(r.Path, pathSuffix) {
			n++
		}
	}
	return n
}

func (f *fakeTwilio) client() *twiliosetup.Client {
	f.t.Helper()
	c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: sidOK, AuthToken: tokenOK}, &http.Client{Transport: f})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{
		"code": code, "message": msg, "more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status,
	})
}

const (
	rfc2822 = "Thu, 27 Nov 2026 21:00:00 +0000"
	iso8601 = "2026-11-27T21:00:00Z"
)

func account(typ string) map[string]any {
	return map[string]any{
		"sid": sidOK, "friendly_name": "My first Twilio account", "status": "active", "type": typ,
		"owner_account_sid": sidOK, "date_created": rfc2822, "date_updated": rfc2822,
		"uri": "/2010-04-01/Accounts/" + sidOK + ".json",
	}
}

func v1Meta(key string) map[string]any {
	return map[string]any{
		"page": 0, "page_size": 50, "first_page_url": "https://messaging.twilio.com/v1/" + key,
		"previous_page_url": nil, "url": "https://messaging.twilio.com/v1/" + key, "next_page_url": nil, "key": key,
	}
}

func service(sid, name string) map[string]any {
	return map[string]any{
		"sid": sid, "account_sid": sidOK, "friendly_name": name, "usecase": "notifications",
		"date_created": iso8601, "date_updated": iso8601, "validity_period": 14400,
	}
}

func phoneNumber(sid, e164, serviceSID string) map[string]any {
	return map[string]any{
		"sid": sid, "account_sid": sidOK, "service_sid": serviceSID, "phone_number": e164,
		"country_code": "US", "capabilities": []string{"SMS", "MMS"}, "date_created": iso8601, "date_updated": iso8601,
	}
}

func message(sid, to, status string, code any) map[string]any {
	return map[string]any{
		"sid": sid, "account_sid": sidOK, "to": to, "from": nil, "status": status, "body": "x",
		"messaging_service_sid": serviceOK, "num_segments": "0", "num_media": "0", "error_code": code,
		"error_message": nil, "date_created": rfc2822, "date_updated": rfc2822, "date_sent": nil, "direction": "outbound-api",
	}
}

func v2010List(key string, items any) map[string]any {
	return map[string]any{
		key: items, "next_page_uri": nil, "page": 0, "page_size": 50, "start": 0, "end": 0,
		"first_page_uri": "/2010-04-01/Accounts/" + sidOK + "/x.json", "previous_page_uri": nil, "uri": "/x",
	}
}
