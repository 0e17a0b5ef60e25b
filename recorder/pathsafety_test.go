package recorder_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// hostilePaths are request targets, sent byte for byte, that must not lead
// a directory library to write outside its folder, to write a name some
// OS refuses, or to store two cassettes in files whose names differ only
// in case (one file on macOS and Windows).
var hostilePaths = []struct{ target, why string }{
	{"/a/../../../escape", "dot-dot segments"},
	{"/..", "a lone dot-dot"},
	{"/%2e%2e/%2e%2e/%2E%2E/escape", "escaped dot-dot segments"},
	{"/a%2F..%2F..%2Fescape", "escaped slashes"},
	{"/%2F%2F/etc%2Fpasswd", "escaped slashes at the start"},
	{`/a\..\..\escape`, "backslashes"},
	{"/a%5C..%5C..%5Cescape", "escaped backslashes"},
	{"/nul%00byte", "an escaped NUL"},
	{"/%00", "only a NUL"},
	{"/" + strings.Repeat("x", 5000), "a 5,000-byte segment"},
	{"/" + strings.Repeat("y", 5000) + "?q=" + strings.Repeat("z", 5000), "a 5,000-byte segment and query"},
	{"/CON", "a Windows device name"},
	{"/nul.txt", "a Windows device name with an extension"},
	{"/COM1", "a numbered Windows device name"},
	{"/con/aux/prn/lpt9", "device names in every segment"},
	{"/Users", "a path that differs from the next only in case"},
	{"/users", "a path that differs from the last only in case"},
	{"/Users?Q=1", "a query that differs from the next only in case"},
	{"/Users?q=1", "a query that differs from the last only in case"},
	{"/.hidden", "a dotfile"},
	{"/-rf", "a leading dash"},
	{"/c:/windows/system32", "a drive letter"},
	{"/a:stream", "an NTFS stream"},
	{"/a*b%3Fc%22d%3Ce%3Ef%7Cg", "characters Windows refuses"},
	{"/trailing.", "a trailing dot"},
	{"/trailing%20", "a trailing space"},
	{"/caf%C3%A9/%F0%9F%98%80", "non-ASCII"},
	{"/%FF%FE", "bytes that are not UTF-8"},
	{"/~user/%25%25", "tilde and escaped percents"},
}

// rawGet sends a GET for target, byte for byte, to the server at addr and
// returns the response status and body.
func rawGet(addr, target string) (int, string, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, "", err
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr); err != nil {
		return 0, "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestHostilePathsStayInTheLibraryFolder(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "upstream saw %s", r.RequestURI)
	}))
	defer api.Close()
	parent := t.TempDir()
	path := filepath.Join(parent, "lib")

	// Record each request through a recording proxy.
	rt := &fakeTB{TB: t}
	rec := recorder.New(rt, api.URL, path)
	live := map[string]string{}
	for _, p := range hostilePaths {
		code, body, err := rawGet(rec.Listener.Addr().String(), p.target)
		if err != nil || code != http.StatusOK || !strings.HasPrefix(body, "upstream saw /") {
			t.Errorf("recording GET %.80s (%s) = %d %.80q, %v; want 200 from the upstream", p.target, p.why, code, body, err)
		}
		live[p.target] = body
	}
	rt.end()
	for _, e := range rt.errors {
		t.Errorf("recording: %s", e)
	}

	// Nothing was written outside the folder, and inside only files whose
	// names every OS accepts, distinct in any case.
	lower := map[string]string{}
	files := 0
	err := filepath.WalkDir(parent, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(parent, p)
		switch {
		case rel == "." || rel == "lib":
			return nil
		case filepath.Dir(rel) != "lib" || d.IsDir():
			t.Errorf("recording created %s, outside the library folder or a subdirectory", rel)
			return nil
		}
		files++
		name := d.Name()
		if !library.ValidName(name) || !library.ValidName(strings.TrimSuffix(name, filepath.Ext(name))) {
			t.Errorf("file name %q is not a valid name (library.ValidName)", name)
		}
		if other, dup := lower[strings.ToLower(name)]; dup {
			t.Errorf("file names %q and %q differ only in case", other, name)
		}
		lower[strings.ToLower(name)] = name
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("recording wrote no file")
	}

	// Every recording replays: same requests, same bodies, every cassette
	// used.
	api.Close()
	ft := &fakeTB{TB: t}
	srv := replayserver.New(ft, path, replayserver.Strict(), replayserver.Upstream(api.URL), replayserver.Logf(func(string, ...any) {}))
	for _, p := range hostilePaths {
		code, body, err := rawGet(srv.Listener.Addr().String(), p.target)
		if err != nil || code != http.StatusOK || body != live[p.target] {
			t.Errorf("replayed GET %.80s (%s) = %d %.200q, %v; want 200 %.80q", p.target, p.why, code, body, err, live[p.target])
		}
	}
	ft.end()
	for _, e := range ft.errors {
		t.Errorf("replay: %s", e)
	}
}
