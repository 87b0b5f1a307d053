package steps

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// DefaultEndpoint is a local Logto's default address.
const DefaultEndpoint = "http://localhost:3001"

// endpointStep asks for the Logto endpoint and checks it with OIDC discovery.
type endpointStep struct {
	base
	value string
	fixed string // the address Logto reports, put in value by a failed Execute

	mu sync.Mutex // guards value and fixed between Execute (the issuer's fix) and the UI
}

func newEndpoint(st *State, d *Deps) *endpointStep {
	return &endpointStep{base: base{id: "endpoint", title: "Logto endpoint", st: st, d: d}}
}

// Skip on resume unless --logto-endpoint/LOGTO_ENDPOINT names another Logto.
func (s *endpointStep) Skip() bool {
	if !s.base.Skip() {
		return false
	}
	if s.st.Prefill.Endpoint == "" {
		return true
	}
	e, err := logtoapi.ParseEndpoint(s.st.Prefill.Endpoint)
	return err == nil && e.String() == s.st.Setup.Endpoint
}

// Guide adds, when this run was given another Logto than the saved one,
// which one was saved and what changing it means.
func (s *endpointStep) Guide() string {
	g := s.base.Guide()
	saved := s.st.Setup.Endpoint
	if saved == "" || s.st.Prefill.Endpoint == "" {
		return g
	}
	if e, err := logtoapi.ParseEndpoint(s.st.Prefill.Endpoint); err == nil && e.String() != saved {
		g += "\n\nThe saved setup used " + saved + "; this run was given " + e.String() +
			". With another Logto, the Logto steps run again."
	}
	return g
}

func validateEndpoint(v string) error {
	_, err := logtoapi.ParseEndpoint(clean(v))
	return err
}

func (s *endpointStep) Form(env tui.FormEnv) *huh.Form {
	s.init()
	if s.st.Prefill.Preset != nil {
		return nil // the card's endpoint: checked, not asked
	}
	return huh.NewForm(huh.NewGroup(huh.NewInput().Key("endpoint").
		Title(tui.LineTitle(env, "Logto endpoint", s.value, false)).Placeholder(DefaultEndpoint).
		Value(&s.value).Validate(orDefault(&s.value, validateEndpoint))))
}

func (s *endpointStep) WaitingText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return "Checking " + s.value + "/oidc/.well-known/openid-configuration…"
}

func (s *endpointStep) Execute(ctx context.Context) (tui.Result, error) {
	s.mu.Lock()
	value := s.value
	s.mu.Unlock()
	e, err := logtoapi.ParseEndpoint(clean(value))
	if err != nil {
		return tui.Result{}, problem("That is not a Logto address", "Type it like http://localhost:3001 or https://<tenant>.logto.app.", err)
	}
	disc, err := s.d.Discover(ctx, e)
	if err != nil {
		var bad *logtoapi.DiscoveryError
		if errors.As(err, &bad) { // something answered, but not Logto's document
			what, next := bad.Explain()
			return tui.Result{}, problem(what, next+" {key:edit} to fix it.", nil)
		}
		var ex explainer
		if n, ok := classifyNet(err); ok && n.kind != netCanceled && !errors.As(err, &ex) {
			next := "Is Logto running? Start it (a local Logto listens on port 3001), or {key:edit} to fix the address."
			if n.kind == netNoHost || n.kind == netLookup {
				next = "Check the address for a typo, and {key:edit} to fix it."
			}
			return tui.Result{}, problem("Logto did not answer at "+e.String(), next, err)
		}
		return tui.Result{}, explain("Logto did not answer at "+e.String(), err)
	}
	if disc.Issuer != e.Issuer() {
		if fix := aliasAddress(e, disc.Issuer); fix != "" {
			// The same Logto under another loopback name: offer its own
			// address, so one key (retry, or enter in the form) fixes it.
			s.mu.Lock()
			s.value, s.fixed = fix, fix
			s.mu.Unlock()
			return tui.Result{}, &Problem{
				What: fmt.Sprintf("Logto calls itself %s, not %s", disc.Issuer, e.Issuer()),
				Next: "It is the same Logto under another name, and sign-in only works with the name Logto uses. " +
					"{key:retry} to use " + fix + " (or {key:edit} to change it).",
			}
		}
		return tui.Result{}, &Problem{
			What: fmt.Sprintf("Logto calls itself %s, not %s", disc.Issuer, e.Issuer()),
			Next: "Logto builds its issuer from its ENDPOINT setting, and sign-in only works when they match. " +
				"{key:edit} and use the address Logto reports, or set ENDPOINT on your Logto and restart it.",
		}
	}
	kind := fmt.Sprintf("Logto OSS (tenant %s)", e.TenantID())
	if e.IsCloud() {
		kind = fmt.Sprintf("Logto Cloud (tenant %s)", e.TenantID())
	}
	return s.result(e.String()+" · "+kind, func() {
		if old := s.st.Setup.Endpoint; old != "" && old != e.String() {
			// Another Logto: what was learned about the old one is void.
			s.st.Setup.AppID, s.st.Setup.ConnectorID, s.st.Setup.SignInConfigured = "", "", false
			s.st.Setup.M2MAppID = ""
			s.st.Setup.Undo("credentials", "app", "connector", "testsms", "signin")
		}
		s.st.Setup.Endpoint = e.String()
		s.st.Setup.Issuer = disc.Issuer
		s.st.Setup.IsCloud = e.IsCloud()
	}), nil
}
