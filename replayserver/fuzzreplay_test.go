package replayserver_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// parseFields reads "Name: value" lines.
func parseFields(s string) http.Header {
	if s == "" {
		return nil
	}
	h := http.Header{}
	for line := range strings.SplitSeq(s, "\n") {
		k, v, _ := strings.Cut(line, ":")
		h[k] = append(h[k], strings.TrimPrefix(v, " "))
	}
	return h
}

type panicLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (p *panicLog) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.Write(b)
}

// FuzzReplay replays a hand-edited exchange (any status, header, body,
// trailers and chunks the library accepts) through the replay server, over
// loopback: the handler must never panic, and a final answer must reach
// the client with its recorded status, body and trailers (those HTTP
// allows, mended as the server sends them).
func FuzzReplay(f *testing.F) {
	f.Setenv(replayserver.EnvMode, "") // misses, as in replay mode, whatever mode the run sets
	f.Add(200, "Content-Type: text/plain", []byte("hello"), "", "", "", false)
	f.Add(200, "Content-Type: text/event-stream", []byte("data: a\n\ndata: b\n\n"), "", "5@1ms,9@2ms", "", false)
	f.Add(200, "Content-Encoding: gzip\nContent-Length: 3", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xffJ\x04\x04\x00\x00\xff\xff"), "X-Sum: 1", "", "identity", false)
	f.Add(204, "Content-Length: 5", []byte("abcde"), "", "", "", true)
	f.Add(272, "Content-Length", []byte("abcde"), "", "", "", true) // a HEAD answer's Content-Length that is no length
	f.Add(101, "Upgrade: websocket", []byte(nil), "", "", "", false)
	f.Add(999, "Trailer: X\nX Bad: y\nA: b\x00c", []byte("x"), "Content-Length: 1\nGrpc-Status: 0", "1@0s", "gzip", false)
	f.Fuzz(func(t *testing.T, status int, header string, body []byte, trailer string, chunks string, acceptEncoding string, head bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		ex := library.Exchange{
			Request:  library.Request{Method: method, URL: "http://api.example.com/x"},
			Response: library.Response{StatusCode: status, Header: parseFields(header), Body: body, Trailer: parseFields(trailer)},
		}
		for c := range strings.SplitSeq(chunks, ",") {
			size, at, ok := strings.Cut(c, "@")
			n, err1 := strconv.Atoi(size)
			d, err2 := time.ParseDuration(at)
			if ok && err1 == nil && err2 == nil && n > 0 && d >= 0 && d < time.Second {
				ex.Response.Chunks = append(ex.Response.Chunks, library.Chunk{Size: n, At: d})
			}
		}
		path := filepath.Join(t.TempDir(), "lib.json")
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(method, "http://api.example.com/x", nil)
		name := naming.Name(req, nil, naming.Default())
		if err := lib.Append(name, ex); err != nil {
			return // refused, with an error
		}
		if err := lib.Save(); err != nil {
			t.Fatal(err)
		}
		h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Logf(func(string, ...any) {}))
		if err != nil {
			t.Fatalf("NewHandler: %v", err)
		}
		defer h.Close()
		var pl panicLog
		srv := httptest.NewUnstartedServer(h)
		srv.Config.ErrorLog = log.New(&pl, "", 0)
		srv.Start()
		defer srv.Close()

		r, _ := http.NewRequest(method, srv.URL+"/x", nil)
		if strings.ContainsFunc(acceptEncoding, func(r rune) bool { return r < ' ' || r >= 0x7f }) {
			return
		}
		if acceptEncoding != "" {
			r.Header.Set("Accept-Encoding", acceptEncoding)
		}
		tr := &http.Transport{DisableCompression: true}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(r)
		if err != nil {
			t.Fatalf("request: %v (server log: %s)", err, pl.buf.String())
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("read body: %v (server log: %s)", err, pl.buf.String())
		}
		if s := pl.buf.String(); strings.Contains(s, "panic") {
			t.Fatalf("handler panicked: %s", s)
		}
		if status >= 100 && status < 200 {
			if resp.StatusCode != 502 {
				t.Errorf("interim status %d replayed as %d, want 502", status, resp.StatusCode)
			}
			return
		}
		if resp.StatusCode != status {
			t.Errorf("status %d replayed as %d", status, resp.StatusCode)
		}
		noBody := head || status == 204 || status == 304
		decoded := false
		for _, v := range ex.Response.Header.Values("Content-Encoding") {
			if strings.Contains(strings.ToLower(v), "gzip") {
				decoded = true
			}
		}
		if !noBody && !decoded && !bytes.Equal(got, body) {
			t.Errorf("body %q replayed as %q", body, got)
		}
		if noBody {
			return
		}
		names := map[string]int{} // how many trailer names have each canonical form
		for k := range ex.Response.Trailer {
			names[http.CanonicalHeaderKey(k)]++
		}
		for k, vv := range ex.Response.Trailer {
			ck := http.CanonicalHeaderKey(k)
			if names[ck] > 1 || !plainTrailer(ck) {
				continue // names that differ only in case are merged; some are not sent
			}
			var want []string
			for _, v := range vv {
				want = append(want, sentValue(v))
			}
			if g := resp.Trailer.Values(ck); !slices.Equal(g, want) {
				t.Errorf("trailer %q: %q replayed as %q (trailers %q)", k, vv, g, resp.Trailer)
			}
		}
	})
}

// plainTrailer reports whether a trailer named k, in canonical form, is
// one HTTP allows and the client reads as the server sends it.
func plainTrailer(k string) bool {
	switch k {
	case "", "Content-Length", "Transfer-Encoding", "Trailer", "Host":
		return false
	}
	for _, c := range []byte(k) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// sentValue returns v, stored in a library, as the server sends a header
// or trailer value: with U+FFFD for bytes that are not UTF-8 (as the
// library stores it), each control character but tab as a space, without
// the space around it.
func sentValue(v string) string {
	v = strings.Map(func(r rune) rune {
		if r < ' ' && r != '\t' || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(v, "\uFFFD"))
	return strings.Trim(v, " \t")
}

// FuzzServeRequest sends any request net/http can parse to a replay
// handler on the shipped weather library, with a route of its own: the
// handler (routing, naming, lookup, the miss report with its diffs) must
// never panic, and every answer is the route's, a recorded one, a 400 for
// a body that cannot be read, or a miss: a 404 that is the report, the
// only answer counted as a miss, and the only one with X-Cassette-Miss.
// Then it sends the same request to a handler in record mode, on a new
// library, whose upstream is a loopback server (see fuzzUpstream): a
// request forwarded gets what the upstream sent, and the same request sent
// again is answered the same from the library, without reaching the
// upstream; one not forwarded gets an answer of the handler's own.
func FuzzServeRequest(f *testing.F) {
	f.Setenv(replayserver.EnvMode, "") // misses, as in replay mode, whatever mode the run sets
	const path = "../testdata/weather"
	rules := naming.Rules{Headers: []string{"X-Tenant"}, Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody, "multipart/*": naming.MultipartBody, "application/x-www-form-urlencoded": naming.FormBody}}
	h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Logf(func(string, ...any) {}), replayserver.Naming(rules))
	if err != nil {
		f.Fatal(err)
	}
	f.Setenv(replayserver.EnvMode, "")
	up := newFuzzUpstream(f)
	secret := replayserver.TransportSecret(h)
	for _, s := range []string{
		"GET /v2/cities HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n",
		"POST /v2/alerts HTTP/1.1\r\nHost: 127.0.0.1:1\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"a\":[1]}",
		"CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n\r\n",
		"GET http://u:p@[fe80::1%25eth0]:8080/v2/forecast?city=Lyon&days=3&token=x HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1:1\r\nExpect: 100-continue\r\n\r\n",
		"POST /v2/alerts?x=%zz HTTP/1.1\r\nHost: 127.0.0.1:1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		// As Server.Transport sends a request for another host: to the route.
		"GET /v2/routed/x HTTP/1.1\r\nHost: api.example.com\r\nX-Cassette-Scheme: https\r\nX-Cassette-Secret: " + secret + "\r\n\r\n",
		"GET /v2/cities HTTP/1.1\r\nHost: 127.0.0.1:45281\r\nX-Cassette-Scheme: http\r\nX-Cassette-Host: tenant.example.test\r\nX-Cassette-Secret: " + secret + "\r\n\r\n",
		// The same sent by another client, which does not know the
		// secret: as if without those headers.
		"GET /v2/routed/x HTTP/1.1\r\nHost: 127.0.0.1:1\r\nX-Cassette-Scheme: https\r\nX-Cassette-Host: api.example.com\r\n\r\n",
		"GET /v2/cities HTTP/1.1\r\nHost: 127.0.0.1:1\r\nX-Cassette-Scheme: http\r\nX-Cassette-Host: 127.0.0.1:45281\r\nX-Cassette-Secret: 0123456789abcdef0123456789abcdef\r\n\r\n",
		// For record mode: a binary body echoed gzip-encoded, a Range.
		"PUT /v2/blob HTTP/1.1\r\nHost: 127.0.0.1:1\r\naccept-encoding: gzip\r\nContent-Type: application/octet-stream\r\nContent-Length: 4\r\n\r\n\x00\xff\x80\x01",
		"GET /v2/forecast?city=Lyon HTTP/1.1\r\nhost: 127.0.0.1:1\r\nrange: bytes=0-3\r\nX-Tenant:  a \r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	const routed = 299 // the route's status, recorded in no cassette
	h.Router().Schemes("https").Host("api.example.com").Path("/v2/routed/{x}").Methods("GET").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(routed)
	})
	recorded := map[int]bool{routed: true, http.StatusBadRequest: true}
	lib, err := library.Open(path)
	if err != nil {
		f.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range names {
		c, _, err := lib.Get(n)
		if err != nil {
			f.Fatal(err)
		}
		for _, ex := range c.Exchanges {
			recorded[ex.Response.StatusCode] = true
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		misses := h.Misses() // -parallel 1: no other input runs meanwhile
		w := serveRaw(h, raw)
		if w == nil {
			return
		}
		missed := h.Misses() - misses
		_, missHeader := w.Result().Header["X-Cassette-Miss"]
		switch {
		case w.Code < 100 || w.Code > 999:
			t.Fatalf("status %d", w.Code)
		case missed > 1:
			t.Fatalf("one request counted as %d misses", missed)
		case missed == 1 && (w.Code != http.StatusNotFound || !strings.HasPrefix(w.Body.String(), "cassette: ")):
			t.Fatalf("a miss answered %d, body %q; want 404 and the report", w.Code, w.Body.String())
		case missed == 0 && missHeader:
			t.Fatalf("an answer that is no miss (%d, body %q) has X-Cassette-Miss", w.Code, w.Body.String())
		case missed == 0 && !recorded[w.Code]:
			t.Fatalf("an answer that is no miss has status %d, recorded in no cassette (body %q)", w.Code, w.Body.String())
		}

		// Record mode, then replay of what it recorded.
		lib := filepath.Join(t.TempDir(), "api")
		handler := func(mode replayserver.Mode) *replayserver.Handler {
			h, err := replayserver.NewHandler(lib, replayserver.WithMode(mode), replayserver.Upstream(up.plain.URL),
				replayserver.UpstreamTransport(up.transport), replayserver.Naming(rules), replayserver.Logf(func(string, ...any) {}))
			if err != nil {
				t.Fatalf("NewHandler(%s): %v", mode, err)
			}
			return h
		}
		rec := handler(replayserver.ModeRecord)
		before := up.count()
		first := serveRaw(rec, raw)
		sent, forwarded := up.since(before)
		err := rec.Close()
		switch {
		case forwarded > 1:
			t.Fatalf("one request forwarded %d times", forwarded)
		case forwarded == 0:
			if first.Header().Get("X-Upstream-Seq") != "" {
				t.Fatalf("the upstream got no request, but the client got an answer of the upstream's: %d %q", first.Code, first.Body.String())
			}
			return
		case err != nil:
			t.Fatalf("the recording of an answered request failed: %v", err)
		}
		if got := answerOf(first); !got.equal(sent) {
			t.Fatalf("the client got %+v; the upstream sent %+v", got, sent)
		}
		replay := handler(replayserver.ModeReplay)
		defer replay.Close()
		again := serveRaw(replay, raw)
		if _, n := up.since(before + 1); n > 0 {
			t.Fatalf("the request replayed reached the upstream")
		}
		if got := answerOf(again); !got.equal(sent) {
			t.Fatalf("the request replayed got %+v; want %+v, as the upstream sent it and the library holds it", got, sent)
		}
	})
}

// serveRaw has h serve the request raw, as a server at 127.0.0.1:1 gets
// it from 127.0.0.1:9, and returns the answer; nil when net/http cannot
// parse raw.
func serveRaw(h http.Handler, raw []byte) *httptest.ResponseRecorder {
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil
	}
	r.RemoteAddr = "127.0.0.1:9"
	ctx := context.WithValue(r.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r.WithContext(ctx))
	return w
}

// An upAnswer is what of a response FuzzServeRequest compares.
type upAnswer struct {
	Status   int
	Seq      string // X-Upstream-Seq: which request of the upstream's it answers
	Type     string // Content-Type
	Encoding string // Content-Encoding
	Body     string
}

func (a upAnswer) equal(b upAnswer) bool { return a == b }

// answerOf returns the answer w holds.
func answerOf(w *httptest.ResponseRecorder) upAnswer {
	h := w.Header()
	return upAnswer{Status: w.Code, Seq: h.Get("X-Upstream-Seq"), Type: h.Get("Content-Type"), Encoding: h.Get("Content-Encoding"), Body: w.Body.String()}
}

// A fuzzUpstream is the upstream of FuzzServeRequest's record mode, made
// once per fuzz process: two loopback servers, plain and TLS, and a
// transport that sends every request to one of them whatever its host, so
// that no request leaves the machine. It answers each request with a
// status and a body of its own, numbered in X-Upstream-Seq.
type fuzzUpstream struct {
	plain, tls *httptest.Server
	transport  *http.Transport

	mu   sync.Mutex // guards n and last
	n    int        // requests answered
	last upAnswer   // the answer to the last one
}

func newFuzzUpstream(f *testing.F) *fuzzUpstream {
	up := &fuzzUpstream{}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqBody, _ := io.ReadAll(r.Body)
		statuses := [...]int{200, 201, 204, 404, 500}
		a := upAnswer{Status: statuses[len(r.URL.Path)%len(statuses)], Type: "application/octet-stream"}
		up.mu.Lock()
		up.n++
		a.Seq = strconv.Itoa(up.n)
		if a.Status != http.StatusNoContent && r.Method != http.MethodHead {
			// The request body back, byte for byte, gzip-encoded for a
			// client that asks for gzip alone.
			body := append([]byte("answer "+a.Seq+" to "+r.Method+": "), reqBody...)
			if vv := r.Header["Accept-Encoding"]; len(vv) == 1 && vv[0] == "gzip" {
				var b bytes.Buffer
				zw := gzip.NewWriter(&b)
				zw.Write(body)
				zw.Close()
				body, a.Encoding = b.Bytes(), "gzip"
			}
			a.Body = string(body)
		}
		up.last = a
		up.mu.Unlock()
		w.Header().Set("X-Upstream-Seq", a.Seq)
		w.Header().Set("Content-Type", a.Type)
		if a.Encoding != "" {
			w.Header().Set("Content-Encoding", a.Encoding)
		}
		w.WriteHeader(a.Status)
		io.WriteString(w, a.Body)
	})
	up.plain = httptest.NewUnstartedServer(handler)
	up.tls = httptest.NewUnstartedServer(handler)
	for _, s := range []*httptest.Server{up.plain, up.tls} {
		s.Config.DisableGeneralOptionsHandler = true // OPTIONS * goes to the handler too
		s.Config.ErrorLog = log.New(io.Discard, "", 0)
		f.Cleanup(s.Close)
	}
	up.plain.Start()
	up.tls.StartTLS()
	tlsConfig := up.tls.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	tlsConfig.ServerName = "example.com" // in the test certificate
	up.transport = &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", up.plain.Listener.Addr().String())
		},
		DialTLSContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			d := tls.Dialer{Config: tlsConfig}
			return d.DialContext(ctx, "tcp", up.tls.Listener.Addr().String())
		},
	}
	f.Cleanup(up.transport.CloseIdleConnections)
	return up
}

// count returns how many requests the upstream answered.
func (up *fuzzUpstream) count() int {
	up.mu.Lock()
	defer up.mu.Unlock()
	return up.n
}

// since returns the last answer the upstream sent and how many requests it
// answered after the first n.
func (up *fuzzUpstream) since(n int) (upAnswer, int) {
	up.mu.Lock()
	defer up.mu.Unlock()
	return up.last, up.n - n
}
