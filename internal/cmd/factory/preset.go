package factory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/workshop"
	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// presetEnv names the card file like --preset does (the flag wins).
const presetEnv = "LOGTO_TWILIO_PRESET"

// PresetUsage is --preset's help line.
const PresetUsage = "a workshop card (from workshop prepare): set up as an attendee, with the workshop's app and SMS (env " + presetEnv + ")"

// Preset is a workshop card read by ApplyPreset, and the path it was read from.
type Preset struct {
	Path string
	Card workshop.Card
}

// ApplyPreset reads the card of --preset (or LOGTO_TWILIO_PRESET), checks it against the
// wizard's --logto-endpoint and --port (endpoint, port: "" and 0 when not given), and points o
// at the attendee's own config directory. It returns the card (nil without one). Errors carry exit code 2 (bad input) and say what to do.
//
// The attendee's setup is kept apart from a facilitator's: without --config-dir it is
// saved in "workshop-<card name>" inside the usual config directory
// (LOGTO_TWILIO_CONFIG_DIR, or ~/.config/logto-twilio/workshop-bookstore-07 on Linux),
// never in the folder that holds a facilitator's setup; a --config-dir that holds a
// setup made with an M2M app, or a workshop record, is refused.
func ApplyPreset(o *Options, endpoint string, port int, getenv func(string) string) (*Preset, error) {
	path := strings.TrimSpace(o.Preset)
	if path == "" {
		path = strings.TrimSpace(getenv(presetEnv))
	}
	if path == "" {
		return nil, nil
	}
	bad := func(format string, a ...any) (*Preset, error) {
		return nil, WithCode(ExitUsage, fmt.Errorf(format, a...))
	}
	if o.Sandbox {
		return bad("--preset: the card names the workshop's Logto; run it without --sandbox")
	}
	card, err := readCard(path)
	if err != nil {
		return nil, WithCode(ExitUsage, err)
	}
	if endpoint != "" {
		if e, err := logtoapi.ParseEndpoint(endpoint); err != nil || !sameEndpoint(e, card.Endpoint) {
			return bad("--preset: the card's Logto is %s, not %s: leave out --logto-endpoint", card.Endpoint, endpoint)
		}
	}
	if port != 0 && port != card.Port {
		return bad("--preset: the card's app is registered for port %d, not %d: leave out --port", card.Port, port)
	}
	dir, err := attendeeDir(*o, card, getenv)
	if err != nil {
		return nil, WithCode(ExitUsage, err)
	}
	o.Preset = path
	o.ConfigDir, o.PresetDir = dir, dir
	return &Preset{Path: path, Card: card}, nil
}

// readCard refuses a card that others can read (it holds the app secret), then
// reads and checks it.
func readCard(path string) (workshop.Card, error) {
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return workshop.Card{}, fmt.Errorf("--preset %s: no such file: give the path of your workshop card (e.g. bookstore-07.yaml)", path)
		}
		return workshop.Card{}, fmt.Errorf("--preset %s: %w", path, err)
	}
	if info.IsDir() {
		return workshop.Card{}, fmt.Errorf("--preset %s is a folder: give the card file in it (e.g. bookstore-07.yaml)", path)
	}
	if perm := info.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return workshop.Card{}, fmt.Errorf("--preset %s: others can read the card (mode %04o) and it holds your app's secret: run chmod 600 %s, then run this again",
			path, perm, cmdline.Quote(path))
	}
	card, err := workshop.ReadCard(path)
	if err != nil {
		if strings.Contains(err.Error(), path) {
			return workshop.Card{}, fmt.Errorf("--preset: %w", err) // it names the card already
		}
		return workshop.Card{}, fmt.Errorf("--preset %s: %w", path, err)
	}
	return card, nil
}

// sameEndpoint reports whether e is the card's endpoint.
func sameEndpoint(e logtoapi.Endpoint, card string) bool {
	c, err := logtoapi.ParseEndpoint(card)
	return err == nil && c.String() == e.String()
}

// attendeeDir is where an attendee's setup is saved (see applyPreset).
func attendeeDir(o Options, card workshop.Card, getenv func(string) string) (string, error) {
	if d := strings.TrimSpace(o.ConfigDir); d != "" {
		if err := notFacilitators(d); err != nil {
			return "", err
		}
		return d, nil
	}
	base := strings.TrimSpace(getenv("LOGTO_TWILIO_CONFIG_DIR"))
	if base == "" {
		s, err := config.DefaultStore()
		if err != nil {
			return "", fmt.Errorf("--preset: %w (set --config-dir)", err)
		}
		base = s.Dir
	}
	return filepath.Join(base, "workshop-"+cardSlug(card)), nil
}

// notFacilitators refuses a folder that holds a facilitator's setup: one made with
// an M2M app, or with a workshop record.
func notFacilitators(dir string) error {
	if _, err := os.Stat(workshop.RecordPath(dir)); err == nil {
		return fmt.Errorf("--preset: %s holds a workshop's record (the facilitator's setup): give another --config-dir, or none", dir)
	}
	l, err := config.Store{Dir: dir}.Read() // only a look: the run's own load reports damage
	if err == nil && l.Found && l.Setup.M2MAppID != "" {
		return fmt.Errorf("--preset: %s holds a setup made with an M2M app (a facilitator's): give another --config-dir, or none", dir)
	}
	return nil
}

// cardSlug names the attendee's folder after the card's app: "Bookstore 07" →
// "bookstore-07" (the app ID when the name has no letter or digit).
func cardSlug(c workshop.Card) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(c.Name) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return strings.ToLower(c.AppID)
	}
	return b.String()
}
