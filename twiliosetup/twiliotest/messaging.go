package twiliotest

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// This file serves messaging.twilio.com/v1: Messaging Services and their sender pools.
// Dates are ISO 8601 and URLs absolute.

const messagingBase = "/v1/Services/"

func (c *call) serviceJSON(v *service) map[string]any {
	u := c.base + messagingBase + v.sid
	return map[string]any{
		"sid":                    v.sid,
		"account_sid":            v.account,
		"friendly_name":          v.name,
		"date_created":           iso8601(v.created),
		"date_updated":           iso8601(v.updated),
		"inbound_request_url":    nil,
		"inbound_method":         "POST",
		"fallback_url":           nil,
		"fallback_method":        "POST",
		"status_callback":        nil,
		"sticky_sender":          true,
		"mms_converter":          true,
		"smart_encoding":         true,
		"scan_message_content":   "inherit",
		"fallback_to_long_code":  true,
		"area_code_geomatch":     true,
		"synchronous_validation": false,
		"validity_period":        14400,
		"url":                    u,
		"links": map[string]any{
			"phone_numbers":             u + "/PhoneNumbers",
			"short_codes":               u + "/ShortCodes",
			"alpha_senders":             u + "/AlphaSenders",
			"messages":                  u + "/Messages",
			"us_app_to_person":          u + "/Compliance/Usa2p",
			"us_app_to_person_usecases": u + "/Compliance/Usa2p/Usecases",
			"channel_senders":           u + "/ChannelSenders",
			"destination_alpha_senders": u + "/DestinationAlphaSenders",
		},
		"usecase":                       v.usecase,
		"us_app_to_person_registered":   false,
		"use_inbound_webhook_on_number": false,
	}
}

func (c *call) serviceNumberJSON(n *number) map[string]any {
	capabilities := []string{"Voice"}
	if n.sms {
		capabilities = []string{"SMS", "MMS", "Voice"}
	}
	return map[string]any{
		"sid":          n.sid,
		"account_sid":  n.account,
		"service_sid":  n.service,
		"date_created": iso8601(n.attached),
		"date_updated": iso8601(n.attached),
		"phone_number": n.e164,
		"country_code": countryCode(n.e164),
		"capabilities": capabilities,
		"url":          c.base + messagingBase + n.service + "/PhoneNumbers/" + n.sid,
	}
}

func countryCode(e164 string) string {
	if p, err := twiliosetup.ParsePhone(e164, ""); err == nil && p.Region() != "" {
		return p.Region()
	}
	return "US"
}

func (s *Server) listServices(c *call) {
	s.mu.Lock()
	var items []map[string]any
	for _, v := range s.services {
		if v.account == c.acct.SID {
			items = append(items, c.serviceJSON(v))
		}
	}
	s.mu.Unlock()
	c.listV1("services", items)
}

var usecases = map[string]bool{"notifications": true, "marketing": true, "verification": true, "discussion": true, "poll": true, "undeclared": true}

func (s *Server) createService(c *call) {
	f := c.r.PostForm
	name := f.Get("FriendlyName")
	if name == "" {
		writeError(c.w, http.StatusBadRequest, 20001, "Missing required parameter FriendlyName in the post body")
		return
	}
	if len([]rune(name)) > 64 {
		writeError(c.w, http.StatusBadRequest, 20001, "FriendlyName must be 64 characters or fewer")
		return
	}
	usecase := f.Get("Usecase")
	if usecase == "" {
		usecase = "undeclared"
	}
	if !usecases[usecase] {
		writeError(c.w, http.StatusBadRequest, 20001, fmt.Sprintf("Invalid Usecase: %s", usecase))
		return
	}
	if v := f.Get("ValidityPeriod"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 36000 {
			writeError(c.w, http.StatusBadRequest, 20001, "ValidityPeriod must be between 1 and 36000 seconds")
			return
		}
	}
	s.mu.Lock()
	v := &service{sid: s.newSID("MG"), account: c.acct.SID, name: name, usecase: usecase, created: c.now, updated: c.now}
	s.services = append(s.services, v)
	s.mu.Unlock()
	writeJSON(c.w, http.StatusCreated, c.serviceJSON(v))
}

// service returns the caller's service with that SID, or answers 404. Callers hold s.mu.
func (s *Server) service(c *call, sid string) *service {
	for _, v := range s.services {
		if v.sid == sid && v.account == c.acct.SID {
			return v
		}
	}
	writeError(c.w, http.StatusNotFound, 20404, defaultMessage(20404, c.r.URL.Path))
	return nil
}

func (s *Server) fetchService(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.service(c, c.params["Sid"]); v != nil {
		writeJSON(c.w, http.StatusOK, c.serviceJSON(v))
	}
}

func (s *Server) deleteService(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.service(c, c.params["Sid"])
	if v == nil {
		return
	}
	for i, x := range s.services {
		if x == v {
			s.services = append(s.services[:i], s.services[i+1:]...)
			break
		}
	}
	for _, n := range s.numbers {
		if n.service == v.sid {
			n.service = ""
		}
	}
	c.w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listServiceNumbers(c *call) {
	s.mu.Lock()
	v := s.service(c, c.params["ServiceSid"])
	if v == nil {
		s.mu.Unlock()
		return
	}
	var items []map[string]any
	for _, n := range s.numbers {
		if n.service == v.sid {
			items = append(items, c.serviceNumberJSON(n))
		}
	}
	s.mu.Unlock()
	c.listV1("phone_numbers", items)
}

func (s *Server) addServiceNumber(c *call) {
	pn := c.r.PostForm.Get("PhoneNumberSid")
	if pn == "" {
		writeError(c.w, http.StatusBadRequest, 20001, "Missing required parameter PhoneNumberSid in the post body")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.service(c, c.params["ServiceSid"])
	if v == nil {
		return
	}
	var n *number
	for _, x := range s.numbers {
		if x.sid == pn && x.account == c.acct.SID {
			n = x
		}
	}
	switch {
	case n == nil:
		writeError(c.w, http.StatusBadRequest, 21421, fmt.Sprintf("PhoneNumberSid %s is not a valid phone number of this account", pn))
	case n.service == v.sid:
		// ❓ The code for "already in this service" is unconfirmed (api-contracts §B.5).
		writeError(c.w, http.StatusConflict, 21710, "Phone Number is already in the Messaging Service")
	case n.service != "":
		writeError(c.w, http.StatusBadRequest, 21712, "Phone Number or Short Code is already associated with another Messaging Service")
	case !n.sms:
		writeError(c.w, http.StatusBadRequest, 21715, "Phone Number does not have SMS or MMS capability")
	default:
		n.service, n.attached = v.sid, c.now
		writeJSON(c.w, http.StatusCreated, c.serviceNumberJSON(n))
	}
}

func (s *Server) fetchServiceNumber(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.service(c, c.params["ServiceSid"])
	if v == nil {
		return
	}
	for _, n := range s.numbers {
		if n.service == v.sid && n.sid == c.params["Sid"] {
			writeJSON(c.w, http.StatusOK, c.serviceNumberJSON(n))
			return
		}
	}
	writeError(c.w, http.StatusNotFound, 20404, defaultMessage(20404, c.r.URL.Path))
}

func (s *Server) removeServiceNumber(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.service(c, c.params["ServiceSid"])
	if v == nil {
		return
	}
	for _, n := range s.numbers {
		if n.service == v.sid && n.sid == c.params["Sid"] {
			n.service = ""
			c.w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeError(c.w, http.StatusNotFound, 20404, defaultMessage(20404, c.r.URL.Path))
}

// The stand-in holds no short codes or alphanumeric senders: these lists are empty for
// every existing service.
func (s *Server) listShortCodes(c *call)   { s.emptySenders(c, "short_codes") }
func (s *Server) listAlphaSenders(c *call) { s.emptySenders(c, "alpha_senders") }

func (s *Server) emptySenders(c *call, key string) {
	s.mu.Lock()
	v := s.service(c, c.params["ServiceSid"])
	s.mu.Unlock()
	if v != nil {
		c.listV1(key, nil)
	}
}
