package interop

import (
	"io"
	"io/fs"
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

// noSecrets fails t if a file of the library at path holds one of secrets.
func noSecrets(t *testing.T, path string, secrets ...string) {
	t.Helper()
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds the secret %q", p, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
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
