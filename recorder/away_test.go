package recorder_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// The recording proxy logs, once, an answer that sends its client on to
// the API itself (here a redirect Go's client follows): what the client
// sends there is not recorded.
func TestTheProxyLogsAnAnswerThatSendsTheClientPastIt(t *testing.T) {
	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, api.URL+"/new", http.StatusFound)
			return
		}
		io.WriteString(w, "new")
	}))
	defer api.Close()
	var logs names
	rec := recorder.New(t, api.URL, t.TempDir(), recorder.Logf(func(format string, args ...any) { logs.add(fmt.Sprintf(format, args...)) }))
	for range 2 {
		resp, err := http.Get(rec.URL + "/old")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	rec.Close()
	var away []string
	for _, l := range logs.list() {
		if strings.Contains(l, "past the recorder") {
			away = append(away, l)
		}
	}
	if len(away) != 1 || !strings.Contains(away[0], "was answered 302 with Location "+api.URL+"/new") || !strings.Contains(away[0], "recorder.NewTransport") {
		t.Errorf("logged %q; want one line naming the redirect and what to record with instead\n(all: %q)", away, logs.list())
	}
}

// An upstream whose host is not ASCII, written as a reader writes it
// (http://bücher.example), gets its Host from Go's client in punycode, and
// names itself so in a Location (http://xn--bcher-kva.example/new): the
// recording proxy took that for another host, and logged nothing.
func TestTheProxyLogsAnAnswerToTheOtherSpellingOfItsUpstream(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+r.Host+"/new", http.StatusFound) // as a real API: the Host it got
	}))
	defer api.Close()
	addr := api.Listener.Addr().String()
	rt := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	defer rt.CloseIdleConnections()
	var logs names
	rec := recorder.New(t, "http://bücher.example", t.TempDir(), recorder.Transport(rt), recorder.Logf(func(format string, args ...any) { logs.add(fmt.Sprintf(format, args...)) }))
	// Not followed: the API's own host is no address here.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(rec.URL + "/old")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "http://xn--bcher-kva.example/new" {
		t.Fatalf("GET %s/old answered Location %q, want http://xn--bcher-kva.example/new (the test's premise failed)", rec.URL, loc)
	}
	rec.Close()
	var away []string
	for _, l := range logs.list() {
		if strings.Contains(l, "past the recorder") {
			away = append(away, l)
		}
	}
	if len(away) != 1 || !strings.Contains(away[0], "was answered 302 with Location http://xn--bcher-kva.example/new") {
		t.Errorf("logged %q; want one line naming the redirect\n(all: %q)", away, logs.list())
	}
}
