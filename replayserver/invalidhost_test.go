package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A closeCount is a request body that counts its closes.
type closeCount struct {
	io.Reader
	n atomic.Int32
}

func (c *closeCount) Close() error { c.n.Add(1); return nil }

// srv.Client() sending a request for another host fails at once, as Go's
// client fails it, when its Host (req.Host, or its URL's host without
// one) holds a byte no Host may (a space, '@', '/', a control character):
// carried to the server in X-Cassette-Host, such a Host reached the
// routes, where Go's client sends none. A Host Go's client sends goes on,
// one not ASCII too (in punycode upstream).
func TestClientRefusesAHostGoRefuses(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	for _, tls := range []bool{false, true} {
		opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeReplay)}
		name := "HTTP/1.1"
		if tls {
			opts, name = append(opts, replayserver.TLS()), "HTTP/2"
		}
		t.Run(name, func(t *testing.T) {
			srv := replayserver.New(t, path, opts...)
			var routed atomic.Int32
			srv.Router().PathPrefix("/").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				routed.Add(1)
				fmt.Fprintf(w, "route for Host %q", r.Host)
			})
			for _, host := range []string{"a b", "u@api.example.com", "user:pw@api.example.com", "api.example.com\t", "api.example.com/x", "api.example.com\r\nX-Y: z", "api\"example", "\xffexample"} {
				body := &closeCount{Reader: strings.NewReader("payload")}
				req, _ := http.NewRequest("PUT", "https://api.example.com/x", body)
				req.Host = host
				before := routed.Load()
				resp, err := srv.Client().Do(req)
				if err == nil {
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					t.Errorf("srv.Client() PUT with Host %q: %d %q; want an error", host, resp.StatusCode, b)
					continue
				}
				if !strings.Contains(err.Error(), "invalid Host header") || strings.Contains(err.Error(), "pw@") {
					t.Errorf("srv.Client() PUT with Host %q: %v; want an error saying the Host is invalid, without the value", host, err)
				}
				if routed.Load() != before {
					t.Errorf("srv.Client() PUT with Host %q: a route got it", host)
				}
				if body.n.Load() == 0 {
					t.Errorf("srv.Client() PUT with Host %q: the body was not closed", host)
				}
			}
			for _, host := range []string{"api.example.com:8443", "[::1]:8080", "tenant.example", "bücher.example", "ex%41mple.com"} {
				req, _ := http.NewRequest("GET", "https://api.example.com/x", nil)
				req.Host = host
				status, body := doBody(t, srv.Client(), req)
				if status != 200 || !strings.HasPrefix(body, "route for Host ") {
					t.Errorf("srv.Client() GET with Host %q: %d %q; want the route", host, status, body)
				}
			}
		})
	}
}
