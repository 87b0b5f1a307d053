package rotate_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/rotate"
)

// TestCrashAnywhere stops each rotation at every external call in turn, as a crash or
// Ctrl-C would: the call fails (before it is sent, or after it was served and its answer is
// lost) and the run's context ends. Then a fresh engine, built only from what the store
// saved, runs Resume, which must end in a working setup: rotated, or exactly as before. The
// no-window rule is checked after every call throughout.
func TestCrashAnywhere(t *testing.T) {
	kinds := []struct {
		name string
		run  func(ctx context.Context, w *world) error
		// check: the state after Resume is one of the two allowed ones
		check func(t *testing.T, w *world, before string)
		old   func(w *world) string
	}{
		{
			name: "twilio",
			run:  func(ctx context.Context, w *world) error { _, err := rotate.Twilio(ctx, w.env()); return err },
			old:  func(*world) string { return token0 },
			check: func(t *testing.T, w *world, _ string) {
				_, sec := w.loaded()
				switch sec.TwilioAuthToken.Reveal() {
				case token0:
					assertUnchanged(t, w)
				default:
					assertRotated(t, w)
				}
			},
		},
		{
			name: "app-secret",
			run: func(ctx context.Context, w *world) error {
				_, err := rotate.AppSecret(ctx, w.env(), nil)
				return err
			},
			old: func(w *world) string { _, s := w.loaded(); return s.AppSecret.Reveal() },
			check: func(t *testing.T, w *world, old string) {
				_, sec := w.loaded()
				if sec.AppSecret.Reveal() == old {
					assertAppUnchanged(t, w, old)
				} else {
					assertAppRotated(t, w, old, false)
				}
			},
		},
		{
			name: "m2m-secret",
			run: func(ctx context.Context, w *world) error {
				_, err := rotate.M2MSecret(ctx, w.env(), nil)
				return err
			},
			old: func(w *world) string { return w.currentM2M() },
			check: func(t *testing.T, w *world, old string) {
				nv := w.currentM2M()
				w.secrets[nv] = true
				have := w.appSecrets(w.m2mID)
				if nv == old && len(have) != 1 {
					t.Fatalf("undone, but the M2M app has %d secrets", len(have))
				}
				if nv != old {
					for _, v := range have {
						if v == old {
							t.Fatal("rotated, but the old M2M secret is left")
						}
					}
				}
				w.mustVerify()
			},
		},
	}
	for _, k := range kinds {
		for _, after := range []bool{false, true} {
			for n := 1; ; n++ {
				fired := false
				t.Run(fmt.Sprintf("%s/call-%02d/answer-lost-%v", k.name, n, after), func(t *testing.T) {
					w := newWorld(t)
					old := k.old(w)
					ctx, cancel := context.WithCancel(t.Context())
					defer cancel()
					r := &rule{match: func(*http.Request) bool { return true }, nth: n, after: after, cancel: cancel}
					w.tr.add(r)
					err := k.run(ctx, w)
					fired = r.fired > 0
					if !fired {
						if err != nil {
							t.Fatalf("no crash, yet: %v", err)
						}
						return
					}
					if err == nil {
						// The crash hit a call whose failure does not matter (a last check).
						k.check(t, w, old)
						return
					}
					out, rerr := rotate.Resume(t.Context(), w.env())
					if rerr != nil {
						t.Fatalf("crash: %v\nresume: %v", err, rerr)
					}
					setup, _ := w.loaded()
					if setup.Rotation != nil {
						t.Fatalf("resume left a record: %+v (%+v)", setup.Rotation, out)
					}
					k.check(t, w, old)
				})
				if !fired {
					break
				}
			}
		}
	}
}

// halfSaver writes both files normally, except at save number at: there it writes only
// secrets.json (which Store.Save writes first), then "crashes": the save fails and the run's
// context ends. That is the worst cut of a save: the older phase with the newer secrets.
type halfSaver struct {
	w      *world
	at, n  int
	cancel context.CancelFunc
	fired  bool
}

func (s *halfSaver) Save(setup config.Setup, sec config.Secrets) error {
	s.n++
	if s.n != s.at {
		return (&recordingSaver{w: s.w}).Save(setup, sec)
	}
	s.fired = true
	sec.Version = config.SchemaVersion
	b, err := json.Marshal(sec)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.w.store.Dir, config.SecretsFile), b, 0o600); err != nil {
		return err
	}
	s.cancel()
	return errors.New("crashed between secrets.json and setup.json")
}

// TestCrashBetweenTheTwoFiles cuts every save of each rotation between its two files, then
// resumes from the store alone.
func TestCrashBetweenTheTwoFiles(t *testing.T) {
	kinds := map[string]func(ctx context.Context, env *rotate.Env) error{
		"twilio": func(ctx context.Context, env *rotate.Env) error { _, err := rotate.Twilio(ctx, env); return err },
		"app-secret": func(ctx context.Context, env *rotate.Env) error {
			_, err := rotate.AppSecret(ctx, env, nil)
			return err
		},
		"m2m-secret": func(ctx context.Context, env *rotate.Env) error {
			_, err := rotate.M2MSecret(ctx, env, nil)
			return err
		},
	}
	for name, run := range kinds {
		for at := 1; ; at++ {
			fired := false
			t.Run(fmt.Sprintf("%s/save-%d", name, at), func(t *testing.T) {
				w := newWorld(t)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				env := w.env()
				hs := &halfSaver{w: w, at: at, cancel: cancel}
				env.Store = hs
				err := run(ctx, env)
				fired = hs.fired
				if !fired {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				if err == nil {
					t.Fatal("a failed save went unnoticed")
				}
				if _, err := rotate.Resume(t.Context(), w.env()); err != nil {
					t.Fatalf("resume: %v", err)
				}
				setup, _ := w.loaded()
				if setup.Rotation != nil {
					t.Fatalf("resume left a record: %+v", setup.Rotation)
				}
				w.mustVerify()
				if w.tw.SecondaryAuthToken(accountSID) != "" {
					t.Fatal("a secondary token is left")
				}
			})
			if !fired {
				break
			}
		}
	}
}
