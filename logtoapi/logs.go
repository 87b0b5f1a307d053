package logtoapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// LogKeyExchangeByAuthorizationCode is the audit log key Logto writes when a client exchanges an
// authorization code for tokens: the last step of every sign-in through that client.
const LogKeyExchangeByAuthorizationCode = "ExchangeTokenBy.AuthorizationCode"

// LogEntry is one of Logto's audit log entries (GET /api/logs), reduced to what the wizard reads.
type LogEntry struct {
	ID, Key               string
	Result                string // "Success" or "Error"
	ApplicationID, UserID string
	CreatedAt             time.Time
}

type logJSON struct {
	ID      string `json:"id"`
	Key     string `json:"key"`
	Payload struct {
		Result        string `json:"result"`
		ApplicationID string `json:"applicationId"`
		UserID        string `json:"userId"`
	} `json:"payload"`
	CreatedAt float64 `json:"createdAt"`
}

// ApplicationSignIns returns the newest authorization-code exchanges through the application
// (GET /api/logs?applicationId=…&logKey=ExchangeTokenBy.AuthorizationCode), at most limit
// (1–100), newest first, failed ones included (Result "Error"). A successful one means someone
// signed in through the app. The Management API needs the scope "all" for it, like every call.
func (c *Client) ApplicationSignIns(ctx context.Context, appID string, limit int) ([]LogEntry, error) {
	const op = "list sign-ins"
	if err := checkID("App ID", appID); err != nil {
		return nil, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if limit < 1 || limit > 100 {
		return nil, fmt.Errorf("logtoapi: %s: limit %d is not between 1 and 100", op, limit)
	}
	q := url.Values{}
	q.Set("applicationId", appID)
	q.Set("logKey", LogKeyExchangeByAuthorizationCode)
	q.Set("page", "1")
	q.Set("page_size", strconv.Itoa(limit))
	var list []logJSON
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/logs", query: q.Encode(), ok: []int{http.StatusOK}}, &list); err != nil {
		return nil, err
	}
	out := make([]LogEntry, 0, len(list))
	for _, l := range list {
		out = append(out, LogEntry{
			ID: l.ID, Key: l.Key, Result: l.Payload.Result,
			ApplicationID: l.Payload.ApplicationID, UserID: l.Payload.UserID,
			CreatedAt: time.UnixMilli(int64(l.CreatedAt)),
		})
	}
	return out, nil
}
