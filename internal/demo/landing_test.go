package demo

import (
	"testing"
	"testing/synctest"
	"time"
)

// TestCloseWaitsForTheSignedInPage: a wizard that ends the moment a sign-in
// arrives must not stop the server before the browser, redirected to the
// home page, has loaded it; and it never waits longer than LandingGrace.
func TestCloseWaitsForTheSignedInPage(t *testing.T) {
	t.Run("landed", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := &Server{}
			s.signedIn()
			done := make(chan struct{})
			go func() { _ = s.Close(); close(done) }()
			synctest.Wait()
			select {
			case <-done:
				t.Fatal("Close returned before the browser loaded the signed-in page")
			default:
			}
			s.landed()
			synctest.Wait()
			select {
			case <-done:
			default:
				t.Fatal("Close still waits after the page was loaded")
			}
		})
	})
	t.Run("never landed", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := &Server{}
			s.signedIn()
			start := time.Now()
			_ = s.Close()
			if waited := time.Since(start); waited != LandingGrace {
				t.Fatalf("Close waited %v, want %v", waited, LandingGrace)
			}
		})
	})
	t.Run("no sign-in", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			_ = (&Server{}).Close()
			if waited := time.Since(start); waited != 0 {
				t.Fatalf("Close waited %v with no sign-in", waited)
			}
		})
	})
}
