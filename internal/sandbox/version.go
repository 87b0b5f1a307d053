package sandbox

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// LogtoVersionEnv chooses the Logto version a new sandbox's Logto stand-in
// imitates: one of logtotest.Versions, the first (1.37.1) when unset. It is
// saved in StateFile when the sandbox is made, so every later command in
// the folder (doctor, rotate, sandbox serve, another terminal's) imitates
// the same version without it; set to another version for an existing
// sandbox, it is refused (see useLogtoVersion).
const LogtoVersionEnv = "LOGTO_TWILIO_SANDBOX_LOGTO_VERSION"

// checkLogtoVersion refuses a LogtoVersionEnv value the stand-in does not
// imitate ("" is unset, and fine).
func checkLogtoVersion(v string) error {
	v = strings.TrimSpace(v)
	if v == "" || slices.Contains(logtotest.Versions, v) {
		return nil
	}
	return fmt.Errorf("sandbox: %s is %q, a Logto version the sandbox does not imitate: set it to %s, or unset it (%s)",
		LogtoVersionEnv, v, orList(logtotest.Versions), logtotest.DefaultVersion)
}

// logtoVersion is the Logto version of a saved sandbox; "" when there is
// none (st is nil).
func (st *sandboxState) logtoVersion() string {
	if st == nil {
		return ""
	}
	return cmp.Or(st.LogtoVersion, logtotest.DefaultVersion)
}

// useLogtoVersion decides the version the Logto stand-in imitates: saved's,
// the existing sandbox's ("" when the sandbox is new: o's, else the
// default). A LogtoVersionEnv that asks an existing sandbox for another
// version is an error saying how to keep this one or make a new one: the
// stand-ins' state was made by the other version, and switching silently
// would change under the user what every command in the folder sees.
func (e *Env) useLogtoVersion(o Options, saved string) error {
	asked := strings.TrimSpace(o.LogtoVersion)
	switch {
	case saved == "":
		e.logtoVer = cmp.Or(asked, logtotest.DefaultVersion)
	case asked != "" && asked != saved:
		return fmt.Errorf("sandbox: the sandbox in %s imitates Logto %s, but %s asks for %s, and a sandbox keeps the version it was made with: unset %s (or set it to %s) to use this sandbox, or remove that folder (or give --sandbox another --config-dir) to make a new sandbox that imitates %s",
			e.Dir, saved, LogtoVersionEnv, asked, LogtoVersionEnv, saved, asked)
	default:
		e.logtoVer = saved
	}
	if e.logtoVer != logtotest.DefaultVersion {
		e.Notes = append(e.Notes, fmt.Sprintf("The sandbox's Logto imitates Logto %s, as %s chose when this sandbox was made.", e.logtoVer, LogtoVersionEnv))
	}
	return nil
}

// orList is "a, b or c".
func orList(vs []string) string {
	if len(vs) < 2 {
		return strings.Join(vs, "")
	}
	return strings.Join(vs[:len(vs)-1], ", ") + " or " + vs[len(vs)-1]
}
