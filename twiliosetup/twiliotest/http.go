package twiliotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// route is one operation of Twilio's API, named by its OpenAPI path template.
type route struct {
	product string // "api", "messaging" or "accounts": the host's first label
	method  string
	pattern string // the spec's path, e.g. /2010-04-01/Accounts/{AccountSid}/Messages.json
	re      *regexp.Regexp
	names   []string
	h       func(*Server, *call)
}

// call is one request being served.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	acct   *account
	params map[string]string
	now    time.Time
	base   string // scheme://host the request came to (for absolute v1 URLs)
}

// accountPattern is the fetch-account path, whose {Sid} is the account itself.
const accountPattern = "/2010-04-01/Accounts/{Sid}.json"

var wildcard = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// compile turns an OpenAPI path template into an anchored regexp; {Name} matches one
// path segment (or the part of it before a literal suffix such as ".json").
func compile(pattern string) (*regexp.Regexp, []string) {
	var names []string
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, m := range wildcard.FindAllStringSubmatchIndex(pattern, -1) {
		b.WriteString(regexp.QuoteMeta(pattern[last:m[0]]))
		b.WriteString(`([^/]+?)`)
		names = append(names, pattern[m[2]:m[3]])
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(pattern[last:]))
	b.WriteString("$")
	return regexp.MustCompile(b.String()), names
}

// routes are compiled on first use, not at package init: the binary links
// this package for --sandbox, and init time delays every run's first frame.
var routes = sync.OnceValue(func() []*route {
	rs := []*route{
		{product: "api", method: http.MethodGet, pattern: accountPattern, h: (*Server).fetchAccount},
		{product: "api", method: http.MethodGet, pattern: "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json", h: (*Server).listIncomingNumbers},
		{product: "api", method: http.MethodGet, pattern: "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json", h: (*Server).fetchIncomingNumber},
		{product: "api", method: http.MethodGet, pattern: "/2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds.json", h: (*Server).listCallerIDs},
		{product: "api", method: http.MethodPost, pattern: "/2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds.json", h: (*Server).createValidationRequest},
		{product: "api", method: http.MethodGet, pattern: "/2010-04-01/Accounts/{AccountSid}/Messages.json", h: (*Server).listMessages},
		{product: "api", method: http.MethodPost, pattern: "/2010-04-01/Accounts/{AccountSid}/Messages.json", h: (*Server).createMessage},
		{product: "api", method: http.MethodGet, pattern: "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json", h: (*Server).fetchMessage},
		{product: "messaging", method: http.MethodGet, pattern: "/v1/Services", h: (*Server).listServices},
		{product: "messaging", method: http.MethodPost, pattern: "/v1/Services", h: (*Server).createService},
		{product: "messaging", method: http.MethodGet, pattern: "/v1/Services/{Sid}", h: (*Server).fetchService},
		{product: "messaging", method: http.MethodDelete, pattern: "/v1/Services/{Sid}", h: (*Server).deleteService},
		{product: "messaging", method: http.MethodGet, pattern: "/v1/Services/{ServiceSid}/PhoneNumbers", h: (*Server).listServiceNumbers},
		{product: "messaging", method: http.MethodPost, pattern: "/v1/Services/{ServiceSid}/PhoneNumbers", h: (*Server).addServiceNumber},
		{product: "messaging", method: http.MethodGet, pattern: "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", h: (*Server).fetchServiceNumber},
		{product: "messaging", method: http.MethodDelete, pattern: "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", h: (*Server).removeServiceNumber},
		{product: "messaging", method: http.MethodGet, pattern: "/v1/Services/{ServiceSid}/ShortCodes", h: (*Server).listShortCodes},
		{product: "messaging", method: http.MethodGet, pattern: "/v1/Services/{ServiceSid}/AlphaSenders", h: (*Server).listAlphaSenders},
		{product: "accounts", method: http.MethodPost, pattern: "/v1/AuthTokens/Secondary", h: (*Server).createSecondaryToken},
		{product: "accounts", method: http.MethodDelete, pattern: "/v1/AuthTokens/Secondary", h: (*Server).deleteSecondaryToken},
		{product: "accounts", method: http.MethodPost, pattern: "/v1/AuthTokens/Promote", h: (*Server).promoteToken},
	}
	for _, r := range rs {
		r.re, r.names = compile(r.pattern)
	}
	return rs
})

// serve is the stand-in's whole HTTP handler.
func (s *Server) serve(rw http.ResponseWriter, r *http.Request) {
	formErr := error(nil)
	if r.Method == http.MethodPost {
		formErr = r.ParseForm()
	}
	w := &statusWriter{ResponseWriter: rw}
	defer s.record(r, w) // also when a Drop fault aborts the handler
	if f, ok := s.takeFault(r.Method, r.URL.Path); ok {
		if f.Latency > 0 && !waitCtx(r.Context(), f.Latency) {
			return
		}
		if f.Drop {
			panic(http.ErrAbortHandler)
		}
		if f.Status != 0 {
			code := f.Code
			if code == 0 {
				code = defaultCode(f.Status)
			}
			msg := f.Message
			if msg == "" {
				msg = defaultMessage(code, r.URL.Path)
			}
			if f.RetryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
			}
			if f.Status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
			}
			writeError(w, f.Status, code, msg)
			return
		}
	}

	product := ""
	host := strings.ToLower((&url.URL{Host: r.Host}).Hostname())
	if strings.HasSuffix(host, ".twilio.com") {
		product, _, _ = strings.Cut(host, ".")
	}
	var matched *route
	params := map[string]string{}
	pathKnown := false
	for _, rt := range routes() {
		if product != "" && rt.product != product {
			continue
		}
		m := rt.re.FindStringSubmatch(r.URL.Path)
		if m == nil {
			continue
		}
		pathKnown = true
		if rt.method != r.Method {
			continue
		}
		matched = rt
		for i, n := range rt.names {
			params[n] = m[i+1]
		}
		break
	}
	if matched == nil {
		if pathKnown {
			writeError(w, http.StatusMethodNotAllowed, 20004, "Method not allowed")
			return
		}
		writeError(w, http.StatusNotFound, 20404, defaultMessage(20404, r.URL.Path))
		return
	}

	acct, ok := s.authenticate(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	// A path naming another account answers as if it did not exist.
	pathAccount, ok := params["AccountSid"]
	if matched.pattern == accountPattern {
		pathAccount, ok = params["Sid"], true
	}
	if ok && pathAccount != acct.SID {
		writeError(w, http.StatusNotFound, 20404, defaultMessage(20404, r.URL.Path))
		return
	}
	// ❓ A suspended account may still read itself (so the wizard can report the status);
	// everything else is refused like bad credentials (Twilio documents 20003 for it).
	if acct.Status == "suspended" && matched.pattern != accountPattern {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if formErr != nil {
		writeError(w, http.StatusBadRequest, 20001, "Could not parse the request body")
		return
	}
	scheme := "http"
	if strings.HasSuffix(host, "twilio.com") {
		scheme = "https"
	}
	matched.h(s, &call{w: w, r: r, acct: acct, params: params, now: s.now(), base: scheme + "://" + r.Host})
}

// Request is one request the stand-in received, as Requests reports it. The auth token is
// never kept: User is the Basic-auth user name (the account SID) only.
type Request struct {
	Method string
	Host   string // api.twilio.com, messaging.twilio.com, ... or the listener's host
	Path   string
	Query  url.Values
	Form   url.Values // the POST form (To, MessagingServiceSid, Body, ...)
	User   string
	Status int // the status answered; 0 when a fault dropped the connection
}

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) record(r *http.Request, w *statusWriter) {
	if s.noLog {
		return
	}
	user, _, _ := r.BasicAuth()
	req := Request{
		Method: r.Method, Host: r.Host, Path: r.URL.Path, Query: r.URL.Query(),
		Form: r.PostForm, User: user, Status: w.status,
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b) //nolint:wrapcheck // a ResponseWriter passes errors through
}

// authenticate checks HTTP Basic auth: the account SID and its primary or secondary
// token. Closed accounts never authenticate.
func (s *Server) authenticate(r *http.Request) (*account, bool) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, found := s.accounts[user]
	if !found || a.Status == "closed" {
		return nil, false
	}
	if pass == a.AuthToken || (a.secondary != "" && pass == a.secondary) {
		cp := *a
		return &cp, true
	}
	return nil, false
}

// apiError is Twilio's error body.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, apiError{Code: code, Message: msg, MoreInfo: fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), Status: status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "twiliotest: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func defaultCode(status int) int {
	switch status {
	case http.StatusUnauthorized:
		return 20003
	case http.StatusNotFound:
		return 20404
	case http.StatusTooManyRequests:
		return 20429
	case http.StatusMethodNotAllowed:
		return 20004
	}
	if status >= 500 {
		return 20500
	}
	return 20001
}

func defaultMessage(code int, path string) string {
	switch code {
	case 20003:
		return "Authenticate"
	case 20404:
		return fmt.Sprintf("The requested resource %s was not found", path)
	case 20429:
		return "Too Many Requests"
	case 20500:
		return "An internal server error has occurred"
	case 20503:
		return "Service is unavailable. Please try again"
	}
	return fmt.Sprintf("Error %d", code)
}

// RFC 2822 (2010-04-01 API) and ISO 8601 (v1 APIs) dates, as Twilio writes them.
func rfc2822(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }
func iso8601(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// pageParams reads PageSize (default 50, at most 1000) and Page (default 0).
func pageParams(r *http.Request) (size, page int) {
	size, page = 50, 0
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("PageSize")); err == nil && n > 0 {
		size = min(n, 1000)
	}
	if n, err := strconv.Atoi(q.Get("Page")); err == nil && n >= 0 {
		page = n
	}
	return size, page
}

// pageURI is the request's path with its query filters kept and the paging keys set.
func pageURI(r *http.Request, size, page int) string {
	q := r.URL.Query()
	q.Del("PageToken")
	q.Set("PageSize", strconv.Itoa(size))
	q.Set("Page", strconv.Itoa(page))
	if page > 0 {
		q.Set("PageToken", fmt.Sprintf("PT%d", page))
	}
	return r.URL.Path + "?" + q.Encode()
}

// slicePage cuts one page out of n items.
func slicePage(n, size, page int) (from, to int, more bool) {
	// (An empty page is [] in JSON, never null: see list2010 and listV1.)
	from = min(page*size, n)
	to = min(from+size, n)
	return from, to, to < n
}

// list2010 writes a 2010-04-01 list envelope holding one page of items under key.
func (c *call) list2010(key string, items []map[string]any) {
	if items == nil {
		items = []map[string]any{}
	}
	size, page := pageParams(c.r)
	from, to, more := slicePage(len(items), size, page)
	body := map[string]any{
		key:                 items[from:to],
		"uri":               pageURI(c.r, size, page),
		"first_page_uri":    pageURI(c.r, size, 0),
		"next_page_uri":     nil,
		"previous_page_uri": nil,
		"page":              page,
		"page_size":         size,
		"start":             from,
		"end":               max(from, to-1),
	}
	if more {
		body["next_page_uri"] = pageURI(c.r, size, page+1)
	}
	if page > 0 {
		body["previous_page_uri"] = pageURI(c.r, size, page-1)
	}
	writeJSON(c.w, http.StatusOK, body)
}

// listV1 writes a v1 list envelope (absolute URLs in meta) holding one page under key.
func (c *call) listV1(key string, items []map[string]any) {
	if items == nil {
		items = []map[string]any{}
	}
	size, page := pageParams(c.r)
	from, to, more := slicePage(len(items), size, page)
	meta := map[string]any{
		"first_page_url":    c.base + pageURI(c.r, size, 0),
		"key":               key,
		"next_page_url":     nil,
		"page":              page,
		"page_size":         size,
		"previous_page_url": nil,
		"url":               c.base + pageURI(c.r, size, page),
	}
	if more {
		meta["next_page_url"] = c.base + pageURI(c.r, size, page+1)
	}
	if page > 0 {
		meta["previous_page_url"] = c.base + pageURI(c.r, size, page-1)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{key: items[from:to], "meta": meta})
}
