package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The tests in clients_<tool>_test.go drive cassette record and serve
// with clients in other languages (curl, Python, Node), as the README's
// "Command line" promises they can be; this file holds what they share.

// Secrets the clients send or the API sets: none may reach a cassette.
const (
	clientToken     = "tok-4f9a1c77e2b05d3e"
	clientCookie    = "ck-81d2e6b0a9f4c3d5"
	clientSetCookie = "sc-5b7e9d1f3a2c4e68"
)

// clientsAPI is the real API the client tests record: it answers each
// request deterministically (the same request gets the same bytes), so
// what a client printed live can be compared with what it prints replayed.
// It counts the requests it got, to tell that replay never reached it.
type clientsAPI struct {
	*httptest.Server
	requests atomic.Int64
}

func newClientsAPI(t *testing.T) *clientsAPI {
	t.Helper()
	api := &clientsAPI{}
	mux := http.NewServeMux()
	// /echo describes the request it got: method, target, protocol, body
	// length and digest, framing and the headers a client chose (not the
	// credentials, whose presence alone it says).
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "%s %s %s body=%d sha256=%x chunked=%v\n", r.Method, r.URL.RequestURI(), r.Proto, len(b), sha256.Sum256(b), slices.Contains(r.TransferEncoding, "chunked"))
		var keys []string
		for k := range r.Header {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			switch k {
			case "Authorization", "Cookie":
				fmt.Fprintf(w, "%s: (%d bytes)\n", k, len(strings.Join(r.Header[k], "")))
			case "Content-Type":
				if strings.HasPrefix(r.Header.Get(k), "multipart/") {
					fmt.Fprintf(w, "%s: multipart\n", k) // its boundary is new on every run
					continue
				}
				fallthrough
			default:
				fmt.Fprintf(w, "%s: %q\n", k, r.Header[k])
			}
		}
	})
	// /login checks the client's credentials and sets a session cookie.
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		ok := err == nil && c.Value == clientCookie && strings.Contains(r.Header.Get("Authorization"), clientToken)
		http.SetCookie(w, &http.Cookie{Name: "session", Value: clientSetCookie, Path: "/"})
		fmt.Fprintf(w, "credentials ok=%v\n", ok)
	})
	// /gz answers gzip to a client that asks for it.
	mux.HandleFunc("/gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Vary", "Accept-Encoding")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			fmt.Fprintf(w, `{"gzip":false,"asked":%q}`, r.Header.Get("Accept-Encoding"))
			return
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		fmt.Fprintf(zw, `{"gzip":true,"asked":%q}`, r.Header.Get("Accept-Encoding"))
		zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(b.Bytes())
	})
	// /file serves ranges, HEAD and conditional requests.
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "file.txt", time.Unix(1700000000, 0), strings.NewReader("0123456789abcdefghijklmnopqrstuvwxyz"))
	})
	// /trailers sends a chunked body in two pieces, then a trailer.
	mux.HandleFunc("/trailers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "part 1\n")
		w.(http.Flusher).Flush()
		io.WriteString(w, "part 2\n")
		w.Header().Set("X-Checksum", "c0ffee")
	})
	// /events is a server-sent event stream of three events.
	mux.HandleFunc("/events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		for i := range 3 {
			fmt.Fprintf(w, "id: %d\nevent: tick\ndata: {\"n\":%d}\n\n", i, i)
			w.(http.Flusher).Flush()
		}
	})
	api.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.requests.Add(1)
		w.Header().Set("Date", "Tue, 14 Nov 2023 22:13:20 GMT") // the same every run
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(api.Close)
	return api
}

// lookTool returns the path of the program name, or skips the test.
func lookTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (%v): this test runs cassette serve and record with it as the client", name, err)
	}
	return path
}

// runTool runs the program at path with args and stdin, and returns its
// standard output, failing the test if it fails.
func runTool(t *testing.T, stdin []byte, path string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(path), args, err, out.String(), errOut.String())
	}
	return out.String()
}

// replayTwice runs client twice against a cassette serve of args, with
// -strict, and checks that each run printed live (but for the session
// cookie the API set, replayed REDACTED as stored), that the log holds hits
// only, that serve exits 0 (every cassette used, no miss) and that the API
// got no request.
func replayTwice(t *testing.T, api *clientsAPI, live string, client func(base string) string, args ...string) {
	t.Helper()
	want := strings.ReplaceAll(live, clientSetCookie, "REDACTED")
	before := api.requests.Load()
	p := start(t, append([]string{"serve", "-strict"}, args...)...)
	base := p.baseURL()
	for run := 1; run <= 2; run++ {
		if got := client(base); got != want {
			t.Errorf("replayed run %d printed (-live +replayed):\n%s", run, lineDiff(want, got))
		}
	}
	if code := p.stop(); code != exitOK {
		t.Errorf("serve %q exited with %d, want 0; stderr:\n%s", args, code, p.stderr.String())
	}
	for _, line := range strings.Split(p.stderr.String(), "\n") {
		if strings.HasPrefix(line, "miss") {
			t.Errorf("serve %q logged a miss: %s\nstderr:\n%s", args, line, p.stderr.String())
		}
	}
	if n := api.requests.Load() - before; n != 0 {
		t.Errorf("serve %q sent %d request(s) to the API, want none", args, n)
	}
}

// lineDiff shows the lines of got that differ from want's.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			fmt.Fprintf(&b, "line %d:\n-%q\n+%q\n", i+1, w, g)
		}
	}
	return b.String()
}

// checkRedacted fails the test if a file of the library at path holds a
// secret the clients sent or the API set, or if it holds no REDACTED.
func checkRedacted(t *testing.T, path string, secrets ...string) {
	t.Helper()
	var all bytes.Buffer
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		all.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(secrets, clientToken, clientCookie, clientSetCookie) {
		if bytes.Contains(all.Bytes(), []byte(s)) {
			t.Errorf("the library %s holds the secret %q", path, s)
		}
	}
	for _, want := range []string{"Bearer REDACTED", "sid=REDACTED", "session=REDACTED; Path=/"} {
		if !bytes.Contains(all.Bytes(), []byte(want)) {
			t.Errorf("the library %s holds no %s", path, want)
		}
	}
}
