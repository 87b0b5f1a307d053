package logtoapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// SetSignUpSignIn sends signUp and signIn, as given, in one PATCH of the sign-in
// experience and returns the updated experience. Logto stores each object whole
// (api-contracts §0.5), so both must be complete JSON objects, e.g. the ones Raw("signUp")
// and Raw("signIn") returned earlier: teardown uses it to put back the state recorded
// before the wizard's change. Logto's refusals come back as *APIError.
func (c *Client) SetSignUpSignIn(ctx context.Context, signUp, signIn json.RawMessage) (SignInExperience, error) {
	const op = "restore sign-in experience"
	for _, o := range []struct {
		name string
		v    json.RawMessage
	}{{"signUp", signUp}, {"signIn", signIn}} {
		if err := checkObject(o.v); err != nil {
			return SignInExperience{}, fmt.Errorf("logtoapi: %s: %s %w", op, o.name, err)
		}
	}
	body := map[string]json.RawMessage{"signUp": signUp, "signIn": signIn}
	var s SignInExperience
	if err := c.do(ctx, call{op: op, method: http.MethodPatch, path: "/sign-in-exp", body: body, ok: []int{http.StatusOK}}, &s); err != nil {
		return SignInExperience{}, err
	}
	return s, nil
}

var errNotObject = errors.New("is not a JSON object")

// checkObject reports whether b is one valid JSON object.
func checkObject(b json.RawMessage) error {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] != '{' || !json.Valid(t) {
		return errNotObject
	}
	return nil
}
