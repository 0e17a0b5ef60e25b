package interop

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// chiAPI is the "real API" of the chi test: a document behind
// middleware.Compress, read conditionally (ETag, Last-Modified, If-Range)
// and updated under optimistic concurrency (If-Match, 412), each version a
// new ETag.
func chiAPI() http.Handler {
	var mu sync.Mutex
	version, text := 1, strings.Repeat("chi doc v1. ", 40)
	r := chi.NewRouter()
	r.Use(middleware.Compress(5, "application/json", "text/plain"))
	r.Get("/v1/doc", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("ETag", fmt.Sprintf(`"doc-v%d"`, version))
		http.ServeContent(w, r, "", time.Date(2026, 11, 1, 10, version, 0, 0, time.UTC), strings.NewReader(text))
	})
	r.Put("/v1/doc", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("If-Match") != fmt.Sprintf(`"doc-v%d"`, version) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusPreconditionFailed)
			io.WriteString(w, `{"error":"stale etag"}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		version++
		text = string(body)
		w.Header().Set("ETag", fmt.Sprintf(`"doc-v%d"`, version))
		w.WriteHeader(http.StatusNoContent)
	})
	return r
}

// chiSession reads the document, revalidates it (304), reads a range of
// it with a current and a stale If-Range, updates it with a stale and
// then the current ETag, and reads the new version.
func chiSession(t *testing.T, base string, client *http.Client) []string {
	t.Helper()
	var seen []string
	do := func(method, body string, hdr ...string) (*http.Response, string) {
		t.Helper()
		var rb io.Reader
		if body != "" {
			rb = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, base+"/v1/doc", rb)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s /v1/doc %v: %v", method, hdr, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s /v1/doc %v: body: %v", method, hdr, err)
		}
		seen = append(seen, fmt.Sprintf("%s %v: %d etag=%s last-modified=%q range=%q, %d bytes %.24q", method, hdr, resp.StatusCode,
			resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), resp.Header.Get("Content-Range"), len(b), b))
		return resp, string(b)
	}
	first, _ := do("GET", "")
	etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	do("GET", "", "If-None-Match", etag)
	do("GET", "", "If-Modified-Since", lm)
	do("GET", "", "Range", "bytes=4-9", "If-Range", etag)
	do("GET", "", "Range", "bytes=4-9", "If-Range", `"doc-v0"`)
	do("PUT", "chi doc v2", "If-Match", `"doc-v0"`)
	do("PUT", "chi doc v2", "If-Match", etag)
	do("GET", "", "If-None-Match", etag)
	return seen
}

// TestChi records a chi API with net/http's client, the three ways of
// probeSDK, strict, with the API closed: behind chi's Compress middleware,
// 304s (without Last-Modified, as http.ServeContent sends them) to If-None-Match and If-Modified-Since, a 206 to a
// Range whose If-Range holds and a whole 200 to one whose If-Range is
// stale (the same URL and Range), a 412 to a stale If-Match then a 204 to
// the same PUT with the current ETag, and the new version (a 200 to the
// If-None-Match that got a 304 before) replay in their order.
func TestChi(t *testing.T) {
	doc := bytes.Repeat([]byte("chi doc v1. "), 40)
	lm := `"Sun, 01 Nov 2026 10:01:00 GMT"`
	want := []string{
		fmt.Sprintf(`GET []: 200 etag="doc-v1" last-modified=%s range="", %d bytes %.24q`, lm, len(doc), doc),
		`GET [If-None-Match "doc-v1"]: 304 etag="doc-v1" last-modified="" range="", 0 bytes ""`,
		`GET [If-Modified-Since Sun, 01 Nov 2026 10:01:00 GMT]: 304 etag="doc-v1" last-modified="" range="", 0 bytes ""`,
		fmt.Sprintf(`GET [Range bytes=4-9 If-Range "doc-v1"]: 206 etag="doc-v1" last-modified=%s range="bytes 4-9/%d", 6 bytes "doc v1"`, lm, len(doc)),
		fmt.Sprintf(`GET [Range bytes=4-9 If-Range "doc-v0"]: 200 etag="doc-v1" last-modified=%s range="", %d bytes %.24q`, lm, len(doc), doc),
		`PUT [If-Match "doc-v0"]: 412 etag= last-modified="" range="", 22 bytes "{\"error\":\"stale etag\"}"`,
		`PUT [If-Match "doc-v1"]: 204 etag="doc-v2" last-modified="" range="", 0 bytes ""`,
		`GET [If-None-Match "doc-v1"]: 200 etag="doc-v2" last-modified="Sun, 01 Nov 2026 10:02:00 GMT" range="", 10 bytes "chi doc v2"`,
	}
	probeSDK(t, chiAPI, 8, want, func(u string) string { return u }, nil, chiSession)
}
