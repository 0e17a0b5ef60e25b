package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// A significant User-Agent gets one name in process and on the wire:
// a request recorded through any of recorder.NewTransport,
// replayserver.NewTransport, srv.Client() (HTTP/1.1, and HTTP/2 of a TLS
// server) or an h2c client is answered from its cassette through each of
// the others. Go's client sends of a User-Agent the first value alone,
// its own Go-http-client/1.1 (or /2.0) when none is set, and the values
// of other spellings of the key ("user-agent") as other fields; naming
// counted every value as set, and no agent for none, so that each case
// below was named one way in process and another by the server, and
// missed (two spellings over HTTP/2 in a random order, one name in two).
func TestASignificantUserAgentIsOneNameOverEveryPath(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "true")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "answer") }))
	defer up.Close()
	rules := naming.Rules{Headers: []string{"User-Agent"}}
	cases := []struct {
		name, why string
		header    http.Header
		// spellings: the field is set under several keys, which an h2c
		// client, not srv.Client(), sends in a random order (a known
		// limit, see README).
		spellings bool
	}{
		{"two values", "of which Go sends the first", http.Header{"User-Agent": {"x", "y"}}, false},
		{"two spellings", "sent in a random order over HTTP/2", http.Header{"User-Agent": {"x"}, "user-agent": {"y"}}, true},
		{"upper case and canonical", "the canonical key sorted last, sent first", http.Header{"USER-AGENT": {"w"}, "User-Agent": {"x"}}, true},
		{"none", "for which Go sends its own", http.Header{}, false},
		{"lower case", "after which Go's HTTP/1.1 client sends its own first", http.Header{"user-agent": {"y"}}, false},
		{"empty and lower case", "an empty one, which Go does not send, and another spelling", http.Header{"User-Agent": {""}, "user-agent": {"y"}}, true},
	}
	paths := []string{"recorder.NewTransport", "replayserver.NewTransport", "http1", "tls", "h2c"}
	// client returns the client of a path, and the URL it asks for, for
	// a library at lib in the mode given.
	client := func(t *testing.T, path, lib string, mode replayserver.Mode) (*http.Client, string) {
		opts := []replayserver.Option{replayserver.Naming(rules), replayserver.WithMode(mode), replayserver.Upstream(up.URL)}
		switch path {
		case "recorder.NewTransport":
			return &http.Client{Transport: recorder.NewTransport(t, lib, recorder.Naming(rules))}, up.URL + "/v1/x"
		case "replayserver.NewTransport":
			return &http.Client{Transport: replayserver.NewTransport(t, lib, opts...)}, up.URL + "/v1/x"
		case "tls":
			srv := replayserver.New(t, lib, append(opts, replayserver.TLS())...)
			return srv.Client(), up.URL + "/v1/x" // brought to the server by srv.Client()
		case "h2c":
			srv := replayserver.New(t, lib, opts...)
			return h2cClient(), srv.URL + "/v1/x"
		}
		srv := replayserver.New(t, lib, opts...)
		return srv.Client(), srv.URL + "/v1/x"
	}
	for _, c := range cases {
		for _, recordedBy := range paths {
			lib := filepath.Join(t.TempDir(), "api")
			get := func(t *testing.T, cl *http.Client, url string) (int, string) {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header = c.header.Clone()
				return doBody(t, cl, req)
			}
			if recordedBy == "h2c" && c.spellings {
				continue
			}
			ok := t.Run(fmt.Sprintf("record %s through %s", c.name, recordedBy), func(t *testing.T) {
				cl, url := client(t, recordedBy, lib, replayserver.ModeRecord)
				if status, body := get(t, cl, url); status != 200 || body != "answer" {
					t.Fatalf("recording GET %s with User-Agent %q (%s) through %s = %d %.300q", url, c.header, c.why, recordedBy, status, body)
				}
			})
			if !ok {
				continue
			}
			for _, replayedBy := range paths[1:] {
				if replayedBy == "h2c" && c.spellings {
					continue
				}
				t.Run(fmt.Sprintf("replay %s recorded through %s, through %s", c.name, recordedBy, replayedBy), func(t *testing.T) {
					cl, url := client(t, replayedBy, lib, replayserver.ModeReplay)
					if status, body := get(t, cl, url); status != 200 || body != "answer" {
						t.Errorf("GET %s with User-Agent %q (%s), recorded through %s, replayed through %s = %d %.300q, want 200 %q",
							url, c.header, c.why, recordedBy, replayedBy, status, body, "answer")
					}
				})
			}
		}
	}
}

// A miss report compares a significant User-Agent as naming counts it:
// the Go-http-client/1.1 that Go's client sends for a request that sets
// none is not shown as a difference from a cassette recorded without
// one, since it makes none in the name.
func TestAMissReportComparesTheUserAgentNamed(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	rules := naming.Rules{Headers: []string{"User-Agent"}}
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ query, agent string }{{"page=1", ""}, {"page=3", "x"}} {
		req := httptest.NewRequest("GET", "http://api.example.com/v1/x?"+c.query, nil)
		h := http.Header{}
		if c.agent != "" {
			h.Set("User-Agent", c.agent)
		}
		req.Header = h
		if err := lib.Append(naming.Name(req, nil, rules), library.Exchange{
			Request:  library.Request{Method: "GET", URL: req.URL.String(), Header: h},
			Response: library.Response{StatusCode: 200, Body: []byte("answer")},
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Naming(rules), replayserver.Logf(func(string, ...any) {}))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, c := range []struct {
		agent, want, not string
	}{
		{"", "Query:   url.Values{\"page\": {\"1\"}}", "Go-http-client"},
		{"x", "\"User-Agent\": {\"x\"}", "Go-http-client"},
	} {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/x?page=2", nil)
		if c.agent != "" {
			req.Header.Set("User-Agent", c.agent)
		}
		status, report := doBody(t, srv.Client(), req)
		if status != http.StatusNotFound {
			t.Fatalf("GET /v1/x?page=2 = %d %.300q, want a miss", status, report)
		}
		_, nearest, _ := strings.Cut(report, "nearest #1") // the request as received is shown above, Go's agent included
		nearest, _, _ = strings.Cut(nearest, "nearest #2")
		if !strings.Contains(nearest, c.want) || strings.Contains(nearest, c.not) {
			t.Errorf("GET /v1/x?page=2 with User-Agent %q: the report's nearest cassette reads\n%s\nwant its diff to say %s, and not %s", c.agent, nearest, c.want, c.not)
		}
	}
}

// A significant User-Agent that is also redacted is answered from the
// cassette recorded through recorder.NewTransport over every protocol,
// for a request that sets none as for one that sets one. Go's client
// sends its own agent for a request that sets none, which the server
// redacted to REDACTED, counted as a User-Agent, while in process there
// was none to redact: the request missed.
func TestASignificantRedactedUserAgentIsOneNameOverEveryProtocol(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "true")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "answer") }))
	defer up.Close()
	rules := naming.Rules{Headers: []string{"User-Agent"}}
	for _, agent := range []string{"", "x"} {
		path := filepath.Join(t.TempDir(), "api")
		get := func(t *testing.T, c *http.Client, url string) (int, string) {
			req, _ := http.NewRequest("GET", url, nil)
			if agent != "" {
				req.Header.Set("User-Agent", agent)
			}
			return doBody(t, c, req)
		}
		t.Run(fmt.Sprintf("record User-Agent %q", agent), func(t *testing.T) {
			c := &http.Client{Transport: recorder.NewTransport(t, path, recorder.Naming(rules), recorder.RedactHeaders("User-Agent"))}
			if status, body := get(t, c, up.URL+"/v1/x"); status != 200 || body != "answer" {
				t.Fatalf("recording GET /v1/x = %d %q", status, body)
			}
		})
		for _, kind := range []string{"http1", "h2c", "tls"} {
			t.Run(fmt.Sprintf("replay User-Agent %q over %s", agent, kind), func(t *testing.T) {
				opts := []replayserver.Option{replayserver.Naming(rules), replayserver.RedactHeaders("User-Agent"), replayserver.WithMode(replayserver.ModeReplay), replayserver.Logf(t.Logf)}
				if kind == "tls" {
					opts = append(opts, replayserver.TLS())
				}
				srv := replayserver.New(t, path, opts...)
				c, _ := protoClient(srv, kind)
				url := srv.URL + "/v1/x"
				if kind == "tls" {
					url = up.URL + "/v1/x"
				}
				if status, body := get(t, c, url); status != 200 || body != "answer" {
					t.Errorf("GET /v1/x with User-Agent %q, redacted, over %s = %d %.300q, want 200 %q", agent, kind, status, body, "answer")
				}
			})
		}
	}
}
