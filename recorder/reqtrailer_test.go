package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// TestProxyForwardsRequestTrailers sends a chunked request body with a
// trailer through the recording proxy: the upstream gets the trailer, as
// it does through NewTransport and the replay server recording (a request
// goes to the API as the client sent it). Go's httputil.ReverseProxy
// clones the request's Trailer before its body is read, so its values,
// which come with the end of the body, were lost.
func TestProxyForwardsRequestTrailers(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %v trailer=%q", b, err, r.Trailer.Get("X-Checksum"))
	}))
	defer api.Close()
	for _, tc := range []struct {
		name string
		opts []recorder.Option
	}{
		{"stored", nil},
		{"over MaxBodySize", []recorder.Option{recorder.MaxBodySize(3), recorder.OnError(func(error) {})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := recorder.New(t, api.URL, t.TempDir(), tc.opts...)
			pr, pw := io.Pipe()
			req, _ := http.NewRequest("PUT", rec.URL+"/upload", pr)
			req.Trailer = http.Header{"X-Checksum": nil}
			go func() {
				io.Copy(pw, strings.NewReader("payload"))
				req.Trailer.Set("X-Checksum", "crc32=1234")
				pw.Close()
			}()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if want := `payload <nil> trailer="crc32=1234"`; string(body) != want {
				t.Errorf("the upstream saw %q, want %q", body, want)
			}
		})
	}
}
