package interop

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
	"github.com/valyala/fasthttp"
)

// export is the CSV the inventory API streams.
const export = "sku,qty\nA-1,3\nB-2,0\nC-3,12\n"

// inventory is the "real API" behind the reverse proxy, served by
// fasthttp: JSON with lower-case header names, links built from the
// X-Forwarded-Host and X-Forwarded-Proto a proxy in front of it sets,
// a CSV export streamed chunked with a trailer, HEAD, 204, and a POST
// whose client waits for "100 Continue".
func inventory(calls *atomic.Int64) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		calls.Add(1)
		h := &ctx.Response.Header
		switch string(ctx.Method()) + " " + string(ctx.Path()) {
		case "GET /v2/items":
			h.SetContentType("application/json")
			h.Set("x-total-count", "3")
			h.Add("x-served-by", "fasthttp")
			h.Add("x-served-by", "behind "+string(ctx.Request.Header.Peek("X-Forwarded-Host")))
			fmt.Fprintf(ctx, `{"items":["A-1","B-2","C-3"],"next":"%s://%s/v2/items?page=2"}`,
				ctx.Request.Header.Peek("X-Forwarded-Proto"), ctx.Request.Header.Peek("X-Forwarded-Host"))
		case "GET /v2/export", "HEAD /v2/export":
			h.SetContentType("text/csv")
			if ctx.IsHead() {
				h.SetContentLength(len(export))
				return
			}
			sum := sha256.Sum256([]byte(export))
			if err := h.SetTrailer("x-checksum"); err != nil {
				panic(err)
			}
			h.Set("x-checksum", hex.EncodeToString(sum[:8]))
			ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
				for _, line := range strings.SplitAfter(export, "\n") {
					w.WriteString(line)
					w.Flush()
				}
			})
		case "POST /v2/items":
			ctx.SetConnectionClose()
			h.SetContentType("application/json")
			ctx.SetStatusCode(fasthttp.StatusCreated)
			fmt.Fprintf(ctx, `{"created":%q,"expect":%q}`, ctx.PostBody(), ctx.Request.Header.Peek("Expect"))
		case "DELETE /v2/items/B-2":
			ctx.SetStatusCode(fasthttp.StatusNoContent)
		default:
			ctx.SetStatusCode(fasthttp.StatusNotFound)
		}
	}
}

// inventorySession is what the test's code does with the inventory API at
// base, through client.
func inventorySession(t *testing.T, base string, client *http.Client) []string {
	t.Helper()
	var seen []string
	do := func(method, path, body string, header ...string) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, base+path, rd)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s %s: body: %v", method, path, err)
		}
		line := fmt.Sprintf("%s %s: %d length %d %q", method, path, resp.StatusCode, resp.ContentLength, got)
		for _, h := range []string{"Content-Type", "X-Total-Count", "X-Served-By"} {
			if v := resp.Header.Values(h); len(v) > 0 {
				line += fmt.Sprintf(" %s=%q", h, v)
			}
		}
		if len(resp.Trailer) > 0 {
			line += fmt.Sprintf(" trailer %v", resp.Trailer)
		}
		seen = append(seen, line)
	}
	do("GET", "/v2/items", "")
	do("GET", "/v2/export", "")
	do("HEAD", "/v2/export", "")
	do("POST", "/v2/items", `{"sku":"D-4"}`, "Content-Type", "application/json", "Expect", "100-continue")
	do("DELETE", "/v2/items/B-2", "")
	return seen
}

// frontProxy is the test's own reverse proxy, an httputil.ReverseProxy
// to target. With rewrite, it uses the Rewrite API (the outgoing Host is
// the target's; X-Forwarded-For, -Host and -Proto are set by
// SetXForwarded); without, the older Director API (the client's Host
// header goes on, X-Forwarded-For is added, and the test sets
// X-Forwarded-Host and -Proto as a gateway would).
func frontProxy(t *testing.T, target string, rewrite bool) *httptest.Server {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	var rp *httputil.ReverseProxy
	if rewrite {
		rp = &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.SetXForwarded()
		}}
	} else {
		rp = httputil.NewSingleHostReverseProxy(u)
		// Deprecated, and still how most proxies in the wild are written.
		//lint:ignore SA1019 the older API is the one under test
		director := rp.Director
		//lint:ignore SA1019 the older API is the one under test
		rp.Director = func(r *http.Request) {
			r.Header.Set("X-Forwarded-Host", r.Host)
			r.Header.Set("X-Forwarded-Proto", "http")
			director(r)
		}
	}
	front := httptest.NewServer(rp)
	t.Cleanup(front.Close)
	return front
}

// TestReverseProxyChain puts an httputil.ReverseProxy in front of a
// fasthttp API, records through recorder.New in front of that proxy, and
// replays through another ReverseProxy, in front of replayserver.New in
// strict mode, the API gone: a request that reaches the replay server
// through a proxy (its Host header the proxy's, X-Forwarded-* added)
// finds its cassette, and multi-valued lower-case headers, a chunked body
// with its trailer, HEAD's Content-Length, a POST sent with
// "Expect: 100-continue", a closed connection and a 204 come back as the
// recording saw them.
func TestReverseProxyChain(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	lib := filepath.Join(t.TempDir(), "inventory.json")
	var calls atomic.Int64
	api, stop := startFastHTTP(t, inventory(&calls))
	front := frontProxy(t, strings.Replace(api, "127.0.0.1", "localhost", 1), true)
	host := strings.TrimPrefix(front.URL, "http://")
	sum := sha256.Sum256([]byte(export))
	want := []string{
		`GET /v2/items: 200 length 77 "{\"items\":[\"A-1\",\"B-2\",\"C-3\"],\"next\":\"http://` + host + `/v2/items?page=2\"}" Content-Type=["application/json"] X-Total-Count=["3"] X-Served-By=["fasthttp" "behind ` + host + `"]`,
		fmt.Sprintf(`GET /v2/export: 200 length -1 %q Content-Type=["text/csv"] trailer map[X-Checksum:[%x]]`, export, sum[:8]),
		fmt.Sprintf(`HEAD /v2/export: 200 length %d "" Content-Type=["text/csv"]`, len(export)),
		`POST /v2/items: 201 length 55 "{\"created\":\"{\\\"sku\\\":\\\"D-4\\\"}\",\"expect\":\"100-continue\"}" Content-Type=["application/json"]`,
		`DELETE /v2/items/B-2: 204 length 0 ""`,
	}
	recordReplayAt(t, api, stop, &calls, 5, want,
		func(t *testing.T, _ string) []string {
			rec := recorder.New(t, front.URL, lib)
			return inventorySession(t, rec.URL, rec.Client())
		},
		func(t *testing.T, _ string) []string {
			front.Close()
			srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(), replayserver.NoRepeat())
			replayFront := frontProxy(t, srv.URL, false)
			return inventorySession(t, replayFront.URL, replayFront.Client())
		})
}
