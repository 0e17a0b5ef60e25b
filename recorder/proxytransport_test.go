package recorder_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// A proxy given an *http.Transport that handles gzip itself (a TLS test
// server's Client().Transport, the usual way to reach it) still forwards
// the client's request as sent and stores what the upstream sent: before,
// the transport asked for gzip the client never asked for, and the
// decoded body was stored, without its Content-Encoding.
func TestProxyWithAGzipHandlingTransportStoresWhatTheUpstreamSent(t *testing.T) {
	var (
		mu   sync.Mutex // guards seen
		seen []string   // Accept-Encoding of each request
	)
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Accept-Encoding"))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		if r.Header.Get("Accept-Encoding") == "gzip" {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			io.WriteString(zw, "zipped")
			zw.Close()
			return
		}
		io.WriteString(w, "plain")
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	rec := recorder.New(t, api.URL, path, recorder.Transport(api.Client().Transport))
	for _, ae := range []string{"", "gzip"} {
		req, _ := http.NewRequest("GET", rec.URL+"/x?ae="+ae, nil)
		if ae != "" {
			req.Header.Set("Accept-Encoding", ae)
		}
		resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := "plain"; ae == "gzip" {
			if resp.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("Accept-Encoding gzip: the client got Content-Encoding %q; want the upstream's gzip", resp.Header.Get("Content-Encoding"))
			}
		} else if string(b) != want || resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("no Accept-Encoding: the client got %q, Content-Encoding %q; want %q as the upstream sent it", b, resp.Header.Get("Content-Encoding"), want)
		}
	}
	rec.Close()
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(seen) != 2 || seen[0] != "" || seen[1] != "gzip" {
		t.Errorf("the upstream saw Accept-Encoding %q; want the client's own: \"\" then \"gzip\"", seen)
	}
	mu.Unlock()
	for _, exs := range readLibrary(t, path) {
		for _, ex := range exs {
			gz := ex.Request.Header.Get("Accept-Encoding") == "gzip"
			isGzip := bytes.HasPrefix(ex.Response.Body, []byte{0x1f, 0x8b})
			if gz != isGzip || gz != (ex.Response.Header.Get("Content-Encoding") == "gzip") {
				t.Errorf("stored %s: request Accept-Encoding %q, response Content-Encoding %q, body %q; want the upstream's answer to that request, byte for byte",
					ex.Request.URL, ex.Request.Header.Get("Accept-Encoding"), ex.Response.Header.Get("Content-Encoding"), ex.Response.Body)
			}
		}
	}
}
