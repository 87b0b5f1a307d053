package logtoapi_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

const bookstoreID = "schcd6fv8p7jad4k1udy3"

var bookstore = logtoapi.Application{
	ID:                     bookstoreID,
	Name:                   "Bookstore",
	Description:            "Bookstore web app (wizard research)",
	Type:                   "Traditional",
	RedirectURIs:           []string{"http://localhost:3000/logto/sign-in-callback"},
	PostLogoutRedirectURIs: []string{"http://localhost:3000/"},
	CreatedAt:              time.UnixMilli(1795813422539), // the recorded createdAt
}

func TestFindTraditionalApplications(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, search, fixture string
		want                  []logtoapi.Application
	}{
		{"exact", "Bookstore", "028", []logtoapi.Application{bookstore}},
		// Logto's search is case-insensitive: it returns "Bookstore" for "bookstore" (029c);
		// the client compares names itself.
		{"other case", "bookstore", "029c", []logtoapi.Application{}},
		{"none", "books", "029", []logtoapi.Application{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newReplay(t, tokenRoutes(map[string]string{"GET /api/applications": tt.fixture}))
			got, err := r.client(t).FindTraditionalApplications(t.Context(), tt.search)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			q, err := url.ParseQuery(r.apiRequests()[0].Query)
			if err != nil {
				t.Fatal(err)
			}
			want := url.Values{"types": {"Traditional"}, "search.name": {tt.search}, "mode.name": {"exact"}}
			if !reflect.DeepEqual(q, want) {
				t.Errorf("query = %v, want %v", q, want)
			}
		})
	}
}

func TestCreateTraditionalApplication(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"POST /api/applications": "010"}))
	got, err := r.client(t).CreateTraditionalApplication(t.Context(), logtoapi.NewApplication{
		Name:                   "Bookstore",
		Description:            "Bookstore web app (wizard research)",
		RedirectURIs:           []string{"http://localhost:3000/logto/sign-in-callback"},
		PostLogoutRedirectURIs: []string{"http://localhost:3000/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, bookstore) {
		t.Errorf("got %+v, want %+v", got, bookstore)
	}
	assertJSONEqual(t, r.apiRequests()[0].Body, loadFixture(t, "010").RequestBody)
}

func TestCreateTraditionalApplicationNoURIs(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"POST /api/applications": "025"}))
	got, err := r.client(t).CreateTraditionalApplication(t.Context(), logtoapi.NewApplication{Name: "Bookstore"})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "i1i9rw4chqzb4sdc3ukjz" || got.Description != "" {
		t.Errorf("got %+v", got)
	}
	var body map[string]any
	if err := json.Unmarshal(r.apiRequests()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	meta, _ := body["oidcClientMetadata"].(map[string]any)
	if meta["redirectUris"] == nil || meta["postLogoutRedirectUris"] == nil {
		t.Errorf("oidcClientMetadata = %v: both arrays must be sent", meta)
	}
}

func TestApplicationErrors(t *testing.T) {
	t.Parallel()
	t.Run("create refused", func(t *testing.T) {
		t.Parallel()
		r := newReplay(t, tokenRoutes(map[string]string{"POST /api/applications": "024"}))
		_, err := r.client(t).CreateTraditionalApplication(t.Context(), logtoapi.NewApplication{Name: "Bad"})
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Code != "guard.invalid_input" || ae.Status != 400 || len(ae.Data) == 0 {
			t.Fatalf("err = %v", err)
		}
		if !strings.HasPrefix(err.Error(), "logtoapi: create application: ") || !strings.Contains(err.Error(), "oidcClientMetadata.redirectUris.0") {
			t.Errorf("err = %q", err)
		}
	})
	t.Run("get unknown", func(t *testing.T) {
		t.Parallel()
		r := newReplay(t, tokenRoutes(map[string]string{"GET /api/applications/doesnotexist": "022"}))
		_, err := r.client(t).GetApplication(t.Context(), "doesnotexist")
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Code != "entity.not_exists_with_id" || ae.Status != 404 {
			t.Fatalf("err = %v", err)
		}
		if logtoapi.Explain(err) == "" {
			t.Error("no explanation")
		}
	})
	t.Run("secret name exists", func(t *testing.T) {
		t.Parallel()
		r := newReplay(t, tokenRoutes(map[string]string{"POST /api/applications/" + bookstoreID + "/secrets": "014"}))
		_, err := r.client(t).AddApplicationSecret(t.Context(), bookstoreID, "rotated-secret-1", nil)
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Code != "application.secret_name_exists" || ae.Status != 422 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("delete missing secret", func(t *testing.T) {
		t.Parallel()
		r := newReplay(t, tokenRoutes(map[string]string{"DELETE /api/applications/" + bookstoreID + "/secrets/nope": "018"}))
		err := r.client(t).DeleteApplicationSecret(t.Context(), bookstoreID, "nope")
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Code != "entity.not_found" || ae.Status != 404 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("internal error without code", func(t *testing.T) {
		t.Parallel()
		r := newReplay(t, tokenRoutes(map[string]string{"GET /api/applications/" + bookstoreID: "071"}))
		_, err := r.client(t).GetApplication(t.Context(), bookstoreID)
		var ae *logtoapi.APIError
		if !errors.As(err, &ae) || ae.Status != 500 || ae.Code != "" || ae.Message != "Internal server error." {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestGetApplicationIgnoresInternalSecret(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"GET /api/applications/" + bookstoreID: "011"}))
	got, err := r.client(t).GetApplication(t.Context(), bookstoreID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, bookstore) {
		t.Errorf("got %+v", got)
	}
	if strings.Contains(got.Name+got.Description, "#internal") {
		t.Error("internal secret leaked")
	}
}

func TestSetApplicationURIs(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{
		"GET /api/applications/" + bookstoreID:   "011",
		"PATCH /api/applications/" + bookstoreID: "027",
	}))
	got, err := r.client(t).SetApplicationURIs(t.Context(), bookstoreID,
		[]string{"http://localhost:3000/logto/sign-in-callback"}, []string{"http://localhost:3000/"})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != bookstoreID {
		t.Errorf("got %+v", got)
	}
	reqs := r.apiRequests()
	if len(reqs) != 2 || reqs[1].Method != http.MethodPatch {
		t.Fatalf("requests = %+v", reqs)
	}
	assertJSONEqual(t, reqs[1].Body, loadFixture(t, "027").RequestBody)
}

func TestSetApplicationURIsKeepsOtherMetadata(t *testing.T) {
	t.Parallel()
	var patched []byte
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oidc/token", func(w http.ResponseWriter, _ *http.Request) { writeFixture(w, loadFixture(t, "001")) })
	mux.HandleFunc("GET /api/applications/app1", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"id":"app1","name":"x","type":"Traditional","oidcClientMetadata":{"redirectUris":["http://a/"],"postLogoutRedirectUris":[],"backchannelLogoutUri":"http://a/bc"}}`))
	})
	mux.HandleFunc("PATCH /api/applications/app1", func(w http.ResponseWriter, r *http.Request) {
		patched = readAll(r)
		_, _ = w.Write([]byte(`{"id":"app1","name":"x","type":"Traditional","oidcClientMetadata":{"redirectUris":["http://b/"],"postLogoutRedirectUris":["http://b/"]}}`))
	})
	c := memClient(t, mux)
	if _, err := c.SetApplicationURIs(t.Context(), "app1", []string{"http://b/"}, []string{"http://b/"}); err != nil {
		t.Fatal(err)
	}
	assertJSONEqual(t, patched, []byte(`{"oidcClientMetadata":{"redirectUris":["http://b/"],"postLogoutRedirectUris":["http://b/"],"backchannelLogoutUri":"http://a/bc"}}`))
}

func TestApplicationSecrets(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"GET /api/applications/" + bookstoreID + "/secrets": "012"}))
	c := r.client(t)
	list, err := c.ApplicationSecrets(t.Context(), bookstoreID)
	if err != nil {
		t.Fatal(err)
	}
	want := []logtoapi.AppSecret{{Name: "Default secret", Value: "g3qZdB03XbEuRdhQR2uhgSZ1qJNfuQmf", CreatedAt: time.UnixMilli(1795813422544)}}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("got %+v, want %+v", list, want)
	}
	if s := list[0].String(); strings.Contains(s, list[0].Value) {
		t.Errorf("String() = %q shows the value", s)
	}
	v, err := c.ApplicationSecret(t.Context(), bookstoreID)
	if err != nil || v != "g3qZdB03XbEuRdhQR2uhgSZ1qJNfuQmf" {
		t.Errorf("ApplicationSecret = %q, %v", v, err)
	}
}

func TestApplicationSecretChoice(t *testing.T) {
	t.Parallel()
	now := time.Now()
	past := now.Add(-time.Hour).UnixMilli()
	future := now.Add(time.Hour).UnixMilli()
	tests := []struct {
		name, body, want string
		wantErr          error
	}{
		{"default first", `[{"name":"new","value":"NEW","createdAt":3},{"name":"Default secret","value":"DEF","createdAt":1}]`, "DEF", nil},
		{"newest without default", `[{"name":"a","value":"A","createdAt":1},{"name":"b","value":"B","createdAt":2}]`, "B", nil},
		{"expired default skipped", `[{"name":"Default secret","value":"DEF","createdAt":1,"expiresAt":` + itoa(past) + `},{"name":"b","value":"B","createdAt":2,"expiresAt":` + itoa(future) + `}]`, "B", nil},
		{"none usable", `[{"name":"Default secret","value":"DEF","createdAt":1,"expiresAt":` + itoa(past) + `}]`, "", logtoapi.ErrNoUsableSecret},
		{"empty", `[]`, "", logtoapi.ErrNoUsableSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mux := http.NewServeMux()
			mux.HandleFunc("POST /oidc/token", func(w http.ResponseWriter, _ *http.Request) { writeFixture(w, loadFixture(t, "001")) })
			mux.HandleFunc("GET /api/applications/app1/secrets", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(tt.body)) })
			got, err := memClient(t, mux).ApplicationSecret(t.Context(), "app1")
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("ApplicationSecret = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestAddAndDeleteApplicationSecret(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{
		"POST /api/applications/7sl77wy974z1al5e10agd/secrets":                    "043",
		"DELETE /api/applications/7sl77wy974z1al5e10agd/secrets/Default%20secret": "040",
	}))
	c := r.client(t)
	exp := time.Now().Add(time.Hour)
	s, err := c.AddApplicationSecret(t.Context(), "7sl77wy974z1al5e10agd", "short-lived", &exp)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "short-lived" || s.Value != "1dyfF9FfWGvETsE1dEwCr44FVHGh5Pmw" || s.ExpiresAt == nil || !s.ExpiresAt.Equal(time.UnixMilli(1795813455000)) {
		t.Errorf("got %+v", s)
	}
	var body map[string]any
	if err := json.Unmarshal(r.apiRequests()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["name"] != "short-lived" || int64(body["expiresAt"].(float64)) != exp.UnixMilli() {
		t.Errorf("body = %v", body)
	}
	if err := c.DeleteApplicationSecret(t.Context(), "7sl77wy974z1al5e10agd", "Default secret"); err != nil {
		t.Fatal(err)
	}
	if p := r.apiRequests()[1].Path; p != "/api/applications/7sl77wy974z1al5e10agd/secrets/Default%20secret" {
		t.Errorf("path = %q", p)
	}
}

func TestDeleteApplication(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{"DELETE /api/applications/i1i9rw4chqzb4sdc3ukjz": "026"}))
	if err := r.client(t).DeleteApplication(t.Context(), "i1i9rw4chqzb4sdc3ukjz"); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func readAll(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}

// memClient returns a Client that reaches mux in memory.
func memClient(t *testing.T, mux http.Handler) *logtoapi.Client {
	t.Helper()
	e, err := logtoapi.ParseEndpoint("http://127.0.0.1:3001")
	if err != nil {
		t.Fatal(err)
	}
	c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: "wizardm2mbootstrap001", AppSecret: m2mSecret}, &http.Client{Transport: handlerTransport{mux}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func assertJSONEqual(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got invalid JSON %s: %v", got, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want invalid JSON %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON body\n got %s\nwant %s", got, want)
	}
}
