package steps

import (
	"context"
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// DefaultServiceName names a Messaging Service the wizard creates.
const DefaultServiceName = "Logto SMS sign-in"

const createService = "new"

// serviceStep picks one of the account's Messaging Services or creates one
// and attaches a number. A service without a sender is stopped here.
type serviceStep struct {
	base
	services []twiliosetup.Service
	numbers  []twiliosetup.Number
	choice   string // a service SID or createService
	name     string
	number   string // number SID
}

func newService(st *State, d *Deps) *serviceStep {
	return &serviceStep{base: base{id: "service", title: "Messaging Service", st: st, d: d}}
}

// LoadingText says what Load fetches (tui.LoadWaiter).
func (s *serviceStep) LoadingText() string {
	return "Reading the account's Messaging Services and numbers…"
}

func (s *serviceStep) Load(ctx context.Context) (func(), error) {
	c, err := s.twilio()
	if err != nil {
		return nil, err
	}
	svcs, err := c.Services(ctx)
	if err != nil {
		return nil, explain("Cannot list the Messaging Services", err)
	}
	nums, err := c.Numbers(ctx)
	if err != nil {
		return nil, explain("Cannot list the account's phone numbers", err)
	}
	var sms []twiliosetup.Number
	for _, n := range nums {
		if n.SMS {
			sms = append(sms, n)
		}
	}
	if len(svcs) == 0 && len(sms) == 0 {
		return nil, problem("This Twilio account has no Messaging Service and no phone number that can send SMS",
			"Get a number in the Twilio Console (Phone Numbers → Buy a number; trial accounts get one free), then {key:retry} to try again.", nil)
	}
	return func() { s.services, s.numbers = svcs, sms }, nil
}

// Pages picks a service, then (for a new one) its name and number.
func (s *serviceStep) Pages(env tui.FormEnv) []tui.Page {
	var opts []huh.Option[string]
	for _, sv := range s.services {
		opts = append(opts, huh.NewOption(fmt.Sprintf("%s (%s) · %s", sv.FriendlyName, sv.SID, senders(sv.Senders)), sv.SID))
	}
	if len(s.numbers) > 0 {
		opts = append(opts, huh.NewOption("Create a new Messaging Service", createService))
	}
	s.init()
	var nums []huh.Option[string]
	for _, n := range s.numbers {
		nums = append(nums, huh.NewOption(n.PhoneNumber, n.SID))
	}
	pages := []tui.Page{{Group: func() *huh.Group {
		return huh.NewGroup(huh.NewSelect[string]().Key("service").
			Title("Messaging Service").Options(opts...).Value(&s.choice))
	}}}
	if len(nums) > 0 {
		pages = append(pages, tui.Page{Group: func() *huh.Group {
			return huh.NewGroup(
				huh.NewInput().Key("name").Title(tui.LineTitle(env, "New service name", s.name, false)).Value(&s.name).Validate(orDefault(&s.name, required("service name"))),
				huh.NewSelect[string]().Key("number").Title("Send from").Options(nums...).Value(&s.number),
			)
		}, Hide: func() bool { return s.choice != createService }})
	}
	return pages
}

func (s *serviceStep) Form(env tui.FormEnv) *huh.Form { return tui.FormOf(s.Pages(env)) }

func senders(n int) string {
	switch n {
	case 0:
		return "no sender"
	case 1:
		return "1 sender"
	}
	return fmt.Sprintf("%d senders", n)
}

func (s *serviceStep) WaitingText() string {
	if s.choice == createService {
		return "Creating the Messaging Service and attaching the number…"
	}
	return "Checking the Messaging Service's senders…"
}

func (s *serviceStep) Execute(ctx context.Context) (tui.Result, error) {
	c, err := s.twilio()
	if err != nil {
		return tui.Result{}, err
	}
	var svc twiliosetup.Service
	verb := "using"
	if s.choice == createService {
		name := strings.TrimSpace(s.name)
		if name == "" || s.number == "" {
			return tui.Result{}, problem("A name and a number are needed for a new service", "{key:edit} to fill them in.", nil)
		}
		if svc, err = c.CreateService(ctx, name); err != nil {
			return tui.Result{}, explain("Cannot create the Messaging Service", err)
		}
		if err := c.AttachNumber(ctx, svc.SID, s.number); err != nil {
			return tui.Result{}, explain("Cannot attach the number to the new service", err)
		}
		verb = "created"
	} else {
		for _, sv := range s.services {
			if sv.SID == s.choice {
				svc = sv
			}
		}
		if svc.SID == "" {
			if svc, err = c.Service(ctx, s.choice); err != nil {
				return tui.Result{}, explain("Cannot find that Messaging Service", err)
			}
		}
	}
	if err := c.EnsureSender(ctx, svc.SID); err != nil {
		return tui.Result{}, explain(fmt.Sprintf("%q cannot send", svc.FriendlyName), err)
	}
	sender := ""
	if list, err := c.ServiceSenders(ctx, svc.SID); err == nil && len(list) > 0 {
		sender = list[0].PhoneNumber
	}
	summary := fmt.Sprintf("%s %q", verb, svc.FriendlyName)
	if sender != "" {
		summary += " sending from " + sender
	}
	created := s.choice == createService
	return s.result(summary, func() {
		s.st.Setup.ServiceSID, s.st.Setup.ServiceName, s.st.Setup.ServiceSender = svc.SID, svc.FriendlyName, sender
		recordService(&s.st.Setup, svc.SID, created)
	}), nil
}
