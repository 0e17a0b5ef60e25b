package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
)

// libraryKinds are the libraries every storage test runs against: a
// directory library and a single-file library in each format.
var libraryKinds = []struct{ name, file string }{
	{"dir", "cassettes"},
	{"json file", "cassettes.json"},
	{"yaml file", "cassettes.yaml"},
}

// readLibrary opens the library at path afresh and returns every cassette's
// exchanges by name.
func readLibrary(t testing.TB, path string) map[string][]library.Exchange {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatalf("library.Open(%s): %v", path, err)
	}
	out := map[string][]library.Exchange{}
	if !lib.Exists() {
		return out
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatalf("Names() of %s: %v", path, err)
	}
	for _, n := range names {
		c, ok, err := lib.Get(n)
		if err != nil || !ok {
			t.Fatalf("Get(%q) of %s = _, %v, %v; want the cassette", n, path, ok, err)
		}
		out[n] = c.Exchanges
	}
	return out
}

// onlyExchange returns the one exchange stored in the library at path,
// failing the test if there is not exactly one.
func onlyExchange(t testing.TB, path string) (string, library.Exchange) {
	t.Helper()
	lib := readLibrary(t, path)
	if len(lib) != 1 {
		t.Fatalf("library holds cassettes %q, want exactly one", slices.Sorted(mapsKeys(lib)))
	}
	for name, exs := range lib {
		if len(exs) != 1 {
			t.Fatalf("cassette %s holds %d exchanges, want 1", name, len(exs))
		}
		return name, exs[0]
	}
	panic("unreachable")
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// fakeTB stands for a test whose failures, logs and cleanups we observe.
// Methods that New and NewTransport do not call go to the embedded real test.
type fakeTB struct {
	testing.TB

	mu       sync.Mutex // guards the fields below
	errors   []string
	logs     []string
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// Fatalf records the failure and returns: the code under test must not
// go on after it.
func (f *fakeTB) Fatalf(format string, args ...any) { f.Errorf(format, args...) }

func (f *fakeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errors) > 0
}

func (f *fakeTB) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

// end runs the cleanups, last registered first, as the end of a test does.
func (f *fakeTB) end() {
	f.mu.Lock()
	fns := f.cleanups
	f.cleanups = nil
	f.mu.Unlock()
	for _, fn := range slices.Backward(fns) {
		fn()
	}
}

func TestNewSavesEverythingWhenTheTestFails(t *testing.T) {
	for _, kind := range libraryKinds {
		t.Run(kind.name, func(t *testing.T) {
			entered := make(chan struct{})
			release := make(chan struct{})
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/slow" {
					close(entered)
					select {
					case <-release:
					case <-r.Context().Done():
						return
					}
				}
				fmt.Fprintf(w, "answer to %s", r.URL.Path)
			}))
			defer api.Close()
			path := t.TempDir() + "/" + kind.file
			ft := &fakeTB{TB: t}
			rec := recorder.New(ft, api.URL, path)

			for _, p := range []string{"/a", "/b"} {
				resp, err := http.Get(rec.URL + p)
				if err != nil {
					t.Fatalf("GET %s: %v", p, err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			// A request still in flight when the test ends.
			done := make(chan string)
			go func() {
				resp, err := http.Get(rec.URL + "/slow")
				if err != nil {
					done <- err.Error()
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				done <- string(b)
			}()
			<-entered

			ft.Errorf("the test failed")
			ended := make(chan struct{})
			go func() { ft.end(); close(ended) }()
			close(release)
			if got := <-done; got != "answer to /slow" {
				t.Errorf("GET /slow got %q, want %q", got, "answer to /slow")
			}
			<-ended

			if len(ft.errors) != 1 {
				t.Errorf("errors reported to the test: %q, want only the test's own", ft.errors)
			}
			lib := readLibrary(t, path)
			var paths []string
			for name, exs := range lib {
				for _, ex := range exs {
					paths = append(paths, strings.TrimPrefix(ex.Request.URL, api.URL))
					if want := "answer to " + strings.TrimPrefix(ex.Request.URL, api.URL); string(ex.Response.Body) != want {
						t.Errorf("cassette %s body = %q, want %q", name, ex.Response.Body, want)
					}
				}
			}
			slices.Sort(paths)
			if want := []string{"/a", "/b", "/slow"}; !slices.Equal(paths, want) {
				t.Errorf("stored requests for paths %q, want %q", paths, want)
			}
		})
	}
}

func TestNewLogsEachRecordedExchange(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	}))
	defer api.Close()
	ft := &fakeTB{TB: t}
	rec := recorder.New(ft, api.URL, t.TempDir())
	resp, err := http.Get(rec.URL + "/v1/x?b=2&a=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ft.end()

	req, _ := http.NewRequest("GET", api.URL+"/v1/x?b=2&a=1", nil)
	want := fmt.Sprintf("recorded GET %s/v1/x?b=2&a=1 -> 202 as %s", api.URL, naming.Name(req, nil, naming.Default()))
	if !slices.Contains(ft.logs, want) {
		t.Errorf("logs = %q, want a line %q", ft.logs, want)
	}
}

func TestNewRejectsAnInvalidUpstream(t *testing.T) {
	ft := &fakeTB{TB: t}
	rec := recorder.New(ft, "api.example.com", t.TempDir())
	want := `recorder: upstream "api.example.com": must be an absolute http or https URL`
	if rec != nil || !slices.Equal(ft.errors, []string{want}) {
		t.Errorf("New(t, %q, dir) = %v, failing the test with %q; want nil and %q", "api.example.com", rec, ft.errors, want)
	}
	ft.end()
}

// A library that cannot be read, such as a folder at a file library's
// path, fails the test at once, saying what is wrong: before, it failed
// at the first exchange stored, after the request had gone out.
func TestRecordersFailAtOnceOnALibraryThatCannotBeRead(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"lib.json", "lib.json is a directory, not a file library: a directory library's path does not end in .json, .yaml or .yml"},
		{"lib", "lib is a file, not a cassette library: a file library's path ends in .json, .yaml or .yml"},
	} {
		for _, ctor := range []string{"New", "NewTransport"} {
			t.Run(ctor+"/"+tc.path, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), tc.path)
				var err error
				if tc.path == "lib" {
					err = os.WriteFile(path, []byte("not a folder"), 0o644)
				} else {
					err = os.Mkdir(path, 0o755)
				}
				if err != nil {
					t.Fatal(err)
				}
				ft := &fakeTB{TB: t}
				if ctor == "New" {
					recorder.New(ft, "http://127.0.0.1:1", path)
				} else {
					recorder.NewTransport(ft, path)
				}
				ft.end()
				if len(ft.errors) != 1 || !strings.Contains(ft.errors[0], tc.want) {
					t.Errorf("%s(%s) failed the test with %q; want one error saying %q", ctor, tc.path, ft.errors, tc.want)
				}
			})
		}
	}
}

func TestNewTransportFailsTheTestWhenStoringFails(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	}))
	defer api.Close()
	ft := &fakeTB{TB: t}
	// A library that cannot be saved: its folder becomes a file once the
	// library is open (a library that cannot be read fails at once).
	dir := t.TempDir()
	path := dir + "/file/lib.json"
	client := &http.Client{Transport: recorder.NewTransport(ft, path)}
	if err := os.WriteFile(dir+"/file", nil, 0o666); err != nil {
		t.Fatal(err)
	}
	resp, err := client.Get(api.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(b) != "ok" {
		t.Errorf("body = %q, %v; want %q: the client gets the response even when storing fails", b, err, "ok")
	}
	ft.end()
	want := "recorder: save " + path + ": create folder " + dir + "/file: it is a file, not a folder: rename or remove it, or give the library another path (not a directory)"
	if len(ft.errors) != 1 || ft.errors[0] != want {
		t.Errorf("errors = %q; want one, %q (the same failure at the end is not told twice)", ft.errors, want)
	}
}
