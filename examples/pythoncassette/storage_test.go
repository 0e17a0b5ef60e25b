package pythoncassette_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// Storage backends: all the requests and responses in one file, or each
// in a file of its own in a directory; JSON or YAML. As in the Python
// library, the path decides: cassette.insert("./data/responses.yaml") is
// one file, cassette.insert("./data/", file_format="json") a directory,
// whose file_format is replayserver.Format here. (Only .json, .yaml and
// .yml make a file: see README "Coming from the Python cassette".) Each
// backend records a 200 and a 404 (the Python library's 0.2: answers that
// are not 2xx are stored and replayed as they came), then replays them.
func TestStorageBackends(t *testing.T) {
	for _, tc := range []struct {
		path   string
		opts   []replayserver.Option
		format library.Format
		files  []string // what the path holds, for a directory
	}{
		{"./data/responses.yaml", nil, library.YAML, nil},
		{"./data/responses.yml", nil, library.YAML, nil},
		{"./data/responses.json", nil, library.JSON, nil},
		{"./data/", []replayserver.Option{replayserver.Format(library.JSON)}, library.JSON, []string{".json", ".json"}},
		{"./data/", []replayserver.Option{replayserver.Format(library.YAML)}, library.YAML, []string{".yaml", ".yaml"}},
		{"./data", nil, library.JSON, []string{".json", ".json"}},
	} {
		t.Run(tc.path+" "+string(tc.format), func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			t.Setenv(replayserver.EnvCI, "")
			t.Chdir(t.TempDir())
			internic := startRootServers(t)
			get := func(t *testing.T, srv *replayserver.Server) []string {
				var out []string
				for _, p := range []string{"/domain/named.root", "/domain/missing"} {
					resp, err := http.Get(srv.URL + p)
					if err != nil {
						t.Fatal(err)
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, resp.Status+" "+string(b))
				}
				return out
			}
			var recorded []string
			t.Run("record", func(t *testing.T) {
				srv := replayserver.New(t, tc.path, append(tc.opts, replayserver.Upstream(internic.URL))...)
				recorded = get(t, srv)
			})
			if len(recorded) != 2 || !strings.HasPrefix(recorded[0], "200 OK") || !strings.HasPrefix(recorded[1], "404 Not Found") {
				t.Fatalf("recording: %q; want a 200 and a 404", recorded)
			}

			fi, err := os.Stat(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if tc.files == nil && !fi.Mode().IsRegular() || tc.files != nil && !fi.IsDir() {
				t.Fatalf("%s is a %v; want a file: %v", tc.path, fi.Mode().Type(), tc.files == nil)
			}
			if tc.files != nil {
				entries, err := os.ReadDir(tc.path)
				if err != nil {
					t.Fatal(err)
				}
				var exts []string
				for _, e := range entries {
					exts = append(exts, filepath.Ext(e.Name()))
				}
				if !slices.Equal(exts, tc.files) {
					t.Errorf("%s holds files ending %q; want one per cassette, %q", tc.path, exts, tc.files)
				}
			}
			lib, err := library.Open(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if lib.Format() != tc.format {
				t.Errorf("%s is in %s; want %s", tc.path, lib.Format(), tc.format)
			}

			internic.Close() // offline
			t.Run("replay", func(t *testing.T) {
				srv := replayserver.New(t, tc.path, replayserver.Strict())
				if got := get(t, srv); !slices.Equal(got, recorded) {
					t.Errorf("replay: %q; want %q as recorded", got, recorded)
				}
			})
		})
	}
}
