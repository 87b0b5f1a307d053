package twiliosetup

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// CodePlaceholder is the only placeholder a template may contain. Logto replaces it with the
// verification code; older connector versions replace only this exact spelling.
const CodePlaceholder = "{{code}}"

// MaxTemplateChars is the longest body Twilio accepts, in characters.
const MaxTemplateChars = 1600

// sampleCode stands in for the verification code when a template's length is measured (Logto's
// codes have six digits).
const sampleCode = "123456"

// Encodings reported in [Segments].
const (
	EncodingGSM7 = "GSM-7"
	EncodingUCS2 = "UCS-2"
)

// Segments says how a text is billed: Count SMS segments in Encoding ("GSM-7" or "UCS-2") for a
// text of Chars characters.
type Segments struct {
	Count    int
	Encoding string
	Chars    int
}

// ErrTemplate is wrapped by every error ValidateTemplate returns.
var ErrTemplate = errors.New("twiliosetup: invalid template")

// ValidateTemplate checks an SMS template: it must contain {{code}} written exactly so, no other
// {{...}} placeholder, and at most 1,600 characters. The segments are those of the message as sent,
// with {{code}} replaced by a six-digit code.
func ValidateTemplate(s string) (Segments, error) {
	if !utf8.ValidString(s) {
		return Segments{}, inputErr(ErrTemplate, "invalid template: not valid UTF-8 text")
	}
	if strings.TrimSpace(s) == "" {
		return Segments{}, inputErr(ErrTemplate, "invalid template: empty")
	}
	if !strings.Contains(s, CodePlaceholder) {
		return Segments{}, inputErr(ErrTemplate, fmt.Sprintf("invalid template: it must contain %s (exactly so: lower case, no spaces)", CodePlaceholder))
	}
	rest := strings.ReplaceAll(s, CodePlaceholder, "")
	if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") ||
		strings.Contains(s, "{"+CodePlaceholder) || strings.Contains(s, CodePlaceholder+"}") {
		return Segments{}, inputErr(ErrTemplate, fmt.Sprintf("invalid template: the only placeholder allowed is %s", CodePlaceholder))
	}
	sent := strings.ReplaceAll(s, CodePlaceholder, sampleCode)
	seg := CountSegments(sent)
	if n := utf8.RuneCountInString(s); n > MaxTemplateChars {
		return seg, inputErr(ErrTemplate, fmt.Sprintf("invalid template: %d characters, at most %d", n, MaxTemplateChars))
	}
	return seg, nil
}

// CountSegments counts the SMS segments of s. Text made only of GSM-7 characters is sent as GSM-7
// (160 septets in one segment, 153 per segment when split; the extension characters ^ { } \ [ ] ~
// | € and form feed take two septets and are never split across segments). Any other character
// makes the whole text UCS-2 (70 UTF-16 units in one segment, 67 per segment when split; a
// surrogate pair is never split).
func CountSegments(s string) Segments {
	seg := Segments{Chars: utf8.RuneCountInString(s), Encoding: EncodingGSM7}
	units := make([]int, 0, len(s))
	gsm := true
	for _, r := range s {
		w := gsm7Width(r)
		if w == 0 {
			gsm = false
			break
		}
		units = append(units, w)
	}
	single, multi := 160, 153
	if !gsm {
		seg.Encoding = EncodingUCS2
		single, multi = 70, 67
		units = units[:0]
		for _, r := range s {
			if utf8.RuneLen(r) == 4 || r > 0xFFFF {
				units = append(units, 2)
			} else {
				units = append(units, 1)
			}
		}
	}
	total := 0
	for _, u := range units {
		total += u
	}
	switch {
	case total == 0:
		seg.Count = 0
	case total <= single:
		seg.Count = 1
	default:
		count, used := 1, 0
		for _, u := range units {
			if used+u > multi {
				count++
				used = 0
			}
			used += u
		}
		seg.Count = count
	}
	return seg
}

// gsm7Basic is the GSM 03.38 default alphabet (escape excluded), in table order.
const gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsm7Extension holds the characters sent as escape + one septet.
const gsm7Extension = "\f^{}\\[~]|€"

// gsm7Width returns how many septets r takes in GSM-7, or 0 if it has no GSM-7 form.
func gsm7Width(r rune) int {
	switch {
	case r == utf8.RuneError:
		return 0
	case strings.ContainsRune(gsm7Basic, r):
		return 1
	case strings.ContainsRune(gsm7Extension, r):
		return 2
	}
	return 0
}
