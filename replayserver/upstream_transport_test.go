package replayserver_test

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// tlsAPI is an API on loopback over TLS, with httptest's own certificate:
// trusted only by the transport of its Client().
func tlsAPI(t *testing.T) *httptest.Server {
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secure "+r.URL.Path)
	}))
	up.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes refused on purpose
	up.StartTLS()
	t.Cleanup(up.Close)
	return up
}

func fetch(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: body: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

func TestUpstreamTransportRecordsFromATLSTestServer(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := tlsAPI(t)
	path := filepath.Join(t.TempDir(), "api")

	t.Run("untrusted", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
		code, body := fetch(t, srv.Client(), srv.URL+"/v1/x")
		if code != http.StatusBadGateway || !strings.Contains(body, "certificate") || !strings.Contains(body, "replayserver.UpstreamTransport") {
			t.Errorf("without UpstreamTransport: %d %q, want 502 naming the certificate and UpstreamTransport", code, body)
		}
		if got := srv.Unused(); len(got) != 0 {
			t.Errorf("a request that could not be forwarded was stored: %v", got)
		}
	})

	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL),
			replayserver.UpstreamTransport(up.Client().Transport))
		if code, body := fetch(t, srv.Client(), srv.URL+"/v1/x"); code != 200 || body != "secure /v1/x" {
			t.Errorf("recording: %d %q", code, body)
		}
	})
	up.Close()

	t.Run("replay", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		if code, body := fetch(t, srv.Client(), srv.URL+"/v1/x"); code != 200 || body != "secure /v1/x" {
			t.Errorf("replay: %d %q", code, body)
		}
	})
}

func TestUpstreamTransportOfTheInProcessTransport(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := tlsAPI(t)
	path := filepath.Join(t.TempDir(), "api.json")

	t.Run("record", func(t *testing.T) {
		rt := replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeRecord),
			replayserver.UpstreamTransport(up.Client().Transport))
		if code, body := fetch(t, &http.Client{Transport: rt}, up.URL+"/v1/y"); code != 200 || body != "secure /v1/y" {
			t.Errorf("recording: %d %q", code, body)
		}
	})
	up.Close()

	t.Run("replay", func(t *testing.T) {
		rt := replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		if code, body := fetch(t, &http.Client{Transport: rt}, up.URL+"/v1/y"); code != 200 || body != "secure /v1/y" {
			t.Errorf("replay: %d %q", code, body)
		}
	})
}

// countingTransport counts the requests it sends on.
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

func TestUpstreamTransportIsUsedAsGivenInPassthrough(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := tlsAPI(t)
	ct := &countingTransport{base: up.Client().Transport}
	srv := replayserver.New(t, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(replayserver.ModePassthrough),
		replayserver.Upstream(up.URL), replayserver.UpstreamTransport(ct))
	for i := 0; i < 2; i++ {
		if code, body := fetch(t, srv.Client(), srv.URL+"/v1/z"); code != 200 || body != "secure /v1/z" {
			t.Fatalf("passthrough: %d %q", code, body)
		}
	}
	if n := ct.n.Load(); n != 2 {
		t.Errorf("UpstreamTransport sent %d requests, want 2", n)
	}
	if got := srv.Unused(); len(got) != 0 {
		t.Errorf("passthrough stored %v", got)
	}
}

func TestUpstreamTransportRecordsFromAnHTTP2Server(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "Grpc-Status")
		io.WriteString(w, r.Proto+" "+r.URL.Path)
		w.Header().Set("Grpc-Status", "0")
	}))
	up.EnableHTTP2 = true
	up.StartTLS()
	defer up.Close()
	path := filepath.Join(t.TempDir(), "h2.yaml")

	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL),
			replayserver.UpstreamTransport(up.Client().Transport))
		// The upstream announces the trailer and a Content-Length both; the
		// client must still get the trailer, and the recording is then
		// complete when the client is done (not after it hung up).
		resp, err := srv.Client().Get(srv.URL + "/v1/h2")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "HTTP/2.0 /v1/h2" || resp.Trailer.Get("Grpc-Status") != "0" {
			t.Errorf("recording: %q, trailer %v; want the HTTP/2 answer and Grpc-Status 0", b, resp.Trailer)
		}
	})
	up.Close()
	t.Run("replay", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		resp, err := srv.Client().Get(srv.URL + "/v1/h2")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if string(b) != "HTTP/2.0 /v1/h2" || resp.Trailer.Get("Grpc-Status") != "0" {
			t.Errorf("replay: %q, trailer %v; want the HTTP/2 answer and Grpc-Status 0", b, resp.Trailer)
		}
	})
}

// The in-process transport keeps the given transport's own choice about
// compression: one with DisableCompression asks for no gzip.
func TestUpstreamTransportKeepsItsCompressionSetting(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	var asked []string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.Header.Get("Accept-Encoding"))
		io.WriteString(w, "plain")
	}))
	defer up.Close()
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModePassthrough} {
		t.Run(string(mode), func(t *testing.T) {
			asked = nil
			rt := replayserver.NewTransport(t, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(mode),
				replayserver.UpstreamTransport(&http.Transport{DisableCompression: true}))
			if code, body := fetch(t, &http.Client{Transport: rt}, up.URL+"/x"); code != 200 || body != "plain" {
				t.Errorf("%d %q", code, body)
			}
			if len(asked) != 1 || asked[0] != "" {
				t.Errorf("the API was asked Accept-Encoding %q, want none", asked)
			}
		})
	}
}
