package logtoapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Sign-in modes of the sign-in experience (its signInMode).
const (
	SignInModeSignIn            = "SignIn"            // only users who already have an account sign in
	SignInModeRegister          = "Register"          // only new accounts are created
	SignInModeSignInAndRegister = "SignInAndRegister" // both (Logto's default)
)

// PublicSignInExperience is the part of the sign-in experience that Logto shows its sign-in
// page, read without a token from GET /api/.well-known/sign-in-exp (Logto's
// packages/core/src/routes/well-known: the sign-in experience without forgotPasswordMethods,
// plus socialConnectors, ssoConnectors, forgotPassword and isDevelopmentTenant).
type PublicSignInExperience struct {
	// SignInMode is "SignIn", "Register" or "SignInAndRegister". In "SignIn" mode Logto 1.41
	// answers a send-code to a phone that has no account with 200 and sends nothing.
	SignInMode string `json:"signInMode"`
}

// SignInOnly reports whether only phones that already have an account can sign in: Logto
// then sends codes only to those.
func (p PublicSignInExperience) SignInOnly() bool { return p.SignInMode == SignInModeSignIn }

// ReadPublicSignInExperience reads the sign-in experience the way the sign-in page does: no
// Management API access, only the endpoint.
func ReadPublicSignInExperience(ctx context.Context, hc *http.Client, e Endpoint) (PublicSignInExperience, error) {
	const op = "read the sign-in experience"
	if e.IsZero() {
		return PublicSignInExperience{}, fmt.Errorf("logtoapi: %s: no endpoint (use ParseEndpoint)", op)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	status, body, err := expCall(ctx, hc, &rawJar{}, http.MethodGet, e.String()+"/api/.well-known/sign-in-exp", nil)
	if err != nil {
		return PublicSignInExperience{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if status != http.StatusOK {
		return PublicSignInExperience{}, fmt.Errorf("logtoapi: %s: %w", op, newAPIError(status, body, nil))
	}
	var p PublicSignInExperience
	if err := json.Unmarshal(body, &p); err != nil || p.SignInMode == "" {
		return PublicSignInExperience{}, fmt.Errorf("logtoapi: %s: unexpected answer %q", op, clipBody(body))
	}
	return p, nil
}
