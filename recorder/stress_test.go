package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// TestStressRecord has 32 clients record through one recorder at once
// (through the proxy each on a keep-alive connection of its own): each sends distinct requests (GETs
// and POSTs with distinct bodies) and one request all send alike.
// Afterwards each distinct request is one cassette of one exchange, the
// shared request one cassette of exactly 32 exchanges, every stored body
// is the one its client got, and no temporary file is left.
func TestStressRecord(t *testing.T) {
	const (
		clients  = 32
		distinct = 8 // per client
	)
	var n atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "answer %d to %s %s %s", n.Add(1), r.Method, r.URL.RequestURI(), b)
	}))
	defer api.Close()
	for _, rc := range recordings {
		for _, kind := range []string{"lib", "lib.json"} {
			t.Run(rc.name+"/"+kind, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, kind)
				var recorded names
				client, base, wait := rc.start(t, api.URL, path, recorded.add)
				var mu sync.Mutex
				got := map[string][]string{} // request -> bodies the clients got
				var wg sync.WaitGroup
				for c := range clients {
					wg.Go(func() {
						cl := *client
						if rc.name == "proxy" {
							tr := &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}
							defer tr.CloseIdleConnections()
							cl.Transport = tr
						}
						for i := range distinct + 1 {
							method, p, body := "GET", fmt.Sprintf("/distinct/%d/%d", c, i), ""
							switch {
							case i == distinct:
								p = "/same?x=1"
							case i%2 == 1:
								method, p, body = "POST", "/distinct", fmt.Sprintf(`{"client":%d,"i":%d}`, c, i)
							}
							req, _ := http.NewRequest(method, base+p, strings.NewReader(body))
							resp, err := cl.Do(req)
							if err != nil {
								t.Errorf("%s %s: %v", method, p, err)
								return
							}
							b, err := io.ReadAll(resp.Body)
							resp.Body.Close()
							if err != nil || resp.StatusCode != http.StatusOK {
								t.Errorf("%s %s = %d %q, %v; want 200", method, p, resp.StatusCode, b, err)
								return
							}
							mu.Lock()
							key := method + " " + p + " " + body
							got[key] = append(got[key], string(b))
							mu.Unlock()
						}
					})
				}
				wg.Wait()
				wait()

				if r := len(recorded.list()); r != clients*(distinct+1) {
					t.Errorf("OnRecord was called %d times, want %d", r, clients*(distinct+1))
				}
				stored := map[string][]string{}
				ones, same := 0, 0
				for name, exs := range readLibrary(t, path) {
					switch len(exs) {
					case 1:
						ones++
					case clients:
						same++
					default:
						t.Errorf("cassette %s holds %d exchanges, want 1 or %d", name, len(exs), clients)
					}
					for _, ex := range exs {
						u, err := url.Parse(ex.Request.URL)
						if err != nil {
							t.Fatalf("cassette %s: %v", name, err)
						}
						key := ex.Request.Method + " " + u.RequestURI() + " " + string(ex.Request.Body)
						stored[key] = append(stored[key], string(ex.Response.Body))
					}
				}
				if ones != clients*distinct || same != 1 {
					t.Errorf("library holds %d cassettes of one exchange and %d of %d; want %d and 1", ones, same, clients, clients*distinct)
				}
				if len(stored) != len(got) {
					t.Errorf("library holds exchanges of %d requests, want %d", len(stored), len(got))
				}
				for key, bodies := range got {
					if s := slices.Sorted(slices.Values(stored[key])); !slices.Equal(s, slices.Sorted(slices.Values(bodies))) {
						t.Errorf("%s: stored %q, want what the clients got, each once: %q", key, s, bodies)
					}
				}
				checkOnlyCassetteFiles(t, dir, kind)
			})
		}
	}
}

// checkOnlyCassetteFiles checks that dir holds only the library called
// kind, and a directory library only cassette files: no temporary file
// was left behind.
func checkOnlyCassetteFiles(t *testing.T, dir, kind string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := d.Name()
		switch {
		case rel == "." || rel == kind:
		case filepath.Dir(rel) == kind && !d.IsDir() && !strings.HasPrefix(name, ".") &&
			library.ValidName(strings.TrimSuffix(name, filepath.Ext(name))):
		default:
			t.Errorf("stray file %s after recording", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
