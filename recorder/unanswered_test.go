package recorder_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A client whose request body, larger than MaxBodySize and so sent on as
// it comes rather than read first, goes bad mid-upload (a malformed chunk)
// is not a request the upstream did not answer: OnUnanswered is not told
// (found by a review: only bodies read first were told apart).
func TestOnUnansweredIsNotToldOfAClientThatBrokeItsLargeBody(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte("ok"))
	}))
	defer upstream.Close()
	lib, err := library.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var told []string
	p, err := recorder.NewProxy(upstream.URL, lib, recorder.MaxBodySize(4),
		recorder.Logf(t.Logf), recorder.OnError(func(error) {}),
		recorder.OnUnanswered(func(err error) { mu.Lock(); told = append(told, err.Error()); mu.Unlock() }))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	u, _ := url.Parse(srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A chunked body broken by the client after 10 bytes: its chunk
	// encoding goes bad (the connection stays open, so the request's
	// context is not canceled).
	fmt.Fprintf(conn, "POST /up HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\nzz\r\n", u.Host)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	t.Logf("the proxy answered %d", resp.StatusCode)
	conn.Close()
	srv.Close() // waits for the handler
	p.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(told) != 0 {
		t.Errorf("OnUnanswered told of a client that left mid-upload: %q", told)
	}
}
