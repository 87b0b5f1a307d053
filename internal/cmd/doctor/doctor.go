// Package doctor is logto-twilio doctor: it re-checks the saved setup.
package doctor

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/doctor"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

const doctorLong = `Re-checks the saved setup against the live services, one row per check: the endpoint and its issuer, the M2M credentials, the app (type, redirect URIs, secret), the SMS connector, the Twilio credentials in it, the Messaging Service and its sender, the nine templates, phone sign-up and sign-in, and on trial accounts the test phone's verification. With --send-test-sms it also sends a test SMS through Logto's connector and follows its delivery.

It changes nothing. Exit code 0 when nothing FAILs, 3 when something does (1 when it could not run at all). --json prints one JSON document (see docs/doctor.md) and nothing else on stdout. No secret is ever printed.`

const doctorExample = `
# Check everything the wizard set up
logto-twilio doctor

# Also send a test SMS and follow it to the phone
logto-twilio doctor --send-test-sms +14155550123

# For scripts and CI
logto-twilio doctor --json | jq '.checks[] | select(.status == "FAIL")'

# The sandbox's setup
logto-twilio doctor --sandbox
`

// Options are doctor's.
type Options struct {
	F           *factory.Factory
	JSON        bool
	SendTestSMS string
	Port        factory.PortValue
}

// NewCmdDoctor re-checks the saved setup; runF (tests) replaces run.
func NewCmdDoctor(f *factory.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{F: f}
	c := &cobra.Command{
		Use:     "doctor",
		Short:   "Check the saved setup again against Logto and Twilio",
		Long:    doctorLong,
		Example: doctorExample,
		Args:    factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.SendTestSMS == "" {
				opts.SendTestSMS = f.Answer("doctor.send-test-sms")
			}
			opts.SendTestSMS = strings.TrimSpace(opts.SendTestSMS)
			if opts.SendTestSMS != "" {
				if _, err := twiliosetup.ParsePhone(opts.SendTestSMS, ""); err != nil {
					return factory.UsageErrorf(c, "--send-test-sms %q: give the number in international format, e.g. +14155550123", opts.SendTestSMS)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return run(c, opts)
		},
	}
	fl := c.Flags()
	fl.BoolVar(&opts.JSON, "json", false, "print one JSON document (docs/doctor.md) instead of the rows")
	fl.StringVar(&opts.SendTestSMS, "send-test-sms", "", "also send a test SMS through Logto's connector to this phone and follow it")
	fl.VarP(&opts.Port, "port", "p", "the demo port whose redirect URI the app must have (default: the saved one)")
	return c
}

func run(c *cobra.Command, opts *Options) error {
	f := opts.F
	env, err := f.ReadSaved()
	if err != nil {
		return err
	}
	defer env.Close()
	rep := doctor.Run(factory.Context(c), doctor.Config{
		Setup: env.Loaded.Setup, Secrets: env.Loaded.Secrets, Found: env.Loaded.Found, Damage: env.Loaded.Damage,
		LogtoHTTP: env.LogtoHC, TwilioHTTP: env.TwilioHC,
		Port: int(opts.Port), SendTestSMS: opts.SendTestSMS,
		Command:      f.Hint(),
		SecretsWhere: env.Store.SecretsWhere(),
	})
	if opts.JSON {
		b, err := rep.JSON()
		if err != nil {
			return fmt.Errorf("doctor: %w", err)
		}
		_, _ = f.IO.Out.Write(b)
	} else {
		fmt.Fprintln(f.IO.Out, rep.Text(f.IO.Width(), f.IO.ColorEnabled()))
	}
	if rep.Failed() {
		return factory.WithCode(factory.ExitFindings, nil)
	}
	return nil
}
