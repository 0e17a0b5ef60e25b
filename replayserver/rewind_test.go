package replayserver_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
	"github.com/google/go-cmp/cmp"
)

// The Python library's rewind(): every replay starts each cassette from
// its first answer. Here each new server and each new transport does,
// however many servers of the same test process replayed the library
// before (a file library is decoded once and shared through the process
// cache), and while another one, still open, is part way through it.
func TestEachServerAndTransportStartsCassettesFromTheirFirstAnswer(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "") // misses, as in replay mode, whatever mode the run sets
	up := startUpstream(t)
	for _, kind := range libraryKinds {
		t.Run(kind, func(t *testing.T) {
			path, opts := libPath(t, kind)
			up.poll.Store(0)
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, append(opts, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))...)
				for range 3 {
					do(t, rawClient(), srv.URL, call{"GET", "/poll", ""})
				}
			})
			ft.finish()
			if ft.Failed() {
				t.Fatalf("recording: %s", ft.errors())
			}
			first := `{"attempt":1}`

			open := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay))
			if got := string(do(t, rawClient(), open.URL, call{"GET", "/poll", ""}).Body); got != first {
				t.Fatalf("first server: GET /poll = %q; want %q", got, first)
			}
			for i := range 3 {
				srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay))
				var got []string
				for range 4 {
					got = append(got, string(do(t, rawClient(), srv.URL, call{"GET", "/poll", ""}).Body))
				}
				want := []string{first, `{"attempt":2}`, `{"attempt":3}`, `{"attempt":3}`}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("server %d: GET /poll four times (-want +got):\n%s", i+2, diff)
				}
				srv.Close()

				client := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))}
				resp, err := client.Get(up.URL + "/poll")
				if err != nil {
					t.Fatalf("transport %d: GET /poll: %v", i+1, err)
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || string(b) != first {
					t.Errorf("transport %d: GET /poll = %q, %v; want %q", i+1, b, err, first)
				}
			}
			if got := string(do(t, rawClient(), open.URL, call{"GET", "/poll", ""}).Body); got != `{"attempt":2}` {
				t.Errorf("first server, after the others: GET /poll = %q; want its own second answer", got)
			}
		})
	}
}
