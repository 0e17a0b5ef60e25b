package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// A significant header set under two spellings of its key (Set("X-Key"),
// then h["x-key"]) is named by the server as naming.Name names it, on
// every run, through srv.Client() of a TLS server too. Over HTTP/2, Go's
// client sends a header's keys in the order of a map's iteration, so the
// server read the two values in either order and named the request one
// way or the other: about every other request missed its cassette.
func TestAHeaderUnderTwoSpellingsIsOneNameOverHTTP2(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "true")
	rules := naming.Rules{Headers: []string{"X-Key"}}
	header := func() http.Header {
		return http.Header{"X-Key": {"a"}, "x-key": {"b"}, "X-KEY": {"c"}}
	}
	for _, url := range []string{"https://api.example.com/v1/x", "http://127.0.0.1:1/v1/x"} {
		path := filepath.Join(t.TempDir(), "api")
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", url, nil)
		req.Header = header()
		if err := lib.Append(naming.Name(req, nil, rules), library.Exchange{
			Request:  library.Request{Method: "GET", URL: url, Header: http.Header{"X-Key": {"c", "a", "b"}}},
			Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("answer")},
		}); err != nil {
			t.Fatal(err)
		}
		if err := lib.Save(); err != nil {
			t.Fatal(err)
		}
		srv := replayserver.New(t, path, replayserver.TLS(), replayserver.Naming(rules), replayserver.WithMode(replayserver.ModeReplay))
		target := url
		if url == "http://127.0.0.1:1/v1/x" {
			target = srv.URL + "/v1/x" // the server's own address
		}
		for range 16 {
			req, _ := http.NewRequest("GET", target, nil)
			req.Header = header()
			if status, body := doBody(t, srv.Client(), req); status != 200 || body != "answer" {
				t.Fatalf("srv.Client() GET %s with X-Key: a, x-key: b, X-KEY: c = %d %.300q, want 200 %q", target, status, body, "answer")
			}
		}
	}
}

// A significant Cookie recorded through recorder.NewTransport is
// answered from the cassette over every protocol the server speaks. Go's
// HTTP/2 client (srv.Client() of a TLS server, an h2c client of a plain
// one) sends each cookie-pair as a field of its own, and the server joins
// them with "; ": a Cookie set as two values, or as "a=1;b=2", was named
// one way in process and another over HTTP/2, and missed every time.
func TestASignificantCookieIsOneNameOverEveryProtocol(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "true")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "answer") }))
	defer up.Close()
	rules := naming.Rules{Headers: []string{"Cookie"}}
	for _, cookie := range [][]string{{"a=1", "b=2"}, {"a=1;b=2"}, {"a=1; b=2"}} {
		path := filepath.Join(t.TempDir(), "api")
		get := func(t *testing.T, c *http.Client, url string) (int, string) {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header["Cookie"] = cookie
			return doBody(t, c, req)
		}
		t.Run(fmt.Sprintf("record %q", cookie), func(t *testing.T) {
			if status, body := get(t, &http.Client{Transport: recorder.NewTransport(t, path, recorder.Naming(rules))}, up.URL+"/v1/x"); status != 200 || body != "answer" {
				t.Fatalf("recording GET /v1/x = %d %q", status, body)
			}
		})
		for _, kind := range []string{"http1", "h2c", "tls"} {
			t.Run(fmt.Sprintf("replay %q over %s", cookie, kind), func(t *testing.T) {
				opts := []replayserver.Option{replayserver.Naming(rules), replayserver.WithMode(replayserver.ModeReplay)}
				if kind == "tls" {
					opts = append(opts, replayserver.TLS())
				}
				srv := replayserver.New(t, path, opts...)
				c, _ := protoClient(srv, kind)
				url := srv.URL + "/v1/x"
				if kind == "tls" {
					url = up.URL + "/v1/x" // srv.Client() brings it to the server
				}
				if status, body := get(t, c, url); status != 200 || body != "answer" {
					t.Errorf("GET /v1/x with Cookie %q over %s = %d %.300q, want 200 %q", cookie, kind, status, body, "answer")
				}
			})
		}
	}
}

// A significant header that is redacted, set to spaces alone (an API key
// read from an environment variable holding a space), is answered from
// the cassette recorded through recorder.NewTransport over every
// protocol. Go's HTTP/1.1 client sends it empty, and an empty value is
// not redacted, but in process the spaces were taken for a secret and
// replaced by REDACTED before naming: the name in process hashed
// "REDACTED", the server's over HTTP/1.1 "", and the request missed.
func TestASignificantRedactedHeaderOfSpacesIsOneNameOverEveryProtocol(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "true")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "answer") }))
	defer up.Close()
	for _, key := range []string{"X-Api-Key", "Authorization"} {
		rules := naming.Rules{Headers: []string{key}}
		path := filepath.Join(t.TempDir(), "api")
		get := func(t *testing.T, c *http.Client, url string) (int, string) {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header[key] = []string{" \t "}
			return doBody(t, c, req)
		}
		t.Run("record "+key, func(t *testing.T) {
			if status, body := get(t, &http.Client{Transport: recorder.NewTransport(t, path, recorder.Naming(rules))}, up.URL+"/v1/x"); status != 200 || body != "answer" {
				t.Fatalf("recording GET /v1/x = %d %q", status, body)
			}
		})
		for _, kind := range []string{"http1", "h2c", "tls"} {
			t.Run(fmt.Sprintf("replay %s over %s", key, kind), func(t *testing.T) {
				opts := []replayserver.Option{replayserver.Naming(rules), replayserver.WithMode(replayserver.ModeReplay)}
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
					t.Errorf("GET /v1/x with %s: \" \\t \" over %s = %d %.300q, want 200 %q", key, kind, status, body, "answer")
				}
			})
		}
	}
}
