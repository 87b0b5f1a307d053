package logtotest

import "net/http"

func (s *Server) registerSignInExp(mux *http.ServeMux) {}
