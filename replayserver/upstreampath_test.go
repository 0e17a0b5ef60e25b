package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// A GraphQL or JSON-RPC client pointed at the server's base URL, with the
// endpoint as Upstream, posts to the endpoint itself: it was sent to
// "/graphql/", which many servers answer with a 404 or a redirect (found
// by a probe with GraphQL clients). Replay names the request the same
// way, so it is a hit. The same for recorder.New's proxy.
func TestUpstreamWithAPathSendsTheRootToThatPath(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "")
	for name, start := range map[string]func(t *testing.T, upstream, path string) (base string){
		"replayserver.New": func(t *testing.T, upstream, path string) string {
			return replayserver.New(t, path, replayserver.Upstream(upstream), replayserver.Strict()).URL
		},
		"recorder.New": func(t *testing.T, upstream, path string) string {
			return recorder.New(t, upstream, path).URL
		},
	} {
		t.Run(name, func(t *testing.T) {
			paths := make(chan string, 2)
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				paths <- r.URL.Path
				if r.URL.Path != "/graphql" && r.URL.Path != "/graphql/users" {
					http.NotFound(w, r)
					return
				}
				io.WriteString(w, `{"data":{"path":"`+r.URL.Path+`"}}`)
			}))
			path := filepath.Join(t.TempDir(), "api")
			post := func(t *testing.T, url string) string {
				t.Helper()
				resp, err := http.Post(url, "application/json", strings.NewReader(`{"query":"{ viewer { login } }"}`))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.Status + " " + string(b)
			}
			t.Run("record", func(t *testing.T) {
				base := start(t, api.URL+"/graphql", path)
				for _, c := range []struct{ url, want, path string }{
					{base, `200 OK {"data":{"path":"/graphql"}}`, "/graphql"},
					{base + "/users", `200 OK {"data":{"path":"/graphql/users"}}`, "/graphql/users"},
				} {
					if got := post(t, c.url); got != c.want {
						t.Errorf("POST %s = %s; want %s", c.url, got, c.want)
					}
					if got := <-paths; got != c.path {
						t.Errorf("POST %s reached the API at %q; want %q", c.url, got, c.path)
					}
				}
			})
			api.Close()
			if name != "replayserver.New" {
				return
			}
			t.Run("replay", func(t *testing.T) {
				base := start(t, api.URL+"/graphql", path)
				if got, want := post(t, base), `200 OK {"data":{"path":"/graphql"}}`; got != want {
					t.Errorf("POST %s replayed = %s; want %s", base, got, want)
				}
				if got, want := post(t, base+"/users"), `200 OK {"data":{"path":"/graphql/users"}}`; got != want {
					t.Errorf("POST %s/users replayed = %s; want %s", base, got, want)
				}
			})
		})
	}
}

// A library recorded through an Upstream with a path, replayed without
// it: every request misses, and the report says what to give the server
// (found by a probe of cassette record and serve).
func TestMissReportSaysTheCassettesHaveAnUpstreamsPath(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "") // misses, as in replay mode, whatever mode the run sets
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "items")
	}))
	path := filepath.Join(t.TempDir(), "api")
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL+"/api/v1"))
		resp, err := http.Get(srv.URL + "/items")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	api.Close()
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay))
		resp, err := http.Get(srv.URL + "/items")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /items without the Upstream = %d; want a miss", resp.StatusCode)
		}
	})
	ft.finish()
	if report := ft.errors(); !strings.Contains(report, "this request's under /api/v1: it was recorded through an upstream URL\nending in /api/v1") {
		t.Errorf("the miss report does not say the cassettes are under /api/v1:\n%s", report)
	}
}

// The note of an upstream's path is given only when the library's
// cassettes are all under it: not for a nested resource of the same API
// (/orgs/acme/members for a new GET /members), nor for another version of
// it when the server has the right Upstream already (found by a reviewer:
// it advised an upstream URL ending in /orgs/acme, or in /v2).
func TestMissReportPrefixNoteOnlyForALibraryUnderIt(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "") // misses, as in replay mode, whatever mode the run sets
	t.Setenv("CI", "")
	for _, c := range []struct{ name, recorded, other, get string }{
		{"nested resource", "/orgs/acme/members", "/users/7", "/members"},
		{"other version, right Upstream", "/v2/items", "/v3/users/7", "/items"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The library holds other paths of the API too, not under
			// the prefix: it was not recorded through an upstream's path.
			path := filepath.Join(t.TempDir(), "api")
			writeRequests(t, path, naming.Default(), [][3]string{
				{"GET", "https://api.example.com" + c.recorded, ""},
				{"GET", "https://api.example.com" + c.other, ""},
			})
			report := missReport(t, path, naming.Default(), "GET", c.get, "", replayserver.Upstream("https://api.example.com"))
			if strings.Contains(report, "recorded through an upstream URL") {
				t.Errorf("GET %s, nearest %s, Upstream already https://api.example.com: the report says\n%s", c.get, c.recorded, report)
			}
		})
	}
}

// The root, which an Upstream with a path sends to that path (a GraphQL
// client posting to srv.URL, recorded as POST /graphql), gets the note.
func TestMissReportPrefixNoteForTheRoot(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "") // misses, as in replay mode, whatever mode the run sets
	t.Setenv("CI", "")
	path := filepath.Join(t.TempDir(), "api")
	writeRequests(t, path, naming.Default(), [][3]string{{"POST", "https://api.example.com/graphql", `{"query":"{a}"}`}})
	if report := missReport(t, path, naming.Default(), "POST", "/", `{"query":"{a}"}`); !strings.Contains(report, "recorded through an upstream URL") {
		t.Errorf("POST / against a library of POST /graphql: no note of the upstream's path:\n%s", report)
	}
}
