package workshop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseCard feeds ParseCard what an attendee's --preset file may hold (an edited card, a
// card cut short, another YAML file): it never panics, a card it takes satisfies the card's
// rules (version 1, an endpoint, app ID and secret, a port), and the card the workshop writes
// for it (writeCard) reads back as the same card.
func FuzzParseCard(f *testing.F) {
	// The workshop's own output, and the card docs/workshop.md shows.
	dir := f.TempDir()
	for _, c := range []Card{
		{Version: CardVersion, Name: "Bookstore 07", Endpoint: "https://logto.example.com", AppID: "abc123", AppSecret: "s3cr3tValue", Port: 3000},
		{Version: CardVersion, Name: "Café Logto! 01", Endpoint: "http://localhost:3001", AppID: "x", AppSecret: "'quoted: yes'", Port: 65535},
	} {
		card, sheet := cardFiles(dir, c.Name)
		if err := writeCard(c, card, sheet); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(card)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("# logto-twilio workshop card: Bookstore 07\n# Run: logto-twilio --preset bookstore-07.yaml\n" +
		"version: 1\nname: Bookstore 07\nendpoint: https://logto.example.com\nappId: 2fq8xbzexample\nappSecret: example-secret\nport: 3000\n"))
	for _, s := range []string{
		"", "{{{", "version: 2\nendpoint: x\nappId: a\nappSecret: b\nport: 3000\n",
		"version: 1\nendpoint: x\nappId: a\nappSecret: b\nport: 3000\n---\nversion: 2\n",
		"version: 1\nendpoint: x\nappId: a\nappSecret: b\nport: 3000\nm2mSecret: z\n",
		"version: 1\nendpoint: ' '\nappId: a\nappSecret: b\nport: 70000\n",
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCard(data)
		if err != nil {
			if c != (Card{}) {
				t.Fatalf("ParseCard refused the card (%v) but returned %v", err, c)
			}
			return
		}
		switch {
		case c.Version != CardVersion:
			t.Fatalf("ParseCard took version %d", c.Version)
		case blank(c.Endpoint) || blank(c.AppID) || blank(c.AppSecret):
			t.Fatalf("ParseCard took a card without endpoint, app ID or secret: %#v", c)
		case c.Port < 1 || c.Port > 65535:
			t.Fatalf("ParseCard took port %d", c.Port)
		}
		d := t.TempDir()
		card, sheet := filepath.Join(d, "card.yaml"), filepath.Join(d, "card.txt")
		if err := writeCard(c, card, sheet); err != nil {
			t.Fatalf("writeCard(%#v): %v", c, err)
		}
		back, err := ReadCard(card)
		if err != nil {
			b, _ := os.ReadFile(card)
			t.Fatalf("the card written for %#v does not read back: %v\n%s", c, err, b)
		}
		if back != c {
			t.Fatalf("the card written for %#v reads back as %#v", c, back)
		}
	})
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }
