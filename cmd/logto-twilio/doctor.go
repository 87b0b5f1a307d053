package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

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

// newDoctorCmd re-checks the saved setup.
func newDoctorCmd(a *app) *cobra.Command {
	var (
		asJSON bool
		phone  string
		port   int
	)
	c := &cobra.Command{
		Use:     "doctor",
		Short:   "Re-check the saved setup against Logto and Twilio",
		Long:    doctorLong,
		Example: doctorExample,
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if phone == "" {
				phone = a.answer("doctor.send-test-sms")
			}
			if port < 0 || port > 65535 {
				return usageErrorf(c, "--port %d: give a port between 1 and 65535", port)
			}
			if phone != "" {
				if _, err := twiliosetup.ParsePhone(strings.TrimSpace(phone), ""); err != nil {
					return usageErrorf(c, "--send-test-sms %q: give the number in international format, e.g. +14155550123", phone)
				}
			}
			return a.runDoctor(c, asJSON, strings.TrimSpace(phone), port)
		},
	}
	f := c.Flags()
	f.BoolVar(&asJSON, "json", false, "print one JSON document (docs/doctor.md) instead of the rows")
	f.StringVar(&phone, "send-test-sms", "", "also send a test SMS through Logto's connector to this phone and follow it")
	f.IntVarP(&port, "port", "p", 0, "the demo port whose redirect URI the app must have (default: the saved one)")
	return c
}

func (a *app) runDoctor(c *cobra.Command, asJSON bool, phone string, port int) error {
	env, err := a.openSaved()
	if err != nil {
		return err
	}
	defer env.close()
	rep := doctor.Run(c.Context(), doctor.Config{
		Setup: env.loaded.Setup, Secrets: env.loaded.Secrets, Found: env.loaded.Found,
		LogtoHTTP: env.logtoHC, TwilioHTTP: env.twilioHC,
		Port: port, SendTestSMS: phone,
		Command:      againFunc(a.opts),
		SecretsWhere: env.store.SecretsWhere(),
	})
	if asJSON {
		b, err := rep.JSON()
		if err != nil {
			return fmt.Errorf("doctor: %w", err)
		}
		_, _ = a.stdout.Write(b)
	} else {
		fmt.Fprintln(a.stdout, rep.Text(a.width(), a.color()))
	}
	if rep.Failed() {
		return withCode(exitFindings, nil)
	}
	return nil
}
