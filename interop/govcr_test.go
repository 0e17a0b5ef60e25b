package interop

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/govcr"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

var update = flag.Bool("update", false, "write the cassette go-vcr records to ../testdata/interop/govcr-sample.yaml")

// logo is a binary body: not UTF-8, with NUL bytes.
var logo = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00\x01")

// api is the upstream go-vcr records: JSON, a POST echoing its body, a
// binary body and a 404.
func api() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/users", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		io.WriteString(w, `{"users":[{"id":1,"name":"Ada"},{"id":2,"name":"Besançon"}]}`)
	})
	mux.HandleFunc("POST /v1/orders", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"order":77,"got":`+string(body)+`}`)
	})
	mux.HandleFunc("GET /logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(logo)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such thing", http.StatusNotFound)
	})
	return mux
}

// A call is a request of the test and the response it got live.
type call struct {
	method, path, body string
	status             int
	respBody           []byte
	cookies            []string
}

func do(t *testing.T, c *http.Client, base string, cl *call) (int, []byte, []string) {
	t.Helper()
	var body io.Reader
	if cl.body != "" {
		body = strings.NewReader(cl.body)
	}
	req, err := http.NewRequest(cl.method, base+cl.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if cl.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", cl.method, cl.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", cl.method, cl.path, err)
	}
	return resp.StatusCode, b, resp.Header.Values("Set-Cookie")
}

// TestGoVCR records exchanges with go-vcr's own recorder, imports its
// cassette with internal/govcr and replays the result with replayserver:
// every response comes back byte-exact.
func TestGoVCR(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(api())
	defer upstream.Close()

	calls := []*call{
		{method: "GET", path: "/v1/users"},
		{method: "POST", path: "/v1/orders", body: `{"item":2,"qty":3}`},
		{method: "GET", path: "/logo.png"},
		{method: "GET", path: "/v1/nothing"},
	}
	name := filepath.Join(t.TempDir(), "fixture")
	rec, err := recorder.New(name, recorder.WithMode(recorder.ModeRecordOnly))
	if err != nil {
		t.Fatal(err)
	}
	client := rec.GetDefaultClient()
	for _, cl := range calls {
		cl.status, cl.respBody, cl.cookies = do(t, client, upstream.URL, cl)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("version: 2")) || !bytes.Contains(data, []byte("!!binary")) {
		t.Fatalf("go-vcr cassette lacks version 2 or a !!binary body:\n%s", data)
	}
	if *update {
		if err := os.WriteFile("../testdata/interop/govcr-sample.yaml", data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	cs, err := govcr.Import(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(calls) {
		t.Fatalf("govcr.Import gave %d cassettes, want %d", len(cs), len(calls))
	}
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if err := lib.Put(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	upstream.Close() // replay must not need it

	srv := replayserver.New(t, path, replayserver.Strict())
	for _, cl := range calls {
		status, body, cookies := do(t, srv.Client(), srv.URL, cl)
		if status != cl.status || !bytes.Equal(body, cl.respBody) {
			t.Errorf("%s %s replayed = %d %q, want %d %q as recorded by go-vcr", cl.method, cl.path, status, body, cl.status, cl.respBody)
		}
		if strings.Join(cookies, ";") != strings.Join(cl.cookies, ";") {
			t.Errorf("%s %s replayed Set-Cookie = %q, want %q", cl.method, cl.path, cookies, cl.cookies)
		}
	}
}
