package workshop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/logto-twilio/logto-twilio/internal/atomicfile"
	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/htmlesc"
	"github.com/logto-twilio/logto-twilio/internal/yamlkeys"
)

// CardVersion is the version of the card format.
const CardVersion = 1

// SheetFile is the printable HTML page with every card, one per printed page, in the
// cards folder.
const SheetFile = "cards.html"

// Card is an attendee card: what `logto-twilio --preset <card>.yaml` needs to set up the
// demo with one workshop app. It holds that app's secret and nothing else secret: never
// the facilitator's M2M secret or the Twilio Auth Token. The file is written with mode
// 0600. Keys (YAML): version, name, endpoint, appId, appSecret, port.
type Card struct {
	Version   int    `yaml:"version"`
	Name      string `yaml:"name"`      // the app's name, e.g. "Bookstore 07"
	Endpoint  string `yaml:"endpoint"`  // the Logto endpoint, e.g. https://logto.example.com
	AppID     string `yaml:"appId"`     // the Traditional app's ID
	AppSecret string `yaml:"appSecret"` // its secret
	Port      int    `yaml:"port"`      // the demo's port; the app's URIs are registered for it
}

// String masks the secret.
func (c Card) String() string {
	s := "[secret]"
	if c.AppSecret == "" {
		s = `""`
	}
	return fmt.Sprintf("Card{Name: %q, Endpoint: %s, AppID: %s, AppSecret: %s, Port: %d}", c.Name, c.Endpoint, c.AppID, s, c.Port)
}

// GoString masks the secret in %#v too.
func (c Card) GoString() string { return "workshop." + c.String() }

// cardKeys are the keys a card holds (Card's yaml tags).
var cardKeys = func() []string {
	var keys []string
	t := reflect.TypeFor[Card]()
	for i := range t.NumField() {
		keys = append(keys, t.Field(i).Tag.Get("yaml"))
	}
	return keys
}()

// ParseCard reads a card file's content and checks it (for the attendee's --preset).
func ParseCard(data []byte) (Card, error) { return parseCard(data, "") }

// parseCard is ParseCard; file names the card in an unknown key's error ("" for none).
func parseCard(data []byte, file string) (Card, error) {
	var c Card
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // an unknown key is not a card of ours
	err := dec.Decode(&c)
	if err == nil {
		var more yaml.Node
		if dec.Decode(&more) != io.EOF { //nolint:errorlint // io.EOF is returned as is
			err = errors.New("more than one YAML document")
		}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		// The decoder says "line 6: field m2mSecret not found in type workshop.Card";
		// the card's own parse says which key, where, and the key it is close to.
		if uk := yamlkeys.Find(data, func(k string) bool { return slices.Contains(cardKeys, k) }, cardKeys, false); uk != nil {
			uk.File = file
			next := "ask the facilitator for a new one"
			if uk.Suggest != "" {
				next = "fix that key, or " + next
			}
			return Card{}, fmt.Errorf("workshop: the card is not a logto-twilio card: %w (a card has only the keys %s); %s",
				uk, strings.Join(cardKeys, ", "), next)
		}
	}
	if err != nil && !errors.Is(err, io.EOF) { // EOF: an empty file, said below
		return Card{}, fmt.Errorf("workshop: the card is not a logto-twilio card (%s): ask the facilitator for a new one", firstLine(err.Error()))
	}
	var missing []string
	if c.Version == 0 {
		missing = append(missing, "version")
	}
	for _, f := range []struct{ key, v string }{{"endpoint", c.Endpoint}, {"appId", c.AppID}, {"appSecret", c.AppSecret}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.key)
		}
	}
	switch {
	case c.Version > CardVersion:
		return Card{}, fmt.Errorf("workshop: the card was made by a newer logto-twilio (version %d; this one reads version %d): update logto-twilio, then run this again", c.Version, CardVersion)
	case len(missing) == 0 && c.Version != CardVersion:
		return Card{}, fmt.Errorf("workshop: the card has version %d; this logto-twilio reads version %d: ask the facilitator for a new one", c.Version, CardVersion)
	case len(missing) > 0:
		return Card{}, fmt.Errorf("workshop: the card has no %s: ask the facilitator for a new one", strings.Join(missing, ", no "))
	case c.Port < 1 || c.Port > 65535:
		return Card{}, fmt.Errorf("workshop: the card's port %d is not a port: ask the facilitator for a new one", c.Port)
	}
	return c, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// ReadCard reads and checks the card file at path.
func ReadCard(path string) (Card, error) {
	b, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return Card{}, fmt.Errorf("workshop: read the card: %w", err)
	}
	return parseCard(b, path)
}

// cardCommand is the command an attendee runs with the card file: plain "logto-twilio
// --preset <file>", not Config.Command's rendering, because it is read and run on the
// attendee's machine, where none of the facilitator's flags (--config-dir, --sandbox…)
// apply. The file name is quoted for the shell when it needs it (slug names never do).
func cardCommand(file string) string {
	return cmdline.Plain("", "--preset", file)
}

// cardFiles are the paths of one app's card (YAML) and printable text sheet.
func cardFiles(outDir, name string) (card, sheet string) {
	base := filepath.Join(outDir, slug(name))
	return base + ".yaml", base + ".txt"
}

// commentLine keeps a name on its comment line: YAML ends a comment at any of these
// line breaks, and the rest of the name would be read as the card's YAML.
var commentLine = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\u0085", " ", "\u2028", " ", "\u2029", " ")

// writeCard writes the card and its text sheet (both mode 0600).
func writeCard(c Card, cardPath, sheetPath string) error {
	b, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Errorf("workshop: encode the card: %w", err)
	}
	head := "# logto-twilio workshop card: " + commentLine.Replace(c.Name) + "\n# Run: " + cardCommand(filepath.Base(cardPath)) + "\n"
	if err := atomicfile.Write(cardPath, append([]byte(head), b...), 0o600); err != nil {
		return fmt.Errorf("workshop: write the card: %w", err)
	}
	if err := atomicfile.Write(sheetPath, []byte(SheetText(c, filepath.Base(cardPath))), 0o600); err != nil {
		return fmt.Errorf("workshop: write the card's sheet: %w", err)
	}
	return nil
}

// SheetText is the printable one-page text of a card: the command to run and, for an
// attendee who has only the paper, the values to paste.
func SheetText(c Card, cardFile string) string {
	var b strings.Builder
	title := "logto-twilio workshop: " + c.Name
	fmt.Fprintf(&b, "%s\n%s\n\n", title, strings.Repeat("=", len([]rune(title))))
	fmt.Fprintf(&b, "Your own Logto app for today. To set up SMS sign-in with it, run:\n\n")
	fmt.Fprintf(&b, "    %s\n\n", cardCommand(cardFile))
	fmt.Fprintf(&b, "(%s comes with this sheet; ask the facilitator if you do not have it.)\n\n", cardFile)
	fmt.Fprintf(&b, "Without the file, run logto-twilio and, when it asks for the app, paste:\n\n")
	fmt.Fprintf(&b, "    Logto endpoint  %s\n    App ID          %s\n    App secret      %s\n    Demo port       %d\n\n", c.Endpoint, c.AppID, c.AppSecret, c.Port)
	fmt.Fprintf(&b, "The demo then runs at http://localhost:%d; sign in there with your phone.\n", c.Port)
	fmt.Fprintf(&b, "This app works until the facilitator removes the workshop apps.\n")
	return b.String()
}

// sheetHead and sheetTail wrap the sections of the printable sheet. It is written by hand, not
// with html/template (a reachable template Execute keeps every exported method in the binary,
// about 4 MiB); htmlesc escapes each value as html/template did (sheet_equal_test.go).
const sheetHead = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>logto-twilio workshop cards</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#111}
section{padding:2.5cm 2cm;break-after:page;page-break-after:always}
section:last-child{break-after:auto;page-break-after:auto}
h1{font-size:1.6em;margin:0 0 1em}
pre{font-size:1.25em;background:#f3f3f3;padding:.6em 1em;border-radius:4px}
table{border-collapse:collapse;font-size:1.05em}td{padding:.3em 1em .3em 0;vertical-align:top}
td.v{font-family:ui-monospace,monospace;word-break:break-all}
.note{color:#555;margin-top:2em}
</style></head><body>
`

const sheetTail = "</body></html>\n"

// writeSheetSection writes one card's printed page.
func writeSheetSection(b *bytes.Buffer, e sheetEntry) {
	file, port := htmlesc.Text(e.File), strconv.Itoa(e.Card.Port)
	b.WriteString(`<section>
<h1>logto-twilio workshop: ` + htmlesc.Text(e.Card.Name) + `</h1>
<p>Your own Logto app for today. To set up SMS sign-in with it, run:</p>
<pre>` + htmlesc.Text(cardCommand(e.File)) + `</pre>
<p>(` + file + ` comes with this sheet; ask the facilitator if you do not have it.)</p>
<p>Without the file, run <code>logto-twilio</code> and, when it asks for the app, paste:</p>
<table>
<tr><td>Logto endpoint</td><td class="v">` + htmlesc.Text(e.Card.Endpoint) + `</td></tr>
<tr><td>App ID</td><td class="v">` + htmlesc.Text(e.Card.AppID) + `</td></tr>
<tr><td>App secret</td><td class="v">` + htmlesc.Text(e.Card.AppSecret) + `</td></tr>
<tr><td>Demo port</td><td class="v">` + port + `</td></tr>
</table>
<p class="note">The demo then runs at http://localhost:` + port + `; sign in there with your phone.
This app works until the facilitator removes the workshop apps.</p>
</section>
`)
}

type sheetEntry struct {
	Card Card
	File string
}

// writeSheet writes the printable HTML page with every card, one per printed page.
func writeSheet(path string, entries []sheetEntry) error {
	if len(entries) == 0 {
		return errors.New("workshop: no card to print")
	}
	var buf bytes.Buffer
	buf.WriteString(sheetHead)
	for _, e := range entries {
		writeSheetSection(&buf, e)
	}
	buf.WriteString(sheetTail)
	if err := atomicfile.Write(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("workshop: write the sheet: %w", err)
	}
	return nil
}
