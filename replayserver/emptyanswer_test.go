package replayserver_test

import (
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/heldbody"
	"github.com/cassette-go/cassette/replayserver"
)

// An upstream answer that ended with its header (a gRPC error: one HEADERS
// frame that ends the HTTP/2 stream, its grpc-status in it) reaches an
// HTTP/2 client in one such frame too, whatever the timing: grpc-go reads
// the status only from a frame that ends the stream, and got code Internal
// when the recording proxy flushed the header at once (on a timer's
// goroutine racing the end of its handler) and ended the stream with an
// empty DATA frame after. Here the upstream's empty body ends only once the
// client has the header, or after a while when it cannot: a header that is
// not held is then always sent first. The upstream's transport leaves the
// response's Request unset, as fakes often do (the recorder sets it,
// passing through the server does).
func TestAnAnswerThatEndedWithItsHeaderEndsTheStreamWithIt(t *testing.T) {
	for _, tc := range []struct {
		kind string
		mode replayserver.Mode
	}{{"tls", replayserver.ModeRecord}, {"h2c", replayserver.ModeRecord}, {"tls", replayserver.ModePassthrough}, {"h2c", replayserver.ModePassthrough}} {
		kind := tc.kind
		t.Run(kind+" "+string(tc.mode), func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			gotHeader := make(chan struct{})
			api := transportFunc(func(req *http.Request) (*http.Response, error) {
				return &http.Response{
					StatusCode:    200,
					Proto:         "HTTP/2.0",
					ProtoMajor:    2,
					Header:        http.Header{"Content-Type": {"application/grpc"}, "Grpc-Status": {"5"}, "Grpc-Message": {"unknown service"}},
					ContentLength: 0,
					Body:          heldbody.Empty(gotHeader, time.Second),
				}, nil
			})
			opts := []replayserver.Option{replayserver.WithMode(tc.mode),
				replayserver.Upstream("https://grpc.example.com"), replayserver.UpstreamTransport(api)}
			if kind == "tls" {
				opts = append(opts, replayserver.TLS())
			}
			srv := replayserver.New(t, filepath.Join(t.TempDir(), "grpc"), opts...)
			c, _ := protoClient(srv, kind)
			req, err := http.NewRequest("POST", srv.URL+"/grpc.health.v1.Health/Check", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/grpc")
			resp, err := c.Do(req)
			close(gotHeader)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.ProtoMajor != 2 {
				t.Fatalf("the answer came over %s, want HTTP/2", resp.Proto)
			}
			if resp.ContentLength != 0 || resp.Header.Get("Grpc-Status") != "5" || len(resp.Trailer) > 0 {
				t.Errorf("ContentLength %d, header %v, trailer %v: want the header to end the stream (ContentLength 0), Grpc-Status 5 in it, no trailers",
					resp.ContentLength, resp.Header, resp.Trailer)
			}
		})
	}
}

// transportFunc is a RoundTripper made of a function.
type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
