package steps

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/tui"
)

// Errors name the right cause (issue 20): what the steps say for answers
// whose first reading blamed something else.

// TestCredentialsTraditionalAppAsM2M: a Traditional web app's App ID and
// secret pasted in the M2M step. The stand-in answers the token request as
// real Logto does (fixture 122: 400 invalid_request "requested grant type is
// not allowed for this client"), and the step says the app is not
// machine-to-machine and how to create one, not that a secret expired.
func TestCredentialsTraditionalAppAsM2M(t *testing.T) {
	t.Parallel()
	lg := logtotest.NewServer()
	t.Cleanup(lg.Close)
	id, secret := lg.AddTraditionalApp("Bookstore", []string{"http://localhost:3000/callback"}, nil)
	d := DefaultDeps(lg.Client(), nil)
	st := NewState(Prefill{})
	st.Setup.Endpoint, st.Setup.Method = lg.URL, config.MethodAuto
	s := newCreds(st, &d)
	s.Form(tui.FormEnv{})
	s.appID, s.secret = id, secret
	_, err := s.Execute(t.Context())
	wantProblem(t, err, "not a machine-to-machine app", `create a "Machine-to-machine" app`)
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatal("not a *Problem")
	}
	for _, want := range []string{logtoapi.ManagementRoleName, "/console/applications/create", "{key:edit}"} {
		if !strings.Contains(p.Hint(), want) {
			t.Errorf("hint %q lacks %q", p.Hint(), want)
		}
	}
	if strings.Contains(err.Error()+p.Hint(), "expired") || strings.Contains(err.Error()+p.Hint(), secret) {
		t.Errorf("error %q, hint %q: blames an expired secret, or shows it", err, p.Hint())
	}
	if st.Setup.M2MAppID != "" {
		t.Error("a refused app was saved")
	}
}

// TestEndpointNotLogto: a server that answers 404 at the discovery path.
// Something answers, so the step says it is not a Logto OIDC discovery and
// what address to check, in one statement (not "did not answer").
func TestEndpointNotLogto(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(other.Close)
	d := DefaultDeps(other.Client(), nil)
	s := newEndpoint(NewState(Prefill{}), &d)
	s.value = other.URL
	_, err := s.Execute(t.Context())
	wantProblem(t, err, "Something answers at "+other.URL+"/oidc/.well-known/openid-configuration, but it is not a Logto OIDC discovery", "Logto's base URL")
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatal("not a *Problem")
	}
	if strings.Contains(err.Error(), "did not answer") || strings.Contains(err.Error(), "Logto answered") {
		t.Errorf("error %q contradicts itself", err)
	}
	if !strings.Contains(p.Hint(), "not the Console's") || !strings.Contains(p.Hint(), "{key:edit}") {
		t.Errorf("hint %q", p.Hint())
	}
}

// TestDemoPortNeedsRoot: `--port 80` for a user who is not root. The bind is
// refused (EACCES); the step says the port needs root and names the flag that
// picks another, not "the connection failed … check your network". (The
// refusal is built, not provoked: tests run as root in CI.)
func TestDemoPortNeedsRoot(t *testing.T) {
	t.Parallel()
	bind := &net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", syscall.EACCES)}
	w := newWorld()
	w.demo.startErr = fmt.Errorf("demo: start: %w", &demo.PortPermissionError{Port: 80, Err: bind})
	st := readyState()
	st.Prefill.Port = 80
	_, err := run(t, newVerify(st, &w.deps))
	wantProblem(t, err, "Cannot start the demo app: port 80 needs root", "Ports below 1024 need root")
	if p := new(Problem); errors.As(err, &p) && !strings.Contains(p.Hint(), "logto-twilio --port 30") {
		t.Errorf("hint %q: no command line with a port above 1024", p.Hint())
	}
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatal("not a *Problem")
	}
	if s := err.Error() + p.Hint(); strings.Contains(s, "network") || strings.Contains(s, "connection failed") {
		t.Errorf("error %q, hint %q: blames the network", err, p.Hint())
	}
	if !errors.Is(err, syscall.EACCES) {
		t.Errorf("the cause is lost: %v", err)
	}
}
