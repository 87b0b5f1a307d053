package rotate_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/rotate"
	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// assertAppRotated: one new secret saved (secrets.json, .env), working; the old one gone
// (or kept when keptOld); a history line; doctor's checks pass.
func assertAppRotated(t *testing.T, w *world, old string, keptOld bool) {
	t.Helper()
	setup, sec := w.loaded()
	nv := sec.AppSecret.Reveal()
	w.secrets[nv] = true
	if nv == old || setup.Rotation != nil {
		t.Fatal("the app secret was not rotated")
	}
	have := w.appSecrets(w.appID)
	values := map[string]bool{}
	for _, v := range have {
		values[v] = true
	}
	if !values[nv] || values[old] != keptOld {
		t.Fatalf("secrets in Logto: new %v, old %v (want old %v)", values[nv], values[old], keptOld)
	}
	if h := setup.History; len(h) == 0 || !strings.Contains(h[len(h)-1].What, "app secret") {
		t.Fatalf("history = %+v", setup.History)
	}
	w.mustVerify()
}

func assertAppUnchanged(t *testing.T, w *world, old string) {
	t.Helper()
	setup, sec := w.loaded()
	if sec.AppSecret.Reveal() != old || sec.Pending != "" || setup.Rotation != nil || len(setup.History) != 0 {
		t.Fatalf("saved setup changed: %+v", setup.Rotation)
	}
	if have := w.appSecrets(w.appID); len(have) != 1 {
		t.Fatalf("the app has %d secrets, want only the old one", len(have))
	}
	w.mustVerify()
}

func TestAppSecretHappyPath(t *testing.T) {
	w := newWorld(t)
	_, sec := w.loaded()
	old := sec.AppSecret.Reveal()
	envPath := filepath.Join(w.env().Setup.ExpressDir, ".env")
	before, _ := os.ReadFile(envPath)
	out, err := rotate.AppSecret(t.Context(), w.env(), nil)
	if err != nil {
		t.Fatal(err)
	}
	assertAppRotated(t, w, old, false)
	after, _ := os.ReadFile(envPath)
	_, sec = w.loaded()
	if string(after) != strings.Replace(string(before), old, sec.AppSecret.Reveal(), 1) {
		t.Fatal("the .env changed other than the secret")
	}
	if fi, _ := os.Stat(envPath); fi.Mode().Perm() != 0o600 {
		t.Fatalf(".env mode %v", fi.Mode().Perm())
	}
	if len(out.Notes) == 0 || !strings.Contains(out.String(), "Restart the Express starter") {
		t.Fatalf("outcome = %s", out)
	}
}

func TestAppSecretExpiryAndKeepOld(t *testing.T) {
	w := newWorld(t)
	_, sec := w.loaded()
	old := sec.AppSecret.Reveal()
	env := w.env()
	env.Yes = false
	var asked []string
	env.Confirm = func(_ context.Context, q string) (bool, error) { asked = append(asked, q); return false, nil }
	exp := time.Now().Add(90 * 24 * time.Hour)
	if _, err := rotate.AppSecret(t.Context(), env, &exp); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || !strings.Contains(asked[0], "Delete the old secret") {
		t.Fatalf("asked %q", asked)
	}
	assertAppRotated(t, w, old, true)
	setup, _ := w.loaded()
	if !strings.Contains(setup.History[0].What, "kept") {
		t.Fatalf("history = %+v", setup.History)
	}
	past := time.Now().Add(-time.Hour)
	_, err := rotate.AppSecret(t.Context(), w.env(), &past)
	wantState(t, err, rotate.Unchanged)
}

func TestAppSecretFaults(t *testing.T) {
	tests := []struct {
		name          string
		inject        func(w *world)
		want          rotate.State
		resumeRotates bool
	}{
		{name: "add refused", want: rotate.Unchanged, inject: func(w *world) {
			w.lg.Inject(http.MethodPost, "/api/applications/{id}/secrets", logtotestFault(500))
		}},
		{name: "add applied, answer lost", want: rotate.Unchanged, inject: func(w *world) {
			w.tr.add(&rule{match: call(http.MethodPost, "/api/applications/*/secrets"), nth: 1, after: true})
		}},
		{name: "verify refused", want: rotate.Unchanged, inject: func(w *world) {
			w.tr.add(&rule{match: func(r *http.Request) bool {
				u, _, _ := r.BasicAuth()
				return r.URL.Path == "/oidc/token" && u == w.appID
			}, nth: 1})
		}},
		{name: "delete old refused", want: rotate.Unfinished, resumeRotates: true, inject: func(w *world) {
			w.lg.Inject(http.MethodDelete, "/api/applications/{id}/secrets/{name}", logtotestFault(500))
		}},
		{name: "delete old applied, answer lost", want: rotate.Unfinished, resumeRotates: true, inject: func(w *world) {
			w.tr.add(&rule{match: call(http.MethodDelete, "/api/applications/*/secrets/*"), nth: 1, after: true})
		}},
		{name: "undo: delete new refused", want: rotate.Unfinished, inject: func(w *world) {
			w.tr.add(&rule{match: func(r *http.Request) bool {
				u, _, _ := r.BasicAuth()
				return r.URL.Path == "/oidc/token" && u == w.appID
			}, nth: 1})
			w.lg.Inject(http.MethodDelete, "/api/applications/{id}/secrets/{name}", logtotestFault(500))
		}},
		{name: ".env cannot be written", want: rotate.Unfinished, resumeRotates: true, inject: func(w *world) {
			p := filepath.Join(w.env().Setup.ExpressDir, ".env")
			if err := os.Remove(p); err != nil {
				w.t.Fatal(err)
			}
			if err := os.Mkdir(p, 0o700); err != nil {
				w.t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			_, sec := w.loaded()
			old := sec.AppSecret.Reveal()
			tt.inject(w)
			_, err := rotate.AppSecret(t.Context(), w.env(), nil)
			wantState(t, err, tt.want)
			// The saved secret works whatever happened.
			if err := w.savedAppSecretWorks(); err != nil {
				t.Fatal(err)
			}
			if tt.want == rotate.Unchanged {
				assertAppUnchanged(t, w, old)
				return
			}
			if tt.name == ".env cannot be written" {
				p := filepath.Join(w.env().Setup.ExpressDir, ".env")
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("# restored\nLOGTO_APP_SECRET=x\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			out, err := rotate.Resume(t.Context(), w.env())
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			if out.Reverted == tt.resumeRotates {
				t.Fatalf("resume outcome %+v", out)
			}
			if tt.resumeRotates {
				assertAppRotated(t, w, old, false)
			} else {
				assertAppUnchanged(t, w, old)
			}
		})
	}
}

// savedAppSecretWorks: the app secret in secrets.json passes the token endpoint.
func (w *world) savedAppSecretWorks() error {
	_, sec := w.loaded()
	check, err := w.env().VerifyApp(w.t.Context(), w.appID, sec.AppSecret.Reveal())
	if err != nil {
		return err
	}
	if check.String() != "App ID and App secret are right" {
		return errors.New("the saved app secret does not work: " + check.String())
	}
	return nil
}

func TestNeverDeletesTheOnlySecret(t *testing.T) {
	w := newWorld(t)
	_, sec := w.loaded()
	old := sec.AppSecret.Reveal()
	// Delete the new secret behind the engine's back, right before the old one would go.
	env := w.env()
	env.Yes = false
	env.Confirm = func(ctx context.Context, _ string) (bool, error) {
		for name, v := range w.appSecrets(w.appID) {
			if v != old {
				if err := env.Logto.DeleteApplicationSecret(ctx, w.appID, name); err != nil {
					t.Fatal(err)
				}
			}
		}
		return true, nil
	}
	_, err := rotate.AppSecret(t.Context(), env, nil)
	wantState(t, err, rotate.Rotated)
	if have := w.appSecrets(w.appID); len(have) != 1 || have["Default secret"] != old {
		t.Fatalf("secrets = %d", len(have))
	}
}

func TestM2MSecret(t *testing.T) {
	w := newWorld(t)
	old := w.currentM2M()
	env := w.env()
	if _, err := rotate.M2MSecret(t.Context(), env, nil); err != nil {
		t.Fatal(err)
	}
	nv := w.currentM2M()
	w.secrets[nv] = true
	if nv == old {
		t.Fatal("not rotated")
	}
	for _, v := range w.appSecrets(w.m2mID) {
		if v == old {
			t.Fatal("the old M2M secret is still there")
		}
	}
	w.mustVerify()
	// The env's Management API client now uses the new secret.
	if err := env.Logto.CheckAccess(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestM2MSecretFaults(t *testing.T) {
	t.Run("verify refused: undone", func(t *testing.T) {
		w := newWorld(t)
		old := w.currentM2M()
		n := 0
		w.tr.add(&rule{match: func(r *http.Request) bool {
			u, _, _ := r.BasicAuth()
			if r.URL.Path == "/oidc/token" && u == w.m2mID {
				n++
				return n == 2 // the first is the old secret's token, the second checks the new one
			}
			return false
		}, nth: 0})
		_, err := rotate.M2MSecret(t.Context(), w.env(), nil)
		wantState(t, err, rotate.Unchanged)
		if w.currentM2M() != old || len(w.appSecrets(w.m2mID)) != 1 {
			t.Fatal("not undone")
		}
		w.mustVerify()
	})
	t.Run("delete old refused: a re-run finishes", func(t *testing.T) {
		w := newWorld(t)
		old := w.currentM2M()
		w.lg.Inject(http.MethodDelete, "/api/applications/{id}/secrets/{name}", logtotestFault(500))
		_, err := rotate.M2MSecret(t.Context(), w.env(), nil)
		wantState(t, err, rotate.Unfinished)
		if w.currentM2M() == old {
			t.Fatal("the new secret is not saved")
		}
		if _, err := rotate.Resume(t.Context(), w.env()); err != nil {
			t.Fatal(err)
		}
		for _, v := range w.appSecrets(w.m2mID) {
			if v == old {
				t.Fatal("the old M2M secret is still there")
			}
		}
		w.mustVerify()
	})
}

// deleteBehindTheBack deletes the named secret of app id with a client on m2mSecret,
// outside the engine's transport (as a user would in the Logto Console).
func (w *world) deleteBehindTheBack(id, name, m2mSecret string) {
	w.t.Helper()
	if err := w.clientWith(m2mSecret).DeleteApplicationSecret(w.t.Context(), id, name); err != nil {
		w.t.Fatal(err)
	}
}

// TestUndoKeepsTheOnlySecret: the old secret is deleted in the Console while the new one is
// being checked, and the check fails. Logto lets an app's last secret be deleted (its own
// tests delete every secret of an app), so undoing the rotation would leave the app with none
// (the M2M app: no Management API either). The new secret is kept and the rotation stays
// unfinished; for the app secret a re-run checks it again and saves it.
func TestUndoKeepsTheOnlySecret(t *testing.T) {
	t.Run("app secret", func(t *testing.T) {
		w := newWorld(t)
		_, sec := w.loaded()
		old := sec.AppSecret.Reveal()
		m2m := w.currentM2M()
		var once sync.Once
		w.tr.add(&rule{match: func(r *http.Request) bool {
			u, _, _ := r.BasicAuth()
			if r.URL.Path != "/oidc/token" || u != w.appID {
				return false
			}
			once.Do(func() { w.deleteBehindTheBack(w.appID, "Default secret", m2m) })
			return true
		}, nth: 1})
		_, err := rotate.AppSecret(t.Context(), w.env(), nil)
		re := wantState(t, err, rotate.Unfinished)
		if !strings.Contains(re.What, "only secret") {
			t.Fatalf("What = %q", re.What)
		}
		have := w.appSecrets(w.appID)
		if len(have) != 1 || have["Default secret"] != "" {
			t.Fatalf("the app's secrets: %d, the old one there: %v; want only the new one", len(have), have["Default secret"] != "")
		}
		for _, v := range have {
			w.secrets[v] = true
		}
		if _, err := rotate.Resume(t.Context(), w.env()); err != nil {
			t.Fatalf("resume: %v", err)
		}
		assertAppRotated(t, w, old, false)
	})
	t.Run("M2M secret", func(t *testing.T) {
		w := newWorld(t)
		old := w.currentM2M()
		n := 0
		w.tr.add(&rule{match: func(r *http.Request) bool {
			u, _, _ := r.BasicAuth()
			if r.URL.Path == "/oidc/token" && u == w.m2mID {
				n++
				if n == 2 { // the first is the old secret's token, the second checks the new one
					w.deleteBehindTheBack(w.m2mID, "Default secret", old)
					return true
				}
			}
			return false
		}, nth: 0})
		_, err := rotate.M2MSecret(t.Context(), w.env(), nil)
		wantState(t, err, rotate.Unfinished)
		_, sec := w.loaded()
		nv := sec.Pending.Reveal()
		w.secrets[nv] = true
		have := w.secretsWith(w.m2mID, nv)
		if len(have) != 1 || have["Default secret"] != "" {
			t.Fatalf("the M2M app's secrets: %d, the old one there: %v; want only the new one", len(have), have["Default secret"] != "")
		}
		// A re-run starts from the saved (now deleted) M2M secret: it lists with the new one.
		if _, err := rotate.Resume(t.Context(), w.env()); err != nil {
			t.Fatalf("resume: %v", err)
		}
		if w.currentM2M() != nv {
			t.Fatal("the new M2M secret is not saved")
		}
		w.mustVerify()
	})
}

// TestAppSecretNoRedirectURI: Logto refuses the token requests of an app with no redirect
// URI before it checks a secret (logtoapi.AppNoRedirectURI, issue 23), so the new secret
// cannot be checked. The rotation is undone, and the error names the app's missing URI and
// its fix, not "the new secret does not work".
func TestAppSecretNoRedirectURI(t *testing.T) {
	w := newWorld(t)
	_, sec := w.loaded()
	old := sec.AppSecret.Reveal()
	env := w.env()
	env.VerifyApp = func(context.Context, string, string) (logtoapi.AppCheck, error) {
		return logtoapi.AppNoRedirectURI, nil
	}
	_, err := rotate.AppSecret(t.Context(), env, nil)
	var re *rotate.Error
	if !errors.As(err, &re) || re.State != rotate.Unchanged {
		t.Fatalf("err = %v, want an undone rotation", err)
	}
	if !strings.Contains(re.What, "no redirect URI") || strings.Contains(re.What, "does not work") {
		t.Errorf("What = %q, want the missing redirect URI as the cause", re.What)
	}
	for _, want := range []string{"redirect URI", "⟦doctor⟧", "⟦rotate --app-secret⟧ again"} {
		if !strings.Contains(re.Next, want) {
			t.Errorf("Next = %q lacks %q", re.Next, want)
		}
	}
	checkHints(t, "Next", re.Next)
	assertAppUnchanged(t, w, old)
}
