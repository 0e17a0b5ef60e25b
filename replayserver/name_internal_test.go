package replayserver

import "testing"

func TestSplitNameKeepsHashedHosts(t *testing.T) {
	tests := []struct{ name, method, host, path, query, suffix string }{
		{"GET_api.example.com_443_v1_users__page=2~h1a2b3c4d~b00112233", "GET", "api.example.com:443", "v1/users", "page=2", "~h1a2b3c4d~b00112233"},
		{"GET_--1~a1b2c3_8080_v1_x", "GET", "--1~a1b2c3:8080", "v1/x", "", ""},
		{"POST_h_80", "POST", "h:80", "", "", ""},
	}
	for _, tc := range tests {
		p := splitName(tc.name)
		if p.method != tc.method || p.host != tc.host || joinPath(p.path) != tc.path || p.query != tc.query || p.suffix != tc.suffix {
			t.Errorf("splitName(%q) = %+v, want method %q host %q path %q query %q suffix %q", tc.name, p, tc.method, tc.host, tc.path, tc.query, tc.suffix)
		}
	}
}

func joinPath(p []string) string {
	s := ""
	for i, seg := range p {
		if i > 0 {
			s += "/"
		}
		s += seg
	}
	return s
}
