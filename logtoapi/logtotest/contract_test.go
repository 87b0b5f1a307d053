package logtotest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fixture is one recorded exchange (testdata/mgmt/README.md).
type fixture struct {
	Method          string            `json:"method"`
	Path            string            `json:"path"`
	URL             string            `json:"url"`
	RequestHeaders  map[string]string `json:"requestHeaders"`
	RequestBody     json.RawMessage   `json:"requestBody"`
	Status          int               `json:"status"`
	ResponseHeaders map[string]string `json:"responseHeaders"`
	ResponseBody    json.RawMessage   `json:"responseBody"`
}

// notReplayable lists the fixtures of testdata/mgmt the contract test cannot replay, and why.
var notReplayable = map[string]string{
	"079": "not an exchange: the requests Logto's connector sent to Twilio; checked against what the fake Twilio received in 071-074 instead",
}

// Placeholders and recorded values the replay resolves: the bootstrap M2M app existed before the
// recording (created in the Console), so it is seeded.
const (
	recBootstrapID     = "wizardm2mbootstrap001"
	recBootstrapSecret = "<bootstrap secret>"
	recRoleID          = "eblfz39glpjg7ok73radg" // "Logto Management API access" in the recorded tenant
)

// tokenCreds says which client (recorded id and secret, mapped before use) each token request of the
// recording used: the fixtures only hold placeholders.
var tokenCreds = map[string][2]string{
	"001":  {recBootstrapID, recBootstrapSecret},
	"002":  {recBootstrapID, "wrong-secret"},
	"004":  {recBootstrapID, recBootstrapSecret},
	"005":  {recBootstrapID, recBootstrapSecret},
	"009a": {recBootstrapID, recBootstrapSecret},
	// rotation-probe (030): Default secret (033), internal secret (030), rotated (037), short-lived (043).
	"035": {"7sl77wy974z1al5e10agd", "I8QASw35je01zaMAhhiek6daxuJf0kbZ"},
	"036": {"7sl77wy974z1al5e10agd", "#internal:tX8l66oDSFW7IDrPTvzmBhsyXN2dk14J"},
	"038": {"7sl77wy974z1al5e10agd", "cPNRbaVho6PeSnC16Bq1pwyEny4z58gJ"},
	"039": {"7sl77wy974z1al5e10agd", "I8QASw35je01zaMAhhiek6daxuJf0kbZ"},
	"041": {"7sl77wy974z1al5e10agd", "I8QASw35je01zaMAhhiek6daxuJf0kbZ"},
	"042": {"7sl77wy974z1al5e10agd", "cPNRbaVho6PeSnC16Bq1pwyEny4z58gJ"},
	"044": {"7sl77wy974z1al5e10agd", "1dyfF9FfWGvETsE1dEwCr44FVHGh5Pmw"},
	// Bookstore (010) with its remaining secret "primary" (013, renamed in 016).
	"120": {"schcd6fv8p7jad4k1udy3", "igT57sIJX0nhqguPMJNlHwlNIt6yiKYM"},
	"121": {"schcd6fv8p7jad4k1udy3", "wrong-secret"},
	"122": {"schcd6fv8p7jad4k1udy3", "igT57sIJX0nhqguPMJNlHwlNIt6yiKYM"},
	"123": {"nosuchapp123", "wrong-secret"},
}

// clockAt moves the stand-in's clock before a fixture, to the recorded moment it matters for.
var clockAt = map[string]int64{
	"044": 1795813456000, // after 043's expiresAt (1795813455000): the short-lived secret has expired
}

// replayTwilio answers like api.twilio.com did during the recording, by account SID (071-074), and
// keeps what it received.
type replayTwilio struct {
	mu  sync.Mutex
	got []capturedTwilio
}

type capturedTwilio struct {
	Path, Auth, ContentType, UserAgent string
	Form                               url.Values
}

func (f *replayTwilio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	user, pass, _ := r.BasicAuth()
	f.mu.Lock()
	f.got = append(f.got, capturedTwilio{r.URL.Path, user + ":" + pass, r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), r.PostForm})
	f.mu.Unlock()
	sid := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2010-04-01/Accounts/"), "/Messages.json")
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(sid, "201"):
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"sid":"SM00000000000000000000000000000001","status":"accepted"}`)
	case strings.HasSuffix(sid, "401"):
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}`)
	case strings.HasSuffix(sid, "400"):
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"code": 21211, "message": "Invalid 'To' Phone Number: 15551234567", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`)
	default: // 071: Twilio unreachable
		dropConnection(w)
	}
}

type replay struct {
	t      *testing.T
	s      *Server
	admin  *Server // the admin tenant on the other port (108)
	ids    map[string]string
	token  string // the latest scope=all Management token
	noAll  string // the token without scope (009a)
	clock  atomic.Int64
	client *http.Client
	toPlus bool // Twilio gets To with a "+" (079's DIFF row, 1.41 and later)
}

// replayDiff is how a real 1.41.0 answered a recorded exchange differently (a DIFF row of
// testdata/logto-1.41/replay-results.md).
type replayDiff struct {
	keysAdded     []string // the object gained these keys
	itemKeysAdded []string // each element of the array gained these keys
	rolesJSON     bool     // 201 application/json {"roleIds","addedRoleIds"} instead of text "Created"
	toPlus        bool     // what Twilio received has To with a "+"
}

var (
	keysAddedRE = regexp.MustCompile(`^(item )?keys added: ([A-Za-z_, ]+)(;|$)`)
	toPlusRE    = regexp.MustCompile(`^DIFF: To (format )?\[?'(\d+)'.* -> \[?'\+(\d+)'`)
)

// readReplayDiffs reads the fixture table of replay-results.md: fixture prefix -> its DIFF ("same"
// rows map to the zero replayDiff). A result it cannot read fails the test, so a new kind of
// difference in the evidence is not silently taken for "same".
func readReplayDiffs(t *testing.T) map[string]replayDiff {
	t.Helper()
	raw, err := os.ReadFile("testdata/logto-1.41/replay-results.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]replayDiff{}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "## Calls without a fixture") {
			break
		}
		cells := strings.Split(line, "|")
		if len(cells) < 6 || !regexp.MustCompile(`^ \d{3}[a-z]?-`).MatchString(cells[1]) {
			continue
		}
		prefix, _, _ := strings.Cut(strings.TrimSpace(cells[1]), "-")
		result := strings.TrimSpace(cells[4])
		var d replayDiff
		switch {
		case strings.HasPrefix(result, "same"):
		case result == "body text -> object; Content-Type text/plain -> application/json":
			d.rolesJSON = true
		case toPlusRE.MatchString(result):
			d.toPlus = true
		case keysAddedRE.MatchString(result):
			m := keysAddedRE.FindStringSubmatch(result)
			keys := strings.Split(m[2], ", ")
			if m[1] != "" {
				d.itemKeysAdded = keys
			} else {
				d.keysAdded = keys
			}
		default:
			t.Fatalf("replay-results.md: %s: a result this test cannot read: %q", prefix, result)
		}
		out[prefix] = d
	}
	if len(out) < 200 {
		t.Fatalf("replay-results.md: read %d fixture rows, want all 214", len(out))
	}
	return out
}

// adapt141 turns a recorded 1.37.1 exchange into what the real 1.41.0 answered (d): added keys
// (null: the replay compares key sets) and the JSON answer of the role assignment.
func adapt141(fx fixture, d replayDiff) fixture {
	var body any
	if d.rolesJSON {
		fx.ResponseBody = json.RawMessage(`{"roleIds":[],"addedRoleIds":[]}`)
		fx.ResponseHeaders = map[string]string{"Content-Type": "application/json; charset=utf-8"}
		return fx
	}
	if len(d.keysAdded)+len(d.itemKeysAdded) == 0 || json.Unmarshal(fx.ResponseBody, &body) != nil {
		return fx
	}
	add := func(v any, keys []string) {
		if m, ok := v.(map[string]any); ok {
			for _, k := range keys {
				m[k] = nil
			}
		}
	}
	if list, ok := body.([]any); ok {
		for _, el := range list {
			add(el, d.itemKeysAdded)
		}
	} else {
		add(body, d.keysAdded)
	}
	fx.ResponseBody, _ = json.Marshal(body)
	return fx
}

// adapt142 turns a 1.41.0 exchange into what 1.42 answers, per logto-observed.md (from the
// source, not run): application responses lose the internal `secret`; the internal secret no
// longer authenticates (036 then gets what a wrong secret gets, recorded in 041).
func adapt142(t *testing.T, prefix string, fx fixture) fixture {
	t.Helper()
	if prefix == "036" {
		raw, err := os.ReadFile("testdata/mgmt/041-token-with-old-secret-after-delete.json")
		if err != nil {
			t.Fatal(err)
		}
		var wrong fixture
		if err := json.Unmarshal(raw, &wrong); err != nil {
			t.Fatal(err)
		}
		fx.Status, fx.ResponseHeaders, fx.ResponseBody = wrong.Status, wrong.ResponseHeaders, wrong.ResponseBody
		return fx
	}
	var body any
	if json.Unmarshal(fx.ResponseBody, &body) != nil {
		return fx
	}
	adaptApp := func(v any) {
		if m, ok := v.(map[string]any); ok {
			if _, isApp := m["isThirdParty"]; isApp {
				delete(m, "secret")
			}
		}
	}
	if list, ok := body.([]any); ok {
		for _, el := range list {
			adaptApp(el)
		}
	} else {
		adaptApp(body)
	}
	fx.ResponseBody, _ = json.Marshal(body)
	return fx
}

// TestContractReplayFixtures replays the recording against the stand-in as each version a real
// server of was run: as v1.37.1, the version it was recorded on, with no deviation allowed; as
// v1.41.0, expecting exactly the DIFF rows of testdata/logto-1.41/replay-results.md.
func TestContractReplayFixtures(t *testing.T) {
	for _, v := range Versions {
		t.Run(v, func(t *testing.T) { replayFixtures(t, v) })
	}
}

// TestContractReplayFixtures142 replays it as v1.42.0: 1.41.0's differences plus those
// logto-observed.md lists for 1.42 (see adapt142), and nothing else.
func TestContractReplayFixtures142(t *testing.T) { replayFixtures(t, "1.42.0") }

func replayFixtures(t *testing.T, version string) {
	files, err := filepath.Glob("testdata/mgmt/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	sort.Strings(files)

	tw := &replayTwilio{}
	twSrv := httptest.NewServer(tw)
	defer twSrv.Close()

	rp := &replay{t: t, ids: map[string]string{}}
	rp.clock.Store(1795813400000)
	rp.s = NewUnstartedServer(WithTwilioBaseURL(twSrv.URL), WithHTTPClient(twSrv.Client()), WithVersion(version))
	rp.s.now = func() time.Time { return time.UnixMilli(rp.clock.Add(1)) }
	rp.s.Start()
	defer rp.s.Close()
	rp.admin = NewServer(WithVersion(version))
	defer rp.admin.Close()
	rp.client = rp.s.Client()
	var diffs map[string]replayDiff
	if rp.s.atLeast141() {
		diffs = readReplayDiffs(t)
		rp.toPlus = diffs["079"].toPlus
	}

	bootID, bootSecret := rp.s.AddM2MApp("wizard-bootstrap-m2m", true)
	rp.ids[recBootstrapID] = bootID
	rp.ids[recBootstrapSecret] = bootSecret
	rp.ids["<secret>"] = bootSecret
	rp.s.mu.Lock()
	rp.ids[recRoleID] = rp.s.managementRoleLocked().ID
	rp.s.mu.Unlock()

	replayed := 0
	for _, file := range files {
		name := filepath.Base(file)
		prefix, _, _ := strings.Cut(name, "-")
		if why, skip := notReplayable[prefix]; skip {
			t.Logf("not replayed: %s: %s", name, why)
			continue
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var fx fixture
		if err := json.Unmarshal(raw, &fx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diffs != nil {
			d, ok := diffs[prefix]
			if !ok {
				t.Fatalf("%s: not in replay-results.md", name)
			}
			fx = adapt141(fx, d)
		}
		if rp.s.atLeast142() {
			fx = adapt142(t, prefix, fx)
		}
		if at, ok := clockAt[prefix]; ok {
			rp.clock.Store(at)
		}
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) { rp.one(t, prefix, fx) })
		replayed++
	}
	t.Logf("replayed %d of %d fixtures (001-123; 200 and up are the OIDC side's, in testdata/oidc)", replayed, len(files))

	t.Run("079-twilio-outbound-requests", func(t *testing.T) { checkCapturedTwilio(t, tw, rp.toPlus) })
}

// mapIDs replaces recorded generated values with the replay's.
func (rp *replay) mapIDs(s string) string {
	keys := make([]string, 0, len(rp.ids))
	for k := range rp.ids {
		keys = append(keys, k)
	}
	// Longest first, so an id inside another value is not replaced early.
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, rp.ids[k])
	}
	return s
}

func (rp *replay) one(t *testing.T, prefix string, fx fixture) {
	target := rp.s
	if strings.Contains(fx.URL, ":3002/") {
		target = rp.admin
	}
	body, contentType := rp.requestBody(fx)
	req, err := http.NewRequestWithContext(t.Context(), fx.Method, target.URL+rp.mapIDs(fx.Path), body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	auth := fx.RequestHeaders["Authorization"]
	switch {
	case strings.HasPrefix(auth, "Basic"):
		c, ok := tokenCreds[prefix]
		if !ok {
			t.Fatalf("no credentials known for token request %s", prefix)
		}
		req.SetBasicAuth(rp.mapIDs(c[0]), rp.mapIDs(c[1]))
	case auth == "" && fx.Method == http.MethodPost && strings.HasPrefix(fx.Path, "/oidc/token"):
		// client_secret_post: the form carries the credentials.
	case auth != "":
		tok := rp.token
		switch prefix {
		case "008":
			tok = "garbage-not-a-jwt"
		case "009b":
			tok = rp.noAll
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := rp.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	got, _ := io.ReadAll(resp.Body)

	if resp.StatusCode != fx.Status {
		t.Errorf("status %d, recorded %d; body %s", resp.StatusCode, fx.Status, truncate(got))
	}
	compareBodies(t, fx.ResponseBody, got)
	if rec, _, _ := strings.Cut(fx.ResponseHeaders["Content-Type"], ";"); rec == "text/plain" || rec == "application/json" {
		if ct, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";"); ct != rec {
			t.Errorf("Content-Type %q, recorded %q", resp.Header.Get("Content-Type"), fx.ResponseHeaders["Content-Type"])
		}
	}
	for _, h := range []string{"Total-Number", "WWW-Authenticate"} {
		if _, rec := fx.ResponseHeaders[h]; rec != (resp.Header.Get(h) != "") {
			t.Errorf("header %s: recorded present=%v, got %q", h, rec, resp.Header.Get(h))
		}
	}
	if link, ok := fx.ResponseHeaders["Link"]; ok {
		// Logto sends one Link line per relation; the recorders kept one of them (020) or
		// joined them with ", " (320): each recorded relation must be one of the lines.
		lines := resp.Header.Values("Link")
		for _, want := range strings.Split(rp.mapIDs(strings.ReplaceAll(link, "http://127.0.0.1:3001", target.URL)), ", ") {
			if !slices.Contains(lines, want) {
				t.Errorf("Link lines %q, recorded %q", lines, want)
			}
		}
	}
	if fx.ResponseHeaders["cache-control"] == "no-store" && resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q, recorded no-store", resp.Header.Get("Cache-Control"))
	}
	rp.learn(fx.ResponseBody, got)
	if strings.HasPrefix(fx.Path, "/oidc/token") && resp.StatusCode == http.StatusOK {
		var tok struct {
			AccessToken string `json:"access_token"`
			Scope       string `json:"scope"`
		}
		_ = json.Unmarshal(got, &tok)
		switch {
		case prefix == "009a":
			rp.noAll = tok.AccessToken
		case tok.Scope == "all" && rp.token == "":
			rp.token = tok.AccessToken
		}
	}
}

func (rp *replay) requestBody(fx fixture) (io.Reader, string) {
	ct := fx.RequestHeaders["Content-Type"]
	if len(fx.RequestBody) == 0 || string(fx.RequestBody) == "null" {
		return nil, ct
	}
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		var m map[string]string
		if err := json.Unmarshal(fx.RequestBody, &m); err != nil {
			rp.t.Fatalf("form body: %v", err)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			v, err := url.QueryUnescape(m[k])
			if err != nil {
				v = m[k]
			}
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(rp.mapIDs(v)))
		}
		return strings.NewReader(strings.Join(parts, "&")), ct
	}
	return strings.NewReader(rp.mapIDs(string(fx.RequestBody))), ct
}

// learn pairs generated values of the recorded response with the replay's (ids, secrets).
func (rp *replay) learn(rec json.RawMessage, got []byte) {
	var a, b any
	if json.Unmarshal(rec, &a) != nil || json.Unmarshal(got, &b) != nil {
		return
	}
	var walk func(a, b any)
	walk = func(a, b any) {
		switch av := a.(type) {
		case map[string]any:
			bv, ok := b.(map[string]any)
			if !ok {
				return
			}
			for _, k := range []string{"id", "applicationId", "value", "secret"} {
				as, ok1 := av[k].(string)
				bs, ok2 := bv[k].(string)
				if ok1 && ok2 && as != "" && as != "default" {
					if _, known := rp.ids[as]; !known {
						rp.ids[as] = bs
					}
				}
			}
		case []any:
			bv, ok := b.([]any)
			if !ok {
				return
			}
			for i := range min(len(av), len(bv)) {
				walk(av[i], bv[i])
			}
		}
	}
	walk(a, b)
}

// compareBodies compares what the contract fixes: the Logto error code, the JSON key set (of the
// object, or of each element of an array, and the array's length), or the text of a non-JSON body.
func compareBodies(t *testing.T, rec json.RawMessage, got []byte) {
	t.Helper()
	if len(rec) == 0 || string(rec) == "null" {
		if len(bytes.TrimSpace(got)) != 0 {
			t.Errorf("body %s, recorded none", truncate(got))
		}
		return
	}
	var recV, gotV any
	if err := json.Unmarshal(rec, &recV); err != nil {
		t.Fatalf("recorded body: %v", err)
	}
	if s, ok := recV.(string); ok { // a text body, e.g. "Created"
		if string(got) != s {
			t.Errorf("body %q, recorded %q", got, s)
		}
		return
	}
	if err := json.Unmarshal(got, &gotV); err != nil {
		t.Errorf("body is not JSON: %s", truncate(got))
		return
	}
	switch rv := recV.(type) {
	case map[string]any:
		gv, ok := gotV.(map[string]any)
		if !ok {
			t.Errorf("body %s, recorded an object", truncate(got))
			return
		}
		if rv["code"] != gv["code"] {
			t.Errorf("code %v, recorded %v (message %v)", gv["code"], rv["code"], gv["message"])
		}
		if rk, gk := keys(rv), keys(gv); !slices.Equal(rk, gk) {
			t.Errorf("keys %v, recorded %v", gk, rk)
		}
	case []any:
		gv, ok := gotV.([]any)
		if !ok {
			t.Errorf("body %s, recorded an array", truncate(got))
			return
		}
		if len(gv) != len(rv) {
			t.Errorf("%d elements, recorded %d: %s", len(gv), len(rv), truncate(got))
			return
		}
		for i := range rv {
			rm, _ := rv[i].(map[string]any)
			gm, _ := gv[i].(map[string]any)
			if rk, gk := keys(rm), keys(gm); !slices.Equal(rk, gk) {
				t.Errorf("element %d keys %v, recorded %v", i, gk, rk)
			}
		}
	}
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// checkCapturedTwilio compares what the fake Twilio received with fixture 079.
func checkCapturedTwilio(t *testing.T, tw *replayTwilio, toPlus bool) {
	raw, err := os.ReadFile("testdata/mgmt/079-twilio-outbound-requests-captured.json")
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Requests []struct {
			Method, Path         string
			Headers              map[string]string
			AuthorizationDecoded string
			Form                 map[string]string
		}
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	tw.mu.Lock()
	got := slices.Clone(tw.got)
	tw.mu.Unlock()
	// The first send of the replay (071) went to a Twilio that dropped the connection; the
	// recording captured only the three sends that reached its fake (072-074).
	if len(got) != len(rec.Requests)+1 {
		t.Fatalf("Twilio received %d requests, want %d", len(got), len(rec.Requests)+1)
	}
	for i, want := range rec.Requests {
		g := got[i+1]
		if g.Path != want.Path {
			t.Errorf("request %d path %s, recorded %s", i, g.Path, want.Path)
		}
		if g.Auth != want.AuthorizationDecoded {
			t.Errorf("request %d Basic credentials differ from the recording", i)
		}
		if g.ContentType != want.Headers["content-type"] {
			t.Errorf("request %d content type %q, recorded %q", i, g.ContentType, want.Headers["content-type"])
		}
		if g.UserAgent != want.Headers["user-agent"] {
			t.Errorf("request %d user agent %q, recorded %q", i, g.UserAgent, want.Headers["user-agent"])
		}
		for k, v := range want.Form {
			if k == "To" && toPlus { // connector 1.4.4 (Logto 1.41) prepends "+"
				v = "+" + v
			}
			if g.Form.Get(k) != v {
				t.Errorf("request %d form %s=%q, recorded %q", i, k, g.Form.Get(k), v)
			}
		}
		if len(g.Form) != len(want.Form) {
			t.Errorf("request %d form fields %v, recorded %v", i, g.Form, want.Form)
		}
	}
}
