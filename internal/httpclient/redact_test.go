package httpclient

import (
	"strings"
	"testing"
)

// jwt is a JSON Web Token as Logto issues them (header.payload.signature).
const jwt = "eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJtMm0xIn0.c2lnbmF0dXJl"

// TestRedactBody: every secret a Logto or Twilio body carries is replaced,
// and what a user needs to debug (ids, error codes, names, URLs) is kept.
func TestRedactBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, contentType, body string
		want                          string
		secrets                       []string // never in the output
	}{
		{
			name: "token answer", path: "/oidc/token", contentType: "application/json; charset=utf-8",
			body:    `{"access_token":"` + jwt + `","id_token":"` + jwt + `","refresh_token":"rt-0123456789","expires_in":3600,"token_type":"Bearer","scope":"all"}`,
			want:    `{"access_token":"[REDACTED]","id_token":"[REDACTED]","refresh_token":"[REDACTED]","expires_in":3600,"token_type":"Bearer","scope":"all"}`,
			secrets: []string{jwt, "rt-0123456789"},
		},
		{
			name: "app with its secret", path: "/api/applications", contentType: "application/json",
			body: `{"id":"app1","name":"Bookstore","secret":"s3cr3t-app-value","oidcClientMetadata":{"redirectUris":["http://localhost:3000/cb"]}}`,
			want: `{"id":"app1","name":"Bookstore","secret":"[REDACTED]","oidcClientMetadata":{"redirectUris":["http://localhost:3000/cb"]}}`,
		},
		{
			name: "Logto's secrets list: value under /secrets", path: "/api/applications/app1/secrets", contentType: "application/json",
			body: `[{"name":"Default secret","value":"v4lue-secret","createdAt":1,"expiresAt":null}]`,
			want: `[{"name":"Default secret","value":"[REDACTED]","createdAt":1,"expiresAt":null}]`,
		},
		{
			name: "value elsewhere is kept", path: "/api/custom", contentType: "application/json",
			body: `{"value":"plain"}`, want: `{"value":"plain"}`,
		},
		{
			name: "connector config", path: "/api/connectors", contentType: "application/json",
			body: `{"config":{"accountSID":"AC1","authToken":"tw-auth-token-1","templates":[{"usageType":"SignIn","content":"Your code is {{code}}"}]},"formItems":[{"key":"authToken","label":"Auth Token"}]}`,
			want: `{"config":{"accountSID":"AC1","authToken":"[REDACTED]","templates":[{"usageType":"SignIn","content":"Your code is {{code}}"}]},"formItems":[{"key":"authToken","label":"Auth Token"}]}`,
		},
		{
			name: "Twilio account and its tokens", path: "/2010-04-01/Accounts/AC1.json", contentType: "application/json",
			body: `{"auth_token":"primary-tok","secondary_auth_token":"second-tok","password":"pw","client_secret":"cs","sid":"AC1","status":"active"}`,
			want: `{"auth_token":"[REDACTED]","secondary_auth_token":"[REDACTED]","password":"[REDACTED]","client_secret":"[REDACTED]","sid":"AC1","status":"active"}`,
		},
		{
			name: "Twilio message: the code in its body", path: "/2010-04-01/Accounts/AC1/Messages/SM1.json", contentType: "application/json",
			body:    `{"body":"Sent from your Twilio trial account - Your code is 482913. Never share it.","to":"+14155550123","status":"delivered","error_code":null}`,
			want:    `{"body":"Sent from your Twilio trial account - Your code is [CODE]. Never share it.","to":"+14155550123","status":"delivered","error_code":null}`,
			secrets: []string{"482913"},
		},
		{
			name: "Twilio error: its code is kept", path: "/2010-04-01/Accounts/AC1.json", contentType: "application/json",
			body: `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`,
			want: `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`,
		},
		{
			name: "Logto error: its code is kept", path: "/api/applications", contentType: "application/json",
			body: `{"code":"oidc.invalid_redirect_uri","message":"redirect_uri did not match"}`,
			want: `{"code":"oidc.invalid_redirect_uri","message":"redirect_uri did not match"}`,
		},
		{
			name: "Logto verification code", path: "/api/experience/verification/verification-code/verify", contentType: "application/json",
			body: `{"identifier":{"type":"phone","value":"14155550123"},"verificationId":"v1","code":"123456"}`,
			want: `{"identifier":{"type":"phone","value":"14155550123"},"verificationId":"v1","code":"[REDACTED]"}`,
		},
		{
			name: "a secret array and object", path: "/x", contentType: "application/json",
			body: `{"secrets":[{"name":"n","v":"in-array"}],"tokens":{"a":"in-obj","n":5}}`,
			want: `{"secrets":[{"name":"[REDACTED]","v":"[REDACTED]"}],"tokens":{"a":"[REDACTED]","n":"[REDACTED]"}}`,
		},
		{
			name: "a JWT under any field", path: "/x", contentType: "application/json",
			body: `{"hint":"` + jwt + `"}`, want: `{"hint":"[REDACTED]"}`,
		},
		{
			name: "HTML characters stay as they are", path: "/x", contentType: "application/json",
			body: `{"description":"a <b> & c"}`, want: `{"description":"a <b> & c"}`,
		},
		{
			name: "JSON that does not parse is not shown", path: "/x", contentType: "application/json",
			body: `{"client_secret":"half`, want: `[22 bytes that are not valid JSON: not shown]`,
		},
		{
			name: "client credentials form", path: "/oidc/token", contentType: "application/x-www-form-urlencoded",
			body: "grant_type=client_credentials&client_id=m2m1&client_secret=s%2Bcret&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all",
			want: "grant_type=client_credentials&client_id=m2m1&client_secret=[REDACTED]&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all",
		},
		{
			name: "OIDC code exchange form", path: "/oidc/token", contentType: "application/x-www-form-urlencoded",
			body:    "grant_type=authorization_code&code=c0de-abc&code_verifier=v3rifier-xyz&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb",
			want:    "grant_type=authorization_code&code=[REDACTED]&code_verifier=[REDACTED]&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb",
			secrets: []string{"c0de-abc", "v3rifier-xyz"},
		},
		{
			name: "refresh token form", path: "/oidc/token", contentType: "application/x-www-form-urlencoded",
			body: "grant_type=refresh_token&refresh_token=rt-1", want: "grant_type=refresh_token&refresh_token=[REDACTED]",
		},
		{
			name: "Twilio message form: the code in Body", path: "/2010-04-01/Accounts/AC1/Messages.json", contentType: "application/x-www-form-urlencoded",
			body:    "Body=Your+code+is+593017.&MessagingServiceSid=MG1&To=%2B14155550123",
			want:    "Body=Your+code+is+[CODE].&MessagingServiceSid=MG1&To=%2B14155550123",
			secrets: []string{"593017"},
		},
		{
			name: "text with a bearer token", path: "/x", contentType: "text/plain",
			body: "upstream said: Authorization: Bearer abc.def-123 was refused", want: "upstream said: Authorization: Bearer [REDACTED] was refused",
		},
		{
			name: "binary is only its size", path: "/x", contentType: "image/png",
			body: "\x89PNG", want: "[4 bytes of image/png not shown]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := RedactBody(tt.path, tt.contentType, []byte(tt.body))
			if got != tt.want {
				t.Errorf("RedactBody(%q)\n got %s\nwant %s", tt.body, got, tt.want)
			}
			for _, s := range tt.secrets {
				if strings.Contains(got, s) {
					t.Errorf("%q shows %q", got, s)
				}
			}
		})
	}
}

// TestRedactHeader: credentials and cookie values go; schemes, cookie names
// and the rest stay.
func TestRedactHeader(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, value, want string }{
		{"Authorization", "Basic QUMxOnRva2Vu", "Basic [REDACTED]"},
		{"Authorization", "Bearer " + jwt, "Bearer [REDACTED]"},
		{"Authorization", "opaque", "[REDACTED]"},
		{"Proxy-Authorization", "Basic eA==", "Basic [REDACTED]"},
		{"Cookie", "_session=abc; _session.sig=def", "_session=[REDACTED]; _session.sig=[REDACTED]"},
		{"Set-Cookie", "_session=abc; Path=/; HttpOnly", "_session=[REDACTED]; Path=/; HttpOnly"},
		{"Location", "http://localhost:3000/cb?code=c0de&state=st", "http://localhost:3000/cb?code=[REDACTED]&state=st"},
		{"X-Api-Key", "k", "[REDACTED]"},
		{"X-Auth-Token", "k", "[REDACTED]"},
		{"Content-Type", "application/json", "application/json"},
		{"User-Agent", "logto-twilio/1.0", "logto-twilio/1.0"},
		{"Twilio-Request-Id", "RQ1", "RQ1"},
	}
	for _, tt := range tests {
		if got := RedactHeader(tt.name, tt.value); got != tt.want {
			t.Errorf("RedactHeader(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

// TestRedactURL: secret parameters and passwords go, the rest stays.
func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=5&To=%2B14155550123", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=5&To=%2B14155550123"},
		{"http://localhost:3000/cb?code=abc&state=s", "http://localhost:3000/cb?code=[REDACTED]&state=s"},
		{"https://x.logto.app/oidc/session/end?id_token_hint=" + jwt, "https://x.logto.app/oidc/session/end?id_token_hint=[REDACTED]"},
		{"https://user:pass@host/x", "https://user:%5BREDACTED%5D@host/x"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRedactCodes: codes go from SMS texts; phone numbers and short numbers stay.
func TestRedactCodes(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Your code is 123456.", "Your code is [CODE]."},
		{"1234 5678", "[CODE] [CODE]"},
		{"Codes 1234,5678", "Codes [CODE],[CODE]"},
		{"Call +14155550123 in 10 minutes", "Call +14155550123 in 10 minutes"},
		{"{{code}} expires in 10 minutes", "{{code}} expires in 10 minutes"},
	}
	for _, tt := range tests {
		if got := RedactCodes(tt.in); got != tt.want {
			t.Errorf("RedactCodes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
