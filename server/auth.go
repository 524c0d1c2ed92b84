package server

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
)

// bearer returns the request's bearer token: the Authorization header, or
// the token query parameter when allowQuery (browsers cannot set headers
// on websockets).
func bearer(r *http.Request, allowQuery bool) string {
	if h := r.Header.Get("Authorization"); h != "" {
		const p = "bearer "
		if len(h) > len(p) && strings.EqualFold(h[:len(p)], p) {
			return strings.TrimSpace(h[len(p):])
		}
		return ""
	}
	if allowQuery {
		return r.URL.Query().Get("token")
	}
	return ""
}

// Authorizer returns a function that reports whether a request carries a
// bearer token (Authorization header, or ?token= for clients that cannot
// set headers) from tokens that grants scope. It is what the OGC handler
// needs as its Authorize dependency, built from the same tokens as the
// Server's Config.
func Authorizer(tokens []Token) func(r *http.Request, scope string) bool {
	return func(r *http.Request, scope string) bool {
		scopes, ok := tokenScopes(tokens, bearer(r, true))
		return ok && hasScope(scopes, scope)
	}
}

// tokenScopes returns the scopes of tok, or nil and false when unknown.
func (s *Server) tokenScopes(tok string) ([]string, bool) { return tokenScopes(s.cfg.Tokens, tok) }

func tokenScopes(tokens []Token, tok string) ([]string, bool) {
	if tok == "" {
		return nil, false
	}
	var found []string
	ok := false
	for _, t := range tokens {
		if subtle.ConstantTimeCompare([]byte(t.Value), []byte(tok)) == 1 {
			found, ok = t.Scopes, true
		}
	}
	return found, ok
}

func hasScope(scopes []string, want string) bool {
	return slices.Contains(scopes, want) || slices.Contains(scopes, ScopeAdmin)
}

// authorize checks the request's bearer token for scope: 401 without a
// token, 403 with a token that is unknown or lacks the scope.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, scope string) error {
	tok := bearer(r, false)
	if tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="flightwatch"`)
		return errorf(http.StatusUnauthorized, "missing bearer token (Authorization: Bearer TOKEN)")
	}
	scopes, ok := s.tokenScopes(tok)
	if !ok {
		return errorf(http.StatusForbidden, "token not accepted")
	}
	if !hasScope(scopes, scope) {
		return errorf(http.StatusForbidden, "token lacks scope %q", scope)
	}
	return nil
}

// rawAllowed reports whether raw report points may be shown to r.
func (s *Server) rawAllowed(r *http.Request) bool {
	if s.cfg.PublicRawReports {
		return true
	}
	scopes, ok := s.tokenScopes(bearer(r, true))
	return ok && hasScope(scopes, ScopeReadRaw)
}
