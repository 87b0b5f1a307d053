package logtotest

import (
	"crypto/ecdsa"
	"sync"
)

// maxVerifiedTokens bounds the cache of verified Management API tokens. A client holds one token
// for an hour, so a tenant rarely has more than a few alive; when the cache is full, expired
// entries are dropped first and, if that is not enough, all of them.
const maxVerifiedTokens = 1024

// verifiedTokens remembers the claims of Management API access tokens whose ES384 signature this
// server has checked, so a client that sends the same token on every request costs one signature
// check instead of one per request (it was a fifth of the stand-in's CPU in `workshop prepare
// --sandbox`). Only the signature check is skipped: requireManagement still checks expiry,
// audience, issuer and scope on every request, so the answers are those of verifyJWT alone.
// Tokens that fail verification are not remembered. It has its own lock.
type verifiedTokens struct {
	mu sync.Mutex
	m  map[string]verifiedToken
}

type verifiedToken struct {
	claims accessTokenClaims
	key    *ecdsa.PrivateKey // the key the signature was checked against
}

// managementClaims returns the claims of a Management API access token if its signature is this
// server's (from the cache, or by verifyJWT and then remembered). now is the current Unix time,
// used to prune expired entries.
func (s *Server) managementClaims(token string, now int64) (accessTokenClaims, bool) {
	c := &s.verified
	c.mu.Lock()
	e, ok := c.m[token]
	c.mu.Unlock()
	// An entry checked against another key does not count (the server's key is set once today;
	// this keeps a cached token from outliving a change of key).
	if ok && e.key == s.signingKey {
		return e.claims, true
	}
	var claims accessTokenClaims
	if !s.verifyJWT(token, &claims) {
		return accessTokenClaims{}, false
	}
	if claims.EXP <= now {
		return claims, true // refused as expired by the caller; not worth remembering
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]verifiedToken{}
	}
	if len(c.m) >= maxVerifiedTokens {
		for k, v := range c.m {
			if v.claims.EXP <= now {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxVerifiedTokens {
			clear(c.m)
		}
	}
	c.m[token] = verifiedToken{claims: claims, key: s.signingKey}
	return claims, true
}
