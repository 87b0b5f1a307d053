package logtotest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// zodIssue is one issue of a Zod validation error, as Logto puts them in data.issues.
type zodIssue struct {
	Code       string   `json:"code"`
	Expected   string   `json:"expected,omitempty"`
	Received   string   `json:"received,omitempty"`
	Validation string   `json:"validation,omitempty"`
	Options    []string `json:"options,omitempty"`
	Path       []any    `json:"path"`
	Message    string   `json:"message"`
}

// details renders an issue the way RequestError.formatZodError does.
func (i zodIssue) details() string {
	p := make([]string, len(i.Path))
	for k, e := range i.Path {
		p[k] = fmt.Sprint(e)
	}
	head := fmt.Sprintf("Error in key path %q: (%s) ", strings.Join(p, "."), i.Code)
	if i.Code == "invalid_type" {
		return head + fmt.Sprintf("Expected %s but received %s.", i.Expected, i.Received)
	}
	return head + i.Message
}

type zodErrorData struct {
	Issues []zodIssue `json:"issues"`
	Name   string     `json:"name"`
}

func respondZod(w http.ResponseWriter, code, message string, issues []zodIssue) {
	lines := make([]string, len(issues))
	for i, is := range issues {
		lines[i] = is.details()
	}
	respondJSON(w, http.StatusBadRequest, logtoError{
		Code: code, Message: message,
		Data:    zodErrorData{Issues: issues, Name: "ZodError"},
		Details: strings.Join(lines, "\n"),
	})
}

// respondGuard is koa-guard's answer to an invalid body: 400 guard.invalid_input.
func respondGuard(w http.ResponseWriter, issues []zodIssue) {
	respondZod(w, "guard.invalid_input", "The request body is invalid.", issues)
}

// respondInvalidConfig is the connector guard's answer: 400 connector.invalid_config.
func respondInvalidConfig(w http.ResponseWriter, issues []zodIssue) {
	respondZod(w, "connector.invalid_config", "The connector's config is invalid.", issues)
}

// readObject reads a JSON object body. A body that is not JSON gets koa-body's 400 with a bare
// message; an empty body counts as {}. Non-objects become a Zod issue at the root.
func readObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	b, _ := io.ReadAll(r.Body)
	if len(bytes.TrimSpace(b)) == 0 {
		return map[string]json.RawMessage{}, true
	}
	if !json.Valid(b) {
		respondJSON(w, http.StatusBadRequest, map[string]string{"message": "Unexpected token in JSON body"})
		return nil, false
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
		respondGuard(w, []zodIssue{{Code: "invalid_type", Expected: "object", Received: jsType(b), Path: []any{}, Message: "Expected object, received " + jsType(b)}})
		return nil, false
	}
	return obj, true
}

// jsType names a JSON value's type as Zod does; a missing value is "undefined".
func jsType(v json.RawMessage) string {
	t := bytes.TrimSpace(v)
	if len(t) == 0 {
		return "undefined"
	}
	switch t[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// checker collects Zod-like issues while reading fields of an object.
type checker struct{ issues []zodIssue }

func (c *checker) typeIssue(path []any, expected string, got json.RawMessage) {
	recv := jsType(got)
	msg := "Required"
	if recv != "undefined" {
		msg = fmt.Sprintf("Expected %s, received %s", expected, recv)
	}
	c.issues = append(c.issues, zodIssue{Code: "invalid_type", Expected: expected, Received: recv, Path: path, Message: msg})
}

func (c *checker) custom(path []any, msg string) {
	c.issues = append(c.issues, zodIssue{Code: "custom", Path: path, Message: msg})
}

func join(path []any, more ...any) []any {
	return append(append([]any{}, path...), more...)
}

// str reads a string field. Missing is an issue only when required; null is accepted when nullable.
func (c *checker) str(obj map[string]json.RawMessage, key string, required bool, path []any) (string, bool) {
	raw, ok := obj[key]
	if !ok {
		if required {
			c.typeIssue(join(path, key), "string", nil)
		}
		return "", false
	}
	var s string
	if jsType(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		c.typeIssue(join(path, key), "string", raw)
		return "", false
	}
	return s, true
}

func (c *checker) boolean(obj map[string]json.RawMessage, key string, required bool, path []any) (bool, bool) {
	raw, ok := obj[key]
	if !ok {
		if required {
			c.typeIssue(join(path, key), "boolean", nil)
		}
		return false, false
	}
	var b bool
	if jsType(raw) != "boolean" || json.Unmarshal(raw, &b) != nil {
		c.typeIssue(join(path, key), "boolean", raw)
		return false, false
	}
	return b, true
}

// array reads an array field into raw elements.
func (c *checker) array(obj map[string]json.RawMessage, key string, required bool, path []any) ([]json.RawMessage, bool) {
	raw, ok := obj[key]
	if !ok {
		if required {
			c.typeIssue(join(path, key), "array", nil)
		}
		return nil, false
	}
	var a []json.RawMessage
	if jsType(raw) != "array" || json.Unmarshal(raw, &a) != nil {
		c.typeIssue(join(path, key), "array", raw)
		return nil, false
	}
	return a, true
}

// object reads an object field of the body.
func (c *checker) object(obj map[string]json.RawMessage, key string, required bool) (map[string]json.RawMessage, bool) {
	raw, ok := obj[key]
	if !ok {
		if required {
			c.typeIssue([]any{key}, "object", nil)
		}
		return nil, false
	}
	var o map[string]json.RawMessage
	if jsType(raw) != "object" || json.Unmarshal(raw, &o) != nil {
		c.typeIssue([]any{key}, "object", raw)
		return nil, false
	}
	return o, true
}

// enum reads a string that must be one of options.
func (c *checker) enum(raw json.RawMessage, options []string, path []any) (string, bool) {
	var s string
	if jsType(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		c.typeIssue(path, "'"+strings.Join(options, "' | '")+"'", raw)
		return "", false
	}
	for _, o := range options {
		if o == s {
			return s, true
		}
	}
	c.issues = append(c.issues, zodIssue{
		Code: "invalid_enum_value", Received: s, Options: options, Path: path,
		Message: fmt.Sprintf("Invalid enum value. Expected '%s', received '%s'", strings.Join(options, "' | '"), s),
	})
	return "", false
}

func (c *checker) ok() bool { return len(c.issues) == 0 }
