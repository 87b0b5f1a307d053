package twiliosetup_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// TestRetry429Deadline: a Retry-After wait that would end after the call's deadline (its
// context's, or the http.Client's Timeout) is not taken: the 429 is explained at once
// rather than hidden by a timeout. A context that ends during a wait ends the call with
// its own error. (TestRetry429 covers the waits; httpclient's TestRetry the transport.)
func TestRetry429Deadline(t *testing.T) {
	tests := []struct {
		name     string
		deadline time.Duration // of the context
		timeout  time.Duration // of the http.Client
		cancelAt time.Duration // the context is cancelled then
		wantErr  error         // nil: the explained 429
		wantAt   time.Duration
	}{
		{name: "past the context's deadline", deadline: 10 * time.Second},
		{name: "past the client's timeout", timeout: 10 * time.Second},
		{name: "cancelled during the wait", cancelAt: 5 * time.Second, wantErr: context.Canceled, wantAt: 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake(t)
				n := 0
				f.handle("POST api.twilio.com"+pathMessages, func(w http.ResponseWriter, _ *http.Request) {
					n++
					w.Header().Set("Retry-After", "20")
					writeError(w, 429, 20429, "Too Many Requests")
				})
				c, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: sidOK, AuthToken: tokenOK}, &http.Client{Transport: f, Timeout: tt.timeout})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				if tt.deadline > 0 {
					ctx, cancel = context.WithTimeout(ctx, tt.deadline)
					defer cancel()
				}
				if tt.cancelAt > 0 {
					time.AfterFunc(tt.cancelAt, cancel)
				}
				start := time.Now()
				_, err = c.Send(ctx, serviceOK, mustPhone(t, "+15551234567"), "code 123456")
				if d := time.Since(start); d != tt.wantAt {
					t.Errorf("returned after %v, want %v", d, tt.wantAt)
				}
				if n != 1 {
					t.Errorf("%d requests, want 1", n)
				}
				var te *twiliosetup.Error
				switch {
				case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
					t.Errorf("Send error %v, want %v", err, tt.wantErr)
				case tt.wantErr == nil && (!errors.As(err, &te) || te.Code != 20429):
					t.Errorf("Send error %v, want the explained 20429", err)
				}
				// twilio-go never closes an error answer's body, so net/http's goroutine for the
				// client's Timeout lives until that timeout: let the bubble's clock reach it.
				time.Sleep(tt.timeout)
			})
		})
	}
}
