package logtoapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestSetSignUpSignIn replays the recorded reset of the sign-in experience to
// the seed default (109): the PATCH carries exactly the two objects given.
func TestSetSignUpSignIn(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"PATCH /api/sign-in-exp": "109"}))
	var sent struct{ SignUp, SignIn json.RawMessage }
	if err := json.Unmarshal(loadFixture(t, "109").RequestBody, &sent); err != nil {
		t.Fatal(err)
	}
	got, err := r.client(t).SetSignUpSignIn(t.Context(), sent.SignUp, sent.SignIn)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.SignUp.Identifiers) != 1 || got.SignUp.Identifiers[0] != "username" || len(got.Raw("signIn")) == 0 {
		t.Errorf("got %+v", got.SignUp)
	}
	reqs := r.apiRequests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPatch {
		t.Fatalf("requests = %+v", reqs)
	}
	assertJSONEqual(t, reqs[0].Body, loadFixture(t, "109").RequestBody)
}

func TestSetSignUpSignInBadInput(t *testing.T) {
	t.Parallel()
	good := json.RawMessage(`{"methods":[]}`)
	for _, tt := range []struct {
		name           string
		signUp, signIn json.RawMessage
		want           string
	}{
		{"missing signUp", nil, good, "signUp is not a JSON object"},
		{"array", good, json.RawMessage(`[]`), "signIn is not a JSON object"},
		{"broken", json.RawMessage(`{"a":`), good, "signUp is not a JSON object"},
		{"null", json.RawMessage(`null`), good, "signUp is not a JSON object"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := offlineClient(t).SetSignUpSignIn(t.Context(), tt.signUp, tt.signIn)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "logtoapi: restore sign-in experience: ") {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
