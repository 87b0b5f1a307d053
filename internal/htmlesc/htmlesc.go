// Package htmlesc escapes values for the few HTML pages logto-twilio writes by hand, byte for
// byte as html/template escapes them in the same places. It replaces html/template (and with it
// text/template) because any reachable template execution keeps every exported method of the
// binary alive in the linker, which costs about 4 MiB.
//
// Pick the function by where the value goes: Text for element content, <title> and quoted
// attribute values; URLQuery for a value inside a URL's path, query or fragment (after a
// fixed prefix like "/register?app_id="); URL for an href/action that is the value as a whole.
package htmlesc

import (
	"strings"
)

// textReplacer is html/template's htmlReplacementTable: html.EscapeString's five characters
// plus "+" (an UTF-7 guard) and NUL.
var textReplacer = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

// Text escapes s for HTML element content, RCDATA (<title>) or a quoted attribute value.
func Text(s string) string { return textReplacer.Replace(s) }

// Unsafe is what URL writes instead of a URL with a scheme other than http, https or mailto
// (html/template's "#ZgotmplZ").
const Unsafe = "#ZgotmplZ"

// URL escapes s for a quoted href/src/action attribute that s fills completely: a URL whose
// scheme is not http, https or mailto (javascript:, data:, …) becomes Unsafe; the rest is
// percent-encoded where needed (existing %XX escapes and URL punctuation are kept) and then
// HTML-escaped.
func URL(s string) string {
	if !safeScheme(s) {
		return Unsafe
	}
	return Text(percent(s, true))
}

// URLQuery escapes s for a part of a quoted URL attribute after its start (a query value, a path
// segment): everything but letters, digits and "-._~" is percent-encoded.
func URLQuery(s string) string { return Text(percent(s, false)) }

func safeScheme(s string) bool {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
	}
	return true
}

// percent is html/template's processURLOnto: norm keeps URL punctuation and valid %XX escapes.
func percent(s string, norm bool) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
