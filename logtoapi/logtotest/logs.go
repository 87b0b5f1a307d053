package logtotest

// Audit logs: GET /api/logs (ListLogs in the served spec, logto_v1.37.1_management.openapi.json)
// and the log entry written when an authorization code is exchanged at /oidc/token.
//
// NO RECORDING: no exchange with /api/logs was recorded on a real Logto (logto-observed.md has
// none), so this file rests on the served spec only (query userId, applicationId, logKey, page,
// page_size; the entry's shape) and on Logto's source for the rest: the key
// "ExchangeTokenBy.AuthorizationCode", the payload's applicationId/userId/params, newest first, and
// the Total-Number header of Logto's pagination. Only successful code exchanges are logged here;
// Logto also logs failed ones (result "Error"), other grant types and every interaction event.

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// LogKeyExchangeByAuthorizationCode is the key of the log Logto writes when a client exchanges
// an authorization code for tokens (the end of a sign-in through that client).
const LogKeyExchangeByAuthorizationCode = "ExchangeTokenBy.AuthorizationCode"

// Log is one audit log entry.
type Log struct {
	ID, Key, Result       string // Result "Success" or "Error"
	ApplicationID, UserID string
	CreatedAt             time.Time
}

type logStore struct {
	mu   sync.Mutex
	logs []Log // oldest first
}

// registerLogs adds GET /api/logs.
func (s *Server) registerLogs(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/logs", s.requireManagement(s.listLogs))
}

// Logs returns every audit log entry the stand-in wrote, oldest first.
func (s *Server) Logs() []Log {
	ls := s.logs
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return slices.Clone(ls.logs)
}

// AddLog appends an audit log entry (ID and CreatedAt are filled in when empty), so a test can
// start with a room where someone signed in already.
func (s *Server) AddLog(l Log) {
	if l.ID == "" {
		l.ID = randomID()
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = s.now()
	}
	if l.Result == "" {
		l.Result = "Success"
	}
	ls := s.logs
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.logs = append(ls.logs, l)
}

// logCodeExchange records a successful authorization-code exchange (called from codeGrant).
func (p *oidcProvider) logCodeExchange(g *oidcGrant) {
	sb, ok := p.be.(serverBackend)
	if !ok {
		return
	}
	sb.AddLog(Log{Key: LogKeyExchangeByAuthorizationCode, ApplicationID: g.clientID, UserID: g.accountID})
}

type logJSON struct {
	TenantID  string         `json:"tenantId"`
	ID        string         `json:"id"`
	Key       string         `json:"key"`
	Payload   map[string]any `json:"payload"`
	CreatedAt int64          `json:"createdAt"`
}

func (s *Server) listLogs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, _ := parsePage(q, false)
	ls := s.logs
	ls.mu.Lock()
	var out []logJSON
	for i := len(ls.logs) - 1; i >= 0; i-- { // newest first
		l := ls.logs[i]
		if v := q.Get("userId"); v != "" && v != l.UserID {
			continue
		}
		if v := q.Get("applicationId"); v != "" && v != l.ApplicationID {
			continue
		}
		if v := q.Get("logKey"); v != "" && v != l.Key {
			continue
		}
		payload := map[string]any{"key": l.Key, "result": l.Result}
		if l.ApplicationID != "" {
			payload["applicationId"] = l.ApplicationID
		}
		if l.UserID != "" {
			payload["userId"] = l.UserID
		}
		if strings.HasPrefix(l.Key, "ExchangeTokenBy.") {
			payload["params"] = map[string]any{"grant_type": "authorization_code", "client_id": l.ApplicationID}
		}
		out = append(out, logJSON{TenantID: "default", ID: l.ID, Key: l.Key, Payload: payload, CreatedAt: l.CreatedAt.UnixMilli()})
	}
	ls.mu.Unlock()
	if out == nil {
		out = []logJSON{}
	}
	respondJSON(w, http.StatusOK, paginate(w, r, s.URL, out, p))
}
