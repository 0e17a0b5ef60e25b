package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// The replay server's own headers sent as a request's trailers (a PUT
// with a streamed body and a trailer X-Cassette-Host) are dropped by the
// replay server, srv.Client() and replayserver.NewTransport. The
// recorders passed them upstream with the trailers the client sent: they
// drop them too, under any spelling of their keys, the request's other
// trailers reaching the API with their values, whether its body is
// stored or too large to be, and the caller's trailers unchanged. So are
// those sent beside announced trailers without being announced.
func TestRecordersDropTheReplayServersOwnTrailers(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		var got []string
		for k, vs := range r.Trailer {
			got = append(got, k+"="+strings.Join(vs, ","))
		}
		slices.Sort(got)
		fmt.Fprintf(w, "%s %v trailers %q", b, err, got)
	}))
	defer api.Close()
	const want = `payload <nil> trailers ["X-Checksum=crc32=1234"]`
	keys := []string{"X-Cassette-Host", "x-cassette-host", "X-CASSETTE-SCHEME", "X-Cassette-Url-Host", "x-Cassette-Secret"}
	for _, rec := range recordings {
		for _, limit := range []int64{0, 3} {
			t.Run(fmt.Sprintf("%s, MaxBodySize %d", rec.name, limit), func(t *testing.T) {
				c, base, wait := rec.start(t, api.URL, t.TempDir(), func(string) {}, recorder.MaxBodySize(limit), recorder.OnError(func(error) {}))
				defer wait()
				for i, key := range append(keys, keys...) {
					// The second time, only X-Checksum is announced: the
					// caller adds key to req.Trailer as the body ends,
					// which Go's client sends all the same.
					announced := i < len(keys)
					pr, pw := io.Pipe()
					req, _ := http.NewRequest("PUT", base+"/upload", pr)
					req.Trailer = http.Header{"X-Checksum": nil}
					if announced {
						req.Trailer[key] = nil
					}
					go func() {
						io.Copy(pw, strings.NewReader("payload"))
						req.Trailer.Set("X-Checksum", "crc32=1234")
						req.Trailer[key] = []string{"forged.example"}
						pw.Close()
					}()
					if status, body := sendOwn(t, c, req); status != 200 || body != want {
						t.Errorf("%s: PUT with trailer %q (announced: %v) = %d %q, want 200 %q", rec.name, key, announced, status, body, want)
					}
					if len(req.Trailer) != 2 || req.Trailer[key][0] != "forged.example" {
						t.Errorf("%s: the caller's trailers were changed: %v", rec.name, req.Trailer)
					}
				}
			})
		}
	}
}
