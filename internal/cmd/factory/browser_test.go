package factory

import (
	"errors"
	"strings"
	"testing"
)

func TestBrowserOpener(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name      string
		noBrowser bool
		env       map[string]string
		url       string
		wantOpen  bool
		wantErr   string
	}{
		{name: "opens http", url: "http://localhost:3000", wantOpen: true},
		{name: "opens https", url: "https://example.logto.app/console", wantOpen: true},
		{name: "refuses file", url: "file:///etc/passwd", wantErr: "only http and https"},
		{name: "refuses javascript", url: "javascript:alert(1)", wantErr: "only http and https"},
		{name: "no-browser flag", noBrowser: true, url: "http://localhost:3000", wantErr: "--no-browser"},
		{name: "ssh", env: map[string]string{"SSH_CONNECTION": "1 2 3 4"}, url: "http://localhost:3000", wantErr: "SSH session"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := NewBrowser(tt.noBrowser, env(tt.env))
			var opened []string
			o.open = func(u string) error { opened = append(opened, u); return nil }
			err := o.Open(tt.url)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Open: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Open error = %v, want it to mention %q", err, tt.wantErr)
			}
			if got := len(opened) == 1; got != tt.wantOpen {
				t.Fatalf("opened = %v, want open %v", opened, tt.wantOpen)
			}
			if tt.noBrowser && !errors.Is(err, errBrowserDisabled) {
				t.Fatalf("error %v is not errBrowserDisabled", err)
			}
		})
	}
}
