package yamlkeys

import "testing"

func TestFind(t *testing.T) {
	t.Parallel()
	known := func(k string) bool {
		switch k {
		case "endpoint", "appId", "appSecret", "port", "templates.SignIn":
			return true
		}
		return false
	}
	cands := []string{"endpoint", "appId", "appSecret", "port", "templates.SignIn"}
	tests := []struct {
		name, in string
		nested   bool
		want     *UnknownKeyError
	}{
		{"all known", "endpoint: x\nappId: a\n", false, nil},
		{"typo", "endpoint: x\n# c\nappSecrt: b\n", false, &UnknownKeyError{Key: "appSecrt", Line: 3, Suggest: "appSecret"}},
		{"case", "AppID: a\n", false, &UnknownKeyError{Key: "AppID", Line: 1, Suggest: "appId"}},
		{"far from any", "endpoint: x\nm2mSecret: z\n", false, &UnknownKeyError{Key: "m2mSecret", Line: 2}},
		{"first in file order", "zzz: 1\naaa: 2\n", false, &UnknownKeyError{Key: "zzz", Line: 1}},
		{"nested", "templates:\n  SignIn: a\n  SignUn: b\n", true, &UnknownKeyError{Key: "templates.SignUn", Line: 3, Suggest: "templates.SignIn"}},
		{"a map where a value goes, not nested", "port:\n  a: 1\n", false, nil},
		{"not a mapping", "- a\n", false, nil},
		{"not YAML", "{{{", false, nil},
		{"empty", "", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Find([]byte(tt.in), known, cands, tt.nested)
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Errorf("Find = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	e := &UnknownKeyError{File: "answers.yaml", Key: "endpont", Line: 3, Suggest: "endpoint"}
	if got, want := e.Error(), `answers.yaml, line 3: unknown key "endpont" (did you mean "endpoint"?)`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &UnknownKeyError{Key: "m2mSecret", Line: 6}
	if got, want := e.Error(), `line 6: unknown key "m2mSecret"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
