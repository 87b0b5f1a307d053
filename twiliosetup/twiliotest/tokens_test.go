package twiliotest_test

import (
	"net/http"
	"testing"

	accounts "github.com/twilio/twilio-go/rest/accounts/v1"
)

// TestSecondaryTokenSemantics checks the token model the rotate package relies on, step by
// step, against what Twilio documents (accounts.go): both tokens work until the promotion,
// only the new one after it, deleting the secondary retires it at once, a second create
// replaces the first secondary, and either token may drive the rotation. Accepts and
// SecondaryAuthToken must agree with what the HTTP API lets in.
func TestSecondaryTokenSemantics(t *testing.T) {
	f := newFixture(t)
	srv := f.srv
	works := func(step, tok string, want bool) {
		t.Helper()
		_, err := rest(srv, fullSID, tok, nil).Api.FetchAccount(fullSID)
		if got := err == nil; got != want {
			t.Fatalf("%s: token works = %v (%v), want %v", step, got, err, want)
		}
		if got := srv.Accepts(fullSID, tok); got != want {
			t.Fatalf("%s: Accepts = %v, want %v", step, got, want)
		}
	}
	primary := rest(srv, fullSID, token, nil)

	// Create, then delete: the secondary works, then does not; the primary is untouched.
	s1, err := primary.AccountsV1.CreateSecondaryAuthToken(&accounts.CreateSecondaryAuthTokenParams{})
	if err != nil {
		t.Fatal(err)
	}
	if srv.SecondaryAuthToken(fullSID) != *s1.SecondaryAuthToken {
		t.Fatal("SecondaryAuthToken does not report the created token")
	}
	works("secondary after create", *s1.SecondaryAuthToken, true)
	works("primary after create", token, true)
	// The secondary may delete itself.
	if err := rest(srv, fullSID, *s1.SecondaryAuthToken, nil).AccountsV1.DeleteSecondaryAuthToken(&accounts.DeleteSecondaryAuthTokenParams{}); err != nil {
		t.Fatal(err)
	}
	works("secondary after delete", *s1.SecondaryAuthToken, false)
	works("primary after delete", token, true)
	if srv.SecondaryAuthToken(fullSID) != "" {
		t.Fatal("a deleted secondary is still reported")
	}

	// A second create replaces the first secondary.
	s2, err := primary.AccountsV1.CreateSecondaryAuthToken(&accounts.CreateSecondaryAuthTokenParams{})
	if err != nil {
		t.Fatal(err)
	}
	s3, err := primary.AccountsV1.CreateSecondaryAuthToken(&accounts.CreateSecondaryAuthTokenParams{})
	if err != nil {
		t.Fatal(err)
	}
	works("replaced secondary", *s2.SecondaryAuthToken, false)
	works("new secondary", *s3.SecondaryAuthToken, true)

	// The secondary itself promotes; then only it works, and no secondary is left.
	p, err := rest(srv, fullSID, *s3.SecondaryAuthToken, nil).AccountsV1.UpdateAuthTokenPromotion(&accounts.UpdateAuthTokenPromotionParams{})
	if err != nil {
		t.Fatal(err)
	}
	if *p.AuthToken != *s3.SecondaryAuthToken || p.AccountSid == nil || *p.AccountSid != fullSID {
		t.Fatalf("promotion answer = %+v", p)
	}
	works("old primary after promotion", token, false)
	works("promoted token", *s3.SecondaryAuthToken, true)
	if srv.SecondaryAuthToken(fullSID) != "" || srv.AuthToken(fullSID) != *s3.SecondaryAuthToken {
		t.Fatal("after promotion: the secondary must be gone and the primary the promoted token")
	}
	// Promoting again, with no secondary, is refused and changes nothing.
	_, err = rest(srv, fullSID, *s3.SecondaryAuthToken, nil).AccountsV1.UpdateAuthTokenPromotion(&accounts.UpdateAuthTokenPromotionParams{})
	if re := restErr(t, err); re.Status != http.StatusNotFound {
		t.Fatalf("promote without a secondary: %+v", re)
	}
	works("promoted token after a refused promotion", *s3.SecondaryAuthToken, true)

	if srv.Accepts(fullSID, "") || srv.Accepts("AC00000000000000000000000000000000", *s3.SecondaryAuthToken) {
		t.Fatal("Accepts let in an empty token or an unknown account")
	}
}
