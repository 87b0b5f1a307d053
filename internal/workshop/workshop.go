// Package workshop is the facilitator's side of a workshop: with the facilitator's saved
// setup (an M2M app, the shared Twilio connector and phone sign-in, made by a normal
// `logto-twilio setup`), Prepare creates one Traditional app per attendee and writes an
// attendee card for each; Status shows, per app, whether someone has signed in through it;
// Teardown deletes exactly the apps Prepare made.
//
// What Prepare made is recorded in workshop.json in the facilitator's config directory
// (beside setup.json): the base, rewritten atomically at the start and the end of a run,
// and workshop.journal beside it, one line appended and synced per app made or removed
// (record.go). So a crash or a failed call loses nothing, a re-run creates only what is
// missing, and N apps cost O(N) bytes of writes. The cards hold one app's ID and
// secret and never the M2M secret or the Twilio Auth Token.
//
// Every call to Logto goes through an *http.Client whose transport honours 429 answers
// (Retry-After), in one place: retry.go.
package workshop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// Defaults of Config.
const (
	DefaultNamePrefix   = "Bookstore"
	DefaultPort         = 3000
	DefaultConcurrency  = 8
	DefaultOutDir       = "workshop-cards"
	DefaultMaxRetryWait = 2 * time.Minute
	// MaxAttendees bounds --attendees.
	MaxAttendees = 500
	// MaxConcurrency bounds --concurrency.
	MaxConcurrency = 32
)

// AppDescription is the description Prepare gives every app it creates. Only an app with
// this description is ever adopted by name (after a lost record write); an app with the
// same name and another description is the facilitator's own and is left alone.
const AppDescription = "Workshop attendee app made by logto-twilio workshop prepare; deleted by logto-twilio workshop teardown."

// Config is what the workshop commands need. The zero value of each field means its
// default; Dir is required.
type Config struct {
	// Dir is the facilitator's config directory (config.Store.Dir): setup.json and
	// secrets.json are read from it, workshop.json is written to it.
	Dir string
	// HTTPClient reaches Logto (nil = http.DefaultClient). Its transport is wrapped to
	// honour 429 Retry-After.
	HTTPClient *http.Client

	Attendees   int    // prepare: how many apps (1–MaxAttendees); --attendees
	NamePrefix  string // prepare: app names are "<prefix> 01"…; --name-prefix, default "Bookstore"
	Port        int    // prepare: the demo's port in the apps' URIs and on the cards; --port, default 3000
	OutDir      string // prepare: where the cards go; --out, default "workshop-cards"
	Concurrency int    // calls in flight at once (1–MaxConcurrency); --concurrency, default 8

	// MaxRetryWait is the longest Retry-After honoured; a longer one fails that call
	// (the app is reported, a re-run finishes it). Default 2 minutes.
	MaxRetryWait time.Duration

	// Sandbox says the setup is the sandbox's: its Logto is on this machine by design
	// (a rehearsal), so the cards' local address is not warned about.
	Sandbox bool
	// Relocate moves a saved Logto URL (the setup's, the workshop record's) to where
	// that Logto runs now: the sandbox's read-only stand-ins run on new ports
	// (sandbox.Env.RelocateURL). nil: where it was saved.
	Relocate func(url string) string

	// Command renders the command lines the errors and summaries suggest: the command
	// layer's, which adds the flags that reach the same setup (--sandbox, --config-dir, …).
	// nil gives plain "logto-twilio <command>".
	Command cmdline.Func

	// recordWrites, when set, is told the size of every write to workshop.json and its
	// journal (tests count the bytes a run writes).
	recordWrites func(int)
}

// cmd is the command line to suggest for command and args (Config.Command), in backquotes.
func (c Config) cmd(command string, args ...string) string {
	return "`" + c.Command.Line(command, args...) + "`"
}

// prepareArgs are prepare's flags that repeat this run: --attendees, and --name-prefix,
// --out, --port and --concurrency when they are not the defaults. Call it on a Config with
// its defaults.
func (c Config) prepareArgs() []string {
	args := []string{"--attendees", strconv.Itoa(c.Attendees)}
	if c.NamePrefix != DefaultNamePrefix {
		args = append(args, "--name-prefix", c.NamePrefix)
	}
	if c.OutDir != DefaultOutDir {
		args = append(args, "--out", c.OutDir)
	}
	if c.Port != DefaultPort {
		args = append(args, "--port", strconv.Itoa(c.Port))
	}
	if c.Concurrency != DefaultConcurrency {
		args = append(args, "--concurrency", strconv.Itoa(c.Concurrency))
	}
	return args
}

func (c Config) withDefaults() Config {
	if c.NamePrefix == "" {
		c.NamePrefix = DefaultNamePrefix
	}
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.OutDir == "" {
		c.OutDir = DefaultOutDir
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.MaxRetryWait == 0 {
		c.MaxRetryWait = DefaultMaxRetryWait
	}
	if c.HTTPClient == nil {
		c.HTTPClient = http.DefaultClient
	}
	return c
}

// validate checks the fields every command uses; prepare adds its own.
func (c Config) validate() error {
	if strings.TrimSpace(c.Dir) == "" {
		return errors.New("workshop: no config directory given")
	}
	if c.Concurrency < 1 || c.Concurrency > MaxConcurrency {
		return fmt.Errorf("workshop: --concurrency %d is not between 1 and %d", c.Concurrency, MaxConcurrency)
	}
	if c.MaxRetryWait < 0 {
		return errors.New("workshop: the longest retry wait cannot be negative")
	}
	return nil
}

func (c Config) validatePrepare() error {
	if err := c.validate(); err != nil {
		return err
	}
	if c.Attendees < 1 || c.Attendees > MaxAttendees {
		return fmt.Errorf("workshop: --attendees %d is not between 1 and %d: give the number of attendees, e.g. --attendees 30", c.Attendees, MaxAttendees)
	}
	if err := checkPrefix(c.NamePrefix); err != nil {
		return err
	}
	if c.Port < 1 || c.Port > 65535 {
		return fmt.Errorf("workshop: --port %d is not a port (1–65535)", c.Port)
	}
	if strings.TrimSpace(c.OutDir) == "" {
		return errors.New("workshop: --out is empty: give the folder for the attendee cards")
	}
	return nil
}

func checkPrefix(p string) error {
	if p != strings.TrimSpace(p) || p == "" {
		return fmt.Errorf("workshop: --name-prefix %q has spaces around it or is empty: give a name such as %q", p, DefaultNamePrefix)
	}
	if len(p) > 100 {
		return fmt.Errorf("workshop: --name-prefix is %d characters long: keep it under 100", len(p))
	}
	for _, r := range p {
		if unicode.IsControl(r) {
			return fmt.Errorf("workshop: --name-prefix %q contains invisible characters", p)
		}
	}
	if slug(p) == "" {
		return fmt.Errorf("workshop: --name-prefix %q needs at least one letter or digit (it names the card files)", p)
	}
	return nil
}

// NotReadyError says the facilitator's saved setup lacks what the workshop needs; the
// command offers to run setup first.
type NotReadyError struct {
	Dir     string
	Missing []string // plain-language items, e.g. "the M2M app's secret"
	// Command renders the setup command the message suggests (Config.Command; nil: plain).
	Command cmdline.Func
}

func (e *NotReadyError) Error() string {
	return fmt.Sprintf("workshop: the saved setup in %s has no %s: run `%s` first (with the automatic method, an M2M app), then run this again",
		e.Dir, strings.Join(e.Missing, ", no "), e.Command.Line("setup"))
}

// facilitator is the loaded setup and a Management API client.
type facilitator struct {
	setup    config.Setup
	endpoint logtoapi.Endpoint
	client   *logtoapi.Client
}

// load reads the facilitator's setup. full asks for everything prepare needs (the shared
// connector and phone sign-in too); status and teardown need only the M2M app.
func load(c Config, hc *http.Client, full bool) (facilitator, error) {
	// Read changes nothing (status is read-only); the commands that save
	// tidied the folder and refused damaged files before (factory.OpenSaved).
	l, err := config.Store{Dir: c.Dir}.Read()
	if err != nil {
		return facilitator{}, fmt.Errorf("workshop: read the saved setup: %w", err)
	}
	if u := l.Unusable(); len(u) > 0 {
		return facilitator{}, &config.DamagedError{Damage: u, Command: c.Command}
	}
	var missing []string
	if l.Setup.Endpoint == "" {
		missing = append(missing, "Logto endpoint")
	}
	if l.Setup.M2MAppID == "" {
		missing = append(missing, "M2M app")
	}
	if l.Secrets.M2MAppSecret == "" {
		missing = append(missing, "M2M app secret")
	}
	if full {
		if l.Setup.ConnectorID == "" {
			missing = append(missing, "Twilio SMS connector")
		}
		if !l.Setup.SignInConfigured {
			missing = append(missing, "phone sign-in")
		}
	}
	if len(missing) > 0 {
		return facilitator{}, &NotReadyError{Dir: c.Dir, Missing: missing, Command: c.Command}
	}
	l.Setup.Endpoint = c.relocate(l.Setup.Endpoint)
	e, err := logtoapi.ParseEndpoint(l.Setup.Endpoint)
	if err != nil {
		return facilitator{}, fmt.Errorf("workshop: the saved endpoint: %w", err)
	}
	cl, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: l.Setup.M2MAppID, AppSecret: l.Secrets.M2MAppSecret.Reveal()}, hc)
	if err != nil {
		return facilitator{}, fmt.Errorf("workshop: %w", err)
	}
	return facilitator{setup: l.Setup, endpoint: e, client: cl}, nil
}

// relocate is Relocate, or u as it is.
func (c Config) relocate(u string) string {
	if c.Relocate == nil {
		return u
	}
	return c.Relocate(u)
}

// RecordPath is where the record of a workshop lives in dir.
func RecordPath(dir string) string { return filepath.Join(dir, RecordFile) }

// isNotFound reports whether err is Logto's 404.
func isNotFound(err error) bool {
	var ae *logtoapi.APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// forEach runs f(i) for i in [0, n) on at most workers goroutines and waits for them.
func forEach(ctx context.Context, n, workers int, f func(i int)) {
	idx := make(chan int)
	done := make(chan struct{})
	for range min(workers, n) {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range idx {
				f(i)
			}
		}()
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		idx <- i
	}
	close(idx)
	for range min(workers, n) {
		<-done
	}
}
