package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// An API that sends a field in its header and announces it as a trailer
// (X-Sum: h, then the trailer X-Sum: t) gives a client t as the trailer.
// Through the recording proxy over HTTP/1.1 the client got [h t]: the
// proxy added the trailer to the header it had sent, which net/http's
// server then sent as the trailer. Recording and replaying, over HTTP/1.1
// and HTTP/2, a client now gets what it gets from the API.
func TestAFieldInTheHeaderAndTrailersRecordsAsTheAPISentIt(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		w.Header().Set("X-Sum", "h")
		io.WriteString(w, "body")
		w.Header().Set("X-Sum", "t")
	}))
	defer api.Close()
	direct, err := http.Get(api.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(direct.Body)
	direct.Body.Close()
	want := trailersOf(direct.Trailer)
	lib := filepath.Join(t.TempDir(), "api.json")
	for _, mode := range []string{"record", "replay"} {
		for _, client := range []string{"HTTP/1.1", "TLS"} {
			t.Run(mode+"/"+client, func(t *testing.T) {
				t.Setenv(replayserver.EnvMode, mode)
				t.Setenv("CI", "")
				var opts []replayserver.Option
				if client == "TLS" {
					opts = append(opts, replayserver.TLS())
				}
				resp, err := replayserver.New(t, lib, opts...).Client().Get(api.URL + "/x")
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if got := trailersOf(resp.Trailer); err != nil || string(b) != "body" || resp.Header.Get("X-Sum") != "h" || got != want {
					t.Errorf("%s over %s: %q (%v), header X-Sum %q, trailers [%s]; want %q, header X-Sum %q, trailers [%s] as from the API",
						mode, resp.Proto, b, err, resp.Header.Get("X-Sum"), got, "body", "h", want)
				}
			})
		}
	}
}
