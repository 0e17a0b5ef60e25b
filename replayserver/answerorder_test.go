package replayserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A polling client (202, 202, then 200) that closes each body with defer,
// last first, after decoding its JSON before the end of the chunked body:
// recorded with replayserver.NewTransport, or through the server with
// srv.Client(), its answers were stored in the order their bodies were
// closed (200 first), and replay answered the first poll 200. They are
// stored, and replayed, in the order they arrived.
func TestAPollRecordedWithDeferredClosesReplaysInOrder(t *testing.T) {
	t.Setenv("CI", "")
	ways := map[string]func(t *testing.T, dir string) *http.Client{
		"NewTransport": func(t *testing.T, dir string) *http.Client {
			return &http.Client{Transport: replayserver.NewTransport(t, dir)}
		},
		"New, srv.Client()": func(t *testing.T, dir string) *http.Client {
			return replayserver.New(t, dir).Client()
		},
	}
	for name, way := range ways {
		t.Run(name, func(t *testing.T) {
			api := httptest.NewServer(newPollAPI())
			defer api.Close()
			dir := filepath.Join(t.TempDir(), "lib")
			t.Run("record", func(t *testing.T) {
				t.Setenv(replayserver.EnvMode, "record")
				if got, want := poll(t, way(t, dir), api.URL+"/status"), []int{202, 202, 200}; !slices.Equal(got, want) {
					t.Fatalf("recording, the client got %v, want %v", got, want)
				}
			})
			t.Run("replay", func(t *testing.T) {
				t.Setenv(replayserver.EnvMode, "replay")
				if got, want := poll(t, way(t, dir), api.URL+"/status"), []int{202, 202, 200}; !slices.Equal(got, want) {
					t.Errorf("replaying, the client got %v, want %v", got, want)
				}
			})
		})
	}
}

// A request through the recording server whose answer ends after that of
// a later request of its cassette (a slow download) is stored first, as
// its answer arrived first.
func TestARecordingServerStoresAnswersInTheOrderTheyArrived(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv(replayserver.EnvMode, "record")
	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	defer free()
	var mu sync.Mutex
	n := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		k := n
		n++
		mu.Unlock()
		if k > 0 {
			io.WriteString(w, "second")
			return
		}
		io.WriteString(w, "first:")
		w.(http.Flusher).Flush()
		select {
		case <-release:
			io.WriteString(w, "end")
		case <-r.Context().Done():
		}
	}))
	defer api.Close()
	dir := filepath.Join(t.TempDir(), "lib")
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, dir, replayserver.Upstream(api.URL))
		first, err := http.Get(srv.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		defer first.Body.Close()
		if _, err := io.ReadFull(first.Body, make([]byte, len("first:"))); err != nil {
			t.Fatal(err)
		}
		second, err := http.Get(srv.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, second.Body)
		second.Body.Close()
		free()
		io.Copy(io.Discard, first.Body)
	})
	t.Run("replay", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "replay")
		srv := replayserver.New(t, dir)
		for _, want := range []string{"first:end", "second"} {
			resp, err := http.Get(srv.URL + "/x")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != want {
				t.Errorf("replay answered %q, want %q", b, want)
			}
		}
	})
}

// poll polls url until its answer says it is done, closing each body
// with defer and decoding its JSON, and returns the statuses it got.
func poll(t *testing.T, c *http.Client, url string) []int {
	t.Helper()
	var got []int
	for range 5 {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got = append(got, resp.StatusCode)
		var s struct{ Done bool }
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatalf("%d: %v", resp.StatusCode, err)
		}
		if s.Done {
			break
		}
	}
	return got
}

// newPollAPI answers its first two requests 202 {"done":false} and the
// others 200 {"done":true}, each a chunked body whose end comes only once
// the next request has arrived (or, the last, at once).
func newPollAPI() http.Handler {
	var mu sync.Mutex
	n := 0
	arrived := [3]chan struct{}{make(chan struct{}), make(chan struct{}), make(chan struct{})}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		k := n
		n++
		mu.Unlock()
		if k < len(arrived) {
			close(arrived[k])
		}
		code, body := http.StatusAccepted, `{"done":false}`
		if k >= 2 {
			code, body = http.StatusOK, `{"done":true}`
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body+"\n")
		w.(http.Flusher).Flush()
		if k < 2 {
			select {
			case <-arrived[k+1]:
			case <-r.Context().Done():
			}
		}
	})
}
