package main

import (
	"bytes"
	"context"
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
				want := "cassette " + cmd + ": -addr " + tc.addr + ": listens on loopback only (127.0.0.0/8 such as 127.0.0.1, ::1 or localhost)\n"
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
			want := "cassette " + cmd + ": -addr 127.0.0.1: want HOST:PORT on loopback (127.0.0.0/8 such as 127.0.0.1, ::1 or localhost)\n"
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
	if l, err := net.Listen("tcp", "127.0.0.2:0"); err == nil {
		// Any address of 127.0.0.0/8 is loopback, as the error says.
		l.Close()
		addrs = append(addrs, "127.0.0.2:0")
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

// A port that is no port is a mistake in the command line: status 2 and a
// line naming -addr, before anything is served, where it used to fail to
// listen with status 1, as a port in use still does.
func TestServersRefuseABadPort(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, _ := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/a", 200, "a"})
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, cmd := range []string{"serve", "record"} {
		args := func(addr string) []string {
			if cmd == "record" {
				return []string{cmd, "-upstream", "http://127.0.0.1:1", "-addr", addr, path}
			}
			return []string{cmd, "-addr", addr, path}
		}
		for _, tc := range []struct {
			addr, port, why string
		}{
			{"127.0.0.1:99999", "99999", "a port over 65535"},
			{"127.0.0.1:65536", "65536", "the first port over 65535"},
			{"127.0.0.1:notaport", "notaport", "a word"},
			{"localhost:-1", "-1", "a negative port"},
			{"[::1]:0x50", "0x50", "a port in hexadecimal"},
			{"127.0.0.1:http", "http", "a service name"},
			{"127.0.0.1:+80", "+80", "a port with a sign"},
		} {
			t.Run(cmd+"/"+tc.why, func(t *testing.T) {
				// A server that does start stops at once, and the test fails.
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				var stdout, stderr bytes.Buffer
				code := run(ctx, args(tc.addr), &stdout, &stderr)
				want := "cassette " + cmd + ": -addr " + tc.addr + `: port "` + tc.port + `" is not a port number; want one from 0 to 65535 (0 picks a free port)` + "\n"
				if code != exitUsage || stderr.String() != want || stdout.Len() != 0 {
					t.Errorf("cassette %s -addr %s = %d, stderr %q, stdout %q; want %d and the one line %q",
						cmd, tc.addr, code, stderr.String(), stdout.String(), exitUsage, want)
				}
			})
		}
		t.Run(cmd+"/a port in use", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var stdout, stderr bytes.Buffer
			addr := busy.Addr().String()
			code := run(ctx, args(addr), &stdout, &stderr)
			if code != exitError || !strings.Contains(stderr.String(), addr) {
				t.Errorf("cassette %s -addr %s (in use) = %d, stderr %q; want %d, a failure to listen", cmd, addr, code, stderr.String(), exitError)
			}
		})
	}
}
