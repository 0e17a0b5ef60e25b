package interop

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// sdkSession is what a test's code does with an SDK: base is the API's
// base URL as the SDK wants it, client the HTTP client it is given.
type sdkSession func(t *testing.T, base string, client *http.Client) []string

// probeSDK records session against a new API (newAPI) and replays it, in
// the three ways a test suite would: through replayserver.New into a
// directory library and into a single JSON file, and through
// recorder.NewTransport (replayed by replayserver.NewTransport). Modes are
// set with CASSETTE_MODE, replay is strict and runs with the API closed.
// base turns a server's URL into the SDK's base URL. Each library is
// checked to hold none of secrets. rules, unless nil, are the naming rules
// of every recording and replay. It returns the libraries' paths.
func probeSDK(t *testing.T, newAPI func() http.Handler, live int64, want []string, base func(url string) string, rules *naming.Rules, session sdkSession, secrets ...string) map[string]string {
	t.Helper()
	var recOpts []recorder.Option
	var opts []replayserver.Option
	if rules != nil {
		recOpts = append(recOpts, recorder.Naming(*rules))
		opts = append(opts, replayserver.Naming(*rules))
	}
	dir := t.TempDir()
	libs := map[string]string{
		"dir":       filepath.Join(dir, "lib"),
		"file":      filepath.Join(dir, "lib.json"),
		"transport": filepath.Join(dir, "transport"),
	}
	for _, kind := range []string{"dir", "file", "transport"} {
		lib := libs[kind]
		t.Run(kind, func(t *testing.T) {
			record := func(t *testing.T, upstream string) []string {
				t.Setenv(replayserver.EnvMode, "record")
				if kind == "transport" {
					return session(t, base(upstream), &http.Client{Transport: recorder.NewTransport(t, lib, recOpts...)})
				}
				srv := replayserver.New(t, lib, append(opts, replayserver.Upstream(upstream))...)
				return session(t, base(srv.URL), srv.Client())
			}
			replay := func(t *testing.T, upstream string) []string {
				t.Setenv(replayserver.EnvMode, "replay")
				if kind == "transport" {
					return session(t, base(upstream), &http.Client{Transport: replayserver.NewTransport(t, lib, append(opts, replayserver.Strict())...)})
				}
				srv := replayserver.New(t, lib, append(opts, replayserver.Strict())...)
				return session(t, base(srv.URL), srv.Client())
			}
			recordReplay(t, newAPI(), live, want, record, replay)
			noSecrets(t, lib, secrets...)
		})
	}
	return libs
}

// noSecrets fails t if the library at path holds one of secrets.
func noSecrets(t *testing.T, path string, secrets ...string) {
	t.Helper()
	text := libraryText(t, path)
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("library %s holds the secret %q", path, s)
		}
	}
}

// rtSession is what a test's code does with an SDK whose base URL is base,
// through rt (nil: the SDK's own transport); it returns what it saw.
type rtSession func(t *testing.T, base string, rt http.RoundTripper) []string

// threeWays records and replays session against api in the three ways of
// probeSDK (which see), its base URL the server's own, and returns the
// libraries: the directory, the JSON file, the transport's.
func threeWays(t *testing.T, api http.Handler, live int64, want []string, session rtSession) []string {
	t.Helper()
	libs := probeSDK(t, func() http.Handler { return api }, live, want, func(u string) string { return u }, nil,
		func(t *testing.T, base string, c *http.Client) []string { return session(t, base, c.Transport) })
	return []string{libs["dir"], libs["file"], libs["transport"]}
}

// libraryText is every file of the library at path, concatenated.
func libraryText(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		b.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkRedacted fails t if a library holds one of secrets, or lacks REDACTED.
func checkRedacted(t *testing.T, libs []string, secrets ...string) {
	t.Helper()
	for _, lib := range libs {
		text := libraryText(t, lib)
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("library %s holds the secret %q", filepath.Base(lib), s)
			}
		}
		if !strings.Contains(text, "REDACTED") {
			t.Errorf("library %s holds no REDACTED", filepath.Base(lib))
		}
	}
}

// cassetteFiles lists the cassette files of a directory library, sorted.
func cassetteFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// missReport replays the library at lib with a handler that fails no test
// and runs session against it; it returns the bodies of the 404s it got.
func missReport(t *testing.T, lib string, base func(url string) string, session func(base string, client *http.Client), opts ...replayserver.Option) string {
	t.Helper()
	t.Setenv(replayserver.EnvMode, "replay")
	h, err := replayserver.NewHandler(lib, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()
	var reports strings.Builder
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && resp.StatusCode == http.StatusNotFound && resp.Header.Get("X-Cassette-Miss") != "" {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			reports.Write(b)
			resp.Body = io.NopCloser(strings.NewReader(string(b)))
		}
		return resp, err
	})}
	session(base(srv.URL), client)
	return reports.String()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
