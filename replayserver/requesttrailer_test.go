package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A request's trailers reach the server through srv.Client() as through
// any Go client: their values come after the body (the caller sets them
// in req.Trailer as the body ends, as http.Request says). srv.Client()
// sent a clone of the request, whose Trailer was a copy of the map taken
// before the body was read: the trailers it announced went with no value,
// for a request sent for another host, and for one sent to the server's
// own URL with a header set under two spellings of its key.
func TestSrvClientSendsARequestsTrailers(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	for _, tls := range []bool{false, true} {
		opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeReplay)}
		if tls {
			opts = append(opts, replayserver.TLS())
		}
		srv := replayserver.New(t, path, opts...)
		srv.Router().Path("/upload").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			fmt.Fprintf(w, "%s %v checksum=%q", b, err, r.Trailer.Get("X-Checksum"))
		})
		for _, tc := range []struct {
			name, url string
			header    http.Header
		}{
			{"for another host", "http://api.example.com/upload", nil},
			{"to the server's own URL", srv.URL + "/upload", nil},
			{"to the server's own URL, a header set twice", srv.URL + "/upload", http.Header{"X-Key": {"a"}, "x-key": {"b"}}},
		} {
			pr, pw := io.Pipe()
			req, _ := http.NewRequest("PUT", tc.url, pr)
			for k, v := range tc.header {
				req.Header[k] = v
			}
			req.Trailer = http.Header{"X-Checksum": nil}
			go func() {
				io.Copy(pw, strings.NewReader("payload"))
				req.Trailer.Set("X-Checksum", "crc32=1234")
				pw.Close()
			}()
			status, body := doBody(t, srv.Client(), req)
			if want := `payload <nil> checksum="crc32=1234"`; status != 200 || body != want {
				t.Errorf("srv.Client() (TLS %v) PUT %s, %s, with a trailer = %d %.300q, want 200 %q", tls, tc.url, tc.name, status, body, want)
			}
		}
	}
}
