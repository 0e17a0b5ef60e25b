package interop

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/replayserver"
	"github.com/gin-gonic/gin"
)

// readme is the document the gin API serves, by http.ServeContent: with
// an ETag, Last-Modified, HEAD, ranges and conditional requests.
var readme = []byte("# Docs\n\nReplayed answers are the recorded ones, byte for byte.\n")

// ginAPI is the "real API" of the gin test, built the way gin
// applications are: redirects (relative, absolute to its own host, and
// a POST answered 303), a document served by http.ServeContent (so
// conditional requests get a 304, HEAD a Content-Length without a body,
// and Range a 206), and server-sent events written by c.Stream.
func ginAPI() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/v1/old", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/v1/docs/readme") })
	r.GET("/v1/moved", func(c *gin.Context) {
		c.Redirect(http.StatusFound, "http://"+c.Request.Host+"/v1/docs/readme?from=moved")
	})
	r.POST("/v1/notes", func(c *gin.Context) {
		c.Header("X-Note", c.PostForm("text"))
		c.Redirect(http.StatusSeeOther, "/v1/docs/readme")
	})
	doc := func(c *gin.Context) {
		c.Header("ETag", `"v1-readme"`)
		c.Header("Cache-Control", "max-age=60")
		http.ServeContent(c.Writer, c.Request, "readme.md", time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), bytes.NewReader(readme))
	}
	r.GET("/v1/docs/readme", doc)
	r.HEAD("/v1/docs/readme", doc)
	r.GET("/v1/events", func(c *gin.Context) {
		n := 0
		c.Stream(func(w io.Writer) bool {
			n++
			c.SSEvent("tick", gin.H{"n": n, "text": strings.Repeat("é", n)})
			return n < 4
		})
	})
	return r
}

// ginSession is what the test's code does with the gin API through
// client, which follows redirects as http.Client does by default; it
// returns what the client saw of each answer.
func ginSession(t *testing.T, base string, client *http.Client) []string {
	t.Helper()
	var seen []string
	do := func(label string, req *http.Request) *http.Response {
		t.Helper()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		return resp
	}
	show := func(label string, resp *http.Response) {
		t.Helper()
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: body: %v", label, err)
		}
		line := fmt.Sprintf("%s: %d at %s, length %d", label, resp.StatusCode, resp.Request.URL.RequestURI(), resp.ContentLength)
		for _, h := range []string{"Content-Type", "Etag", "Last-Modified", "Cache-Control", "Accept-Ranges", "Content-Range", "X-Note"} {
			if v := resp.Header.Values(h); len(v) > 0 {
				line += fmt.Sprintf(" %s=%q", h, v)
			}
		}
		seen = append(seen, fmt.Sprintf("%s body %q", line, body))
	}
	get := func(path string, header ...string) *http.Request {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return req
	}
	show("301 relative", do("GET /v1/old", get("/v1/old")))
	show("302 absolute", do("GET /v1/moved", get("/v1/moved")))
	post, err := http.NewRequest(http.MethodPost, base+"/v1/notes", strings.NewReader("text=hello+gin"))
	if err != nil {
		t.Fatal(err)
	}
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	show("303 after POST", do("POST /v1/notes", post))
	show("304 by ETag", do("GET If-None-Match", get("/v1/docs/readme", "If-None-Match", `"v1-readme"`)))
	show("304 by date", do("GET If-Modified-Since", get("/v1/docs/readme?v=date", "If-Modified-Since", "Wed, 25 Nov 2026 10:00:00 GMT")))
	head, err := http.NewRequest(http.MethodHead, base+"/v1/docs/readme", nil)
	if err != nil {
		t.Fatal(err)
	}
	show("HEAD", do("HEAD /v1/docs/readme", head))
	show("range", do("GET Range", get("/v1/docs/readme", "Range", "bytes=2-5")))
	show("range not satisfiable", do("GET Range 416", get("/v1/docs/readme", "Range", "bytes=900-")))

	resp := do("GET /v1/events", get("/v1/events", "Accept", "text/event-stream"))
	events := []string{fmt.Sprintf("events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			events = append(events, line)
		}
	}
	resp.Body.Close()
	if err := sc.Err(); err != nil {
		t.Fatalf("GET /v1/events: reading the stream: %v", err)
	}
	seen = append(seen, strings.Join(events, " | "))
	return seen
}

// TestGinUpstream records a gin API through replayserver.New (the
// client follows redirects through srv.Client(), as a client with the
// API's URL hard-coded would) and replays it in strict mode with the API
// gone: redirects (relative, absolute to the API's own host, and 303
// after a POST), 304s to If-None-Match and If-Modified-Since, HEAD with
// the document's Content-Length, 206 and 416 answers to Range, and gin's
// c.Stream server-sent events come back as the recording saw them.
func TestGinUpstream(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	lib := filepath.Join(t.TempDir(), "gin")
	modified := `Last-Modified=["Wed, 25 Nov 2026 10:00:00 GMT"]`
	doc := fmt.Sprintf(`200 at /v1/docs/readme, length %d Content-Type=["text/markdown; charset=utf-8"] Etag=["\"v1-readme\""] %s Cache-Control=["max-age=60"] Accept-Ranges=["bytes"]`, len(readme), modified)
	want := []string{
		fmt.Sprintf("301 relative: %s body %q", doc, readme),
		fmt.Sprintf("302 absolute: %s body %q", strings.Replace(doc, "/v1/docs/readme", "/v1/docs/readme?from=moved", 1), readme),
		fmt.Sprintf("303 after POST: %s body %q", doc, readme),
		`304 by ETag: 304 at /v1/docs/readme, length 0 Etag=["\"v1-readme\""] Cache-Control=["max-age=60"] body ""`,
		`304 by date: 304 at /v1/docs/readme?v=date, length 0 Etag=["\"v1-readme\""] Cache-Control=["max-age=60"] body ""`,
		fmt.Sprintf("HEAD: %s body %q", doc, ""),
		`range: 206 at /v1/docs/readme, length 4 Content-Type=["text/markdown; charset=utf-8"] Etag=["\"v1-readme\""] ` + modified + ` Cache-Control=["max-age=60"] Accept-Ranges=["bytes"] Content-Range=["bytes 2-5/63"] body "Docs"`,
		`range not satisfiable: 416 at /v1/docs/readme, length 33 Content-Type=["text/plain; charset=utf-8"] Content-Range=["bytes */63"] body "invalid range: failed to overlap\n"`,
		`events: 200 "text/event-stream;charset=utf-8" | event:tick | data:{"n":1,"text":"é"} | event:tick | data:{"n":2,"text":"éé"} | event:tick | data:{"n":3,"text":"ééé"} | event:tick | data:{"n":4,"text":"éééé"}`,
	}
	// 12 requests: three redirects, each followed.
	recordReplay(t, ginAPI(), 12, want,
		func(t *testing.T, upstream string) []string {
			srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(upstream))
			return ginSession(t, srv.URL, srv.Client())
		},
		func(t *testing.T, _ string) []string {
			srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(), replayserver.NoRepeat())
			return ginSession(t, srv.URL, srv.Client())
		})
}
