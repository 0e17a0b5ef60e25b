package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// proxyTransport is the transport of both proxies of target 6: the
// default transport's settings, without transparent decompression (as
// recorder.NewProxy makes its own), keeping idle connections.
func proxyTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableCompression = true
	t.MaxIdleConnsPerHost = 64
	return t
}

// plainProxy is the baseline of target 6: an httputil.ReverseProxy to up
// configured as the recording proxy's (Host set to the upstream's,
// flushing at once).
func plainProxy(up *url.URL) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(up)
			pr.Out.Host = up.Host
		},
		Transport:     proxyTransport(),
		FlushInterval: -1,
	}
}

// target6: the recording proxy adds at most 1.3× to a plain
// httputil.ReverseProxy per exchange, and streams the response to the
// client while recording.
func target6(cfg config) []row {
	var rows []row

	// Per exchange: each request a new URL, so a new cassette, as when a
	// test suite is recorded. 1 KiB bodies with a Content-Length.
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := itemBody(len(r.URL.Path), 1<<10)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	defer up.Close()
	upURL := mustV(url.Parse(up.URL))
	plainRP := plainProxy(upURL)
	plain := httptest.NewServer(plainRP)
	defer plain.Close()

	for _, kind := range []struct {
		name, path string
		goal       bool // the row that decides the target; the other is information
	}{
		{"directory library", "rec-dir", true},
		{"single JSON file library", "rec-file.json", false},
	} {
		path := filepath.Join(cfg.work, kind.path)
		os.RemoveAll(path)
		lib := mustV(library.Open(path))
		recTransport := proxyTransport()
		rec := httptest.NewServer(mustV(recorder.NewProxy(up.URL, lib, recorder.Transport(recTransport), recorder.Logf(discardLogf))))
		rc, pc := newClient(), newClient()
		seq := 0
		recOp := func(i int) error {
			seq++
			return get(rc, rec.URL+"/v1/rec/"+strconv.Itoa(seq), 1<<10)
		}
		plainOp := func(i int) error { return get(pc, plain.URL+itemPath(i), 1<<10) }
		fmt.Fprintf(cfg.log, "bench: recording into a %s\n", kind.name)
		cmp := cfg.timer.compare(
			fresh(sequential(recOp), rc, recTransport),
			fresh(sequential(plainOp), pc, plainRP.Transport.(*http.Transport)))
		names := mustV(lib.Names())
		rec.Close()
		rc.CloseIdleConnections()
		pc.CloseIdleConnections()
		ratio := cmp.ratio(0, 1)
		r := row{
			target: fmt.Sprintf("6. record an exchange (recording proxy, 1 KiB, %s) against httputil.ReverseProxy", kind.name),
			measured: fmt.Sprintf("%.1f× (recording %s, plain proxy %s per exchange; %d exchanges recorded)",
				ratio, fmtNs(cmp.ns(0)), fmtNs(cmp.ns(1)), len(names)),
			goal:   "≤ 1.3×",
			result: passIf(ratio <= 1.3),
		}
		if !kind.goal {
			r.goal, r.result = "(information)", resultInfo
		}
		rows = append(rows, r)
	}

	// Streaming: the upstream sends 1 KiB, waits, sends 1 KiB more; the
	// client must get the first byte before the upstream sends the last.
	const pause = 300 * time.Millisecond
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(itemBody(1, 1<<10))
		http.NewResponseController(w).Flush()
		time.Sleep(pause)
		w.Write(itemBody(2, 1<<10))
	}))
	defer slow.Close()
	streamDir := filepath.Join(cfg.work, "rec-stream")
	os.RemoveAll(streamDir) // left by an earlier run with the same -work
	lib := mustV(library.Open(streamDir))
	rec := httptest.NewServer(mustV(recorder.NewProxy(slow.URL, lib, recorder.Logf(discardLogf))))
	defer rec.Close()
	slowURL := mustV(url.Parse(slow.URL))
	base := httptest.NewServer(plainProxy(slowURL))
	defer base.Close()
	recFirst, recLast := firstByte(rec.URL + "/stream")
	baseFirst, _ := firstByte(base.URL + "/stream")
	names := mustV(lib.Names())
	rows = append(rows, row{
		target: fmt.Sprintf("6. streaming while recording: first byte of a response whose upstream waits %s before its last KiB", pause),
		measured: fmt.Sprintf("first byte after %s, last after %s (plain proxy: first byte after %s); %d cassette recorded",
			fmtNs(float64(recFirst)), fmtNs(float64(recLast)), fmtNs(float64(baseFirst)), len(names)),
		goal:   fmt.Sprintf("first byte before the last (< %s)", pause/2),
		result: passIf(recFirst < pause/2 && len(names) == 1),
	})
	return rows
}

// firstByte gets url and returns when the first and the last byte of the
// body arrived.
func firstByte(url string) (first, last time.Duration) {
	start := time.Now()
	resp := mustV(http.Get(url))
	defer resp.Body.Close()
	var b [1]byte
	if _, err := io.ReadFull(resp.Body, b[:]); err != nil {
		must(fmt.Errorf("GET %s: %w", url, err))
	}
	first = time.Since(start)
	mustV(io.Copy(io.Discard, resp.Body))
	return first, time.Since(start)
}
