package pythoncassette_test

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// cassette.insert(path) ... cassette.eject(), the context set up by hand
// rather than by a with block: outside a test (a development server, a
// demo), replayserver.NewHandler answers from the library, recording it
// first when it does not exist (the default mode, once, with an
// upstream), and its Close, the eject, saves what it recorded. The next
// insert answers from the library, without the network.
func TestInsertEject(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv(replayserver.EnvCI, "")
	internic := startRootServers(t)
	path := filepath.Join(t.TempDir(), "data", "responses.json")

	insert := func() (*replayserver.Handler, *httptest.Server) {
		h, err := replayserver.NewHandler(path, replayserver.Upstream(internic.URL)) // cassette.insert(path)
		if err != nil {
			t.Fatalf("NewHandler(%s): %v", path, err)
		}
		return h, httptest.NewServer(h) // or an http.Server of one's own
	}
	eject := func(h *replayserver.Handler, server *httptest.Server) {
		server.Close()
		if err := h.Close(); err != nil { // cassette.eject()
			t.Fatalf("Close: %v", err)
		}
	}

	h, server := insert()
	if h.Mode() != replayserver.ModeRecord {
		t.Errorf("the first insert, of a library that does not exist, is in mode %s; want record", h.Mode())
	}
	if got := read10000(t, server.Client(), server.URL+"/domain/named.root"); got != namedRoot {
		t.Errorf("recording: GET /domain/named.root = %q; want %q", got, namedRoot)
	}
	eject(h, server)

	internic.Close() // offline from now on
	h, server = insert()
	if h.Mode() != replayserver.ModeReplay {
		t.Errorf("the second insert, of the library recorded, is in mode %s; want replay", h.Mode())
	}
	if got := read10000(t, server.Client(), server.URL+"/domain/named.root"); got != namedRoot {
		t.Errorf("replaying: GET /domain/named.root = %q; want %q as recorded", got, namedRoot)
	}
	eject(h, server)
	if n := internic.calls.Load(); n != 1 {
		t.Errorf("the API got %d requests; want 1, from the first insert", n)
	}
	if unused := h.Unused(); len(unused) != 0 || h.Misses() != 0 {
		t.Errorf("after eject: unused %q, %d misses; want none", unused, h.Misses())
	}
	names, err := h.Library().Names()
	if err != nil || len(names) != 1 || !strings.HasSuffix(names[0], "_domain_named.root") {
		t.Errorf("the library holds %q (%v); want the one cassette of GET /domain/named.root", names, err)
	}
}
