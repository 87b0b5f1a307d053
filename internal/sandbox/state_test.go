package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/demo"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

func mustOpen(t *testing.T, o Options) *Env {
	t.Helper()
	env, err := Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = env.Close() })
	return env
}

// createApp creates a Traditional app through the sandbox's Logto client,
// as the wizard's app step does.
func createApp(t *testing.T, env *Env) logtoapi.Application {
	t.Helper()
	e, err := logtoapi.ParseEndpoint(env.Answers.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: env.Answers.M2MAppID, AppSecret: env.Answers.M2MAppSecret.Reveal()}, env.LogtoHTTP)
	if err != nil {
		t.Fatal(err)
	}
	app, err := c.CreateTraditionalApplication(t.Context(), logtoapi.NewApplication{
		Name: "Sandbox demo", RedirectURIs: []string{"http://localhost:3000/callback"}, PostLogoutRedirectURIs: []string{"http://localhost:3000"},
	})
	if err != nil {
		t.Fatalf("create app: %v", err)
	}
	return app
}

// TestSandboxKeepsStateBetweenRuns opens a sandbox, changes its Logto
// through the client the steps use, closes it, opens it again from the same
// folder and finds the same Logto (same URL, app, connector, sign-in
// experience, M2M app) and the same Twilio account.
func TestSandboxKeepsStateBetweenRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := Options{ConfigDir: dir}
	first := mustOpen(t, o)
	fire := captureSaves(first)
	app := createApp(t, first)
	connID := first.lg.SetSMSConnector("twilio-short-message-service", json.RawMessage(`{"accountSID":"`+sandboxAccountSID+`"}`))

	// Saved after the change, before Close: a killed run keeps it.
	fire()
	raw, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil || !strings.Contains(string(raw), app.ID) {
		t.Errorf("the state file lacks the app created a moment ago (err %v)", err)
	}
	wantApp, _ := first.lg.Application(app.ID)
	wantConn, _ := first.lg.SMSConnector()
	wantSIE := first.lg.SignInExperience()
	endpoint, m2m := first.Answers.Endpoint, first.Answers.M2MAppID
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(filepath.Join(dir, StateFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v (%v), want 0600", StateFile, info.Mode().Perm(), err)
	}

	second := mustOpen(t, o)
	if second.Answers.Endpoint != endpoint {
		t.Errorf("the Logto stand-in came back at %s, want %s (its port was free)", second.Answers.Endpoint, endpoint)
	}
	if got, ok := second.lg.Application(app.ID); !ok || !sameJSONText(got, wantApp) {
		t.Errorf("app after reopening:\n%s\nwant\n%s", got, wantApp)
	}
	if got, ok := second.lg.SMSConnector(); !ok || !sameJSONText(got, wantConn) || !strings.Contains(string(got), connID) {
		t.Errorf("connector after reopening:\n%s\nwant\n%s", got, wantConn)
	}
	if got := second.lg.SignInExperience(); !sameJSONText(got, wantSIE) {
		t.Errorf("sign-in experience after reopening differs")
	}
	if second.Answers.M2MAppID != m2m || second.Answers.M2MAppSecret.Reveal() == "" {
		t.Errorf("M2M app after reopening: %q, want %q with its secret", second.Answers.M2MAppID, m2m)
	}
	if second.Answers.TwilioAuthToken.Reveal() != sandboxAuthToken {
		t.Errorf("the Twilio account's token changed")
	}
	// The reopened M2M credentials still work.
	createApp(t, second)
}

// sameJSONText compares JSON texts but for whitespace.
func sameJSONText(a, b []byte) bool {
	var x, y bytes.Buffer
	if json.Compact(&x, a) != nil || json.Compact(&y, b) != nil {
		return false
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}

// TestSandboxLogtoPortTaken: when the Logto stand-in's old port is taken,
// it comes back on another one and the sandbox's saved setup follows it.
func TestSandboxLogtoPortTaken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := Options{ConfigDir: dir}
	first := mustOpen(t, o)
	app := createApp(t, first)
	old := first.Answers.Endpoint
	su := config.Setup{Endpoint: old, Issuer: old + "/oidc", AppID: app.ID, DemoPort: 3000, TwilioBaseURL: first.Answers.TwilioBaseURL, ExpressDir: "/tmp/express"}
	if err := first.Store.Save(su, config.Secrets{M2MAppSecret: first.Answers.M2MAppSecret}); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", strings.TrimPrefix(old, "http://"))
	if err != nil {
		t.Skipf("the old port was taken by someone else already: %v", err)
	}
	defer busy.Close()

	second := mustOpen(t, o)
	now := second.Answers.Endpoint
	if now == old {
		t.Fatalf("the Logto stand-in claims its busy old address %s", old)
	}
	if _, ok := second.lg.Application(app.ID); !ok {
		t.Errorf("the app is gone after the move")
	}
	l, err := second.Store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if l.Setup.Endpoint != now || l.Setup.Issuer != now+"/oidc" || l.Setup.TwilioBaseURL != second.Answers.TwilioBaseURL {
		t.Errorf("saved setup after the move: endpoint %q issuer %q twilio %q; want %q", l.Setup.Endpoint, l.Setup.Issuer, l.Setup.TwilioBaseURL, now)
	}
	if l.Setup.AppID != app.ID || l.Secrets.M2MAppSecret.Reveal() != first.Answers.M2MAppSecret.Reveal() {
		t.Errorf("the rewrite lost other fields: %+v", l.Setup)
	}
	notes := strings.Join(second.Notes, "\n")
	for _, want := range []string{old + " was taken", now, "/tmp/express"} {
		if !strings.Contains(notes, want) {
			t.Errorf("the notes lack %q:\n%s", want, notes)
		}
	}
}

// TestSandboxTwilioPortTaken: the Twilio stand-in moves silently (Logto's
// connector is told its new URL) and the saved Twilio base URL follows it.
func TestSandboxTwilioPortTaken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := Options{ConfigDir: dir}
	first := mustOpen(t, o)
	oldLogto, oldTwilio := first.Answers.Endpoint, first.Answers.TwilioBaseURL
	if err := first.Store.Save(config.Setup{Endpoint: oldLogto, TwilioBaseURL: oldTwilio}, config.Secrets{}); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", strings.TrimPrefix(oldTwilio, "http://"))
	if err != nil {
		t.Skipf("the old port was taken by someone else already: %v", err)
	}
	defer busy.Close()
	second := mustOpen(t, o)
	l, err := second.Store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if second.Answers.TwilioBaseURL == oldTwilio || l.Setup.TwilioBaseURL != second.Answers.TwilioBaseURL || l.Setup.Endpoint != oldLogto {
		t.Errorf("after the Twilio move: saved twilio %q endpoint %q; running twilio %q (old %q)",
			l.Setup.TwilioBaseURL, l.Setup.Endpoint, second.Answers.TwilioBaseURL, oldTwilio)
	}
	if strings.Contains(strings.Join(second.Notes, " "), "was taken") {
		t.Errorf("a note about a move nobody needs to act on: %q", second.Notes)
	}
}

// TestPickDemoPort: --port wins; the saved port when free; 3000 when free;
// else another free port, said in a note.
func TestPickDemoPort(t *testing.T) {
	t.Parallel()
	hold := func() int {
		l, err := net.Listen("tcp", "localhost:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = l.Close() })
		return l.Addr().(*net.TCPAddr).Port
	}
	busy, busy2 := hold(), hold()
	free := freePort(t)
	free2 := freePort(t)
	for _, tc := range []struct {
		name                   string
		flag, saved, def, want int
		note                   string
	}{
		{"--port wins, even busy", busy, free, free2, busy, ""},
		{"the default when free", 0, 0, free, free, ""},
		{"the saved port when free", 0, free2, free, free2, "as in the saved sandbox setup"},
		{"the default when the saved one is busy", 0, busy, free, free, ""},
		{"another port when the default is busy", 0, 0, busy, -1, "Port " + strconv.Itoa(busy) + " is busy"},
		{"another port when both are busy", 0, busy2, busy, -1, "is busy, so the demo app uses port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, note := pickDemoPort(tc.flag, tc.saved, tc.def)
			if tc.want >= 0 && got != tc.want {
				t.Errorf("port %d, want %d", got, tc.want)
			}
			if tc.want < 0 && (got == busy || got == busy2 || got <= 0 || !demo.PortFree(got)) {
				t.Errorf("port %d is not a free one", got)
			}
			if tc.note == "" && note != "" || !strings.Contains(note, tc.note) {
				t.Errorf("note %q, want one with %q", note, tc.note)
			}
		})
	}
}

// TestSandboxDefaultFolder: without --config-dir the sandbox keeps its files
// in "sandbox" inside the setup's folder, says so, and touches no file of
// the real setup there.
func TestSandboxDefaultFolder(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	realSetup := []byte(`{"version":1,"endpoint":"https://abc123.logto.app","appId":"real"}` + "\n")
	realSecrets := []byte(`{"version":1,"appSecret":"the-real-secret-0123456789abcdef"}`)
	if err := os.WriteFile(filepath.Join(home, config.SetupFile), realSetup, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, config.SecretsFile), realSecrets, 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "LOGTO_TWILIO_CONFIG_DIR" {
			return home
		}
		return ""
	}
	env := mustOpen(t, Options{Getenv: getenv})
	createApp(t, env)
	if err := env.Store.Save(config.Setup{Endpoint: env.Answers.Endpoint}, config.Secrets{M2MAppSecret: env.Answers.M2MAppSecret}); err != nil {
		t.Fatal(err)
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(home, "sandbox")
	if env.Dir != want || env.Store.Dir != want {
		t.Errorf("sandbox folder %q (store %q), want %q", env.Dir, env.Store.Dir, want)
	}
	if !strings.Contains(strings.Join(env.Notes, " "), want) {
		t.Errorf("the notes do not name the folder: %q", env.Notes)
	}
	for name, b := range map[string][]byte{config.SetupFile: realSetup, config.SecretsFile: realSecrets} {
		if got, _ := os.ReadFile(filepath.Join(home, name)); !bytes.Equal(got, b) {
			t.Errorf("the real %s changed:\n%s", name, got)
		}
	}
	for _, name := range []string{config.SetupFile, config.SecretsFile, StateFile} {
		if _, err := os.Stat(filepath.Join(want, name)); err != nil {
			t.Errorf("the sandbox folder lacks %s: %v", name, err)
		}
	}
	// --sandbox alone finds it again.
	if again := mustOpen(t, Options{Getenv: getenv}); again.Answers.M2MAppID != env.Answers.M2MAppID {
		t.Errorf("a second --sandbox run did not find the first one's state")
	}
}

// TestSandboxRefusesRealSetup: a --config-dir that holds a real setup is
// not written over.
func TestSandboxRefusesRealSetup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	realSetup := []byte(`{"version":1,"endpoint":"https://abc123.logto.app"}`)
	if err := os.WriteFile(filepath.Join(dir, config.SetupFile), realSetup, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(Options{ConfigDir: dir})
	if err == nil || !strings.Contains(err.Error(), "another --config-dir") {
		t.Fatalf("Open on a real setup's folder = %v, want a refusal", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, config.SetupFile)); !bytes.Equal(got, realSetup) {
		t.Errorf("the real setup changed")
	}
	if _, err := os.Stat(filepath.Join(dir, StateFile)); err == nil {
		t.Errorf("the sandbox wrote its state into a real setup's folder")
	}
}

// TestSandboxCorruptState: an unreadable state file is moved aside, the
// stand-ins start fresh, and a note says what to do.
func TestSandboxCorruptState(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"not JSON":          "{nope",
		"no version":        `{"version":0}`,
		"a broken snapshot": `{"version":1,"logtoAddr":"127.0.0.1:1","logto":{"version":1,"kind":"logtotest","roles":[]},"twilio":{"version":1,"kind":"twiliotest"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, StateFile)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			env := mustOpen(t, Options{ConfigDir: dir})
			if bak, err := os.ReadFile(path + ".bak"); err != nil || string(bak) != content {
				t.Errorf("the unreadable file was not kept as .bak: %v", err)
			}
			if !strings.Contains(strings.Join(env.Notes, " "), "choose Start over") {
				t.Errorf("no note about the fresh start: %q", env.Notes)
			}
			createApp(t, env) // the fresh stand-ins work
		})
	}
}

// TestSandboxStateNewerOrReadOnly (issue 20): a state file made by a newer
// logto-twilio is refused by every command and left as it is; a read-only
// command (doctor) refuses a damaged one too, naming it, and changes
// nothing; a writing one keeps the damaged copy under a name no earlier
// copy has.
func TestSandboxStateNewerOrReadOnly(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, content string
		readOnly      bool
		want          string
	}{
		{"newer, writing", `{"version":2}`, false, "made by a newer logto-twilio (version 2; this one reads version 1)"},
		{"newer, read-only", `{"version":2}`, true, "made by a newer logto-twilio"},
		{"damaged, read-only", `{"version":1,`, true, "is damaged"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, StateFile)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(Options{ConfigDir: dir, ReadOnly: tt.readOnly, NoDemo: true})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Open = %v, want an error naming %s: %q", err, path, tt.want)
			}
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			want := StateFile
			if !tt.readOnly {
				want = StateFile + " " + LockFile // the writer took the lock before it read
			}
			if strings.Join(names, " ") != want {
				t.Errorf("the folder holds %v, want %s", names, want)
			}
			if b, _ := os.ReadFile(path); string(b) != tt.content {
				t.Errorf("the state file became %q", b)
			}
		})
	}
	t.Run("damaged, writing, with an earlier copy", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, StateFile)
		for p, c := range map[string]string{path: "{nope", path + ".bak": "earlier"} {
			if err := os.WriteFile(p, []byte(c), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		mustOpen(t, Options{ConfigDir: dir, NoDemo: true})
		for p, want := range map[string]string{path + ".bak": "earlier", path + ".bak.1": "{nope"} {
			if b, err := os.ReadFile(p); err != nil || string(b) != want {
				t.Errorf("%s = %q, %v; want %q", p, b, err, want)
			}
		}
	})
}

// TestSandboxServe: serve prints where the stand-ins listen and, when
// stopped, leaves their state saved for the next command.
func TestSandboxServe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // stop at once: what it prints and saves is the point
	var out bytes.Buffer
	if err := Serve(ctx, Options{ConfigDir: dir, Getenv: os.Getenv}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sandbox Logto:  http://127.0.0.1:", "/oidc", "Saved in:       " + dir, "Ctrl-C"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve's output lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, StateFile)); err != nil {
		t.Errorf("serve saved no state: %v", err)
	}
}

// BenchmarkOpenSandbox measures what --sandbox adds before the first frame:
// a first start (seed and first save) and a restart from saved state.
func BenchmarkOpenSandbox(b *testing.B) {
	for _, restart := range []bool{false, true} {
		name := "first"
		if restart {
			name = "restore"
		}
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			if restart {
				createBenchState(b, dir)
			}
			for b.Loop() {
				if !restart {
					_ = os.Remove(filepath.Join(dir, StateFile))
				}
				env, err := Open(Options{ConfigDir: dir})
				if err != nil {
					b.Fatal(err)
				}
				_ = env.Close()
			}
		})
	}
}

func createBenchState(b *testing.B, dir string) {
	b.Helper()
	env, err := Open(Options{ConfigDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	env.lg.AddTraditionalApp("Bookstore", []string{"http://localhost:3000/logto/sign-in-callback"}, nil)
	env.lg.AddUser("14155550123")
	_ = env.Close()
}

// freePort is a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}
