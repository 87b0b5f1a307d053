package workshop

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCardRoundTripAndFormat(t *testing.T) {
	dir := t.TempDir()
	c := Card{Version: CardVersion, Name: "Bookstore 07", Endpoint: "https://logto.example.com", AppID: "abc123", AppSecret: "s3cr3tValue", Port: 3000}
	card, sheet := cardFiles(dir, c.Name)
	if filepath.Base(card) != "bookstore-07.yaml" || filepath.Base(sheet) != "bookstore-07.txt" {
		t.Fatalf("files %s %s", card, sheet)
	}
	if err := writeCard(c, card, sheet); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(card)
	want := "# logto-twilio workshop card: Bookstore 07\n# Run: logto-twilio --preset bookstore-07.yaml\n" +
		"version: 1\nname: Bookstore 07\nendpoint: https://logto.example.com\nappId: abc123\nappSecret: s3cr3tValue\nport: 3000\n"
	if string(b) != want {
		t.Errorf("card:\n%s\nwant:\n%s", b, want)
	}
	got, err := ReadCard(card)
	if err != nil || got != c {
		t.Errorf("read back %v %v", got, err)
	}
	text, _ := os.ReadFile(sheet)
	for _, w := range []string{"logto-twilio --preset bookstore-07.yaml", "App secret      s3cr3tValue", "http://localhost:3000"} {
		if !strings.Contains(string(text), w) {
			t.Errorf("sheet lacks %q:\n%s", w, text)
		}
	}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(s, c.AppSecret) {
			t.Errorf("printed card shows the secret: %s", s)
		}
	}
}

func TestParseCardErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not yaml", "{{{", "not a logto-twilio card"},
		{"unknown key", "version: 1\nendpoint: x\nappId: a\nappSecret: b\nport: 3000\nm2mSecret: z\n", `line 6: unknown key "m2mSecret" (a card has only the keys version, name, endpoint, appId, appSecret, port); ask the facilitator`},
		{"mistyped key", "version: 1\nendpoint: x\nappId: a\nappSecrt: b\nport: 3000\n", `line 4: unknown key "appSecrt" (did you mean "appSecret"?)`},
		{"newer version", "version: 2\nendpoint: x\nappId: a\nappSecret: b\nport: 3000\n", "made by a newer logto-twilio"},
		{"missing fields", "version: 1\nendpoint: x\nport: 3000\n", "no appId, no appSecret"},
		{"empty", "", "no endpoint, no appId, no appSecret"},
		{"comments only", "# logto-twilio workshop card\n", "no endpoint, no appId, no appSecret"},
		{"two documents", "version: 1\nendpoint: x\nappId: a\nappSecret: b\nport: 3000\n---\nversion: 2\n", "more than one YAML document"},
		{"no version", "endpoint: x\nappId: a\nappSecret: b\nport: 3000\n", "the card has no version:"},
		{"older version", "version: -1\nendpoint: x\nappId: a\nappSecret: b\nport: 3000\n", "ask the facilitator"},
		{"bad port", "version: 1\nendpoint: x\nappId: a\nappSecret: b\nport: 0\n", "port 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseCard([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
}

// TestReadCardUnknownKey: a card with a key it may not hold names the file, the key and its
// line, and the key it is close to (the decoder said only "yaml: unmarshal errors:").
func TestReadCardUnknownKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bookstore-07.yaml")
	if err := os.WriteFile(path, []byte("# a card\nversion: 1\nendpoint: x\nAppID: a\nappSecret: b\nport: 3000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadCard(path)
	want := path + `, line 4: unknown key "AppID" (did you mean "appId"?)`
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "unmarshal errors") {
		t.Fatalf("ReadCard: %v, want %q", err, want)
	}
	if !strings.Contains(err.Error(), "fix that key, or ask the facilitator for a new one") {
		t.Errorf("ReadCard: %v: no next step", err)
	}
}

func TestSheetHTMLOnePagePerCard(t *testing.T) {
	path := filepath.Join(t.TempDir(), SheetFile)
	entries := []sheetEntry{
		{Card{Version: 1, Name: "Bookstore 01", Endpoint: "https://l.example", AppID: "a1", AppSecret: "x<script>", Port: 3000}, "bookstore-01.yaml"},
		{Card{Version: 1, Name: "Bookstore 02", Endpoint: "https://l.example", AppID: "a2", AppSecret: "y", Port: 3000}, "bookstore-02.yaml"},
	}
	if err := writeSheet(path, entries); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	if strings.Count(s, "<section>") != 2 || !strings.Contains(s, "page-break-after:always") || !strings.Contains(s, "logto-twilio --preset bookstore-02.yaml") {
		t.Errorf("sheet:\n%s", s)
	}
	if strings.Contains(s, "x<script>") || !strings.Contains(s, "x&lt;script&gt;") {
		t.Error("values are not escaped")
	}
	if strings.Contains(s, "http://") && strings.Contains(s, "<link") {
		t.Error("the page loads something: it must be self-contained")
	}
}

func TestNamesAndSlugs(t *testing.T) {
	tests := []struct {
		prefix       string
		width, n     int
		name, slugIs string
	}{
		{"Bookstore", 2, 7, "Bookstore 07", "bookstore-07"},
		{"Bookstore", 2, 100, "Bookstore 100", "bookstore-100"},
		{"Bookstore", 3, 7, "Bookstore 007", "bookstore-007"},
		{"Café Logto!", 2, 1, "Café Logto! 01", "caf-logto-01"},
	}
	for _, tc := range tests {
		if got := AppName(tc.prefix, tc.width, tc.n); got != tc.name || slug(got) != tc.slugIs {
			t.Errorf("AppName(%q, %d, %d) = %q (%q), want %q (%q)", tc.prefix, tc.width, tc.n, got, slug(got), tc.name, tc.slugIs)
		}
	}
	for n, w := range map[int]int{1: 2, 99: 2, 100: 3, 500: 3} {
		if nameWidth(n) != w {
			t.Errorf("nameWidth(%d) = %d, want %d", n, nameWidth(n), w)
		}
	}
}
