// Package sandbox runs every command offline against stand-ins of Logto
// (logtoapi/logtotest) and Twilio (twiliosetup/twiliotest). Its stand-ins
// keep their state between runs, so that `logto-twilio --sandbox` and then
// `logto-twilio doctor --sandbox` (or rotate, teardown, workshop) see the
// same Logto and Twilio.
//
// # The folder
//
// The sandbox folder is --config-dir when given, else "sandbox" inside the
// setup's folder (LOGTO_TWILIO_CONFIG_DIR, or the user's config directory +
// "/logto-twilio"); never the real setup's folder itself, and a --config-dir
// holding a setup for a non-loopback Logto is refused. The default persists:
// a returning user finds the sandbox again with just --sandbox, and the
// Express starter has a Logto to talk to (`sandbox serve`). It holds the
// sandbox's setup.json and secrets.json (the steps' Store), StateFile (both
// stand-ins' snapshots, their addresses and the M2M app's id, mode 0600),
// and the files below that let processes share it.
//
// # One set of stand-ins per folder
//
// At most one process runs a folder's stand-ins: the host. Every other
// --sandbox command in that folder is a guest that works against the
// host's stand-ins over loopback HTTP instead of starting a copy:
//
//   - Open takes LockFile without waiting. When it gets it, this process is
//     the host: it starts the stand-ins from StateFile (or seeds them), then
//     writes ServingFile (their URLs, its pid and command line, and a random
//     control key). The lock is the operating system's (flock), so it is
//     released when the host ends however it ends; a ServingFile left by a
//     killed host is replaced by the next one, and a note says so.
//   - When another process holds the lock, Open reads ServingFile and asks
//     the host, with the key, for the sandbox's current credentials
//     (GET /__sandbox/answers on the Logto stand-in). It waits up to ten
//     seconds for a host that is still starting; one that never answers is
//     named in the error, with how to stop it.
//   - Only the host writes StateFile and rewrites the saved URLs; a guest
//     never does. The host saves after a request that may have changed a
//     stand-in (any method but GET, HEAD, OPTIONS, from any process),
//     at most once per saveDelay, and at Close (which runs on Ctrl-C too):
//     a kill -9 loses at most saveDelay of changes.
//   - A sandbox wizard also takes WizardLockFile; a second wizard in the same
//     folder says that one runs and exits, writing nothing.
//   - The SMS inbox: the host's Panel reads its Twilio stand-in; a guest's
//     reads the host's (GET /__sandbox/inbox, long-polled); a workshop
//     attendee whose card names a sandbox reads the codes of the card's app
//     (AttendeeInbox). Serve prints each message as it arrives.
//
// # Addresses
//
// The Logto stand-in's URL is its issuer: a host brings it back on the same
// 127.0.0.1 port when that is free, else on a new one; the sandbox's saved
// setup is then pointed at the new endpoint and issuer, and a note says so.
// Its signing key is new on each start (ID tokens from an earlier run no
// longer verify; clients fetch the new keys), and browser sessions with it
// end. The Twilio stand-in also comes back on its port when free (else the
// saved Twilio base URL follows it silently: Logto's connector is told its
// URL at start, and the host's twilio-go reaches it in memory).
//
// The demo port without --port: the saved one when free (its redirect URI
// is registered), else 3000 when free, else any free port, decided at start
// and passed on as Prefill.Port; a note says why it is not 3000.
package sandbox

import (
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// Sandbox identities, made up: they exist only in the in-process Twilio
// stand-in and are no one's credentials. The Twilio account is a trial
// account, so the sandbox also shows the trial rules: the test phone is its
// verified caller ID.
const (
	sandboxAccountSID = "AC" + "5a4d0b0c0ffee0000000000000000001"
	sandboxAuthToken  = "5a4d0b0c0ffee000000000000000beef"
	sandboxSender     = "+14155550199"
	sandboxTestPhone  = "+14155550123"
	sandboxM2MName    = "logto-twilio sandbox (M2M)"
)

// OnStart is, when set (by tests only), told about the stand-ins of every Open.
var OnStart func(lg *logtotest.Server, tw *twiliotest.Server)
