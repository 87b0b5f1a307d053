package workshop

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/atomicfile"
)

// RecordFile is the name of the record in the facilitator's config directory.
const RecordFile = "workshop.json"

// RecordVersion is the version of workshop.json.
const RecordVersion = 1

// Record is workshop.json: which apps Prepare made. It holds no secret (the app secrets go
// on the cards only); it is written with mode 0600 all the same, like the rest of the
// config directory.
type Record struct {
	Version    int    `json:"version"`
	Endpoint   string `json:"endpoint"`
	NamePrefix string `json:"namePrefix"`
	// Width is the number of digits in the names ("Bookstore 01": 2), fixed by the first
	// prepare so that a later, larger run never makes "Bookstore 001" beside "Bookstore 01".
	Width   int           `json:"width"`
	Port    int           `json:"port"`
	OutDir  string        `json:"outDir,omitempty"`
	Sheet   string        `json:"sheet,omitempty"` // the printable HTML with every card
	Apps    []RecordedApp `json:"apps"`            // by number
	Updated time.Time     `json:"updated"`
}

// RecordedApp is one app Prepare made (or adopted after a lost record write).
type RecordedApp struct {
	Number  int       `json:"number"`
	Name    string    `json:"name"`
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Card    string    `json:"card,omitempty"`  // the card's YAML file
	Sheet   string    `json:"sheet,omitempty"` // the card's printable text file
}

// LoadRecord reads workshop.json from dir; found is false when there is none.
func LoadRecord(dir string) (rec Record, found bool, err error) {
	b, err := os.ReadFile(RecordPath(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("workshop: read %s: %w", RecordPath(dir), err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return Record{}, false, fmt.Errorf("workshop: %s is damaged (%w): fix or remove it; the apps it listed are still in Logto (their names start with the prefix you used)", RecordPath(dir), err)
	}
	if rec.Version != RecordVersion {
		return Record{}, false, fmt.Errorf("workshop: %s has version %d; this logto-twilio reads version %d: update logto-twilio", RecordPath(dir), rec.Version, RecordVersion)
	}
	return rec, true, nil
}

func saveRecord(dir string, rec Record) error {
	rec.Version = RecordVersion
	slices.SortFunc(rec.Apps, func(a, b RecordedApp) int { return a.Number - b.Number })
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("workshop: encode the record: %w", err)
	}
	if err := atomicfile.Write(RecordPath(dir), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("workshop: save the record: %w", err)
	}
	return nil
}

func (r *Record) app(number int) (RecordedApp, bool) {
	for _, a := range r.Apps {
		if a.Number == number {
			return a, true
		}
	}
	return RecordedApp{}, false
}

func (r *Record) put(a RecordedApp) {
	for i := range r.Apps {
		if r.Apps[i].Number == a.Number {
			r.Apps[i] = a
			return
		}
	}
	r.Apps = append(r.Apps, a)
}

func (r *Record) remove(number int) {
	r.Apps = slices.DeleteFunc(r.Apps, func(a RecordedApp) bool { return a.Number == number })
}

// AppName is the name of attendee app number n: the prefix, a space, and n with at least
// width digits ("Bookstore 07"; "Bookstore 100" once n needs more).
func AppName(prefix string, width, n int) string {
	return fmt.Sprintf("%s %0*d", prefix, width, n)
}

// nameWidth is the width a first prepare of n apps uses: 2, or more for n ≥ 100.
func nameWidth(n int) int { return max(2, len(strconv.Itoa(n))) }

// slug turns a name into a file name: lower-case letters and digits, other runs as "-".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}
