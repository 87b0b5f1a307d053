package logtoapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// PhoneHasAccount reports whether a user of the tenant has phoneDigits (country code first,
// no "+") as their phone: GET /api/users?search.primaryPhone=<digits>&mode.primaryPhone=exact
// (logto-1.41/SUMMARY.md: the same in 1.37.1 and 1.41.0; Logto stores phones as digits, so
// a search with "+" finds nothing). In sign-in-only mode Logto sends codes only to such a
// phone.
func (c *Client) PhoneHasAccount(ctx context.Context, phoneDigits string) (bool, error) {
	const op = "look up the phone's user"
	if err := CheckPhoneDigits(phoneDigits); err != nil {
		return false, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	q := url.Values{"search.primaryPhone": {phoneDigits}, "mode.primaryPhone": {"exact"}, "page_size": {"5"}}
	var users []phoneUser
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/users", query: q.Encode(), ok: []int{http.StatusOK}}, &users); err != nil {
		return false, err
	}
	// The exact mode matches the whole value; the check below keeps a server that ignores
	// the mode (a substring search) from counting another number.
	return slices.ContainsFunc(users, func(u phoneUser) bool { return u.PrimaryPhone == phoneDigits }), nil
}

// phoneUser is the part of a user PhoneHasAccount reads.
type phoneUser struct {
	ID           string `json:"id"`
	PrimaryPhone string `json:"primaryPhone"`
}
