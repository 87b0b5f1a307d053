package logtoapi

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// DefaultTenantID is the tenant of a self-hosted (OSS) Logto.
const DefaultTenantID = "default"

// defaultAdminPort is the port of the OSS admin Console when no admin endpoint is known.
const defaultAdminPort = "3002"

// cloudConsoleBase is where Logto Cloud serves its Console.
const cloudConsoleBase = "https://cloud.logto.io"

var (
	cloudHostRE  = regexp.MustCompile(`^([0-9a-z-]+)\.logto\.app$`)
	schemeTypoRE = regexp.MustCompile(`^(?i)(h?t+p+s?)(:/?|//?|:{2,}/*)[^/]`)
	hostnameRE   = regexp.MustCompile(`^[a-z0-9]([a-z0-9_.-]*[a-z0-9])?$`)
	tenantIDRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

// Endpoint is a normalised Logto endpoint: scheme, host and optional path prefix, without
// a trailing slash and without "/oidc".
//
// The zero Endpoint is not usable; get one from ParseEndpoint.
type Endpoint struct {
	u        url.URL // scheme, host, path prefix ("" or "/prefix")
	tenantID string  // override; "" = derived from the host
	admin    string  // admin endpoint override for OSS Console URLs; "" = guessed
}

// ParseEndpoint normalises what a user typed as their Logto endpoint.
//
// It trims spaces, adds "https://" only when the scheme was obviously left off a public
// host name (never for localhost, an IP address or a single-label name), strips a trailing
// "/", "/oidc", "/oidc/.well-known/openid-configuration" or "/api", and rejects anything
// that is not http or https. Errors explain what to type instead; they never repeat
// credentials embedded in the input.
func ParseEndpoint(input string) (Endpoint, error) {
	s := strings.TrimSpace(input)
	s = strings.Trim(s, `"'`)
	if s == "" {
		return Endpoint{}, inputErr("endpoint", "enter your Logto endpoint, for example http://localhost:3001 or https://abc123.logto.app")
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return Endpoint{}, inputErr("endpoint", "the address contains spaces; paste only the URL, for example http://localhost:3001")
	}
	if !strings.Contains(s, "://") {
		// Before the scheme check, whose error repeats the input: "https//user:pass@host".
		if strings.Contains(s, "@") {
			return Endpoint{}, inputErr("endpoint", "the address must not contain a user name or password")
		}
		if schemeTypoRE.MatchString(s) {
			return Endpoint{}, inputErr("endpoint", fmt.Sprintf("%q looks like a mistyped scheme; start with http:// or https://", s))
		}
		u, err := url.Parse("https://" + s)
		if err != nil || u.Hostname() == "" {
			return Endpoint{}, inputErr("endpoint", fmt.Sprintf("%q is not a valid address; type it like http://localhost:3001 or https://abc123.logto.app", s))
		}
		if isLocalHost(u.Hostname()) {
			return Endpoint{}, inputErr("endpoint", fmt.Sprintf("add the scheme: did you mean %q?", "http://"+strings.TrimRight(s, "/")))
		}
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return Endpoint{}, inputErr("endpoint", fmt.Sprintf("%q is not a valid address; type it like http://localhost:3001", redactUserinfo(s)))
	}
	if u.User != nil {
		return Endpoint{}, inputErr("endpoint", "the address must not contain a user name or password")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return Endpoint{}, inputErr("endpoint", fmt.Sprintf("unsupported scheme %q; use http:// or https://", u.Scheme))
	}
	if u.Opaque != "" || u.Host == "" {
		return Endpoint{}, inputErr("endpoint", fmt.Sprintf("%q has no host name; type it like http://localhost:3001", s))
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") {
		return Endpoint{}, inputErr("endpoint", "remove the part after \"?\" or \"#\"; enter only the Logto endpoint")
	}
	host := strings.ToLower(u.Hostname())
	if strings.HasPrefix(host, "www.") && strings.HasSuffix(host, ".logto.app") {
		host = strings.TrimPrefix(host, "www.")
	}
	if ip := net.ParseIP(host); ip == nil && !hostnameRE.MatchString(host) {
		return Endpoint{}, inputErr("endpoint", fmt.Sprintf("%q is not a valid host name", host))
	}
	if strings.Contains(host, "..") {
		return Endpoint{}, inputErr("endpoint", fmt.Sprintf("%q is not a valid host name", host))
	}
	if host == "cloud.logto.io" || host == "logto.io" || strings.HasSuffix(host, ".logto.io") {
		return Endpoint{}, inputErr("endpoint", "that is a Logto website, not your tenant's endpoint; on Logto Cloud the endpoint looks like https://<tenant-id>.logto.app")
	}
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return Endpoint{}, inputErr("endpoint", fmt.Sprintf("port %q is not valid (1-65535)", port))
		}
		if (scheme == "https" && n == 443) || (scheme == "http" && n == 80) {
			port = ""
		}
	}
	p := strings.TrimRight(u.Path, "/")
	if i := segmentIndex(p, "/console"); i >= 0 {
		return Endpoint{}, inputErr("endpoint", "that is the Logto Console's address; enter the Logto endpoint instead (self-hosted default: http://localhost:3001)")
	}
	p = strings.TrimSuffix(p, "/.well-known/openid-configuration")
	for _, seg := range []string{"/oidc", "/api"} {
		if i := segmentIndex(p, seg); i >= 0 {
			p = strings.TrimRight(p[:i], "/")
		}
	}
	hostport := host
	if strings.Contains(host, ":") { // IPv6
		hostport = "[" + host + "]"
	}
	if port != "" {
		hostport += ":" + port
	}
	return Endpoint{u: url.URL{Scheme: scheme, Host: hostport, Path: p}}, nil
}

// segmentIndex returns where the path segment seg ("/oidc") starts in p, or -1.
func segmentIndex(p, seg string) int {
	lp := strings.ToLower(p)
	for i := 0; i+len(seg) <= len(lp); {
		j := strings.Index(lp[i:], seg)
		if j < 0 {
			return -1
		}
		k := i + j + len(seg)
		if k == len(lp) || lp[k] == '/' {
			return i + j
		}
		i = k
	}
	return -1
}

func redactUserinfo(s string) string {
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "…@" + s[i+1:]
		}
		return "…@" + s[i+1:]
	}
	return s
}

// isLocalHost reports whether host is a loopback, private or single-label name: a host
// for which "https://" cannot be assumed.
func isLocalHost(host string) bool {
	h := strings.ToLower(strings.Trim(host, "[]"))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") || strings.HasSuffix(h, ".local") ||
		strings.HasSuffix(h, ".internal") || !strings.Contains(h, ".") {
		return true
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()
	}
	return false
}

// String returns the normalised endpoint, e.g. "http://localhost:3001".
func (e Endpoint) String() string { return e.u.String() }

// IsZero reports whether e was not produced by ParseEndpoint.
func (e Endpoint) IsZero() bool { return e.u.Host == "" }

// IsCloud reports whether e is a Logto Cloud tenant: its host is *.logto.app, or a
// tenant id other than "default" was set with WithTenantID (a Cloud custom domain).
func (e Endpoint) IsCloud() bool {
	if cloudHostRE.MatchString(e.u.Hostname()) {
		return true
	}
	return e.tenantID != "" && e.tenantID != DefaultTenantID
}

// TenantID returns the tenant id: the override from WithTenantID, the subdomain of a
// *.logto.app host, or "default" for a self-hosted Logto.
func (e Endpoint) TenantID() string {
	if e.tenantID != "" {
		return e.tenantID
	}
	if m := cloudHostRE.FindStringSubmatch(e.u.Hostname()); m != nil {
		return m[1]
	}
	return DefaultTenantID
}

// WithTenantID returns a copy of e with the tenant id set, for Cloud tenants behind a
// custom domain. An empty or malformed id (after trimming) leaves e unchanged; check it
// first with ValidateTenantID.
func (e Endpoint) WithTenantID(id string) Endpoint {
	id = strings.ToLower(strings.TrimSpace(id))
	if ValidateTenantID(id) == nil {
		e.tenantID = id
	}
	return e
}

// ValidateTenantID checks a tenant id typed by a user (Cloud ids are 6 characters
// [0-9a-z]; self-hosted Logto uses "default").
func ValidateTenantID(id string) error {
	if id == "" {
		return inputErr("tenant id", "enter the tenant id (Logto Cloud shows it in the Console's address and in tenant settings)")
	}
	if id != strings.TrimSpace(id) || !tenantIDRE.MatchString(id) {
		return inputErr("tenant id", fmt.Sprintf("%q is not a tenant id; it has only lowercase letters, digits and dashes", id))
	}
	return nil
}

// WithAdminEndpoint returns a copy of e whose Console URLs use the given OSS admin
// endpoint (Logto's ADMIN_ENDPOINT), instead of the guess "same host, port 3002".
func (e Endpoint) WithAdminEndpoint(admin string) (Endpoint, error) {
	a, err := ParseEndpoint(admin)
	if err != nil {
		return e, fmt.Errorf("logtoapi: admin endpoint: %w", err)
	}
	e.admin = a.String()
	return e, nil
}

// managementBase is where the M2M token and Management API calls go: the endpoint, or
// https://{tenantId}.logto.app for a Cloud tenant behind a custom domain (Logto Cloud
// serves the Management API on the tenant's logto.app host).
func (e Endpoint) managementBase() string {
	if e.IsCloud() && !cloudHostRE.MatchString(e.u.Hostname()) {
		return "https://" + e.TenantID() + ".logto.app"
	}
	return e.String()
}

// ManagementResource returns the Management API resource indicator: always
// "https://{tenantId}.logto.app/api" ("https://default.logto.app/api" on OSS), never
// the endpoint itself.
func (e Endpoint) ManagementResource() string {
	return "https://" + e.TenantID() + ".logto.app/api"
}

// Issuer returns the OIDC issuer Logto normally has for this endpoint: e + "/oidc".
// Logto builds its real issuer from its own ENDPOINT setting; Discover returns that.
func (e Endpoint) Issuer() string { return e.String() + "/oidc" }

// apiURL returns e + "/api" + path; path starts with "/" and is already escaped.
func (e Endpoint) apiURL(path string) string { return e.managementBase() + "/api" + path }

// Console returns the Console page URLs for e.
func (e Endpoint) Console() Console {
	if e.IsCloud() {
		return Console{base: cloudConsoleBase + "/" + e.TenantID()}
	}
	if e.admin != "" {
		return Console{base: e.admin + "/console"}
	}
	host := e.u.Hostname()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return Console{base: e.u.Scheme + "://" + host + ":" + defaultAdminPort + "/console", guessed: true}
}

// Console builds the Logto Console URLs the wizard's manual path opens: on OSS the admin
// endpoint (default port 3002) plus "/console", on Cloud https://cloud.logto.io/{tenantId}.
type Console struct {
	base    string
	guessed bool // OSS without a known admin endpoint: the host's port 3002
}

// String returns the Console's home URL.
func (c Console) String() string { return c.base }

// Guessed reports whether the Console's address is a guess: a self-hosted Logto whose
// admin endpoint is not known (WithAdminEndpoint), taken to be on the endpoint's host at
// Logto's default admin port 3002. Logto's ADMIN_PORT or ADMIN_ENDPOINT may put it
// elsewhere (a real one was on 3012), and nothing Logto serves publicly says where.
func (c Console) Guessed() bool { return c.guessed }

// GuessNote is what to print after a Console link when its address is a guess ("" when it
// is not): a parenthesis saying so and what to do if it is wrong.
func (c Console) GuessNote() string {
	if !c.guessed {
		return ""
	}
	return "(address guessed: Logto's default admin port " + defaultAdminPort + "; if your Console runs elsewhere, open this page there)"
}

// Applications is the application list.
func (c Console) Applications() string { return c.base + "/applications" }

// CreateApplication is the page that creates an application (pick "Traditional web").
func (c Console) CreateApplication() string { return c.base + "/applications/create" }

// ApplicationDetails is an application's settings page (App ID, secrets, redirect URIs).
func (c Console) ApplicationDetails(appID string) string {
	return c.base + "/applications/" + url.PathEscape(strings.TrimSpace(appID)) + "/settings"
}

// ApplicationRoles is an application's roles tab, where an M2M app gets the
// "Logto Management API access" role.
func (c Console) ApplicationRoles(appID string) string {
	return c.base + "/applications/" + url.PathEscape(strings.TrimSpace(appID)) + "/roles"
}

// SMSConnector is the passwordless connectors page, where the SMS connector is set up.
func (c Console) SMSConnector() string { return c.base + "/connectors/passwordless" }

// SignInExperience is the "Sign-up and sign-in" tab of the sign-in experience.
func (c Console) SignInExperience() string {
	return c.base + "/sign-in-experience/sign-up-and-sign-in"
}

// CreateM2MApplication is where a machine-to-machine app is created (pick
// "Machine-to-machine", then assign the "Logto Management API access" role).
func (c Console) CreateM2MApplication() string { return c.base + "/applications/create" }

// Roles is the roles page (the "Logto Management API access" role lives there).
func (c Console) Roles() string { return c.base + "/roles" }
