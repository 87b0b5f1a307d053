package workshop

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/atomicfile"
)

// RecordFile is the name of the record in the facilitator's config directory.
const RecordFile = "workshop.json"

// JournalFile is the name of the record's journal, beside RecordFile.
const JournalFile = "workshop.journal"

// RecordVersion is the version of workshop.json. Version 2 added the journal (the "journal"
// field); a version 1 file is read as a base without one.
const RecordVersion = 2

// JournalVersion is the version of each line of workshop.journal.
const JournalVersion = 1

// journalCompactMin is the journal size below which it is never folded into the base
// before the end of a run (a 500-app prepare appends about 130 KB of lines).
const journalCompactMin = 1 << 20

// The record on disk is two files; together they are written so that N apps cost O(N)
// bytes and a crash loses no app that was made.
//
//   - workshop.json, the base: the whole Record, rewritten atomically (atomicfile: temporary
//     file, fsync, rename) at the start and at the end of every prepare and teardown, and
//     when the journal has grown larger than the base (and 1 MiB). Each write gives the
//     base a new random journal ID.
//   - workshop.journal, mode 0600, opened O_APPEND: one JSON line per change after that
//     (an app recorded, an app taken off), each written with one write and one fsync
//     before the change counts as done. Every line carries the journal ID of the base it
//     continues and the time of the change.
//
// LoadRecord reads the base and replays, in order, the journal lines that carry the
// base's ID; any other line is left over from before the base was last written (the base
// already holds its change) and is skipped. A line counts once its newline is on disk: a
// last line without one is a write cut short by a crash and is ignored, with every line
// before it kept. A journal without a base is no record (the base is written before any
// line, and removed first when a teardown empties the record). So LoadRecord returns what
// the in-memory record was after the last change whose write finished — what rewriting
// workshop.json after every change used to leave — at O(1) bytes per change instead of
// O(N).
//
// When an append fails, the journal is cut back to its last whole line and the change is
// saved by rewriting the base instead (as before the journal); until such a rewrite
// succeeds, every change rewrites the base, so the files never hold a change without the
// ones made before it.

// Record is workshop.json (with its journal replayed): which apps Prepare made. It holds
// no secret (the app secrets go on the cards only); it is written with mode 0600 all the
// same, like the rest of the config directory.
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
	Updated time.Time     `json:"updated"`         // the time of the last change
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

// baseFile is workshop.json as written: the record and the ID its journal lines carry.
type baseFile struct {
	Record
	Journal string `json:"journal,omitempty"`
}

// Journal operations.
const (
	opPut    = "put"    // App is recorded (added, or replacing the one with its number)
	opRemove = "remove" // the app with Number is taken off
)

// journalLine is one line of workshop.journal.
type journalLine struct {
	Version int          `json:"version"`
	Journal string       `json:"journal"` // the base's journal ID
	Op      string       `json:"op"`
	At      time.Time    `json:"at"`
	App     *RecordedApp `json:"app,omitempty"`
	Number  int          `json:"number,omitempty"`
}

// LoadRecord reads workshop.json from dir and replays its journal; found is false when
// there is no workshop.json.
func LoadRecord(dir string) (rec Record, found bool, err error) {
	base, err := os.ReadFile(RecordPath(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("workshop: read %s: %w", RecordPath(dir), err)
	}
	journal, err := os.ReadFile(JournalPath(dir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Record{}, false, fmt.Errorf("workshop: read %s: %w", JournalPath(dir), err)
	}
	rec, err = parseRecord(dir, base, journal)
	if err != nil {
		return Record{}, false, err
	}
	return rec, true, nil
}

// parseRecord is LoadRecord on the files' contents (dir names them in errors).
func parseRecord(dir string, b, journal []byte) (Record, error) {
	var base baseFile
	if err := json.Unmarshal(b, &base); err != nil {
		return Record{}, fmt.Errorf("workshop: %s is damaged (%w): fix or remove it; the apps it listed are still in Logto (their names start with the prefix you used)", RecordPath(dir), err)
	}
	if base.Version > RecordVersion {
		return Record{}, fmt.Errorf("workshop: %s was made by a newer logto-twilio (version %d; this one reads versions 1 to %d): update logto-twilio, then run this again; this version does not change the file", RecordPath(dir), base.Version, RecordVersion)
	}
	if base.Version < 1 {
		return Record{}, fmt.Errorf("workshop: %s is damaged (version %d): fix or remove it; the apps it listed are still in Logto (their names start with the prefix you used)", RecordPath(dir), base.Version)
	}
	rec := base.Record
	rec.Version = RecordVersion
	sortApps(rec.Apps)
	if base.Journal == "" {
		return rec, nil // version 1, or written by hand: no journal continues it
	}
	var ne *newerJournalError
	if err := replay(&rec, base.Journal, journal); errors.As(err, &ne) {
		return Record{}, fmt.Errorf("workshop: %s was made by a newer logto-twilio (line %d has version %d; this one reads version %d): update logto-twilio, then run this again; this version does not change the file",
			JournalPath(dir), ne.line, ne.version, JournalVersion)
	} else if err != nil {
		return Record{}, fmt.Errorf("workshop: %s is damaged (%w): remove it (the apps its lines listed are still in Logto, and prepare adopts them by name)", JournalPath(dir), err)
	}
	return rec, nil
}

// replay applies to rec the lines of journal that carry the ID id, in order.
func replay(rec *Record, id string, journal []byte) error {
	for n := 1; len(journal) > 0; n++ {
		i := bytes.IndexByte(journal, '\n')
		if i < 0 {
			return nil // the last line was cut short by a crash: its change did not happen
		}
		line := journal[:i]
		journal = journal[i+1:]
		var l journalLine
		if err := json.Unmarshal(line, &l); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if l.Version > JournalVersion {
			return &newerJournalError{line: n, version: l.Version}
		}
		if l.Version != JournalVersion {
			return fmt.Errorf("line %d has version %d", n, l.Version)
		}
		if l.Journal != id {
			continue // left from before the base was written: the base holds its change
		}
		switch {
		case l.Op == opPut && l.App != nil:
			rec.put(*l.App)
		case l.Op == opRemove:
			rec.remove(l.Number)
		default:
			return fmt.Errorf("line %d: unknown change %q", n, l.Op)
		}
		rec.Updated = l.At
	}
	return nil
}

// newerJournalError is a journal line of a newer version.
type newerJournalError struct{ line, version int }

func (e *newerJournalError) Error() string {
	return fmt.Sprintf("line %d has version %d", e.line, e.version)
}

// JournalPath is where the journal of the record in dir lives.
func JournalPath(dir string) string { return filepath.Join(dir, JournalFile) }

// recordLog is the record one prepare or teardown changes: the record in memory, its base
// on disk, and the journal each change is appended to. It is not safe for concurrent use:
// Prepare and Teardown call it under their lock.
type recordLog struct {
	dir string
	rec Record
	id  string   // the base's journal ID
	f   *os.File // the journal, opened at the first change
	// size is the journal's length: every line in it is whole.
	size, baseSize int64
	// broken: an append failed and the journal could not be cut back; every change then
	// rewrites the base until one such rewrite succeeds.
	broken bool
	// compactAt: the journal is folded into the base once it is longer than this and than
	// the base (journalCompactMin; tests lower it).
	compactAt int64
	// wrote, when set, is told the size of every write to the base or the journal (tests).
	wrote func(int)
}

// openRecordLog writes rec as the base of a new journal (which the writes after it append
// to) and removes the old journal, whose changes rec holds.
func openRecordLog(dir string, rec Record, wrote func(int)) (*recordLog, error) {
	l := &recordLog{dir: dir, rec: rec, compactAt: journalCompactMin, wrote: wrote}
	// The base's temporary files left by a killed prepare or teardown go.
	if _, err := atomicfile.RemoveStray(dir, RecordFile); err != nil {
		return nil, fmt.Errorf("workshop: %w", err)
	}
	sortApps(l.rec.Apps)
	if err := l.compact(); err != nil {
		return nil, err
	}
	return l, nil
}

// put records a and appends the change.
func (l *recordLog) put(a RecordedApp, now time.Time) error {
	l.rec.put(a)
	l.rec.Updated = now
	return l.append(journalLine{Op: opPut, App: &a, At: now})
}

// remove takes app number off the record and appends the change.
func (l *recordLog) remove(number int, now time.Time) error {
	l.rec.remove(number)
	l.rec.Updated = now
	return l.append(journalLine{Op: opRemove, Number: number, At: now})
}

func (l *recordLog) append(line journalLine) error {
	if l.broken {
		return l.compact()
	}
	line.Version, line.Journal = JournalVersion, l.id
	b, err := json.Marshal(line)
	if err != nil {
		return fmt.Errorf("workshop: encode the change: %w", err)
	}
	b = append(b, '\n')
	if err := l.write(b); err != nil {
		// Cut the file back to its last whole line (when that fails too, the rewrite of
		// the base below makes its lines obsolete); the change, with every other change
		// in memory, goes into a rewritten base, and so does every later change until
		// such a rewrite succeeds.
		if l.f != nil {
			_ = l.f.Truncate(l.size)
		}
		l.broken = true
		if cerr := l.compact(); cerr != nil {
			return errors.Join(err, cerr)
		}
		return nil
	}
	if l.size > max(l.compactAt, l.baseSize) {
		return l.compact()
	}
	return nil
}

func (l *recordLog) write(b []byte) error {
	if l.f == nil {
		f, err := os.OpenFile(JournalPath(l.dir), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("workshop: open the journal: %w", err)
		}
		st, err := f.Stat()
		if err != nil {
			_ = f.Close()
			return fmt.Errorf("workshop: open the journal: %w", err)
		}
		l.f, l.size = f, st.Size()
	}
	l.report(len(b))
	if _, err := l.f.Write(b); err != nil {
		return fmt.Errorf("workshop: record the change: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("workshop: record the change: %w", err)
	}
	l.size += int64(len(b))
	return nil
}

func (l *recordLog) report(n int) {
	if l.wrote != nil {
		l.wrote(n)
	}
}

// compact writes the record as the base of a new journal and removes the old journal.
func (l *recordLog) compact() error {
	id, err := newJournalID()
	if err != nil {
		return err
	}
	l.rec.Version = RecordVersion
	if l.rec.Updated.IsZero() {
		// A record written before updated was kept (always 0001-01-01) has no
		// known last change: the file never says the zero time again.
		l.rec.Updated = time.Now().UTC()
	}
	b, err := json.MarshalIndent(baseFile{Record: l.rec, Journal: id}, "", "  ")
	if err != nil {
		return fmt.Errorf("workshop: encode the record: %w", err)
	}
	b = append(b, '\n')
	l.report(len(b))
	if err := atomicfile.Write(RecordPath(l.dir), b, 0o600); err != nil {
		return fmt.Errorf("workshop: save the record: %w", err)
	}
	// From here the old journal's lines are skipped (their ID is not the base's): removing
	// it only saves reading them.
	l.id, l.baseSize, l.broken = id, int64(len(b)), false
	l.closeJournal()
	if err := os.Remove(JournalPath(l.dir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		l.broken = true // lines after a cut-short one must not be appended: rewrite instead
	}
	return nil
}

func (l *recordLog) closeJournal() {
	if l.f != nil {
		_ = l.f.Close() // every line was synced when it was written
		l.f, l.size = nil, 0
	}
}

// close folds the journal into the base: the record is one file again.
func (l *recordLog) close() error { return l.compact() }

// removeAll removes the record: the base first (a journal without it is no record), then
// the journal.
func (l *recordLog) removeAll() error {
	l.closeJournal()
	if err := os.Remove(RecordPath(l.dir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("workshop: remove the empty record: %w", err)
	}
	if err := os.Remove(JournalPath(l.dir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("workshop: remove the empty record's journal: %w", err)
	}
	return nil
}

func newJournalID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("workshop: a journal ID: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

func sortApps(apps []RecordedApp) {
	slices.SortFunc(apps, func(a, b RecordedApp) int { return a.Number - b.Number })
}

// app returns the recorded app with number (Apps are kept by number).
func (r *Record) app(number int) (RecordedApp, bool) {
	i, ok := r.find(number)
	if !ok {
		return RecordedApp{}, false
	}
	return r.Apps[i], true
}

func (r *Record) find(number int) (int, bool) {
	return slices.BinarySearchFunc(r.Apps, number, func(a RecordedApp, n int) int { return a.Number - n })
}

// put adds a, or replaces the app with its number, keeping Apps by number.
func (r *Record) put(a RecordedApp) {
	i, ok := r.find(a.Number)
	if ok {
		r.Apps[i] = a
		return
	}
	r.Apps = slices.Insert(r.Apps, i, a)
}

func (r *Record) remove(number int) {
	if i, ok := r.find(number); ok {
		r.Apps = slices.Delete(r.Apps, i, i+1)
	}
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
