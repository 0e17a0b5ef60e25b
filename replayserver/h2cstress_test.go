package replayserver_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// h2cClient returns a client that speaks HTTP/2 with prior knowledge only.
func h2cClient() *http.Client {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: p, DisableCompression: true}}
}

// protoClient returns the client of kind ("h2c", "http1", "tls") for srv,
// and the HTTP major version its answers must come in.
func protoClient(srv *replayserver.Server, kind string) (*http.Client, int) {
	switch kind {
	case "h2c":
		return h2cClient(), 2
	case "tls":
		return srv.Client(), 2
	}
	return &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}}, 1
}

// seqLibrary writes a library of n cassettes GET /seq/i of seq exchanges
// each, answering "c<i> e<j>".
func seqLibrary(t *testing.T, path string, n, seq int) {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		req := httptest.NewRequest("GET", fmt.Sprintf("http://api.example.com/seq/%d", i), nil)
		for j := range seq {
			ex := library.Exchange{
				Request:  library.Request{Method: "GET", URL: req.URL.String(), Header: http.Header{}},
				Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: fmt.Appendf(nil, "c%d e%d", i, j)},
			}
			if err := lib.Append(nameOf(req, nil), ex); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
}

// Many requests at once, many on one HTTP/2 connection, for cassettes of
// several exchanges: each exchange of a sequence is served once, in any
// order the requests come, then the last repeats (with NoRepeat, the
// further requests are misses); the cassettes never asked for, and only
// those, are unused.
func TestStressSequencesOverEveryProtocol(t *testing.T) {
	const (
		clients  = 64
		requests = 16 // per client
		cass     = 40 // cassettes
		asked    = 32 // of them, those requested
		seq      = 4  // exchanges of each
	)
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api")
	seqLibrary(t, path, cass, seq)
	for _, kind := range []string{"h2c", "http1", "tls"} {
		for _, noRepeat := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/norepeat=%v", kind, noRepeat), func(t *testing.T) {
				ft := newFakeTB(t)
				var counts [cass][seq + 1]atomic.Int64 // [cassette][exchange], [seq] for misses
				var unused []string
				var bad atomic.Value
				ft.do(func() {
					opts := []replayserver.Option{replayserver.Logf(func(string, ...any) {})}
					if noRepeat {
						opts = append(opts, replayserver.NoRepeat())
					}
					if kind == "tls" {
						opts = append(opts, replayserver.TLS())
					}
					srv := replayserver.New(ft, path, opts...)
					client, major := protoClient(srv, kind)
					var wg sync.WaitGroup
					for c := range clients {
						wg.Go(func() {
							for i := range requests {
								k := (c*requests + i) % asked
								resp, err := client.Get(fmt.Sprintf("%s/seq/%d", srv.URL, k))
								if err != nil {
									bad.Store(err.Error())
									return
								}
								b, err := io.ReadAll(resp.Body)
								resp.Body.Close()
								if err != nil || resp.ProtoMajor != major {
									bad.Store(fmt.Sprintf("/seq/%d: %v over HTTP/%d", k, err, resp.ProtoMajor))
									return
								}
								if resp.StatusCode == 404 {
									counts[k][seq].Add(1)
									continue
								}
								var ci, ei int
								if _, err := fmt.Sscanf(string(b), "c%d e%d", &ci, &ei); err != nil || ci != k || resp.StatusCode != 200 {
									bad.Store(fmt.Sprintf("/seq/%d = %d %q", k, resp.StatusCode, b))
									return
								}
								counts[k][ei].Add(1)
							}
						})
					}
					wg.Wait()
					unused = srv.Unused()
				})
				ft.finish()
				if v := bad.Load(); v != nil {
					t.Fatal(v)
				}
				per := clients * requests / asked
				for k := range asked {
					for j := range seq + 1 {
						want := 1
						switch {
						case j == seq && noRepeat:
							want = per - seq
						case j == seq:
							want = 0
						case j == seq-1 && !noRepeat:
							want = per - seq + 1
						}
						if got := counts[k][j].Load(); int(got) != want {
							t.Errorf("cassette %d, exchange %d (%d: misses): served %d times, want %d", k, j, seq, got, want)
						}
					}
				}
				var wantUnused []string
				for k := asked; k < cass; k++ {
					wantUnused = append(wantUnused, nameOf(httptest.NewRequest("GET", fmt.Sprintf("http://api.example.com/seq/%d", k), nil), nil))
				}
				slices.Sort(wantUnused)
				if !slices.Equal(unused, wantUnused) {
					t.Errorf("Unused() = %q, want %q", unused, wantUnused)
				}
				if noRepeat != ft.Failed() {
					t.Errorf("test failed: %v (%s), want %v (misses with NoRepeat only)", ft.Failed(), ft.errors(), noRepeat)
				}
			})
		}
	}
}

// bigAnswer is the body of the upstream's answer to path: over 8 MiB for
// a path under /big, so that it goes to a body file.
func bigAnswer(path string, n int64) []byte {
	head := fmt.Sprintf("answer %d to %s;", n, path)
	if !strings.HasPrefix(path, "/big") {
		return []byte(head)
	}
	return append([]byte(head), bytes.Repeat([]byte{byte(n)}, 9<<20)...)
}

// Recording over h2c, many requests at once on one connection, some of
// them alike (one cassette of several exchanges), a few large answers
// going to body files; then rerecording it the same way: the library
// holds exactly what the clients got, each once, and no body file more.
func TestStressRecordOverH2C(t *testing.T) {
	const (
		clients = 8
		same    = 4 // requests per client of /same
	)
	t.Setenv("CASSETTE_MODE", "")
	var n atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bigAnswer(r.URL.Path, n.Add(1)))
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeRerecord} {
		t.Run(string(mode), func(t *testing.T) {
			ft := newFakeTB(t)
			var mu sync.Mutex
			got := map[string][]string{} // path -> digests of the bodies the clients got
			ft.do(func() {
				srv := replayserver.New(ft, path, replayserver.WithMode(mode), replayserver.Upstream(api.URL), replayserver.Logf(func(string, ...any) {}))
				client := h2cClient()
				var wg sync.WaitGroup
				for c := range clients {
					wg.Go(func() {
						paths := []string{fmt.Sprintf("/one/%d", c), fmt.Sprintf("/two/%d", c)}
						for range same {
							paths = append(paths, "/same")
						}
						if c%4 == 0 { // two clients
							paths = append(paths, fmt.Sprintf("/big/%d", c/4), "/big/same")
						}
						for _, p := range paths {
							resp, err := client.Get(srv.URL + p)
							if err != nil {
								t.Error(err)
								return
							}
							b, err := io.ReadAll(resp.Body)
							resp.Body.Close()
							if err != nil || resp.StatusCode != 200 || resp.ProtoMajor != 2 || !bytes.HasPrefix(b, []byte("answer ")) {
								t.Errorf("GET %s = %d over HTTP/%d, %.40q, %v", p, resp.StatusCode, resp.ProtoMajor, b, err)
								return
							}
							mu.Lock()
							got[p] = append(got[p], fmt.Sprintf("%x", sha256.Sum256(b)))
							mu.Unlock()
						}
					})
				}
				wg.Wait()
			})
			ft.finish()
			if ft.Failed() {
				t.Fatalf("recording failed:\n%s", ft.errors())
			}
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			names, err := lib.Names()
			if err != nil {
				t.Fatal(err)
			}
			stored := map[string][]string{}
			files := map[string]bool{}
			for _, name := range names {
				c, _, err := lib.Get(name)
				if err != nil {
					t.Fatal(err)
				}
				for _, ex := range c.Exchanges {
					b, err := ex.Response.ReadBody()
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if ex.Response.BodyFile != "" {
						files[filepath.Base(ex.Response.BodyFile)] = true
					} else if len(b) > 8<<20 {
						t.Errorf("%s: a body of %d bytes inline, want a body file", name, len(b))
					}
					p := strings.TrimPrefix(ex.Request.URL, api.URL)
					p = strings.TrimPrefix(p, "http://api.example.com")
					stored[p] = append(stored[p], fmt.Sprintf("%x", sha256.Sum256(b)))
				}
			}
			if len(stored) != len(got) {
				t.Errorf("stored exchanges of %d requests, want %d", len(stored), len(got))
			}
			for p, want := range got {
				if s := slices.Sorted(slices.Values(stored[p])); !slices.Equal(s, slices.Sorted(slices.Values(want))) {
					t.Errorf("%s: stored %d exchanges %.8q, want what the clients got, each once: %.8q", p, len(s), s, want)
				}
			}
			if len(got["/same"]) != clients*same {
				t.Errorf("/same answered %d times, want %d", len(got["/same"]), clients*same)
			}
			ents, err := os.ReadDir(filepath.Join(path, "bodies"))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				if !files[e.Name()] {
					t.Errorf("body file %s on disk, that no cassette names", e.Name())
				}
			}
			if len(ents) != len(files) {
				t.Errorf("%d body files on disk, want %d", len(ents), len(files))
			}
		})
	}
}

// A test that ends leaving one HTTP/2 stream unread (a body larger than
// the stream's window), while other streams of the same connection
// completed, ends: the unread one is cut off.
func TestTheEndOfATestCutsOffAnUnreadH2CStream(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/big", "/small"} {
		req := httptest.NewRequest("GET", "http://api.example.com"+p, nil)
		body := []byte("small")
		if p == "/big" {
			body = bytes.Repeat([]byte("b"), 16<<20)
		}
		if err := lib.Append(nameOf(req, nil), library.Exchange{
			Request:  library.Request{Method: "GET", URL: req.URL.String()},
			Response: library.Response{StatusCode: 200, Body: body},
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	ft := newFakeTB(t)
	client := h2cClient()
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.Logf(func(string, ...any) {}))
		resp, err := client.Get(srv.URL + "/big")
		if err != nil {
			t.Fatal(err)
		}
		_ = resp // never read nor closed
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				resp, err := client.Get(srv.URL + "/small")
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != "small" || resp.ProtoMajor != 2 {
					t.Errorf("GET /small = %q over HTTP/%d", b, resp.ProtoMajor)
				}
			})
		}
		wg.Wait()
	})
	if !ends(ft.finish) {
		t.Fatal("the end of the test still waits for the unread stream after a minute")
	}
	if ft.Failed() {
		t.Errorf("the test failed: %s", ft.errors())
	}
}

// Clients that cancel their streams mid-body, over h2c, while others read
// theirs to the end: the others get their answers whole, replaying and
// recording; a recording stores a body whole or not at all.
func TestH2CStreamsCanceledMidBody(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := bigAnswer(r.URL.Path, 7)
		w.Header().Set("Content-Length", fmt.Sprint(len(b))) // not a stream: stored whole or not at all
		w.Write(b)
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeReplay} {
		t.Run(string(mode), func(t *testing.T) {
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, replayserver.WithMode(mode), replayserver.Upstream(api.URL), replayserver.Logf(func(string, ...any) {}))
				client := h2cClient()
				var wg sync.WaitGroup
				for i := range 4 {
					wg.Go(func() {
						p := fmt.Sprintf("/big/%d", i%2)
						ctx, cancel := context.WithCancel(context.Background())
						defer cancel()
						req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+p, nil)
						resp, err := client.Do(req)
						if err != nil {
							t.Error(err)
							return
						}
						defer resp.Body.Close()
						if i/2%2 == 0 {
							io.CopyN(io.Discard, resp.Body, 1<<20)
							cancel()
							return
						}
						b, err := io.ReadAll(resp.Body)
						if want := bigAnswer(p, 7); err != nil || !bytes.Equal(b, want) {
							t.Errorf("GET %s: %d bytes, %v; want %d", p, len(b), err, len(want))
						}
					})
				}
				wg.Wait()
			})
			ft.finish()
			if ft.Failed() {
				t.Fatalf("the test failed:\n%s", ft.errors())
			}
		})
	}
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := lib.Names()
	for _, name := range names {
		c, _, _ := lib.Get(name)
		for _, ex := range c.Exchanges {
			b, err := ex.Response.ReadBody()
			p := strings.TrimPrefix(ex.Request.URL, api.URL)
			if err != nil || !bytes.Equal(b, bigAnswer(p, 7)) {
				t.Errorf("%s: stored %d bytes (%v), want the whole body", name, len(b), err)
			}
		}
	}
}
