package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// OPTIONS * asks about a server as a whole. The recording proxy's
// http.Server answered it itself (200, empty), so it was neither
// forwarded nor recorded; it goes to the upstream's server as "*" (not
// under the upstream's path) and is stored as NewTransport stores it.
func TestProxyRecordsOptionsAsterisk(t *testing.T) {
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, OPTIONS")
		fmt.Fprintf(w, "%s %s", r.Method, r.RequestURI)
	}))
	api.Config.DisableGeneralOptionsHandler = true // the API answers OPTIONS * itself
	api.Start()
	defer api.Close()
	apiHost := api.Listener.Addr().String()
	star := func(t *testing.T, rt http.RoundTripper, host string) string {
		t.Helper()
		req := &http.Request{Method: "OPTIONS", URL: &url.URL{Scheme: "http", Host: host, Opaque: "*"}, Host: host, Header: http.Header{}}
		resp, err := (&http.Client{Transport: rt}).Do(req)
		if err != nil {
			t.Fatalf("OPTIONS * to %s: %v", host, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(b) != "OPTIONS *" || resp.Header.Get("Allow") != "GET, OPTIONS" {
			t.Errorf("OPTIONS * to %s = %d, Allow %q, %q; want 200, Allow \"GET, OPTIONS\", \"OPTIONS *\" (the API's answer)", host, resp.StatusCode, resp.Header.Get("Allow"), b)
		}
		return string(b)
	}
	// stored returns the name and URL of the one exchange of the library
	// at path.
	stored := func(t *testing.T, path string) (name, rawURL string) {
		t.Helper()
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		names, _ := lib.Names()
		if len(names) != 1 {
			t.Fatalf("library %s holds %q, want one cassette", path, names)
		}
		c, _, err := lib.Get(names[0])
		if err != nil || len(c.Exchanges) != 1 {
			t.Fatalf("cassette %s: %d exchange(s), %v; want one", names[0], len(c.Exchanges), err)
		}
		return names[0], c.Exchanges[0].Request.URL
	}

	byTransport := filepath.Join(t.TempDir(), "api")
	t.Run("NewTransport", func(t *testing.T) {
		star(t, recorder.NewTransport(t, byTransport), apiHost)
	})
	byProxy := filepath.Join(t.TempDir(), "api")
	t.Run("New", func(t *testing.T) {
		rec := recorder.New(t, api.URL+"/v1", byProxy)
		star(t, http.DefaultTransport, rec.Listener.Addr().String())
	})
	tName, tURL := stored(t, byTransport)
	if name, u := stored(t, byProxy); name != tName || u != tURL {
		t.Errorf("the proxy recorded %s (URL %q), want %s (URL %q) as NewTransport records it", name, u, tName, tURL)
	}
}
