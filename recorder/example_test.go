package recorder_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
)

// exampleTB is the part of a *testing.T that [recorder.New] uses, so the
// example can run outside a test. It ends like a test: cleanups last
// first.
type exampleTB struct {
	testing.TB
	cleanups []func()
}

func (*exampleTB) Helper()                         {}
func (*exampleTB) Logf(format string, args ...any) {}
func (*exampleTB) Errorf(format string, args ...any) {
	log.Printf(format, args...)
}
func (*exampleTB) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }
func (t *exampleTB) Cleanup(f func())                { t.cleanups = append(t.cleanups, f) }
func (t *exampleTB) end() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// newAPI starts the "real API" of the examples: a local server, so they run
// offline.
func newAPI() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q}`+"\n", r.URL.Path)
	}))
}

func ExampleNew() {
	api := newAPI()
	defer api.Close()
	dir, err := os.MkdirTemp("", "cassettes")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	t := &exampleTB{} // in a test: the test's t
	rec := recorder.New(t, api.URL, dir)
	resp, err := http.Get(rec.URL + "/v1/users/42") // the client's base URL is rec.URL
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(string(body))
	t.end() // the end of the test: the proxy is closed, the library saved

	lib, err := library.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	names, _ := lib.Names()
	for _, name := range names {
		// The name holds the upstream's port, which changes on every run
		// of this example.
		fmt.Println(naming.WithoutHost(name))
	}
	// Output:
	// {"path":"/v1/users/42"}
	// GET_v1_users_42
}

// A client whose transport can be set records through NewTransport: each
// request goes to its own URL, and the library is saved when the test ends.
func ExampleNewTransport() {
	api := newAPI()
	defer api.Close()
	dir, err := os.MkdirTemp("", "cassettes")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	t := &exampleTB{} // in a test: the test's t
	client := &http.Client{Transport: recorder.NewTransport(t, dir)}
	resp, err := client.Get(api.URL + "/v1/users/42")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body) // stored once read to the end (or closed)
	resp.Body.Close()
	fmt.Print(string(body))
	t.end() // the end of the test: the library is saved

	lib, err := library.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	names, _ := lib.Names()
	for _, name := range names {
		fmt.Println(naming.WithoutHost(name))
	}
	// Output:
	// {"path":"/v1/users/42"}
	// GET_v1_users_42
}

func ExampleNewRoundTripper() {
	api := newAPI()
	defer api.Close()
	dir, err := os.MkdirTemp("", "cassettes")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	lib, err := library.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	rt := recorder.NewRoundTripper(lib)
	defer rt.(io.Closer).Close() // waits for the library to be saved
	client := &http.Client{Transport: rt}
	for range 2 {
		resp, err := client.Get(api.URL + "/v1/jobs/7?verbose=1")
		if err != nil {
			log.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body) // stored once read to the end (or closed)
		resp.Body.Close()
	}

	names, _ := lib.Names()
	for _, name := range names {
		c, _, _ := lib.Get(name)
		fmt.Println(naming.WithoutHost(name), len(c.Exchanges), "exchanges")
		fmt.Print(string(c.Exchanges[0].Response.Body))
	}
	// Output:
	// GET_v1_jobs_7__verbose=1 2 exchanges
	// {"path":"/v1/jobs/7"}
}

func ExampleNewProxy() {
	api := newAPI()
	defer api.Close()
	dir, err := os.MkdirTemp("", "cassettes")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	lib, err := library.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	p, err := recorder.NewProxy(api.URL, lib, recorder.OnRecord(func(name string, ex library.Exchange) {
		fmt.Println("recorded", ex.Request.Method, ex.Response.StatusCode, naming.WithoutHost(name))
	}))
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(p) // or http.ListenAndServe(":8080", p)
	resp, err := http.Post(srv.URL+"/v1/orders", "application/json", nil)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	srv.Close() // waits for the exchange to be stored
	p.Close()   // waits for the library to be saved

	// Output:
	// recorded POST 200 POST_v1_orders
}

// A client that retries a body the upstream broke off: the break is
// logged at once, and the retry, recorded whole, makes up for it, so
// OnBrokenBody is told of nothing when the recording ends. Without the
// retry it would be told of the cassette, which lacks that answer.
func ExampleOnBrokenBody() {
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 { // the first answer breaks off
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, "partial")
			http.NewResponseController(w).Flush()
			panic(http.ErrAbortHandler) // the connection is cut
		}
		io.WriteString(w, "whole")
	}))
	defer api.Close()
	lib, err := library.Open(filepath.Join(os.TempDir(), fmt.Sprintf("cassettes-%d", os.Getpid())))
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(lib.Path())
	rt := recorder.NewRoundTripper(lib,
		recorder.Logf(func(format string, args ...any) {
			if strings.Contains(fmt.Sprintf(format, args...), "broke off") {
				fmt.Println("log: broken off")
			}
		}),
		recorder.OnBrokenBody(func(name string, err error) { fmt.Println("lacks an answer:", naming.WithoutHost(name)) }))
	client := &http.Client{Transport: rt}
	for range 2 {
		resp, err := client.Get(api.URL + "/v1/report")
		if err != nil {
			log.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			fmt.Println("got", string(b))
			break // a retry once the answer is whole
		}
	}
	rt.(io.Closer).Close() // the recording ends
	// Output:
	// log: broken off
	// got whole
}
