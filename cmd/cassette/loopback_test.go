package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServersListenOnLoopbackOnly(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, _ := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/a", 200, "a"})
	for _, cmd := range []string{"serve", "record"} {
		for _, tc := range []struct {
			addr, why string
		}{
			{"0.0.0.0:8080", "every IPv4 interface"},
			{":8080", "every interface"},
			{"[::]:0", "every IPv6 interface"},
			{"192.0.2.1:80", "an address of another interface"},
			{"example.com:80", "a host name other than localhost"},
			{"localhost.example.com:80", "a name that starts like localhost"},
		} {
			t.Run(cmd+"/"+tc.why, func(t *testing.T) {
				args := []string{cmd, "-addr", tc.addr, path}
				if cmd == "record" {
					args = []string{cmd, "-upstream", "http://127.0.0.1:1", "-addr", tc.addr, path}
				}
				code, stdout, stderr := runSync(t, args...)
				want := "cassette " + cmd + ": -addr " + tc.addr + ": listens on loopback only (127.0.0.1, ::1 or localhost)\n"
				if code != exitUsage || stderr != want || stdout != "" {
					t.Errorf("cassette %s -addr %s = %d, stderr %q, stdout %q; want %d and the one line %q",
						cmd, tc.addr, code, stderr, stdout, exitUsage, want)
				}
			})
		}
		t.Run(cmd+"/an address without a port", func(t *testing.T) {
			args := []string{cmd, "-addr", "127.0.0.1", path}
			if cmd == "record" {
				args = []string{cmd, "-upstream", "http://127.0.0.1:1", "-addr", "127.0.0.1", path}
			}
			code, _, stderr := runSync(t, args...)
			want := "cassette " + cmd + ": -addr 127.0.0.1: want HOST:PORT on loopback (127.0.0.1, ::1 or localhost)\n"
			if code != exitUsage || stderr != want {
				t.Errorf("cassette %s -addr 127.0.0.1 = %d, stderr %q; want %d and %q", cmd, code, stderr, exitUsage, want)
			}
		})
	}
}

func TestServersStartOnLoopbackAddresses(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer upstream.Close()
	path, _ := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/a", 200, "a"})
	addrs := []string{"127.0.0.1:0", "localhost:0", "LOCALHOST:0"}
	if l, err := net.Listen("tcp", "[::1]:0"); err == nil {
		l.Close()
		addrs = append(addrs, "[::1]:0")
	}
	for _, cmd := range []string{"serve", "record"} {
		for _, addr := range addrs {
			t.Run(cmd+"/"+addr, func(t *testing.T) {
				args := []string{cmd, "-addr", addr, path}
				if cmd == "record" {
					args = []string{cmd, "-upstream", upstream.URL, "-addr", addr, path}
				}
				p := start(t, args...)
				if line, _ := p.announce(); !strings.HasPrefix(line, "cassette: ") {
					t.Errorf("cassette %s -addr %s printed %q, want it to announce its address", cmd, addr, line)
				}
				if code := p.stop(); code != exitOK {
					t.Errorf("cassette %s -addr %s exited with %d, want 0; stderr:\n%s", cmd, addr, code, p.stderr.String())
				}
			})
		}
	}
}
