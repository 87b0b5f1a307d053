package twiliotest

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// This file serves api.twilio.com/2010-04-01: accounts, incoming numbers, verified caller
// IDs (and their validation requests) and messages. Dates are RFC 2822.

const apiVersion = "2010-04-01"

func accountURI(sid string) string { return "/2010-04-01/Accounts/" + sid }

func (s *Server) fetchAccount(c *call) {
	a := c.acct
	base := accountURI(a.SID)
	sub := map[string]any{}
	for _, r := range []string{"Addresses", "Applications", "AuthorizedConnectApps", "AvailablePhoneNumbers", "Balance", "Calls", "Conferences", "ConnectApps", "IncomingPhoneNumbers", "Keys", "Messages", "Notifications", "OutgoingCallerIds", "Queues", "Recordings", "SIP", "ShortCodes", "Transcriptions", "Usage"} {
		sub[snake(r)] = base + "/" + r + ".json"
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"auth_token":        a.AuthToken,
		"date_created":      rfc2822(a.created),
		"date_updated":      rfc2822(a.created),
		"friendly_name":     a.FriendlyName,
		"owner_account_sid": a.SID,
		"sid":               a.SID,
		"status":            a.Status,
		"subresource_uris":  sub,
		"type":              a.Type,
		"uri":               base + ".json",
	})
}

var upper = regexp.MustCompile(`([a-z])([A-Z])`)

func snake(s string) string { return strings.ToLower(upper.ReplaceAllString(s, "${1}_${2}")) }

func numberJSON(n *number) map[string]any {
	return map[string]any{
		"account_sid":              n.account,
		"address_sid":              nil,
		"address_requirements":     "none",
		"api_version":              apiVersion,
		"beta":                     false,
		"capabilities":             map[string]any{"fax": false, "mms": n.sms, "sms": n.sms, "voice": true},
		"date_created":             rfc2822(n.created),
		"date_updated":             rfc2822(n.created),
		"friendly_name":            n.friendly,
		"identity_sid":             nil,
		"phone_number":             n.e164,
		"origin":                   "twilio",
		"sid":                      n.sid,
		"sms_application_sid":      nil,
		"sms_fallback_method":      "POST",
		"sms_fallback_url":         "",
		"sms_method":               "POST",
		"sms_url":                  "",
		"status_callback":          "",
		"status_callback_method":   "POST",
		"trunk_sid":                nil,
		"uri":                      accountURI(n.account) + "/IncomingPhoneNumbers/" + n.sid + ".json",
		"voice_receive_mode":       "voice",
		"voice_application_sid":    nil,
		"voice_caller_id_lookup":   false,
		"voice_fallback_method":    "POST",
		"voice_fallback_url":       nil,
		"voice_method":             "POST",
		"voice_url":                nil,
		"emergency_status":         "Inactive",
		"emergency_address_sid":    nil,
		"emergency_address_status": "unregistered",
		"bundle_sid":               nil,
		"status":                   "in-use",
		"type":                     "local",
		"subresource_uris": map[string]any{
			"assigned_add_ons": accountURI(n.account) + "/IncomingPhoneNumbers/" + n.sid + "/AssignedAddOns.json",
		},
	}
}

func (s *Server) listIncomingNumbers(c *call) {
	q := c.r.URL.Query()
	s.mu.Lock()
	var items []map[string]any
	for _, n := range s.numbers {
		if n.account != c.acct.SID {
			continue
		}
		if v := q.Get("PhoneNumber"); v != "" && !strings.Contains(n.e164, digits(v)) {
			continue
		}
		if v := q.Get("FriendlyName"); v != "" && n.friendly != v {
			continue
		}
		items = append(items, numberJSON(n))
	}
	s.mu.Unlock()
	c.list2010("incoming_phone_numbers", items)
}

func (s *Server) fetchIncomingNumber(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.numbers {
		if n.account == c.acct.SID && n.sid == c.params["Sid"] {
			writeJSON(c.w, http.StatusOK, numberJSON(n))
			return
		}
	}
	writeError(c.w, http.StatusNotFound, 20404, defaultMessage(20404, c.r.URL.Path))
}

func callerIDJSON(v *callerID) map[string]any {
	return map[string]any{
		"sid":           v.sid,
		"date_created":  rfc2822(v.created),
		"date_updated":  rfc2822(v.created),
		"friendly_name": v.friendly,
		"account_sid":   v.account,
		"phone_number":  v.e164,
		"uri":           accountURI(v.account) + "/OutgoingCallerIds/" + v.sid + ".json",
	}
}

func (s *Server) listCallerIDs(c *call) {
	q := c.r.URL.Query()
	s.mu.Lock()
	var items []map[string]any
	for _, v := range s.callerIDs {
		if v.account != c.acct.SID {
			continue
		}
		if p := q.Get("PhoneNumber"); p != "" && digits(p) != digits(v.e164) {
			continue
		}
		if f := q.Get("FriendlyName"); f != "" && f != v.friendly {
			continue
		}
		items = append(items, callerIDJSON(v))
	}
	s.mu.Unlock()
	c.list2010("outgoing_caller_ids", items)
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// normalizeNumber turns what a client sends as a phone number into E.164: Logto sends
// digits only ("15551234567"), twilio-go callers send "+15551234567".
func normalizeNumber(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "+") {
		v = "+" + v
	}
	return v, e164.MatchString(v)
}

// createValidationRequest starts a caller-ID verification (POST OutgoingCallerIds.json):
// Twilio would call the number; here the code is kept until ConfirmVerification.
func (s *Server) createValidationRequest(c *call) {
	raw := c.r.PostForm.Get("PhoneNumber")
	if raw == "" {
		writeError(c.w, http.StatusBadRequest, 21604, "A 'PhoneNumber' is required.")
		return
	}
	num, ok := normalizeNumber(raw)
	if !ok {
		writeError(c.w, http.StatusBadRequest, 21211, fmt.Sprintf("The phone number %s is not a valid phone number.", raw))
		return
	}
	friendly := c.r.PostForm.Get("FriendlyName")
	if friendly == "" {
		friendly = friendlyNumber(num)
	}
	s.mu.Lock()
	for _, v := range s.callerIDs {
		if v.account == c.acct.SID && v.e164 == num {
			s.mu.Unlock()
			writeError(c.w, http.StatusBadRequest, 21450, "Phone number already verified for your account")
			return
		}
	}
	v := &validation{account: c.acct.SID, e164: num, friendly: friendly, code: fmt.Sprintf("%06d", (s.seq*7919+123457)%1000000), callSID: s.newSID("CA")}
	s.pending = append(s.pending, v)
	s.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]any{
		"account_sid":     v.account,
		"call_sid":        v.callSID,
		"friendly_name":   v.friendly,
		"phone_number":    v.e164,
		"validation_code": v.code,
	})
}

// Error messages Twilio gives in a message's error_message for the codes a first-time user
// meets (paraphrased from twilio.com/docs/api/errors).
var deliveryErrors = map[int]string{
	21703: "The Messaging Service does not have a phone number available to send a message",
	30003: "Unreachable destination handset",
	30005: "Unknown destination handset",
	30006: "Landline or unreachable carrier",
	30007: "Message filtered",
	30008: "Unknown error",
	30032: "Toll-Free Number Has Not Been Verified",
	30034: "Message from an Unregistered Number",
	30044: "Message delivery failed",
}

func (s *Server) createMessage(c *call) {
	f := c.r.PostForm
	rawTo, svcSID, from, body := f.Get("To"), f.Get("MessagingServiceSid"), f.Get("From"), f.Get("Body")
	switch {
	case rawTo == "":
		writeError(c.w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case svcSID == "" && from == "":
		writeError(c.w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
		return
	case body == "" && f.Get("MediaUrl") == "" && f.Get("ContentSid") == "":
		writeError(c.w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	case len([]rune(body)) > 1600:
		writeError(c.w, http.StatusBadRequest, 21617, "The concatenated message body exceeds the 1600 character limit.")
		return
	}
	to, ok := normalizeNumber(rawTo)
	if !ok {
		writeError(c.w, http.StatusBadRequest, 21211, fmt.Sprintf("Invalid 'To' Phone Number: %s", rawTo))
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	acct := c.acct
	m := &message{account: acct.SID, to: to, body: body, segments: countSegments(body), created: c.now}
	if o, ok := s.failures[digits(to)]; ok {
		m.end = o
	} else {
		m.end = outcome{status: "delivered"}
	}
	if svcSID != "" {
		var svc *service
		for _, v := range s.services {
			if v.sid == svcSID && v.account == acct.SID {
				svc = v
			}
		}
		if svc == nil {
			writeError(c.w, http.StatusBadRequest, 21705, fmt.Sprintf("The Messaging Service Sid %s is invalid.", svcSID))
			return
		}
		m.service = svc.sid
		for _, n := range s.numbers {
			if n.service == svc.sid && n.sms {
				m.from = n.e164
				break
			}
		}
		if m.from == "" {
			// ❓ Twilio's exact answer to an empty sender pool is unconfirmed
			// (api-contracts Open question 4): accepted, then failed with 21703.
			m.end = outcome{status: "failed", code: 21703}
		}
	} else {
		n := s.numberByE164(acct.SID, from)
		if n == nil || !n.sms {
			writeError(c.w, http.StatusBadRequest, 21606, fmt.Sprintf("The From phone number %s is not a valid, SMS-capable inbound phone number or short code for your account.", from))
			return
		}
		m.from = n.e164
	}
	if acct.Type == "Trial" && !s.verified(acct.SID, to) {
		writeError(c.w, http.StatusBadRequest, 21608, fmt.Sprintf("The number %s is unverified. Trial accounts cannot send messages to unverified numbers; verify %s at twilio.com/user/account/phone-numbers/verified, or purchase a Twilio number to send messages to unverified numbers", to, to))
		return
	}
	m.sid = s.newSID("SM")
	s.messages = append(s.messages, m)
	s.inboxMoved()
	writeJSON(c.w, http.StatusCreated, s.view(m, c.now).json(m))
}

func (s *Server) verified(accountSID, e164 string) bool {
	for _, v := range s.callerIDs {
		if v.account == accountSID && v.e164 == e164 {
			return true
		}
	}
	return false
}

func (s *Server) fetchMessage(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.messages {
		if m.account == c.acct.SID && m.sid == c.params["Sid"] {
			m.fetches++
			if s.step == 0 {
				s.inboxMoved() // a fetch moves the status on
			}
			writeJSON(c.w, http.StatusOK, s.view(m, c.now).json(m))
			return
		}
	}
	writeError(c.w, http.StatusNotFound, 20404, defaultMessage(20404, c.r.URL.Path))
}

// listMessages lists the account's messages, newest first, with the To, From and
// DateSent>/DateSent< filters.
func (s *Server) listMessages(c *call) {
	q := c.r.URL.Query()
	var after, before time.Time
	if v := q.Get("DateSent>"); v != "" {
		after, _ = time.Parse(time.RFC3339, v)
	}
	if v := q.Get("DateSent<"); v != "" {
		before, _ = time.Parse(time.RFC3339, v)
	}
	s.mu.Lock()
	var items []map[string]any
	for i := len(s.messages) - 1; i >= 0; i-- {
		m := s.messages[i]
		if m.account != c.acct.SID {
			continue
		}
		if v := q.Get("To"); v != "" && digits(v) != digits(m.to) {
			continue
		}
		if v := q.Get("From"); v != "" && digits(v) != digits(m.from) {
			continue
		}
		if !after.IsZero() && m.created.Before(after) {
			continue
		}
		if !before.IsZero() && !m.created.Before(before) {
			continue
		}
		items = append(items, s.view(m, c.now).json(m))
	}
	s.mu.Unlock()
	c.list2010("messages", items)
}

// stage is what a message looks like at one moment.
type stage struct {
	status       string
	from         string
	segments     int
	sent         bool // date_sent and price are set
	errCode      int
	updated      time.Time
	final        bool
	errorMessage string
}

// path is the statuses a message goes through to its outcome. A message sent through a
// Messaging Service starts "accepted" (the service has yet to pick a sender); one sent
// from a number starts "queued" (api-contracts §B.6).
func (m *message) path() []string {
	var p []string
	switch m.end.status {
	case "failed":
		p = []string{"accepted", "queued", "failed"}
	case "sent":
		p = []string{"accepted", "queued", "sending", "sent"}
	case "undelivered":
		p = []string{"accepted", "queued", "sending", "sent", "undelivered"}
	default:
		p = []string{"accepted", "queued", "sending", "sent", "delivered"}
	}
	if m.service == "" {
		p = p[1:]
	}
	return p
}

// view computes the message's stage at now: one status per step of time, or one per
// fetch when the step is 0. Callers hold s.mu.
func (s *Server) view(m *message, now time.Time) stage {
	p := m.path()
	var i int
	var updated time.Time
	if s.step > 0 {
		i = int(now.Sub(m.created) / s.step)
		i = max(0, min(i, len(p)-1))
		updated = m.created.Add(time.Duration(i) * s.step)
	} else {
		i = min(m.fetches, len(p)-1)
		updated = m.created
	}
	st := stage{status: p[i], updated: updated, final: i == len(p)-1}
	if st.status != "accepted" {
		// Until the service picks a sender, from is null and num_segments "0".
		st.from, st.segments = m.from, m.segments
	}
	switch st.status {
	case "sent", "delivered", "undelivered":
		st.sent = true
	}
	if st.final && m.end.code != 0 {
		st.errCode = m.end.code
		st.errorMessage = deliveryErrors[m.end.code]
		if st.errorMessage == "" {
			st.errorMessage = "Unknown error"
		}
	}
	return st
}

func (st stage) json(m *message) map[string]any {
	uri := accountURI(m.account) + "/Messages/" + m.sid
	out := map[string]any{
		"account_sid":           m.account,
		"api_version":           apiVersion,
		"body":                  m.body,
		"date_created":          rfc2822(m.created),
		"date_sent":             nil,
		"date_updated":          rfc2822(st.updated),
		"direction":             "outbound-api",
		"error_code":            nil,
		"error_message":         nil,
		"from":                  nil,
		"messaging_service_sid": nil,
		"num_media":             "0",
		"num_segments":          fmt.Sprint(st.segments),
		"price":                 nil,
		"price_unit":            "USD",
		"sid":                   m.sid,
		"status":                st.status,
		"subresource_uris": map[string]any{
			"media":    uri + "/Media.json",
			"feedback": uri + "/Feedback.json",
		},
		"to":  m.to,
		"uri": uri + ".json",
	}
	if m.service != "" {
		out["messaging_service_sid"] = m.service
	}
	if st.from != "" {
		out["from"] = st.from
	}
	if st.sent {
		out["date_sent"] = rfc2822(st.updated)
		out["price"] = fmt.Sprintf("-%.5f", 0.0079*float64(st.segments))
	}
	if st.errCode != 0 {
		out["error_code"] = st.errCode
		out["error_message"] = st.errorMessage
	}
	return out
}

func (st stage) public(m *message) Message {
	return Message{
		SID: m.sid, AccountSID: m.account, MessagingServiceSID: m.service,
		From: st.from, To: m.to, Body: m.body, Status: st.status, Final: st.final,
		ErrorCode: st.errCode, ErrorMessage: st.errorMessage,
		NumSegments: m.segments, DateCreated: m.created,
	}
}

// gsm7 is the GSM 03.38 basic character set; gsm7ext needs an escape (two septets).
const (
	gsm7    = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7ext = "^{}\\[~]|€\f"
)

// countSegments counts the SMS segments of a body: GSM-7 (160, or 153 per part) when
// every character is in the GSM character set, UCS-2 (70, or 67 per part) otherwise.
func countSegments(body string) int {
	septets, gsm := 0, true
	units := 0
	for _, r := range body {
		switch {
		case strings.ContainsRune(gsm7, r):
			septets++
		case strings.ContainsRune(gsm7ext, r):
			septets += 2
		default:
			gsm = false
		}
		if r > 0xFFFF {
			units += 2
		} else {
			units++
		}
	}
	single, multi, n := 160, 153, septets
	if !gsm {
		single, multi, n = 70, 67, units
	}
	switch {
	case n == 0:
		return 1
	case n <= single:
		return 1
	}
	return (n + multi - 1) / multi
}
