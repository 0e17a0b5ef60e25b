package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/internal/h2api"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// An HTTP/2 API may answer with an empty body and trailers after it: Go's
// server sends the header (with Content-Length: 0 when the handler sets it
// or writes nothing), then the trailers, announced or not. The client
// reads a ContentLength of 0 and gets the trailers as the body ends. The
// recorder stored such an answer as soon as it arrived, as one without a
// body, before its trailers had come: the cassette had none. It is stored
// now once its body has ended, by every recording path, read or only
// closed by the client; over HTTP/2 and h2c alike.
func TestAnEmptyAnswerOverHTTP2IsStoredWithTheTrailersThatFollowIt(t *testing.T) {
	paths := h2api.EmptyPaths
	for _, kind := range h2api.Kinds {
		srv, upstream := h2api.Start(kind, h2api.EmptyWithTrailers)
		defer srv.Close()
		// Each way of recording sends GET path and returns what the
		// client got, the library holding the exchange once it returns.
		ways := map[string]func(t *testing.T, dir, path string) *http.Response{
			"NewTransport, body read": func(t *testing.T, dir, path string) *http.Response {
				rt := recorder.NewTransport(t, dir, recorder.Transport(upstream))
				resp := getEmpty(t, &http.Client{Transport: rt}, srv.URL+path, true)
				flush(t, rt)
				return resp
			},
			"NewTransport, body closed unread": func(t *testing.T, dir, path string) *http.Response {
				rt := recorder.NewTransport(t, dir, recorder.Transport(upstream))
				getEmpty(t, &http.Client{Transport: rt}, srv.URL+path, false)
				flush(t, rt)
				return nil // the client did not wait for the trailers
			},
			"New": func(t *testing.T, dir, path string) *http.Response {
				rec := recorder.New(t, srv.URL, dir, recorder.Transport(upstream))
				getEmpty(t, http.DefaultClient, rec.URL+path, true) // over HTTP/1.1: see the README
				if err := rec.Save(); err != nil {
					t.Fatal(err)
				}
				return nil
			},
			"NewProxy over HTTP/2": func(t *testing.T, dir, path string) *http.Response {
				lib, err := library.Open(dir)
				if err != nil {
					t.Fatal(err)
				}
				p, err := recorder.NewProxy(srv.URL, lib, recorder.Transport(upstream))
				if err != nil {
					t.Fatal(err)
				}
				front := httptest.NewUnstartedServer(p)
				front.EnableHTTP2 = true
				front.StartTLS()
				defer front.Close()
				resp := getEmpty(t, front.Client(), front.URL+path, true)
				if err := p.Close(); err != nil {
					t.Fatal(err)
				}
				return resp
			},
		}
		for way, record := range ways {
			for _, path := range paths {
				t.Run(kind+" "+way+" "+path, func(t *testing.T) {
					dir := filepath.Join(t.TempDir(), "api")
					resp := record(t, dir, path)
					if resp != nil && resp.Trailer.Get("X-Sum") != "v" {
						t.Errorf("the client got trailers %v recording, want X-Sum: v", resp.Trailer)
					}
					_, ex := onlyExchange(t, dir)
					if got := ex.Response.Trailer.Get("X-Sum"); got != "v" || len(ex.Response.Body) != 0 {
						t.Errorf("stored body %q, trailers %v; want an empty body and X-Sum: v", ex.Response.Body, ex.Response.Trailer)
					}
				})
			}
		}
	}
}

// getEmpty sends GET url through c and returns the answer, its body read
// to its end (not at all, unless read) and closed.
func getEmpty(t *testing.T, c *http.Client, url string, read bool) *http.Response {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	if read {
		io.Copy(io.Discard, resp.Body)
	}
	resp.Body.Close()
	return resp
}
