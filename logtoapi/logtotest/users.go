package logtotest

import (
	"net/http"
	"slices"
)

// userJSON is a user as GET /api/users lists it (fixture 320 of contracts/logto-fixtures: the
// same keys in 1.37.1 and 1.41.0, logto-1.41/SUMMARY.md). The stand-in's users sign up by
// phone, so the other identifiers are null.
type userJSON struct {
	ID           string            `json:"id"`
	Username     *string           `json:"username"`
	PrimaryEmail *string           `json:"primaryEmail"`
	PrimaryPhone string            `json:"primaryPhone"`
	Name         *string           `json:"name"`
	Avatar       *string           `json:"avatar"`
	CustomData   map[string]string `json:"customData"`
	Identities   map[string]string `json:"identities"`
	LastSignInAt *int64            `json:"lastSignInAt"`
	CreatedAt    int64             `json:"createdAt"`
	UpdatedAt    int64             `json:"updatedAt"`
	Profile      map[string]string `json:"profile"`
	// ApplicationID is the app the user signed up through ("" when added by a test: null).
	ApplicationID *string `json:"applicationId"`
	IsSuspended   bool    `json:"isSuspended"`
	HasPassword   bool    `json:"hasPassword"`
}

// registerUsers adds GET /api/users: the end users, newest first, paginated, with Logto's search
// (search.primaryPhone=<digits>&mode.primaryPhone=exact finds one phone's user).
func (s *Server) registerUsers(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/users", s.requireManagement(s.listUsers))
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	terms, caseSensitive, and := parseSearch(q)
	users := s.Users()
	slices.Reverse(users) // Logto lists the newest first
	out := []userJSON{}
	for _, u := range users {
		fields := map[string]string{"id": u.ID, "primaryPhone": u.PhoneNumber}
		if !searchMatches(terms, fields, caseSensitive, and) {
			continue
		}
		out = append(out, userJSON{
			ID: u.ID, PrimaryPhone: u.PhoneNumber,
			CustomData: map[string]string{}, Identities: map[string]string{}, Profile: map[string]string{},
			CreatedAt: u.CreatedAt.UnixMilli(), UpdatedAt: u.UpdatedAt.UnixMilli(),
		})
	}
	p, _ := parsePage(q, false)
	respondJSON(w, http.StatusOK, paginate(w, r, s.URL, out, p))
}
