package replayserver_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"slices"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// The Python library's 0.3.2 "handle absent headers": a request that
// carries no header at all (an HTTP/1.0 request line, not even a Host)
// and an upstream that answers without a single header are recorded and
// replayed, in every kind of library. The client sees the same status,
// body and header fields replaying as it saw recording.
func TestAbsentHeadersAreRecordedAndReplayed(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv(replayserver.EnvCI, "")
	const answer = "an answer without headers"
	bare := bareUpstream(t, "HTTP/1.0 200 OK\r\n\r\n"+answer)
	for _, kind := range libraryKinds {
		t.Run(kind, func(t *testing.T) {
			path, opts := libPath(t, kind)
			var recorded, replayed *http.Response
			var recordedBody, replayedBody string
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, append(opts, replayserver.Upstream("http://"+bare))...)
				recorded, recordedBody = headerlessGet(t, srv.Listener.Addr().String())
			})
			ft.finish()
			if ft.Failed() {
				t.Fatalf("recording failed: %s", ft.errors())
			}
			ft = newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, append(opts, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())...)
				replayed, replayedBody = headerlessGet(t, srv.Listener.Addr().String())
			})
			ft.finish()
			if ft.Failed() {
				t.Fatalf("replay failed: %s", ft.errors())
			}
			if recorded.StatusCode != http.StatusOK || recordedBody != answer {
				t.Errorf("recording: GET /x = %d %q; want 200 %q", recorded.StatusCode, recordedBody, answer)
			}
			if replayed.StatusCode != recorded.StatusCode || replayedBody != recordedBody {
				t.Errorf("replay: GET /x = %d %q; want %d %q as recorded", replayed.StatusCode, replayedBody, recorded.StatusCode, recordedBody)
			}
			if got, want := headerNames(replayed.Header), headerNames(recorded.Header); !slices.Equal(got, want) {
				t.Errorf("replay: header fields %q; want %q as recording", got, want)
			}
		})
	}
}

// bareUpstream starts a server on loopback that answers every connection
// with raw, whatever it was sent, then closes it; it returns its address.
func bareUpstream(t *testing.T, raw string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for { // the request's head, to its empty line
					line, err := r.ReadString('\n')
					if err != nil || line == "\r\n" || line == "\n" {
						break
					}
				}
				io.WriteString(c, raw)
			}()
		}
	}()
	return ln.Addr().String()
}

// headerlessGet sends GET /x to addr as an HTTP/1.0 request with no
// header at all and returns the response and its body.
func headerlessGet(t *testing.T, addr string) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /x HTTP/1.0\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("GET /x without headers: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET /x without headers: reading the body: %v", err)
	}
	return resp, string(b)
}

// headerNames returns the names of h, sorted, leaving out Date, which a
// Go server adds to every answer with the time it is sent.
func headerNames(h http.Header) []string {
	var out []string
	for k := range h {
		if k != "Date" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
