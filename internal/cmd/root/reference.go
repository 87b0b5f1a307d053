package root

// EnvVar is an environment variable logto-twilio reads, as "help environment"
// lists it.
type EnvVar struct {
	Name string // the variable's name (or names: "SSH_CONNECTION, SSH_TTY")
	What string // what it does, in one sentence
}

// EnvSection is one section of "help environment": a title and its variables.
type EnvSection struct {
	Title string
	Vars  []EnvVar
}

// Environment returns what "help environment" prints, for the command
// reference (scripts/gendocs): its introduction and its sections, from the
// same lists.
func Environment() (intro string, sections []EnvSection) {
	conv := func(vs []envVar) []EnvVar {
		out := make([]EnvVar, 0, len(vs))
		for _, v := range vs {
			out = append(out, EnvVar{Name: v.name, What: v.what})
		}
		return out
	}
	return environmentIntro, []EnvSection{
		{Title: "Prefill the wizard's answers", Vars: conv(envPrefills)},
		{Title: "Change how it runs", Vars: conv(envBehaviour)},
	}
}
