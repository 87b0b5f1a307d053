package logtotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var applicationTypes = []string{"Native", "SPA", "Traditional", "MachineToMachine", "Protected", "SAML"}

// appJSON is an application as Logto returns it, fields in Logto's order.
type appJSON struct {
	TenantID                     string          `json:"tenantId"`
	ID                           string          `json:"id"`
	Name                         string          `json:"name"`
	Secret                       *string         `json:"secret,omitempty"`
	Description                  *string         `json:"description"`
	Type                         string          `json:"type"`
	OIDCClientMetadata           *orderedObject  `json:"oidcClientMetadata"`
	CustomClientMetadata         json.RawMessage `json:"customClientMetadata"`
	ProtectedAppMetadata         json.RawMessage `json:"protectedAppMetadata"`
	CustomData                   json.RawMessage `json:"customData"`
	IsThirdParty                 bool            `json:"isThirdParty"`
	CreatedAt                    int64           `json:"createdAt"`
	AppLevelAccessControlEnabled *bool           `json:"appLevelAccessControlEnabled,omitempty"`
	IsAdmin                      *bool           `json:"isAdmin,omitempty"`
}

// appJSONLocked renders a; withAdmin adds isAdmin as GET /api/applications/{id} does. From 1.41
// every application has appLevelAccessControlEnabled (always false here: turning it on needs
// access-control rules, which the stand-in does not keep); from 1.42 the internal secret is left
// out.
func (s *Server) appJSONLocked(a *application, withAdmin bool) appJSON {
	meta := &orderedObject{vals: map[string]json.RawMessage{}}
	meta.set("redirectUris", marshalNoEscape(a.RedirectURIs))
	meta.set("postLogoutRedirectUris", marshalNoEscape(a.PostLogoutRedirectURIs))
	extraKeys := make([]string, 0, len(a.OIDCExtra))
	for k := range a.OIDCExtra {
		extraKeys = append(extraKeys, k)
	}
	sort.Strings(extraKeys)
	for _, k := range extraKeys {
		meta.set(k, a.OIDCExtra[k])
	}
	out := appJSON{
		TenantID: "default", ID: a.ID, Name: a.Name, Description: a.Description, Type: a.Type,
		OIDCClientMetadata: meta, CustomClientMetadata: a.CustomClientMetadata,
		ProtectedAppMetadata: json.RawMessage(`null`), CustomData: a.CustomData,
		IsThirdParty: a.IsThirdParty, CreatedAt: a.CreatedAt,
	}
	if s.atLeast141() {
		f := false
		out.AppLevelAccessControlEnabled = &f
	}
	if !s.atLeast142() {
		sec := a.InternalSecret
		out.Secret = &sec
	}
	if withAdmin {
		admin := a.IsAdmin
		out.IsAdmin = &admin
	}
	return out
}

func respondAppNotFound(w http.ResponseWriter, id string) {
	respondLogtoError(w, http.StatusNotFound, "entity.not_exists_with_id",
		fmt.Sprintf("The applications with ID `%s` does not exist.", id), nil)
}

func respondNotFound(w http.ResponseWriter) {
	respondLogtoError(w, http.StatusNotFound, "entity.not_found", "The resource does not exist.", nil)
}

func (s *Server) registerApplications(mux *http.ServeMux) {
	m := s.requireManagement
	mux.HandleFunc("GET /api/applications", m(s.listApplications))
	mux.HandleFunc("POST /api/applications", m(s.createApplication))
	mux.HandleFunc("GET /api/applications/{id}", m(s.getApplication))
	mux.HandleFunc("PATCH /api/applications/{id}", m(s.patchApplication))
	mux.HandleFunc("DELETE /api/applications/{id}", m(s.deleteApplication))
	mux.HandleFunc("GET /api/applications/{id}/secrets", m(s.listSecrets))
	mux.HandleFunc("POST /api/applications/{id}/secrets", m(s.addSecret))
	mux.HandleFunc("PATCH /api/applications/{id}/secrets/{name}", m(s.renameSecret))
	mux.HandleFunc("DELETE /api/applications/{id}/secrets/{name}", m(s.deleteSecret))
	mux.HandleFunc("DELETE /api/applications/{id}/legacy-secret", m(s.deleteLegacySecret))
	mux.HandleFunc("GET /api/applications/{id}/roles", m(s.listAppRoles))
	mux.HandleFunc("POST /api/applications/{id}/roles", m(s.assignAppRoles))
	mux.HandleFunc("GET /api/roles", m(s.listRoles))
}

// ---- search (core/src/utils/search.ts) ----

type searchTerm struct {
	field string // "" = every searchable field
	value string
	mode  string // like (default), exact, similar_to, posix
}

// parseSearch reads search, search.<field>, mode.<field>, isCaseSensitive and joint.
func parseSearch(q url.Values) (terms []searchTerm, caseSensitive, and bool) {
	for key, vals := range q {
		var field string
		switch {
		case key == "search":
		case strings.HasPrefix(key, "search."):
			field = strings.TrimPrefix(key, "search.")
		default:
			continue
		}
		mode := q.Get("mode")
		if field != "" && q.Get("mode."+field) != "" {
			mode = q.Get("mode." + field)
		}
		for _, v := range vals {
			terms = append(terms, searchTerm{field: field, value: v, mode: mode})
		}
	}
	return terms, q.Get("isCaseSensitive") == "true", q.Get("joint") == "and"
}

// likeMatch is SQL LIKE (or ILIKE): % any run, _ one character, backslash escapes; no implicit
// wildcards.
func likeMatch(pattern, s string, caseSensitive bool) bool {
	var b strings.Builder
	if !caseSensitive {
		b.WriteString("(?is)")
	} else {
		b.WriteString("(?s)")
	}
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			i++
			b.WriteString(regexp.QuoteMeta(string(pattern[i])))
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}

func termMatches(t searchTerm, fields map[string]string, caseSensitive bool) bool {
	match := func(v string) bool {
		switch t.mode {
		case "exact":
			if caseSensitive {
				return v == t.value
			}
			return strings.EqualFold(v, t.value)
		case "posix", "similar_to":
			expr := t.value
			if !caseSensitive {
				expr = "(?i)" + expr
			}
			re, err := regexp.Compile(expr)
			return err == nil && re.MatchString(v)
		default:
			return likeMatch(t.value, v, caseSensitive)
		}
	}
	if t.field != "" {
		v, ok := fields[t.field]
		return ok && match(v)
	}
	for _, v := range fields {
		if match(v) {
			return true
		}
	}
	return false
}

func searchMatches(terms []searchTerm, fields map[string]string, caseSensitive, and bool) bool {
	if len(terms) == 0 {
		return true
	}
	for _, t := range terms {
		m := termMatches(t, fields, caseSensitive)
		if and && !m {
			return false
		}
		if !and && m {
			return true
		}
	}
	return and
}

// ---- pagination (core/src/middleware/koa-pagination.ts) ----

type page struct{ page, size int }

// parsePage returns the page asked for; optional lists are unpaginated without page/page_size.
func parsePage(q url.Values, optional bool) (page, bool) {
	if optional && q.Get("page") == "" && q.Get("page_size") == "" {
		return page{}, false
	}
	p := page{page: 1, size: 20}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n >= 1 {
		p.page = n
	}
	if n, err := strconv.Atoi(q.Get("page_size")); err == nil && n >= 1 {
		p.size = min(n, 100)
	}
	return p, true
}

// encodeKeepOrder re-encodes a query in its original key order with key set to value (appended if
// absent), as URLSearchParams.set does.
func encodeKeepOrder(raw string, _ url.Values, key, value string) string {
	var parts []string
	seen := false
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		dk, _ := url.QueryUnescape(k)
		dv, _ := url.QueryUnescape(v)
		if dk == key {
			if seen {
				continue
			}
			seen = true
			dv = value
		}
		parts = append(parts, url.QueryEscape(dk)+"="+url.QueryEscape(dv))
	}
	if !seen {
		parts = append(parts, url.QueryEscape(key)+"="+url.QueryEscape(value))
	}
	return strings.Join(parts, "&")
}

// ---- handlers ----

func (s *Server) sortedAppsLocked() []*application {
	apps := make([]*application, 0, len(s.apps))
	for _, a := range s.apps {
		apps = append(apps, a)
	}
	sort.SliceStable(apps, func(i, j int) bool {
		if apps[i].CreatedAt != apps[j].CreatedAt {
			return apps[i].CreatedAt > apps[j].CreatedAt
		}
		return apps[i].ID < apps[j].ID
	})
	return apps
}

func (s *Server) listApplications(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	types := q["types"]
	for _, t := range types {
		c := checker{}
		if _, ok := c.enum(marshalNoEscape(t), applicationTypes, []any{"types"}); !ok {
			respondZod(w, "guard.invalid_input", "The request query is invalid.", c.issues)
			return
		}
	}
	terms, caseSensitive, and := parseSearch(q)
	s.mu.Lock()
	var out []appJSON
	for _, a := range s.sortedAppsLocked() {
		if len(types) > 0 && !contains(types, a.Type) {
			continue
		}
		if v := q.Get("isThirdParty"); v != "" && (v == "true") != a.IsThirdParty {
			continue
		}
		desc := ""
		if a.Description != nil {
			desc = *a.Description
		}
		if !searchMatches(terms, map[string]string{"id": a.ID, "name": a.Name, "description": desc}, caseSensitive, and) {
			continue
		}
		out = append(out, s.appJSONLocked(a, false))
	}
	s.mu.Unlock()
	if out == nil {
		out = []appJSON{}
	}
	if p, ok := parsePage(q, true); ok {
		out = paginate(w, r, s.URL, out, p)
	}
	respondJSON(w, http.StatusOK, out)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

var mobileSchemeRE = regexp.MustCompile(`(?i)^[a-z][a-z0-9+_-]*(\.[a-z0-9+_-]+)+$`)

// validRedirectURI is Logto's validateRedirectUrl for web (http/https URL) or mobile (reverse-domain
// custom scheme).
func validRedirectURI(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" {
		return false
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return p.Host != ""
	}
	return mobileSchemeRE.MatchString(p.Scheme)
}

// readOIDCMetadata validates oidcClientMetadata: both URI arrays required, each a valid URI.
func readOIDCMetadata(c *checker, body map[string]json.RawMessage) (redirect, postLogout []string, extra map[string]json.RawMessage, present bool) {
	meta, ok := c.object(body, "oidcClientMetadata", false)
	if !ok {
		return nil, nil, nil, false
	}
	path := []any{"oidcClientMetadata"}
	readURIs := func(key string) []string {
		arr, ok := c.array(meta, key, true, path)
		if !ok {
			return nil
		}
		out := make([]string, 0, len(arr))
		for i, raw := range arr {
			var u string
			if jsType(raw) != "string" || json.Unmarshal(raw, &u) != nil {
				c.typeIssue(join(path, key, i), "string", raw)
				continue
			}
			if !validRedirectURI(u) {
				c.custom(join(path, key, i), "Invalid input")
				continue
			}
			out = append(out, u)
		}
		return out
	}
	redirect = readURIs("redirectUris")
	postLogout = readURIs("postLogoutRedirectUris")
	extra = map[string]json.RawMessage{}
	for _, k := range []string{"backchannelLogoutUri", "backchannelLogoutSessionRequired", "logoUri"} {
		if v, ok := meta[k]; ok {
			extra[k] = v
		}
	}
	return redirect, postLogout, extra, true
}

func readName(c *checker, body map[string]json.RawMessage, required bool) (string, bool) {
	name, ok := c.str(body, "name", required, nil)
	if ok && (len(name) < 1 || len(name) > 256) {
		c.issues = append(c.issues, zodIssue{Code: "too_small", Path: []any{"name"}, Message: "String must contain at least 1 character(s)"})
		return "", false
	}
	return name, ok
}

func readDescription(c *checker, body map[string]json.RawMessage) (*string, bool) {
	raw, ok := body["description"]
	if !ok {
		return nil, false
	}
	if jsType(raw) == "null" {
		return nil, true
	}
	d, ok := c.str(body, "description", false, nil)
	if !ok {
		return nil, false
	}
	return &d, true
}

func (s *Server) createApplication(w http.ResponseWriter, r *http.Request) {
	body, ok := readObject(w, r)
	if !ok {
		return
	}
	c := checker{}
	name, _ := readName(&c, body, true)
	desc, _ := readDescription(&c, body)
	var typ string
	if raw, ok := body["type"]; ok {
		typ, _ = c.enum(raw, applicationTypes, []any{"type"})
	} else {
		c.typeIssue([]any{"type"}, "'"+strings.Join(applicationTypes, "' | '")+"'", nil)
	}
	redirect, postLogout, extra, _ := readOIDCMetadata(&c, body)
	custom, hasCustom := c.object(body, "customClientMetadata", false)
	isThirdParty, _ := c.boolean(body, "isThirdParty", false, nil)
	customData, hasCustomData := c.object(body, "customData", false)
	if !c.ok() {
		respondGuard(w, c.issues)
		return
	}
	if typ == "SAML" {
		respondLogtoError(w, http.StatusBadRequest, "application.saml.use_saml_app_api",
			"Use `[METHOD] /saml-applications(/.*)?` API to operate SAML app.", nil)
		return
	}
	s.mu.Lock()
	a := s.newAppLocked(name, typ, desc, redirect, postLogout)
	a.OIDCExtra = extra
	a.IsThirdParty = isThirdParty
	if hasCustom {
		a.CustomClientMetadata = marshalNoEscape(custom)
	}
	if hasCustomData {
		a.CustomData = marshalNoEscape(customData)
	}
	out := s.appJSONLocked(a, false)
	s.mu.Unlock()
	respondJSON(w, http.StatusOK, out)
}

func (s *Server) getApplication(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	a, ok := s.apps[id]
	var out appJSON
	if ok {
		out = s.appJSONLocked(a, true)
	}
	s.mu.Unlock()
	if !ok {
		respondAppNotFound(w, id)
		return
	}
	respondJSON(w, http.StatusOK, out)
}

// patchApplication replaces each JSON column it is sent (jsonbMode 'replace'); type and
// isThirdParty cannot change and are stripped like any unknown key.
func (s *Server) patchApplication(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body, ok := readObject(w, r)
	if !ok {
		return
	}
	c := checker{}
	name, hasName := readName(&c, body, false)
	desc, hasDesc := readDescription(&c, body)
	redirect, postLogout, extra, hasMeta := readOIDCMetadata(&c, body)
	custom, hasCustom := c.object(body, "customClientMetadata", false)
	customData, hasCustomData := c.object(body, "customData", false)
	isAdmin, hasAdmin := c.boolean(body, "isAdmin", false, nil)
	var accessControl bool
	if s.atLeast141() {
		accessControl, _ = c.boolean(body, "appLevelAccessControlEnabled", false, nil)
	}
	if !c.ok() {
		respondGuard(w, c.issues)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		respondAppNotFound(w, id)
		return
	}
	if accessControl {
		// 1.41's assertApplicationAccessControlHasRules: the stand-in keeps no rules.
		respondLogtoError(w, http.StatusUnprocessableEntity, "request.invalid_input",
			"Input is invalid. Application access control must include at least one rule before it can be enabled.", nil)
		return
	}
	if hasName {
		a.Name = name
	}
	if hasDesc {
		a.Description = desc
	}
	if hasMeta {
		a.RedirectURIs, a.PostLogoutRedirectURIs, a.OIDCExtra = redirect, postLogout, extra
	}
	if hasCustom {
		a.CustomClientMetadata = marshalNoEscape(custom)
	}
	if hasCustomData {
		a.CustomData = marshalNoEscape(customData)
	}
	if hasAdmin {
		a.IsAdmin = isAdmin
	}
	respondJSON(w, http.StatusOK, s.appJSONLocked(a, false))
}

func (s *Server) deleteApplication(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	_, ok := s.apps[id]
	delete(s.apps, id)
	s.mu.Unlock()
	if !ok {
		respondAppNotFound(w, id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- secrets (core/src/routes/applications/application-secret.ts) ----

type secretJSON struct {
	TenantID      string `json:"tenantId"`
	ApplicationID string `json:"applicationId"`
	Name          string `json:"name"`
	Value         string `json:"value"`
	CreatedAt     int64  `json:"createdAt"`
	ExpiresAt     *int64 `json:"expiresAt"`
}

func toSecretJSON(appID string, sec appSecret) secretJSON {
	return secretJSON{"default", appID, sec.Name, sec.Value, sec.CreatedAt, sec.ExpiresAt}
}

func (s *Server) listSecrets(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	a, ok := s.apps[id]
	out := []secretJSON{}
	if ok {
		for _, sec := range a.Secrets {
			out = append(out, toSecretJSON(a.ID, sec))
		}
	}
	s.mu.Unlock()
	if !ok {
		respondAppNotFound(w, id)
		return
	}
	respondJSON(w, http.StatusOK, out)
}

func (s *Server) addSecret(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body, ok := readObject(w, r)
	if !ok {
		return
	}
	c := checker{}
	name, _ := readName(&c, body, true)
	var expiresAt *int64
	if raw, ok := body["expiresAt"]; ok && jsType(raw) != "null" {
		var f float64
		if jsType(raw) != "number" || json.Unmarshal(raw, &f) != nil {
			c.typeIssue([]any{"expiresAt"}, "number", raw)
		} else {
			n := int64(f)
			expiresAt = &n
		}
	}
	if !c.ok() {
		respondGuard(w, c.issues)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		respondAppNotFound(w, id)
		return
	}
	now := s.nowMillis()
	if expiresAt != nil && *expiresAt <= now {
		respondLogtoError(w, http.StatusBadRequest, "request.invalid_input",
			"Input is invalid. The value of `expiresAt` must be in the future.", nil)
		return
	}
	for _, sec := range a.Secrets {
		if sec.Name == name {
			respondLogtoError(w, http.StatusUnprocessableEntity, "application.secret_name_exists", "Secret name already exists.", nil)
			return
		}
	}
	sec := appSecret{Name: name, Value: randomSecret(), CreatedAt: now, ExpiresAt: expiresAt}
	a.Secrets = append(a.Secrets, sec)
	respondJSON(w, http.StatusCreated, toSecretJSON(a.ID, sec))
}

func (s *Server) renameSecret(w http.ResponseWriter, r *http.Request) {
	id, old := r.PathValue("id"), r.PathValue("name")
	body, ok := readObject(w, r)
	if !ok {
		return
	}
	c := checker{}
	name, _ := readName(&c, body, true)
	if !c.ok() {
		respondGuard(w, c.issues)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		respondAppNotFound(w, id)
		return
	}
	idx := -1
	for i, sec := range a.Secrets {
		if sec.Name == old {
			idx = i
		}
	}
	if idx < 0 {
		respondNotFound(w)
		return
	}
	for i, sec := range a.Secrets {
		if i != idx && sec.Name == name {
			respondLogtoError(w, http.StatusUnprocessableEntity, "application.secret_name_exists", "Secret name already exists.", nil)
			return
		}
	}
	a.Secrets[idx].Name = name
	respondJSON(w, http.StatusOK, toSecretJSON(a.ID, a.Secrets[idx]))
}

func (s *Server) deleteSecret(w http.ResponseWriter, r *http.Request) {
	id, name := r.PathValue("id"), r.PathValue("name")
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		respondAppNotFound(w, id)
		return
	}
	for i, sec := range a.Secrets {
		if sec.Name == name {
			a.Secrets = append(a.Secrets[:i:i], a.Secrets[i+1:]...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	respondNotFound(w)
}

func (s *Server) deleteLegacySecret(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		respondAppNotFound(w, id)
		return
	}
	if strings.HasPrefix(a.InternalSecret, "#internal:") {
		respondLogtoError(w, http.StatusBadRequest, "application.no_legacy_secret_found", "The application does not have a legacy secret.", nil)
		return
	}
	a.InternalSecret = "#internal:" + randomSecret()
	respondJSON(w, http.StatusOK, s.appJSONLocked(a, false))
}

// ---- roles ----

type roleJSON struct {
	TenantID             string        `json:"tenantId"`
	ID                   string        `json:"id"`
	Name                 string        `json:"name"`
	Description          string        `json:"description"`
	Type                 string        `json:"type"`
	IsDefault            bool          `json:"isDefault"`
	UsersCount           *int          `json:"usersCount,omitempty"`
	FeaturedUsers        *[]any        `json:"featuredUsers,omitempty"`
	ApplicationsCount    *int          `json:"applicationsCount,omitempty"`
	FeaturedApplications []featuredApp `json:"featuredApplications,omitempty"`
}

type featuredApp struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

func toRoleJSON(r *role) roleJSON {
	return roleJSON{TenantID: "default", ID: r.ID, Name: r.Name, Description: r.Description, Type: r.Type}
}

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	terms, caseSensitive, and := parseSearch(q)
	s.mu.Lock()
	out := []roleJSON{}
	for _, ro := range s.roles {
		if t := q.Get("type"); t != "" && t != ro.Type {
			continue
		}
		if !searchMatches(terms, map[string]string{"id": ro.ID, "name": ro.Name, "description": ro.Description}, caseSensitive, and) {
			continue
		}
		j := toRoleJSON(ro)
		users, apps := 0, []featuredApp{}
		for _, a := range s.sortedAppsLocked() {
			if contains(a.RoleIDs, ro.ID) {
				apps = append(apps, featuredApp{a.ID, a.Name, a.Type})
			}
		}
		n := len(apps)
		none := []any{}
		j.UsersCount, j.FeaturedUsers, j.ApplicationsCount, j.FeaturedApplications = &users, &none, &n, apps
		out = append(out, j)
	}
	s.mu.Unlock()
	p, _ := parsePage(q, false)
	respondJSON(w, http.StatusOK, paginate(w, r, s.URL, out, p))
}

func (s *Server) listAppRoles(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	a, ok := s.apps[id]
	out := []roleJSON{}
	if ok {
		for _, ro := range s.roles {
			if contains(a.RoleIDs, ro.ID) {
				out = append(out, toRoleJSON(ro))
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		respondAppNotFound(w, id)
		return
	}
	p, _ := parsePage(r.URL.Query(), false)
	respondJSON(w, http.StatusOK, paginate(w, r, s.URL, out, p))
}

func (s *Server) assignAppRoles(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body, ok := readObject(w, r)
	if !ok {
		return
	}
	c := checker{}
	arr, _ := c.array(body, "roleIds", true, nil)
	var ids []string
	for i, raw := range arr {
		var v string
		if jsType(raw) != "string" || json.Unmarshal(raw, &v) != nil {
			c.typeIssue([]any{"roleIds", i}, "string", raw)
			continue
		}
		ids = append(ids, v)
	}
	if !c.ok() {
		respondGuard(w, c.issues)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		respondAppNotFound(w, id)
		return
	}
	if s.atLeast141() {
		s.assignAppRoles141Locked(w, a, ids)
		return
	}
	for _, rid := range ids {
		if !s.roleExistsLocked(rid) {
			respondRoleNotFound(w, rid)
			return
		}
		if contains(a.RoleIDs, rid) {
			respondLogtoError(w, http.StatusUnprocessableEntity, "application.role_exists",
				fmt.Sprintf("The role id %s is already been added to this application.", rid), nil)
			return
		}
	}
	a.RoleIDs = append(a.RoleIDs, ids...)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write([]byte("Created"))
}

// assignAppRoles141Locked is 1.41's POST /api/applications/{id}/roles: the roles the application
// already has (and repeats in the request) are dropped, the others added, and the answer is 201
// {"roleIds": as sent, "addedRoleIds": the ones added}; a repeat is 201 with addedRoleIds [].
func (s *Server) assignAppRoles141Locked(w http.ResponseWriter, a *application, ids []string) {
	added := []string{}
	for _, rid := range ids {
		if !contains(a.RoleIDs, rid) && !contains(added, rid) {
			added = append(added, rid)
		}
	}
	for _, rid := range added {
		if !s.roleExistsLocked(rid) {
			respondRoleNotFound(w, rid)
			return
		}
	}
	a.RoleIDs = append(a.RoleIDs, added...)
	if ids == nil {
		ids = []string{}
	}
	respondJSON(w, http.StatusCreated, struct {
		RoleIDs      []string `json:"roleIds"`
		AddedRoleIDs []string `json:"addedRoleIds"`
	}{ids, added})
}

func (s *Server) roleExistsLocked(id string) bool {
	for _, ro := range s.roles {
		if ro.ID == id {
			return true
		}
	}
	return false
}

func respondRoleNotFound(w http.ResponseWriter, id string) {
	respondLogtoError(w, http.StatusNotFound, "entity.not_exists_with_id",
		fmt.Sprintf("The roles with ID `%s` does not exist.", id), nil)
}
