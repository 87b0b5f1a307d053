//go:build ignore

// Extract copies the parts of Twilio's OpenAPI specs that the stand-in serves into
// testdata/spec/: the path items of the operations below (only those methods) and every
// component schema they reference, transitively. Run from twiliosetup/twiliotest:
//
//	go run testdata/extract.go -specs ../../../shared/specs
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ops lists, per spec file, the path and methods the stand-in serves.
var ops = map[string]map[string][]string{
	"twilio_api_v2010.json": {
		"/2010-04-01/Accounts/{Sid}.json":                                   {"get"},
		"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json":       {"get"},
		"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json": {"get"},
		"/2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds.json":          {"get", "post"},
		"/2010-04-01/Accounts/{AccountSid}/Messages.json":                   {"get", "post"},
		"/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json":             {"get"},
	},
	"twilio_messaging_v1.json": {
		"/v1/Services":                                 {"get", "post"},
		"/v1/Services/{Sid}":                           {"get", "delete"},
		"/v1/Services/{ServiceSid}/PhoneNumbers":       {"get", "post"},
		"/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}": {"get", "delete"},
		"/v1/Services/{ServiceSid}/ShortCodes":         {"get"},
		"/v1/Services/{ServiceSid}/AlphaSenders":       {"get"},
	},
	"twilio_accounts_v1.json": {
		"/v1/AuthTokens/Secondary": {"post", "delete"},
		"/v1/AuthTokens/Promote":   {"post"},
	},
}

func main() {
	specs := flag.String("specs", "../../../shared/specs", "folder holding Twilio's spec files")
	flag.Parse()
	for file, paths := range ops {
		b, err := os.ReadFile(filepath.Join(*specs, file))
		if err != nil {
			log.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			log.Fatal(err)
		}
		allPaths := doc["paths"].(map[string]any)
		schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
		outPaths := map[string]any{}
		for p, methods := range paths {
			item, ok := allPaths[p].(map[string]any)
			if !ok {
				log.Fatalf("%s: no path %s", file, p)
			}
			keep := map[string]any{}
			for k, v := range item {
				if k == "servers" || k == "parameters" {
					keep[k] = v
				}
			}
			for _, m := range methods {
				op, ok := item[m]
				if !ok {
					log.Fatalf("%s: no %s %s", file, m, p)
				}
				keep[m] = stripExamples(op)
			}
			outPaths[p] = keep
		}
		used := map[string]any{}
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				if ref, ok := x["$ref"].(string); ok {
					name := strings.TrimPrefix(ref, "#/components/schemas/")
					if _, seen := used[name]; !seen {
						used[name] = schemas[name]
						walk(schemas[name])
					}
				}
				for _, e := range x {
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(outPaths)
		out := map[string]any{
			"openapi":    doc["openapi"],
			"info":       doc["info"],
			"servers":    doc["servers"],
			"security":   doc["security"],
			"paths":      outPaths,
			"components": map[string]any{"schemas": used, "securitySchemes": doc["components"].(map[string]any)["securitySchemes"]},
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", " ")
		if err := enc.Encode(out); err != nil {
			log.Fatal(err)
		}
		name := filepath.Join("testdata", "spec", strings.TrimSuffix(file, ".json")+".subset.json")
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
		keys := make([]string, 0, len(used))
		for k := range used {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		log.Printf("%s: %d paths, schemas %v", name, len(outPaths), keys)
	}
}

// stripExamples drops the operation's examples and prose descriptions, which the test
// does not use (a property named "description" is kept: its value is a schema).
func stripExamples(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if _, text := e.(string); k == "examples" || (k == "description" && text) {
				continue
			}
			out[k] = stripExamples(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = stripExamples(e)
		}
		return out
	}
	return v
}
