package logtotest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// The replay tests send the recorded requests (testdata/oidc, copied from the shared
// logto-fixtures) to the stand-in, in the recorded order, and compare the answers with the
// recorded ones: status, redirect target (scheme, host, path, query keys and the values that are
// not random), Set-Cookie names, content type, and JSON bodies (the whole body once the random
// values are mapped, so error codes, messages and key sets all count).

type recorded struct {
	Method          string            `json:"method"`
	URL             string            `json:"url"`
	RequestHeaders  map[string]string `json:"requestHeaders"`
	RequestBody     json.RawMessage   `json:"requestBody"`
	Status          int               `json:"status"`
	ResponseHeaders map[string]string `json:"responseHeaders"`
	ResponseBody    json.RawMessage   `json:"responseBody"`
	Claims          map[string]any    `json:"claims"`
	Header          map[string]any    `json:"header"`
}

func loadRecorded(t *testing.T, prefix string) recorded {
	t.Helper()
	m, err := filepath.Glob(filepath.Join("testdata", "oidc", prefix+"-*.json"))
	if err != nil || len(m) != 1 {
		t.Fatalf("fixture %s: %v %v", prefix, m, err)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	var f recorded
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("fixture %s: %v", prefix, err)
	}
	return f
}

func (f recorded) header(name string) string {
	for k, v := range f.ResponseHeaders {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func (f recorded) reqHeader(name string) string {
	for k, v := range f.RequestHeaders {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

const (
	recordedEndpoint = "http://127.0.0.1:3001"
	recordedAppID    = "schcd6fv8p7jad4k1udy3"
)

// replayer maps the recording's random values to the stand-in's as they show up.
type replayer struct {
	t        *testing.T
	tt       *testTenant
	b        *Browser
	verifier string
	subst    [][2]string // recorded → ours
	access   string      // our last access token, for "Bearer <access_token>"
}

func newReplayer(t *testing.T, tt *testTenant) *replayer {
	r := &replayer{t: t, tt: tt, b: tt.s.NewBrowser(), verifier: "our-code-verifier-0123456789-0123456789-abcdefghij"}
	sum := sha256.Sum256([]byte(r.verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	r.learn(recordedEndpoint, tt.s.URL)
	r.learn(recordedAppID, tt.appID)
	// The code challenges of the recorded authorization requests (285, 310, 314, 211, 241).
	for _, c := range []string{
		"aOy3DMEonF5IBG9kScYXgoSUNtynY4JoaBrxFeNnd4U", "nThGF1wCCdfG_Xr_14YxYtfwu_TBr6aIaV2D_ah1Jm4",
		"Z5s3JzGyOknvQBfv1V6tT0yw4Y5H9XX4Yw7G8JxdXOw",
	} {
		r.learn(c, challenge)
	}
	return r
}

func (r *replayer) learn(rec, ours string) {
	if rec == "" || rec == ours {
		return
	}
	for _, s := range r.subst {
		if s[0] == rec {
			return
		}
	}
	r.subst = append(r.subst, [2]string{rec, ours})
	// Escaped forms (in URLs).
	if q := url.QueryEscape(rec); q != rec {
		r.subst = append(r.subst, [2]string{q, url.QueryEscape(ours)})
	}
}

func (r *replayer) rewrite(s string) string {
	for _, p := range r.subst {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	s = strings.ReplaceAll(s, "<code_verifier>", r.verifier)
	return strings.ReplaceAll(s, "<client_secret>", r.tt.secret)
}

type stepOpt struct {
	b           *Browser // nil: the replayer's browser
	noCookies   bool
	basicUser   string // overrides for "Basic <...>"
	basicSecret string
	verifier    string // override for <code_verifier>
}

// step replays one recorded exchange and compares the answer; it returns our answer.
func (r *replayer) step(prefix string, o stepOpt) (*http.Response, []byte) {
	r.t.Helper()
	return r.stepWith(prefix, loadRecorded(r.t, prefix), o)
}

// stepWith replays the exchange f (named prefix in messages); r3_replay_test.go gives it the
// recordings of testdata/r3.
func (r *replayer) stepWith(prefix string, f recorded, o stepOpt) (*http.Response, []byte) {
	t := r.t
	t.Helper()
	var body io.Reader
	ct := f.reqHeader("Content-Type")
	if len(f.RequestBody) > 0 && string(f.RequestBody) != "null" {
		raw := r.rewrite(string(f.RequestBody))
		if o.verifier != "" {
			raw = strings.ReplaceAll(raw, r.verifier, o.verifier)
		}
		var form string
		if json.Unmarshal([]byte(raw), &form) == nil { // a form recorded as its text (r3-030..032)
			body = strings.NewReader(form)
		} else if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			var m map[string]string
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				t.Fatalf("%s: form body: %v", prefix, err)
			}
			form := url.Values{}
			for k, v := range m {
				form.Set(k, v)
			}
			body = strings.NewReader(form.Encode())
		} else {
			body = strings.NewReader(raw)
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), f.Method, r.rewrite(f.URL), body)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Content-Type", "Accept", "Origin"} {
		if v := f.reqHeader(h); v != "" {
			req.Header.Set(h, r.rewrite(v))
		}
	}
	switch auth := f.reqHeader("Authorization"); {
	case strings.HasPrefix(auth, "Basic "):
		user, secret := r.tt.appID, r.tt.secret
		if o.basicUser != "" {
			user = o.basicUser
		}
		if o.basicSecret != "" {
			secret = o.basicSecret
		}
		req.SetBasicAuth(user, secret)
	case strings.HasPrefix(auth, "Bearer "):
		req.Header.Set("Authorization", "Bearer "+r.access)
	}
	var resp *http.Response
	switch {
	case o.noCookies:
		hc := *r.tt.s.Client()
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err = hc.Do(req)
	case o.b != nil:
		resp, err = o.b.Do(req)
	default:
		resp, err = r.b.Do(req)
	}
	if err != nil {
		t.Fatalf("%s: %v", prefix, err)
	}
	defer func() { _ = resp.Body.Close() }()
	got, _ := io.ReadAll(resp.Body)
	r.compare(prefix, f, resp, got)
	return resp, got
}

var xsrfRE = regexp.MustCompile(`name="xsrf" value="([0-9a-f]+)"`)

func cookieNames(lines []string) []string {
	var out []string
	for _, l := range lines {
		for line := range strings.SplitSeq(l, "\n") {
			if n, _, ok := strings.Cut(strings.TrimSpace(line), "="); ok && n != "" {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}

func (r *replayer) compare(prefix string, f recorded, resp *http.Response, got []byte) {
	t := r.t
	t.Helper()
	if resp.StatusCode != f.Status {
		t.Errorf("%s: status %d, recorded %d (body %s)", prefix, resp.StatusCode, f.Status, got)
		return
	}
	// Content type.
	recCT, _, _ := mime.ParseMediaType(f.header("Content-Type"))
	ourCT, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if recCT != ourCT {
		t.Errorf("%s: content type %q, recorded %q", prefix, ourCT, recCT)
	}
	if rec := f.header("Cache-Control"); rec != resp.Header.Get("Cache-Control") {
		t.Errorf("%s: cache-control %q, recorded %q", prefix, resp.Header.Get("Cache-Control"), rec)
	}
	if rec := f.header("WWW-Authenticate"); r.rewrite(rec) != resp.Header.Get("WWW-Authenticate") {
		t.Errorf("%s: WWW-Authenticate %q, recorded %q", prefix, resp.Header.Get("WWW-Authenticate"), rec)
	}
	// Cookies set (names only; values are random).
	if rec := f.header("Set-Cookie"); rec != "" || len(resp.Header.Values("Set-Cookie")) > 0 {
		if a, b := cookieNames(resp.Header.Values("Set-Cookie")), cookieNames([]string{rec}); !slices.Equal(a, b) {
			t.Errorf("%s: Set-Cookie names %v, recorded %v", prefix, a, b)
		}
	}
	// Redirect target.
	if recLoc := f.header("Location"); recLoc != "" || resp.Header.Get("Location") != "" {
		r.compareLocation(prefix, recLoc, resp.Header.Get("Location"))
	}
	// Body.
	switch {
	case recCT == "application/json":
		r.compareJSON(prefix, f.ResponseBody, got)
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		var rec string
		_ = json.Unmarshal(f.ResponseBody, &rec)
		if rec != "" && r.rewrite(rec) != string(got) {
			t.Errorf("%s: body %q, recorded %q", prefix, got, r.rewrite(rec))
		}
	case recCT == "text/html":
		var rec string
		_ = json.Unmarshal(f.ResponseBody, &rec)
		if m := xsrfRE.FindStringSubmatch(rec); m != nil {
			if o := xsrfRE.FindSubmatch(got); o != nil {
				r.learn(m[1], string(o[1]))
			}
		}
		for _, must := range []string{"<title>Sign Out</title>", `id="op.logoutForm"`, `name="logout"`, "You have successfully signed out."} {
			if strings.Contains(rec, must) && !strings.Contains(string(got), r.rewrite(must)) {
				t.Errorf("%s: page lacks %q", prefix, must)
			}
		}
		if strings.Contains(rec, "session/end/confirm") && !strings.Contains(string(got), `action="`+r.tt.s.URL+`/oidc/session/end/confirm"`) {
			t.Errorf("%s: sign-out form action wrong: %s", prefix, got)
		}
	case recCT == "text/plain":
		var rec string
		_ = json.Unmarshal(f.ResponseBody, &rec)
		if rec != string(got) {
			t.Errorf("%s: body %q, recorded %q", prefix, got, rec)
		}
	}
}

// randomQuery are callback parameters whose values are random.
var randomQuery = map[string]bool{"code": true}

func (r *replayer) compareLocation(prefix, rec, ours string) {
	t := r.t
	t.Helper()
	ru, err1 := url.Parse(r.rewrite(rec))
	ou, err2 := url.Parse(ours)
	if err1 != nil || err2 != nil {
		t.Errorf("%s: Location %q, recorded %q", prefix, ours, rec)
		return
	}
	// Learn a new interaction uid (/oidc/auth/<uid>) and the code.
	if strings.HasPrefix(ru.Path, "/oidc/auth/") && strings.HasPrefix(ou.Path, "/oidc/auth/") {
		r.learn(strings.TrimPrefix(ru.Path, "/oidc/auth/"), strings.TrimPrefix(ou.Path, "/oidc/auth/"))
		ru, _ = url.Parse(r.rewrite(rec))
	}
	if c := ru.Query().Get("code"); c != "" {
		r.learn(c, ou.Query().Get("code"))
	}
	if ru.Scheme != ou.Scheme || ru.Host != ou.Host || ru.Path != ou.Path {
		t.Errorf("%s: Location %q, recorded %q", prefix, ours, r.rewrite(rec))
	}
	rq, oq := ru.Query(), ou.Query()
	rk, ok := slices.Sorted(mapsKeys(rq)), slices.Sorted(mapsKeys(oq))
	if !slices.Equal(rk, ok) {
		t.Errorf("%s: Location query keys %v, recorded %v", prefix, ok, rk)
	}
	for k := range rq {
		if !randomQuery[k] && rq.Get(k) != oq.Get(k) {
			t.Errorf("%s: Location %s=%q, recorded %q", prefix, k, oq.Get(k), rq.Get(k))
		}
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// dynamicJSON are body fields whose values are random or time-dependent: they are mapped (learned)
// or only checked for presence.
var dynamicJSON = map[string]bool{
	"verificationId": true, "redirectTo": true, "access_token": true, "refresh_token": true,
	"id_token": true, "sub": true, "created_at": true, "updated_at": true, "keys": true,
}

func (r *replayer) compareJSON(prefix string, recRaw json.RawMessage, got []byte) {
	t := r.t
	t.Helper()
	var rec, ours map[string]any
	if err := json.Unmarshal(recRaw, &rec); err != nil {
		t.Fatalf("%s: recorded body: %v", prefix, err)
	}
	if err := json.Unmarshal(got, &ours); err != nil {
		t.Errorf("%s: body is not a JSON object: %s", prefix, got)
		return
	}
	for _, k := range []string{"verificationId", "access_token", "refresh_token"} {
		if s, ok := rec[k].(string); ok {
			o, _ := ours[k].(string)
			r.learn(s, o)
		}
	}
	if s, ok := rec["redirectTo"].(string); ok {
		o, _ := ours["redirectTo"].(string)
		r.learn(s[strings.LastIndex(s, "/")+1:], o[strings.LastIndex(o, "/")+1:])
	}
	if a, ok := ours["access_token"].(string); ok {
		r.access = a
	}
	if rk, ok := slices.Sorted(mapsKeys(rec)), slices.Sorted(mapsKeys(ours)); !slices.Equal(rk, ok) {
		t.Errorf("%s: JSON keys %v, recorded %v", prefix, ok, rk)
	}
	for k, rv := range rec {
		if dynamicJSON[k] {
			continue
		}
		b, _ := json.Marshal(rv)
		var want any
		_ = json.Unmarshal([]byte(r.rewrite(string(b))), &want)
		if !reflect.DeepEqual(want, ours[k]) {
			t.Errorf("%s: %s = %v, recorded %v", prefix, k, ours[k], want)
		}
	}
}

// TestReplayPlainHTTPRun replays the plain-HTTP run r4 (fixtures 285-306) and the SSO run r5
// (310-314) against the stand-in, for a returning user.
func TestReplayPlainHTTPRun(t *testing.T) {
	tt := newTestTenant(t)
	tt.s.AddUser("12015550199")
	r := newReplayer(t, tt)

	r.step("285", stepOpt{}) // GET /oidc/auth → 303 /sign-in
	r.step("286", stepOpt{}) // PUT /api/experience
	r.step("287", stepOpt{}) // send code to "+1…": 400 guard.invalid_input
	r.step("288", stepOpt{}) // send code to an implausible number: accepted
	r.step("289", stepOpt{}) // send code
	r.step("290", stepOpt{}) // wrong code
	r.step("291", stepOpt{}) // identification before verify
	r.learn("636822", tt.tw.lastCode(t))
	r.step("292", stepOpt{}) // verify
	r.step("293", stepOpt{}) // identification: 204 (returning user)
	r.step("294", stepOpt{}) // submit
	r.step("295", stepOpt{}) // resume → /consent
	r.step("296", stepOpt{}) // consent → /oidc/auth/<uid2>
	r.step("297", stepOpt{}) // resume → callback with code
	_, tokBody := r.step("298", stepOpt{})
	r.step("299", stepOpt{}) // refresh with client_secret_post: same refresh token

	// r5: the session is alive: no sign-in page, no SMS.
	sent := len(tt.tw.calls())
	r.step("310", stepOpt{})
	r.step("311", stepOpt{})
	r.step("312", stepOpt{})
	_, ssoBody := r.step("313", stepOpt{})
	r.step("314", stepOpt{}) // prompt=login: the sign-in page again
	if n := len(tt.tw.calls()); n != sent {
		t.Errorf("SSO sent %d SMS", n-sent)
	}

	// Sign-out.
	r.step("300", stepOpt{})
	r.step("301", stepOpt{})
	// A fresh jar: session/end opened (not recorded), then confirmed without logout=yes (302).
	fresh := tt.s.NewBrowser()
	resp, page, err := fresh.Get(t.Context(), "/oidc/session/end?client_id="+tt.appID+"&post_logout_redirect_uri="+url.QueryEscape(testPostLogout))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("session/end in a fresh jar: %v %v", resp, err)
	}
	r.learn("31f672d7d8c50643a19f63465ca25506241567c6688eaedd", string(xsrfRE.FindSubmatch(page)[1]))
	r.step("302", stepOpt{b: fresh})
	r.step("303", stepOpt{noCookies: true})
	fresh = tt.s.NewBrowser()
	_, page, _ = fresh.Get(t.Context(), "/oidc/session/end?client_id="+tt.appID)
	r.learn("bfd7f315b21df0f0dfef49271a833279879064b791d80bdf", string(xsrfRE.FindSubmatch(page)[1]))
	r.step("304", stepOpt{b: fresh})
	r.step("305", stepOpt{noCookies: true})

	// 306: the ID token of 298 decodes to the recorded claim set.
	var tok struct {
		IDToken string `json:"id_token"`
	}
	_ = json.Unmarshal(tokBody, &tok)
	checkIDToken(t, tt, tok.IDToken, "306", map[string]any{"nonce": "Rl01zzMsWIkeb2H3hf4nQQ", "phone_number": "12015550199"})
	// The SSO sign-in of the same returning user, against r2's decoded token (257).
	_ = json.Unmarshal(ssoBody, &tok)
	checkIDToken(t, tt, tok.IDToken, "257", map[string]any{"nonce": "ZeVlLn0cyBUPPRsZObHaRw", "phone_number": "12015550199"})
}

// authURLFrom rewrites a recorded authorization request for the stand-in, with our challenge.
func (r *replayer) authURLFrom(prefix string) string {
	u, err := url.Parse(r.rewrite(loadRecorded(r.t, prefix).URL))
	if err != nil {
		r.t.Fatal(err)
	}
	q := u.Query()
	sum := sha256.Sum256([]byte(r.verifier))
	q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
	u.RawQuery = q.Encode()
	return u.String()
}

// api is one Experience API call that must answer want; it returns the JSON answer.
func (r *replayer) api(method, path string, in any, want int) map[string]any {
	r.t.Helper()
	status, raw, err := r.b.API(r.t.Context(), method, path, in, nil)
	if err != nil || status != want {
		r.t.Fatalf("%s %s = %d %s (%v), want %d", method, path, status, raw, err, want)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

// finish follows the submit's redirectTo back to the client and exchanges the code; it returns
// the ID token.
func (r *replayer) finish(redirectTo string) string {
	t := r.t
	t.Helper()
	resp, _, err := r.b.Get(t.Context(), redirectTo)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("back to the client: %v %v", resp, err)
	}
	cb, _ := url.Parse(resp.Header.Get("Location"))
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")},
		"redirect_uri": {testRedirect}, "code_verifier": {r.verifier},
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, r.tt.s.URL+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(r.tt.appID, r.tt.secret)
	tr, err := r.tt.s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tr.Body.Close() }()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(tr.Body).Decode(&tok); err != nil || tr.StatusCode != http.StatusOK {
		t.Fatalf("code exchange: %d %v", tr.StatusCode, err)
	}
	return tok.IDToken
}

// TestReplayNewUserFlows replays the Experience API steps of the two new-user runs: r1, a new
// phone on the sign-in page (216-219: 404 user_not_exist, Register, 201), and r3, "Create account"
// (263, 266); the SMS templates (307) and the ID tokens' claim sets (237, 273).
func TestReplayNewUserFlows(t *testing.T) {
	tt := newTestTenant(t)
	r := newReplayer(t, tt)

	// r1.
	if resp, _, err := r.b.Get(t.Context(), r.authURLFrom("211")); err != nil || resp.Request.URL.Path != "/sign-in" {
		t.Fatalf("r1 authorization request: %v %v", resp, err)
	}
	phone := map[string]string{"type": "phone", "value": "12015550199"}
	r.api("PUT", "/api/experience", map[string]string{"interactionEvent": "SignIn"}, 204)
	vid, _ := r.api("POST", "/api/experience/verification/verification-code",
		map[string]any{"interactionEvent": "SignIn", "identifier": phone}, 200)["verificationId"].(string)
	r.api("POST", "/api/experience/verification/verification-code/verify",
		map[string]any{"verificationId": vid, "identifier": phone, "code": tt.tw.lastCode(t)}, 200)
	r.learn("584yon91ckzn6gxlvxnp3", vid)
	r.step("216", stepOpt{})
	r.step("217", stepOpt{})
	r.step("218", stepOpt{})
	_, body := r.step("219", stepOpt{})
	var sub struct {
		RedirectTo string `json:"redirectTo"`
	}
	_ = json.Unmarshal(body, &sub)
	checkIDToken(t, tt, r.finish(sub.RedirectTo), "237", map[string]any{"phone_number": "12015550199"})

	// r3, in a new browser: the "Create account" page.
	r.b = tt.s.NewBrowser()
	if resp, _, err := r.b.Get(t.Context(), r.authURLFrom("211")); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("r3 authorization request: %v %v", resp, err)
	}
	phone = map[string]string{"type": "phone", "value": "12025550143"}
	r.step("263", stepOpt{})
	vid, _ = r.api("POST", "/api/experience/verification/verification-code",
		map[string]any{"interactionEvent": "Register", "identifier": phone}, 200)["verificationId"].(string)
	r.api("POST", "/api/experience/verification/verification-code/verify",
		map[string]any{"verificationId": vid, "identifier": phone, "code": tt.tw.lastCode(t)}, 200)
	r.learn("4le5tpkj8a2jxtdjvj4dd", vid)
	r.step("266", stepOpt{})
	redirectTo, _ := r.api("POST", "/api/experience/submit", nil, 200)["redirectTo"].(string)
	checkIDToken(t, tt, r.finish(redirectTo), "273", map[string]any{"phone_number": "12025550143"})

	// 307: SignIn template for the new user from the sign-in page, Register from "Create account".
	calls := tt.tw.calls()
	if len(calls) != 2 {
		t.Fatalf("%d SMS, want 2", len(calls))
	}
	for i, want := range []struct{ to, template string }{{"12015550199", "(SignIn template)"}, {"12025550143", "(Register template)"}} {
		if calls[i].Form.Get("To") != want.to || !strings.Contains(calls[i].Form.Get("Body"), want.template) {
			t.Errorf("SMS %d: %v", i, calls[i].Form)
		}
	}
	if users := tt.s.Users(); len(users) != 2 {
		t.Errorf("users: %+v", users)
	}
}

// TestReplayErrorProbes replays the error probes that need no signed-in state (120-123, 280-284).
func TestReplayErrorProbes(t *testing.T) {
	tt := newTestTenant(t)
	r := newReplayer(t, tt)
	r.step("120", stepOpt{noCookies: true})
	r.step("121", stepOpt{noCookies: true, basicSecret: "wrong-secret"})
	r.step("123", stepOpt{noCookies: true, basicUser: "nosuchapp123", basicSecret: "wrong-secret"})
	for _, p := range []string{"280", "281", "282", "283", "284"} {
		r.step(p, stepOpt{noCookies: true})
	}
}

// TestReplayCodeExchangeProbes replays r1's token-endpoint probes (223-236, 254): wrong verifier,
// wrong secret, redirect mismatch and missing verifier do not consume the code; the good
// exchange works; a reused code revokes the whole grant.
func TestReplayCodeExchangeProbes(t *testing.T) {
	tt := newTestTenant(t)
	r := newReplayer(t, tt)
	// r1's authorization request, then the sign-in (the browser part of r1, over HTTP).
	f := loadRecorded(t, "211")
	authURL := r.rewrite(f.URL)
	u, _ := url.Parse(authURL)
	q := u.Query()
	sum := sha256.Sum256([]byte(r.verifier))
	q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
	u.RawQuery = q.Encode()
	cb, err := r.b.SignInByPhone(t.Context(), u.String(), "12015550199")
	if err != nil {
		t.Fatal(err)
	}
	cbu, _ := url.Parse(cb)
	rec222, _ := url.Parse(loadRecorded(t, "222").header("Location"))
	r.learn(rec222.Query().Get("code"), cbu.Query().Get("code"))

	r.step("223", stepOpt{noCookies: true, verifier: "a-wrong-code-verifier-0123456789-0123456789-abcdef"})
	r.step("224", stepOpt{noCookies: true, basicSecret: "wrong-secret"})
	r.step("225", stepOpt{noCookies: true})
	r.step("226", stepOpt{noCookies: true})
	_, tokBody := r.step("227", stepOpt{noCookies: true})
	r.step("228", stepOpt{noCookies: true})
	r.step("229", stepOpt{noCookies: true})
	checkJWKS(t, r)
	r.step("231", stepOpt{noCookies: true})
	var tok struct {
		RefreshToken string `json:"refresh_token"`
		IDToken      string `json:"id_token"`
	}
	_ = json.Unmarshal(tokBody, &tok)
	r.learn("KuubbnFVu80a7BJeAxLZP7SnB8M_A_7vyFU52h58E3H", tok.RefreshToken)
	r.step("254", stepOpt{noCookies: true}) // refresh with an unrequested resource
	r.step("232", stepOpt{noCookies: true}) // reused code
	r.step("233", stepOpt{noCookies: true}) // its access token is revoked
	r.step("234", stepOpt{noCookies: true}) // and its refresh token
	_, page := r.step("235", stepOpt{})     // the browser could not read this body
	r.learn("b33f7bad7513e76a86bea635346545a6bcd86cdb2ccbbd4d", string(xsrfRE.FindSubmatch(page)[1]))
	r.step("236", stepOpt{})
	checkIDToken(t, tt, tok.IDToken, "237", map[string]any{"phone_number": "12015550199"})
}

func checkJWKS(t *testing.T, r *replayer) {
	t.Helper()
	_, body := r.step("230", stepOpt{noCookies: true})
	var ours, rec struct {
		Keys []map[string]any `json:"keys"`
	}
	_ = json.Unmarshal(body, &ours)
	_ = json.Unmarshal(loadRecorded(t, "230").ResponseBody, &rec)
	if len(ours.Keys) != 1 {
		t.Fatalf("jwks has %d keys", len(ours.Keys))
	}
	if a, b := slices.Sorted(mapsKeys(ours.Keys[0])), slices.Sorted(mapsKeys(rec.Keys[0])); !slices.Equal(a, b) {
		t.Errorf("jwk keys %v, recorded %v", a, b)
	}
	for _, k := range []string{"kty", "use", "alg", "crv"} {
		if ours.Keys[0][k] != rec.Keys[0][k] {
			t.Errorf("jwk %s = %v, recorded %v", k, ours.Keys[0][k], rec.Keys[0][k])
		}
	}
}

// checkIDToken verifies an ID token we issued against our JWKS and compares its header and claim
// set with a recorded decoded one (237, 257, 273, 306).
func checkIDToken(t *testing.T, tt *testTenant, raw, prefix string, want map[string]any) {
	t.Helper()
	rec := loadRecorded(t, prefix)
	obj, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.ES384})
	if err != nil {
		t.Fatalf("%s: parse ID token: %v", prefix, err)
	}
	jwks := tt.s.oidc.jwk.Public()
	payload, err := obj.Verify(&jwks)
	if err != nil {
		t.Fatalf("%s: ID token signature: %v", prefix, err)
	}
	h := obj.Signatures[0].Header
	if h.Algorithm != "ES384" || h.KeyID != jwks.KeyID || h.ExtraHeaders["typ"] != "JWT" {
		t.Errorf("%s: header alg=%s kid=%s typ=%v", prefix, h.Algorithm, h.KeyID, h.ExtraHeaders["typ"])
	}
	var claims map[string]any
	d := json.NewDecoder(bytes.NewReader(payload))
	d.UseNumber()
	if err := d.Decode(&claims); err != nil {
		t.Fatal(err)
	}
	if a, b := slices.Sorted(mapsKeys(claims)), slices.Sorted(mapsKeys(rec.Claims)); !slices.Equal(a, b) {
		t.Errorf("%s: claims %v, recorded %v", prefix, a, b)
	}
	for _, k := range []string{"name", "picture", "username", "phone_number_verified"} {
		if claims[k] != rec.Claims[k] {
			t.Errorf("%s: %s = %v, recorded %v", prefix, k, claims[k], rec.Claims[k])
		}
	}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("%s: %s = %v, want %v", prefix, k, claims[k], v)
		}
	}
	if claims["aud"] != tt.appID || claims["iss"] != tt.s.URL+"/oidc" {
		t.Errorf("%s: aud %v iss %v", prefix, claims["aud"], claims["iss"])
	}
	num := func(k string) int64 { n, _ := claims[k].(json.Number).Int64(); return n }
	if num("exp")-num("iat") != 3600 {
		t.Errorf("%s: exp-iat = %d", prefix, num("exp")-num("iat"))
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if ms := num(k); ms < num("iat")*1000-3600_000 || ms > num("iat")*1000+1000 {
			t.Errorf("%s: %s = %d is not milliseconds near iat", prefix, k, ms)
		}
	}
	if !regexp.MustCompile(`^[0-9a-z]{12}$`).MatchString(claims["sub"].(string)) {
		t.Errorf("%s: sub %v", prefix, claims["sub"])
	}
	if len(claims["at_hash"].(string)) != 32 {
		t.Errorf("%s: at_hash %v", prefix, claims["at_hash"])
	}
}
