package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// srv.Transport() takes a request built by hand without a header map for
// another host, as http.Client would send it, rather than panicking on it;
// one for the server's own URL goes to http.Transport, which refuses it
// ("http: nil Request.Header"), an error and no panic either.
func TestServerTransportTakesARequestWithoutHeader(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	srv := replayserver.New(t, "testdata/example", replayserver.WithMode(replayserver.ModeReplay))
	own, _ := url.Parse(srv.URL + "/v1/cities")
	for _, u := range []*url.URL{
		{Scheme: "https", Host: "api.example.com", Path: "/v1/cities"},
		own,
	} {
		req := &http.Request{Method: "GET", URL: u} // no Header
		resp, err := srv.Transport().RoundTrip(req)
		if err != nil {
			if u == own {
				continue // http.Transport refuses it, with an error: no panic
			}
			t.Fatalf("GET %s: %v", u, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", u, resp.StatusCode)
		}
	}
}

// srv.Client() sends a request for the server's own URL as it is: a route
// of the test's own sees the client's header, and nothing the server's
// transport adds for the requests of other hosts.
func TestServerClientSendsRequestsForTheServerAsTheyAre(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	srv := replayserver.New(t, "testdata/example", replayserver.WithMode(replayserver.ModeReplay))
	got := make(chan http.Header, 1)
	srv.Router().HandleFunc("/mine", func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
	})
	resp, err := srv.Client().Get(srv.URL + "/mine")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if h := <-got; h.Get("X-Cassette-Scheme") != "" {
		t.Errorf("the route got the header X-Cassette-Scheme: %q", h.Get("X-Cassette-Scheme"))
	}
}

// A request built by hand without a URL is an error from srv.Transport()
// and from NewTransport, as from http.Transport ("http: nil
// Request.URL"), its body closed: both panicked on it.
func TestTransportsRefuseARequestWithoutURL(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	for _, tc := range []struct {
		name string
		rt   func(t *testing.T) http.RoundTripper
	}{
		{"srv.Transport()", func(t *testing.T) http.RoundTripper {
			return replayserver.New(t, "testdata/example", replayserver.WithMode(replayserver.ModeReplay)).Transport()
		}},
		{"srv.Transport() of a TLS server", func(t *testing.T) http.RoundTripper {
			return replayserver.New(t, "testdata/example", replayserver.WithMode(replayserver.ModeReplay), replayserver.TLS()).Transport()
		}},
		{"NewTransport", func(t *testing.T) http.RoundTripper {
			return replayserver.NewTransport(t, "testdata/example", replayserver.WithMode(replayserver.ModeReplay))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := tc.rt(t)
			body := &closeTracker{Reader: strings.NewReader("x")}
			var resp *http.Response
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("%s: RoundTrip of a request without URL panicked: %v", tc.name, p)
					}
				}()
				resp, err = rt.RoundTrip(&http.Request{Method: "POST", Header: http.Header{}, Body: body})
			}()
			if err == nil || !strings.Contains(err.Error(), "nil Request.URL") {
				if resp != nil {
					resp.Body.Close()
				}
				t.Errorf("%s: RoundTrip of a request without URL: %v, want an error saying nil Request.URL", tc.name, err)
			}
			if !body.closed {
				t.Errorf("%s: the request's body was not closed", tc.name)
			}
		})
	}
}

// A closeTracker is a request body that notes that it was closed.
type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

// NewTransport takes a request built by hand without a header map in
// every mode, as http.Client would send it (with an empty one): passing
// through, it refused it ("http: nil Request.Header", from
// http.Transport), where recording and replaying take it.
func TestNewTransportTakesARequestWithoutHeaderInEveryMode(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+string(b))
	}))
	defer api.Close()
	lib := filepath.Join(t.TempDir(), "api")
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeReplay, replayserver.ModePassthrough, replayserver.ModeRerecord} {
		t.Run(string(mode), func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			rt := replayserver.NewTransport(t, lib, replayserver.WithMode(mode))
			u, _ := url.Parse(api.URL + "/v1/items")
			for _, body := range []string{"", "x"} {
				req := &http.Request{Method: "PUT", URL: u} // no Header
				if body != "" {
					req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
				}
				resp, err := rt.RoundTrip(req)
				if err != nil {
					t.Fatalf("PUT %q without a header map: %v", body, err)
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if req.Header != nil {
					t.Errorf("the caller's request was given a header map: %v", req.Header)
				}
				if want := "PUT " + body; resp.StatusCode != http.StatusOK || string(got) != want {
					t.Errorf("PUT %q without a header map: %d %q, want 200 %q", body, resp.StatusCode, got, want)
				}
			}
		})
	}
}
