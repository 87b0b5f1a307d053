package logtotest_test

import (
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// TestTransportInMemory: Transport serves an unstarted stand-in without the network, faults
// included, and Latency waits in a synctest bubble's fake time.
func TestTransportInMemory(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := logtotest.NewUnstartedServer()
		defer s.Close()
		hc := &http.Client{Transport: s.Transport()}
		resp, err := hc.Get(s.URL + "/oidc/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		s.Inject(http.MethodGet, "/api/status", logtotest.Fault{Latency: time.Hour, Status: http.StatusTeapot})
		start := time.Now()
		resp, err = hc.Get(s.URL + "/api/status")
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusTeapot || time.Since(start) != time.Hour {
			t.Fatalf("status %d after %v", resp.StatusCode, time.Since(start))
		}
		s.Inject(http.MethodGet, "/api/connectors", logtotest.Fault{Drop: true})
		if _, err := hc.Get(s.URL + "/api/connectors"); !errors.Is(err, logtotest.ErrConnectionDropped) {
			t.Fatalf("drop: %v", err)
		}
		if _, err := hc.Get("http://example.com/"); err == nil {
			t.Fatal("another host was served")
		}
	})
}
