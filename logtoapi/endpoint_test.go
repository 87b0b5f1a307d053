package logtoapi_test

import (
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"http://localhost:3001", "http://localhost:3001"},
		{"  http://localhost:3001/  \n", "http://localhost:3001"},
		{"http://localhost:3001/oidc", "http://localhost:3001"},
		{"http://localhost:3001/oidc/", "http://localhost:3001"},
		{"http://127.0.0.1:3001/oidc/.well-known/openid-configuration", "http://127.0.0.1:3001"},
		{"http://localhost:3001/api", "http://localhost:3001"},
		{"HTTP://LocalHost:3001", "http://localhost:3001"},
		{"https://abc123.logto.app", "https://abc123.logto.app"},
		{"abc123.logto.app", "https://abc123.logto.app"},
		{"abc123.logto.app/", "https://abc123.logto.app"},
		{"auth.example.com", "https://auth.example.com"},
		{"https://auth.example.com:443/", "https://auth.example.com"},
		{"http://auth.example.com:80", "http://auth.example.com"},
		{"https://example.com/logto/oidc", "https://example.com/logto"},
		{`"http://localhost:3001"`, "http://localhost:3001"},
		{"http://[::1]:3001", "http://[::1]:3001"},
		{"http://logto:3001", "http://logto:3001"},
		{"https://abc123.logto.app/oidc/auth", "https://abc123.logto.app"},
		{"http://localhost:3001/api/status", "http://localhost:3001"},
		{"http://localhost:3001/OIDC", "http://localhost:3001"},
		{"http://localhost:3001/oidcx", "http://localhost:3001/oidcx"},
		{"http://localhost:3001/.well-known/openid-configuration", "http://localhost:3001"},
		{"https://www.abc123.logto.app", "https://abc123.logto.app"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			e, err := logtoapi.ParseEndpoint(tt.in)
			if err != nil {
				t.Fatalf("ParseEndpoint(%q): %v", tt.in, err)
			}
			if got := e.String(); got != tt.want {
				t.Errorf("ParseEndpoint(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := e.Issuer(); got != tt.want+"/oidc" {
				t.Errorf("Issuer() = %q", got)
			}
		})
	}
}

func TestParseEndpointErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, wantMsg string
	}{
		{"empty", "", "enter your Logto endpoint"},
		{"blank", "   ", "enter your Logto endpoint"},
		{"missing colon", "https//abc123.logto.app", "mistyped scheme"},
		{"one slash", "http:/localhost:3001", "mistyped scheme"},
		{"no slashes", "https:auth.example.com", "mistyped scheme"},
		{"wrong scheme", "ftp://auth.example.com", "unsupported scheme"},
		{"scheme typo", "htp://localhost:3001", "unsupported scheme"},
		{"localhost without scheme", "localhost:3001", `did you mean "http://localhost:3001"`},
		{"loopback IP without scheme", "127.0.0.1:3001", `did you mean "http://127.0.0.1:3001"`},
		{"private IP without scheme", "192.168.1.10:3001", `did you mean "http://192.168.1.10:3001"`},
		{"single label without scheme", "logto", `did you mean "http://logto"`},
		{"space inside", "http://local host:3001", "contains spaces"},
		{"bad port", "http://localhost:99999", "port"},
		{"port letters", "http://localhost:30o1", "not a valid address"},
		{"query", "http://localhost:3001/?x=1", "after \"?\""},
		{"fragment", "http://localhost:3001/#top", "after \"?\""},
		{"console", "http://localhost:3002/console", "Console"},
		{"console page", "http://localhost:3002/console/applications", "Console"},
		{"cloud console", "https://cloud.logto.io/abc123/get-started", "Logto website"},
		{"no host", "http://", "no host"},
		{"bad host", "http://exa_mple..com", "not a valid host"},
		{"host starting with a dash", "http://-auth.example.com", "not a valid host"},
		{"credentials", "http://admin:hunter22@localhost:3001", "user name or password"},
		{"credentials without scheme", "admin:hunter22@localhost:3001", "user name or password"},
		{"credentials and a scheme typo", "https//admin:hunter22@abc123.logto.app", "user name or password"},
		{"credentials and a one-slash scheme", "http:/admin:hunter22@localhost:3001", "user name or password"},
		{"credentials and no slashes", "https:admin:hunter22@auth.example.com", "user name or password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := logtoapi.ParseEndpoint(tt.in)
			if err == nil {
				t.Fatalf("ParseEndpoint(%q) = nil error", tt.in)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("ParseEndpoint(%q) = %q, want it to contain %q", tt.in, err, tt.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), "logtoapi: endpoint: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if strings.Contains(err.Error(), "hunter22") {
				t.Errorf("error %q repeats the password", err)
			}
		})
	}
}

func TestEndpointTenantAndResource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, tenant, override string
		cloud                bool
		resource, console    string
	}{
		{in: "http://localhost:3001", tenant: "default", resource: "https://default.logto.app/api", console: "http://localhost:3002/console"},
		{in: "http://127.0.0.1:3001", tenant: "default", resource: "https://default.logto.app/api", console: "http://127.0.0.1:3002/console"},
		{in: "http://[::1]:3001", tenant: "default", resource: "https://default.logto.app/api", console: "http://[::1]:3002/console"},
		{in: "https://auth.example.com", tenant: "default", resource: "https://default.logto.app/api", console: "https://auth.example.com:3002/console"},
		{in: "https://abc123.logto.app", tenant: "abc123", cloud: true, resource: "https://abc123.logto.app/api", console: "https://cloud.logto.io/abc123"},
		{in: "https://auth.example.com", override: "xyz789", tenant: "xyz789", cloud: true, resource: "https://xyz789.logto.app/api", console: "https://cloud.logto.io/xyz789"},
		{in: "https://auth.example.com", override: " Bad Id ", tenant: "default", resource: "https://default.logto.app/api", console: "https://auth.example.com:3002/console"},
	}
	for _, tt := range tests {
		t.Run(tt.in+"/"+tt.override, func(t *testing.T) {
			t.Parallel()
			e, err := logtoapi.ParseEndpoint(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if tt.override != "" {
				e = e.WithTenantID(tt.override)
			}
			if got := e.TenantID(); got != tt.tenant {
				t.Errorf("TenantID() = %q, want %q", got, tt.tenant)
			}
			if got := e.IsCloud(); got != tt.cloud {
				t.Errorf("IsCloud() = %v, want %v", got, tt.cloud)
			}
			if got := e.ManagementResource(); got != tt.resource {
				t.Errorf("ManagementResource() = %q, want %q", got, tt.resource)
			}
			if got := e.Console().String(); got != tt.console {
				t.Errorf("Console() = %q, want %q", got, tt.console)
			}
		})
	}
}

func TestConsoleURLs(t *testing.T) {
	t.Parallel()
	oss, err := logtoapi.ParseEndpoint("http://localhost:3001")
	if err != nil {
		t.Fatal(err)
	}
	cloud, err := logtoapi.ParseEndpoint("https://abc123.logto.app")
	if err != nil {
		t.Fatal(err)
	}
	custom, err := oss.WithAdminEndpoint("https://admin.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"oss applications", oss.Console().Applications(), "http://localhost:3002/console/applications"},
		{"oss create", oss.Console().CreateApplication(), "http://localhost:3002/console/applications/create"},
		{"oss details", oss.Console().ApplicationDetails("schcd6fv8p7jad4k1udy3"), "http://localhost:3002/console/applications/schcd6fv8p7jad4k1udy3/settings"},
		{"oss roles", oss.Console().ApplicationRoles("wizardm2mbootstrap001"), "http://localhost:3002/console/applications/wizardm2mbootstrap001/roles"},
		{"oss sms", oss.Console().SMSConnector(), "http://localhost:3002/console/connectors/passwordless"},
		{"oss sie", oss.Console().SignInExperience(), "http://localhost:3002/console/sign-in-experience/sign-up-and-sign-in"},
		{"oss m2m", oss.Console().CreateM2MApplication(), "http://localhost:3002/console/applications/create"},
		{"oss all roles", oss.Console().Roles(), "http://localhost:3002/console/roles"},
		{"cloud applications", cloud.Console().Applications(), "https://cloud.logto.io/abc123/applications"},
		{"cloud details", cloud.Console().ApplicationDetails("app1"), "https://cloud.logto.io/abc123/applications/app1/settings"},
		{"cloud sms", cloud.Console().SMSConnector(), "https://cloud.logto.io/abc123/connectors/passwordless"},
		{"cloud sie", cloud.Console().SignInExperience(), "https://cloud.logto.io/abc123/sign-in-experience/sign-up-and-sign-in"},
		{"admin override", custom.Console().Applications(), "https://admin.example.com/console/applications"},
		{"escaped id", oss.Console().ApplicationDetails("a/b"), "http://localhost:3002/console/applications/a%2Fb/settings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	if _, err := oss.WithAdminEndpoint("ftp://x"); err == nil {
		t.Error("WithAdminEndpoint(ftp://x) = nil error")
	}
	// Only the OSS Console without a known admin endpoint is a guess, and says so.
	for _, g := range []struct {
		name    string
		c       logtoapi.Console
		guessed bool
	}{{"oss", oss.Console(), true}, {"cloud", cloud.Console(), false}, {"admin override", custom.Console(), false}} {
		note := g.c.GuessNote()
		if g.c.Guessed() != g.guessed || (note != "") != g.guessed {
			t.Errorf("%s: Guessed() = %v, GuessNote() = %q; want guessed %v", g.name, g.c.Guessed(), note, g.guessed)
		}
		if g.guessed && (!strings.Contains(note, "guessed") || !strings.Contains(note, "3002")) {
			t.Errorf("%s: GuessNote() = %q: it must say the address is guessed, and from what", g.name, note)
		}
	}
}

func TestValidateTenantID(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in string
		ok bool
	}{{"abc123", true}, {"default", true}, {"", false}, {" abc123", false}, {"ABC", false}, {"a/b", false}} {
		err := logtoapi.ValidateTenantID(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateTenantID(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

// FuzzParseEndpoint checks that parsing never panics and that a parsed endpoint parses
// back to itself.
func FuzzParseEndpoint(f *testing.F) {
	for _, s := range []string{"http://localhost:3001", "abc123.logto.app", "https//x.com", "http://[::1]:3001/oidc", "localhost:3001", " https://a.b/c/oidc/ ", "http://a:b@c", "ftp://x", "%", "http://x/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		e, err := logtoapi.ParseEndpoint(in)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "logtoapi: endpoint: ") {
				t.Errorf("error %q lacks the prefix", err)
			}
			return
		}
		again, err := logtoapi.ParseEndpoint(e.String())
		if err != nil {
			t.Fatalf("ParseEndpoint(%q) = %q, which does not parse: %v", in, e, err)
		}
		if again.String() != e.String() {
			t.Errorf("not stable: %q -> %q -> %q", in, e, again)
		}
		if !strings.HasPrefix(e.String(), "http://") && !strings.HasPrefix(e.String(), "https://") {
			t.Errorf("scheme of %q", e)
		}
	})
}
