package demo

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSetEnvValue(t *testing.T) {
	const secret = "NewSecretValue123"
	tests := []struct {
		name, in, want string
		changed        bool
	}{
		{
			"replaces, keeps the rest", "# keep me\nLOGTO_APP_ID=abc\nLOGTO_APP_SECRET=old\n\nSESSION_SECRET=s\n",
			"# keep me\nLOGTO_APP_ID=abc\nLOGTO_APP_SECRET=" + secret + "\n\nSESSION_SECRET=s\n", true,
		},
		{"keeps CRLF", "A=1\r\nLOGTO_APP_SECRET=old\r\nB=2\r\n", "A=1\r\nLOGTO_APP_SECRET=" + secret + "\r\nB=2\r\n", true},
		{"export and spaces", "export LOGTO_APP_SECRET = old\n", "LOGTO_APP_SECRET=" + secret + "\n", true},
		{"drops a later duplicate", "LOGTO_APP_SECRET=a\nX=1\nLOGTO_APP_SECRET=b\n", "LOGTO_APP_SECRET=" + secret + "\nX=1\n", true},
		{"appends a missing key", "A=1", "A=1\nLOGTO_APP_SECRET=" + secret + "\n", true},
		{"similar names are other keys", "LOGTO_APP_SECRET_OLD=x\n#LOGTO_APP_SECRET=y\n", "LOGTO_APP_SECRET_OLD=x\n#LOGTO_APP_SECRET=y\nLOGTO_APP_SECRET=" + secret + "\n", true},
		{"already set", "LOGTO_APP_SECRET=" + secret + "\n", "LOGTO_APP_SECRET=" + secret + "\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), ".env")
			if err := os.WriteFile(p, []byte(tt.in), 0o644); err != nil {
				t.Fatal(err)
			}
			changed, err := SetEnvValue(p, "LOGTO_APP_SECRET", secret)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(p)
			if string(got) != tt.want || changed != tt.changed {
				t.Fatalf("got %q (changed %v), want %q (%v)", got, changed, tt.want, tt.changed)
			}
			fi, _ := os.Stat(p)
			if tt.changed && fi.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
			}
		})
	}
}

func TestSetEnvValueRefuses(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".env")
	if _, err := SetEnvValue(p, "K", "v"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if err := os.WriteFile(p, []byte("K=old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"", "has space", `q"uote`, "new\nline"} {
		_, err := SetEnvValue(p, "K", v)
		if err == nil || (v != "" && strings.Contains(err.Error(), v)) {
			t.Fatalf("value %q: err = %v (must fail without quoting the value)", v, err)
		}
	}
	if _, err := SetEnvValue(p, "A=B", "v"); err == nil {
		t.Fatal("a key with = was accepted")
	}
	got, _ := os.ReadFile(p)
	if string(got) != "K=old\n" {
		t.Fatalf("a refused update changed the file: %q", got)
	}
}
