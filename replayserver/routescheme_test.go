package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A route restricted by scheme sees the scheme a request sent through
// srv.Client() was meant for. gorilla/mux reads it from r.URL.Scheme,
// else from r.TLS: an https:// URL sent to a server without TLS never
// matched Schemes("https") (and an http:// URL sent to a TLS() server
// never matched Schemes("http")), the scheme being in the server's own
// header only. The route's request has a URL with the scheme and host it
// was meant for, as a proxy request's, r.TLS as it came and none of the
// server's own headers; a request sent to the server's own URL is seen
// as it came.
func TestRoutesSeeTheSchemeARequestWasMeantFor(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	for _, tc := range []struct {
		name string
		opts []replayserver.Option
	}{
		{"plain", nil},
		{"TLS", []replayserver.Option{replayserver.TLS()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := replayserver.New(t, "testdata/example", append(tc.opts, replayserver.WithMode(replayserver.ModeReplay))...)
			for _, scheme := range []string{"https", "http"} {
				srv.Router().Schemes(scheme).Host("{host:api.example.com|127.0.0.1}").Path("/s").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprintf(w, "%s route: URL %s, Host %s, TLS %v, X-Cassette-Scheme %q", scheme, r.URL, r.Host, r.TLS != nil, r.Header.Get("X-Cassette-Scheme"))
				})
			}
			get := func(url string) string {
				t.Helper()
				resp, err := srv.Client().Get(url)
				if err != nil {
					t.Fatalf("GET %s: %v", url, err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return string(b)
			}
			overTLS := tc.name == "TLS"
			for _, url := range []string{"https://api.example.com/s", "http://api.example.com/s"} {
				scheme := url[:len(url)-len("://api.example.com/s")]
				want := fmt.Sprintf("%s route: URL %s, Host api.example.com, TLS %v, X-Cassette-Scheme \"\"", scheme, url, overTLS)
				if got := get(url); got != want {
					t.Errorf("srv.Client() GET %s = %.300q, want %q", url, got, want)
				}
			}
			// The server's own URL: the scheme it came with, and the URL
			// as it came.
			own := srv.Listener.Addr().String()
			scheme := map[bool]string{false: "http", true: "https"}[overTLS]
			want := fmt.Sprintf("%s route: URL /s, Host %s, TLS %v, X-Cassette-Scheme \"\"", scheme, own, overTLS)
			if got := get(srv.URL + "/s"); got != want {
				t.Errorf("srv.Client() GET %s/s = %.300q, want %q", srv.URL, got, want)
			}
		})
	}
}
