package demo

import (
	"context"
	"net"
	"strconv"
	"testing"
)

// TestPortFree: the check listens where the demo does, on localhost.
func TestPortFree(t *testing.T) {
	t.Parallel()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	_, ps, _ := net.SplitHostPort(l.Addr().String())
	port, _ := strconv.Atoi(ps)
	if PortFree(port) {
		t.Errorf("PortFree(%d) with a listener on it", port)
	}
	_ = l.Close()
	if !PortFree(port) {
		t.Errorf("PortFree(%d) after the listener closed", port)
	}
}
