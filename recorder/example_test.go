package recorder_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// recordExample records what send sends to the recorder's URL, with
// opts, into a new library in a temp dir, and returns it once saved. The
// caller removes lib.Path().
func recordExample(upstream string, send func(base string), opts ...recorder.Option) *library.Library {
	dir, err := os.MkdirTemp("", "cassettes")
	if err != nil {
		log.Fatal(err)
	}
	t := &exampleTB{}
	rec := recorder.New(t, upstream, dir, opts...)
	send(rec.URL)
	t.end() // the end of the test: the library is saved
	lib, err := library.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	return lib
}

// get sends a GET with the headers given as name, value pairs and
// returns the status and body.
func get(url string, header ...string) (int, string) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// printLibrary prints each cassette's name (without the upstream's port)
// and the requests it holds, with their headers.
func printLibrary(lib *library.Library, upstream string) {
	names, _ := lib.Names()
	for _, name := range names {
		c, _, _ := lib.Get(name)
		fmt.Println(naming.WithoutHost(name))
		for _, ex := range c.Exchanges {
			fmt.Println(" ", ex.Request.Method, strings.TrimPrefix(ex.Request.URL, upstream))
			keys := make([]string, 0, len(ex.Request.Header))
			for k := range ex.Request.Header {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				fmt.Printf("    %s: %s\n", k, strings.Join(ex.Request.Header[k], ", "))
			}
		}
	}
}

// Authorization is redacted by default; RedactHeaders adds a header of
// the API's own.
func ExampleRedactHeaders() {
	api := newAPI()
	defer api.Close()
	lib := recordExample(api.URL, func(base string) {
		get(base+"/v1/me", "Authorization", "Bearer s3cr3t", "X-Session", "abc123", "Accept", "application/json")
	}, recorder.RedactHeaders("X-Session"))
	defer os.RemoveAll(lib.Path())
	printLibrary(lib, api.URL)
	// Output:
	// GET_v1_me
	//   GET /v1/me
	//     Accept: application/json
	//     Accept-Encoding: gzip
	//     Authorization: Bearer REDACTED
	//     User-Agent: Go-http-client/1.1
	//     X-Session: REDACTED
}

// api_key is redacted by default; RedactQuery adds a parameter of the
// API's own. The name is made from the redacted URL.
func ExampleRedactQuery() {
	api := newAPI()
	defer api.Close()
	lib := recordExample(api.URL, func(base string) {
		get(base + "/v1/search?q=go&api_key=k-123&sig=abcdef")
	}, recorder.RedactQuery("sig"))
	defer os.RemoveAll(lib.Path())
	printLibrary(lib, api.URL)
	// Output:
	// GET_v1_search__api-key=redacted,q=go,sig=redacted~u00d4567e
	//   GET /v1/search?q=go&api_key=REDACTED&sig=REDACTED
	//     Accept-Encoding: gzip
	//     User-Agent: Go-http-client/1.1
}

// A bot API takes its token in the path: RedactPath keeps it out of the
// cassette and its name.
func ExampleRedactPath() {
	api := newAPI()
	defer api.Close()
	lib := recordExample(api.URL, func(base string) {
		get(base + "/bot123456:SECRET/getMe")
	}, recorder.RedactPath(regexp.MustCompile(`^/bot([^/]+)/`)))
	defer os.RemoveAll(lib.Path())
	printLibrary(lib, api.URL)
	// Output:
	// GET_botredacted_getme~ucb490e06
	//   GET /botREDACTED/getMe
	//     Accept-Encoding: gzip
	//     User-Agent: Go-http-client/1.1
}

// Without the defaults, only the names given are redacted: an API whose
// Authorization header holds no secret (a test account's) keeps it.
func ExampleNoDefaultRedaction() {
	api := newAPI()
	defer api.Close()
	lib := recordExample(api.URL, func(base string) {
		get(base+"/v1/me?api_key=public", "Authorization", "Basic dGVzdDp0ZXN0", "X-Session", "abc123")
	}, recorder.NoDefaultRedaction(), recorder.RedactHeaders("X-Session"))
	defer os.RemoveAll(lib.Path())
	printLibrary(lib, api.URL)
	// Output:
	// GET_v1_me__api-key=public~u37659955
	//   GET /v1/me?api_key=public
	//     Accept-Encoding: gzip
	//     Authorization: Basic dGVzdDp0ZXN0
	//     User-Agent: Go-http-client/1.1
	//     X-Session: REDACTED
}

// A header that selects what the API answers (its version) tells
// cassettes apart when the naming rules say so.
func ExampleNaming() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "version %s\n", r.Header.Get("X-Api-Version"))
	}))
	defer api.Close()
	lib := recordExample(api.URL, func(base string) {
		get(base+"/v1/users", "X-Api-Version", "1")
		get(base+"/v1/users", "X-Api-Version", "2")
	}, recorder.Naming(naming.Rules{Headers: []string{"X-Api-Version"}}))
	defer os.RemoveAll(lib.Path())
	names, _ := lib.Names()
	for _, name := range names {
		c, _, _ := lib.Get(name)
		fmt.Print(naming.WithoutHost(name), " ", string(c.Exchanges[0].Response.Body))
	}
	// Output:
	// GET_v1_users~h0795296d version 1
	// GET_v1_users~h50a6e73e version 2
}

// A hook that changes what is stored: here the response's Date header,
// which changes on every run, is dropped, and a field of the body masked.
func ExampleBeforeSave() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"user":"ada","email":"ada@example.com"}`)
	}))
	defer api.Close()
	lib := recordExample(api.URL, func(base string) {
		_, body := get(base + "/v1/me")
		fmt.Println("client got:", body)
	}, recorder.BeforeSave(func(ex *library.Exchange) error {
		ex.Response.Header.Del("Date")
		ex.Response.Body = bytes.ReplaceAll(ex.Response.Body, []byte("ada@example.com"), []byte("user@example.com"))
		return nil
	}))
	defer os.RemoveAll(lib.Path())
	names, _ := lib.Names()
	c, _, _ := lib.Get(names[0])
	fmt.Println("stored:", string(c.Exchanges[0].Response.Body), "Date:", c.Exchanges[0].Response.Header.Get("Date") != "")
	// Output:
	// client got: {"user":"ada","email":"ada@example.com"}
	// stored: {"user":"ada","email":"user@example.com"} Date: false
}

// OnRecord is told of each exchange as it is stored, redacted.
func ExampleOnRecord() {
	api := newAPI()
	defer api.Close()
	lib := recordExample(api.URL, func(base string) {
		get(base+"/v1/users/42", "Authorization", "Bearer s3cr3t")
	}, recorder.OnRecord(func(name string, ex library.Exchange) {
		fmt.Println("recorded", naming.WithoutHost(name), ex.Response.StatusCode, ex.Request.Header.Get("Authorization"))
	}))
	defer os.RemoveAll(lib.Path())
	// Output:
	// recorded GET_v1_users_42 200 Bearer REDACTED
}

// A body over the limit is not stored: the client gets it whole, and
// OnError is told (in a test, by default, the test fails).
func ExampleMaxBodySize() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Repeat("x", 100))
	}))
	defer api.Close()
	var tooLarge atomic.Bool
	lib := recordExample(api.URL, func(base string) {
		_, body := get(base + "/v1/export")
		fmt.Println("client got", len(body), "bytes")
	}, recorder.MaxBodySize(64), recorder.OnError(func(err error) {
		tooLarge.Store(errors.Is(err, recorder.ErrBodyTooLarge))
	}))
	defer os.RemoveAll(lib.Path())
	fmt.Println("OnError told of a body too large:", tooLarge.Load())
	names, _ := lib.Names()
	fmt.Println("cassettes:", len(names))
	// Output:
	// client got 100 bytes
	// OnError told of a body too large: true
	// cassettes: 0
}

// OnError replaces the default (the test fails) for an exchange that
// cannot be stored: here a BeforeSave hook refuses it.
func ExampleOnError() {
	api := newAPI()
	defer api.Close()
	var refused atomic.Bool
	lib := recordExample(api.URL, func(base string) {
		status, _ := get(base + "/v1/users/42")
		fmt.Println("client got", status)
	}, recorder.BeforeSave(func(ex *library.Exchange) error {
		return errors.New("refused by the hook")
	}), recorder.OnError(func(err error) {
		refused.Store(strings.Contains(err.Error(), "refused by the hook"))
	}))
	defer os.RemoveAll(lib.Path())
	fmt.Println("OnError told of the refusal:", refused.Load())
	names, _ := lib.Names()
	fmt.Println("cassettes:", len(names))
	// Output:
	// client got 200
	// OnError told of the refusal: true
	// cassettes: 0
}

// Logf gets what the recorder logs: here, a body over the limit (given
// OnError, the error would go there instead).
func ExampleLogf() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Repeat("x", 100))
	}))
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
	rt := recorder.NewRoundTripper(lib, recorder.MaxBodySize(64), recorder.Logf(func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		fmt.Printf("log: %q\n", strings.ReplaceAll(msg, api.URL, "http://127.0.0.1:PORT"))
	}))
	resp, err := (&http.Client{Transport: rt}).Get(api.URL + "/v1/export")
	if err != nil {
		log.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	rt.(io.Closer).Close()
	// Output:
	// log: "recorder: GET http://127.0.0.1:PORT/v1/export: response body is larger than the 64 B limit, so it was not stored; raise it with recorder.MaxBodySize (or replayserver.MaxBodySize)"
}

// An upstream that never answers: the recorder's proxy answers 504 once
// UpstreamTimeout has passed, and stores nothing.
func ExampleUpstreamTimeout() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // no answer until the request is given up
	}))
	defer api.Close()
	lib := recordExample(api.URL, func(base string) {
		status, _ := get(base + "/v1/slow")
		fmt.Println("client got", status)
	}, recorder.UpstreamTimeout(100*time.Millisecond), recorder.Logf(func(string, ...any) {}))
	defer os.RemoveAll(lib.Path())
	names, _ := lib.Names()
	fmt.Println("cassettes:", len(names))
	// Output:
	// client got 504
	// cassettes: 0
}

// OnUnanswered is told of each request the upstream did not answer (here
// it cuts the connection): the proxy answers 502, and the library lacks
// that cassette.
func ExampleOnUnanswered() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler) // the connection is cut before any answer
	}))
	api.Config.ErrorLog = log.New(io.Discard, "", 0)
	defer api.Close()
	var unanswered atomic.Int32
	lib := recordExample(api.URL, func(base string) {
		status, _ := get(base + "/v1/flaky")
		fmt.Println("client got", status)
	}, recorder.Logf(func(string, ...any) {}), recorder.OnUnanswered(func(err error) {
		unanswered.Add(1)
	}))
	defer os.RemoveAll(lib.Path())
	fmt.Println("unanswered:", unanswered.Load())
	names, _ := lib.Names()
	fmt.Println("cassettes:", len(names))
	// Output:
	// client got 502
	// unanswered: 1
	// cassettes: 0
}

// An HTTPS upstream a test stands in for with an httptest TLS server is
// trusted only by that server's own client: record through its
// transport.
func ExampleTransport() {
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello over", r.Proto, "TLS:", r.TLS != nil)
	}))
	defer api.Close()
	lib := recordExample(api.URL, func(base string) {
		status, body := get(base + "/v1/hello")
		fmt.Print(status, " ", body)
	}, recorder.Transport(api.Client().Transport))
	defer os.RemoveAll(lib.Path())
	names, _ := lib.Names()
	for _, name := range names {
		fmt.Println(naming.WithoutHost(name))
	}
	// Output:
	// 200 hello over HTTP/1.1 TLS: true
	// GET_v1_hello
}
