package doctor

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// Errors name the right cause (issue 20): the endpoint and m2m rows.

// TestEndpointNotLogto: a server that answers 404 at the discovery path is
// reachable, so the endpoint row says that something answers but it is not a
// Logto OIDC discovery, and its hint checks the address, not the network.
func TestEndpointNotLogto(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(other.Close)
	s := newStand(t, standOpt{})
	s.cfg.Command = hintCommand
	s.cfg.Setup.Endpoint = other.URL
	c, ok := s.run().Find(IDEndpoint)
	if !ok || c.Status != Fail {
		t.Fatalf("endpoint row %+v, want FAIL", c)
	}
	for _, want := range []string{"Something answers at " + other.URL + "/oidc/.well-known/openid-configuration", "not a Logto OIDC discovery", "404"} {
		if !strings.Contains(c.Detail, want) {
			t.Errorf("detail %q lacks %q", c.Detail, want)
		}
	}
	if strings.Contains(c.Detail, "does not answer") || strings.Count(c.Detail, "Logto answered") > 0 {
		t.Errorf("detail %q says both that it answers and that it does not", c.Detail)
	}
	for _, want := range []string{"Logto's base URL", "not the Console's"} {
		if !strings.Contains(c.Hint, want) {
			t.Errorf("hint %q lacks %q", c.Hint, want)
		}
	}
	if strings.Contains(c.Hint, "network") || strings.Contains(c.Hint, "down") {
		t.Errorf("hint %q blames the network, though something answered", c.Hint)
	}
}

// TestM2MTraditionalApp: a Traditional web app's App ID and secret saved as
// the M2M credentials. The stand-in refuses the token request as real Logto
// does (fixture 122); the row says the app is not machine-to-machine and how
// to create one, not that a secret was deleted, rotated or expired.
func TestM2MTraditionalApp(t *testing.T) {
	t.Parallel()
	s := newStand(t, standOpt{})
	s.cfg.Command = hintCommand
	s.cfg.Setup.M2MAppID, s.cfg.Secrets.M2MAppSecret = s.appID, config.Secret(s.cfg.Secrets.AppSecret.Reveal())
	rep := s.run()
	c, ok := rep.Find(IDM2M)
	if !ok || c.Status != Fail {
		t.Fatalf("m2m row %+v, want FAIL", c)
	}
	if !strings.Contains(c.Detail, "is not a machine-to-machine app") {
		t.Errorf("detail %q", c.Detail)
	}
	for _, want := range []string{`"Machine-to-machine"`, logtoapi.ManagementRoleName, "/console/applications/create", "setup"} {
		if !strings.Contains(c.Hint, want) {
			t.Errorf("hint %q lacks %q", c.Hint, want)
		}
	}
	if strings.Contains(c.Detail+c.Hint, "expired") || strings.Contains(c.Detail+c.Hint, "rotated") {
		t.Errorf("row %q / %q blames the secret", c.Detail, c.Hint)
	}
	assertNoSecret(t, rep, s.secrets())
}
