package logtotest

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"math/big"
)

// signJWT signs claims with the server's ES384 key. typ is the JWT header's typ ("at+jwt" for
// access tokens, "JWT" for ID tokens).
func (s *Server) signJWT(typ string, claims any) string {
	header := marshalNoEscape(map[string]string{"alg": "ES384", "typ": typ, "kid": s.keyID})
	payload := marshalNoEscape(claims)
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	sum := sha512.Sum384([]byte(signing))
	r, sig, err := ecdsa.Sign(rand.Reader, s.signingKey, sum[:])
	if err != nil {
		panic("logtotest: sign: " + err.Error())
	}
	out := make([]byte, 96)
	r.FillBytes(out[:48])
	sig.FillBytes(out[48:])
	return signing + "." + enc.EncodeToString(out)
}

// verifyJWT checks an ES384 signature made by this server and decodes the claims into v.
func (s *Server) verifyJWT(token string, v any) bool {
	enc := base64.RawURLEncoding
	var parts [3]string
	n := 0
	start := 0
	for i := 0; i < len(token) && n < 2; i++ {
		if token[i] == '.' {
			parts[n] = token[start:i]
			n++
			start = i + 1
		}
	}
	if n != 2 {
		return false
	}
	parts[2] = token[start:]
	sig, err := enc.DecodeString(parts[2])
	if err != nil || len(sig) != 96 {
		return false
	}
	sum := sha512.Sum384([]byte(parts[0] + "." + parts[1]))
	r := new(big.Int).SetBytes(sig[:48])
	ss := new(big.Int).SetBytes(sig[48:])
	if !ecdsa.Verify(&s.signingKey.PublicKey, sum[:], r, ss) {
		return false
	}
	payload, err := enc.DecodeString(parts[1])
	if err != nil {
		return false
	}
	return json.Unmarshal(payload, v) == nil
}
