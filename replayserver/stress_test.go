package replayserver_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// TestStressReplay sends 64 clients × 2,000 requests, each on its own
// keep-alive connection, at one replay server answering from a library of
// 50 cassettes: every answer must be right, and every cassette used.
// Requests are cheap (short bodies, no log line per request) so that the
// test stays well under a minute under -race.
func TestStressReplay(t *testing.T) {
	const (
		clients   = 64
		requests  = 2000
		cassettes = 50
	)
	t.Setenv("CASSETTE_MODE", "")
	paths := make([]string, cassettes)
	for i := range paths {
		paths[i] = fmt.Sprintf("/v1/items/%d?fields=name", i)
	}
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", paths...)
	srv := replayserver.New(t, path, replayserver.Strict(), replayserver.Logf(func(string, ...any) {}))

	start := time.Now()
	var wg sync.WaitGroup
	var sent, conns atomic.Int64
	failures := make([]error, clients) // the first failure of each client
	for c := range clients {
		wg.Go(func() {
			tr := &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			for i := range requests {
				p := paths[(c*7+i)%cassettes]
				req, _ := http.NewRequest("GET", srv.URL+p, nil)
				req = req.WithContext(countConns(req, &conns))
				resp, err := client.Do(req)
				if err != nil {
					failures[c] = fmt.Errorf("client %d, request %d: GET %s: %v", c, i, p, err)
					return
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				sent.Add(1)
				if want := "answer for " + p; err != nil || resp.StatusCode != 200 || string(b) != want {
					failures[c] = fmt.Errorf("client %d, request %d: GET %s = %d %q, %v; want 200 %q", c, i, p, resp.StatusCode, b, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%d requests from %d clients on %d connections in %v", sent.Load(), clients, conns.Load(), time.Since(start))
	for _, err := range failures {
		if err != nil {
			t.Error(err)
		}
	}
	if sent.Load() != clients*requests {
		t.Errorf("%d requests answered, want %d", sent.Load(), clients*requests)
	}
	// net/http's Transport puts a connection back in its idle pool from
	// another goroutine after the body's end, so a client's next request
	// sometimes dials anew: a few extra connections are normal, one per
	// request would not be.
	if conns.Load() > 2*clients {
		t.Errorf("%d connections for %d keep-alive clients, want about one each", conns.Load(), clients)
	}
	if unused := srv.Unused(); len(unused) != 0 {
		t.Errorf("unused cassettes %q, want none", unused)
	}
}

// countConns returns req's context, counting in n each new connection the
// request is sent on.
func countConns(req *http.Request, n *atomic.Int64) context.Context {
	return httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			if !info.Reused {
				n.Add(1)
			}
		},
	})
}

// TestStressRecord has 32 clients record through one replay server (or
// one replay transport) in record mode at once, each sending distinct
// requests and one request that all send alike. Afterwards each distinct request is one cassette of
// one exchange, the shared request one cassette of exactly 32 exchanges,
// and each stored body is the one its client got.
func TestStressRecord(t *testing.T) {
	const (
		clients  = 32
		distinct = 8 // per client
	)
	t.Setenv("CASSETTE_MODE", "")
	var n atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "answer %d to %s %s %s", n.Add(1), r.Method, r.URL.RequestURI(), b)
	}))
	defer api.Close()
	for _, via := range []string{"server", "transport"} {
		for _, kind := range []string{"lib", "lib.json"} {
			t.Run(via+"/"+kind, func(t *testing.T) {
				n.Store(0)
				dir := t.TempDir()
				path := filepath.Join(dir, kind)
				ft := newFakeTB(t)
				var mu sync.Mutex
				got := map[string][]string{} // request -> bodies the clients got
				ft.do(func() {
					opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeRecord), replayserver.Logf(func(string, ...any) {})}
					newClient := func() *http.Client { return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}} }
					base := api.URL
					if via == "server" {
						srv := replayserver.New(ft, path, append(opts, replayserver.Upstream(api.URL))...)
						base = srv.URL
					} else {
						rt := replayserver.NewTransport(ft, path, opts...)
						newClient = func() *http.Client { return &http.Client{Transport: rt} }
					}
					var wg sync.WaitGroup
					for c := range clients {
						wg.Go(func() {
							client := newClient()
							defer client.CloseIdleConnections()
							var calls []call
							for i := range distinct {
								if i%2 == 0 {
									calls = append(calls, call{"GET", fmt.Sprintf("/distinct/%d/%d", c, i), ""})
								} else {
									calls = append(calls, call{"POST", "/distinct", fmt.Sprintf(`{"client":%d,"i":%d}`, c, i)})
								}
							}
							calls = append(calls, call{"GET", "/same?x=1", ""})
							for _, k := range calls {
								a, err := send(client, base, k)
								if err != nil {
									t.Error(err)
									return
								}
								mu.Lock()
								key := k.method + " " + k.path + " " + k.body
								got[key] = append(got[key], string(a.Body))
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
				checkRecorded(t, path, got, clients*distinct, clients)
				checkNoStrayFiles(t, dir, kind)
			})
		}
	}
}

// send sends the request k to base and returns the answer.
func send(c *http.Client, base string, k call) (answer, error) {
	var body io.Reader
	if k.body != "" {
		body = strings.NewReader(k.body)
	}
	req, err := http.NewRequest(k.method, base+k.path, body)
	if err != nil {
		return answer{}, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %v", k.method, k.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: reading body: %v", k.method, k.path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return answer{}, fmt.Errorf("%s %s = %d %q, want 200", k.method, k.path, resp.StatusCode, b)
	}
	return answer{Status: resp.StatusCode, Body: b}, nil
}

// checkRecorded checks that the library at path holds exactly the
// exchanges whose bodies got lists, by request: wantDistinct cassettes of
// one exchange and one of wantSame exchanges.
func checkRecorded(t *testing.T, path string, got map[string][]string, wantDistinct, wantSame int) {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.Load(); err != nil {
		t.Fatalf("Load() of %s after recording: %v", path, err)
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string][]string{}
	ones, same := 0, 0
	for _, name := range names {
		c, _, err := lib.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		switch len(c.Exchanges) {
		case 1:
			ones++
		case wantSame:
			same++
		default:
			t.Errorf("cassette %s holds %d exchanges, want 1 or %d", name, len(c.Exchanges), wantSame)
		}
		for _, ex := range c.Exchanges {
			u, err := url.Parse(ex.Request.URL)
			if err != nil {
				t.Fatalf("cassette %s: %v", name, err)
			}
			key := ex.Request.Method + " " + u.RequestURI() + " " + string(ex.Request.Body)
			stored[key] = append(stored[key], string(ex.Response.Body))
		}
	}
	if ones != wantDistinct || same != 1 {
		t.Errorf("library holds %d cassettes of one exchange and %d of %d; want %d and 1", ones, same, wantSame, wantDistinct)
	}
	if len(stored) != len(got) {
		t.Errorf("library holds exchanges of %d requests, want %d", len(stored), len(got))
	}
	for key, bodies := range got {
		if s := slices.Sorted(slices.Values(stored[key])); !slices.Equal(s, slices.Sorted(slices.Values(bodies))) {
			t.Errorf("%s: stored %q, want what the clients got, each once: %q", key, s, bodies)
		}
	}
}

// checkNoStrayFiles checks that dir holds only the library called kind:
// no temporary file was left behind; a directory library holds only
// cassette files.
func checkNoStrayFiles(t *testing.T, dir, kind string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case rel == "." || rel == kind:
		case strings.HasPrefix(rel, kind+string(filepath.Separator)) && !d.IsDir() &&
			!strings.HasPrefix(d.Name(), ".") && library.ValidName(strings.TrimSuffix(d.Name(), filepath.Ext(d.Name()))):
		default:
			t.Errorf("stray file %s after recording", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
