package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/heldbody"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A recording Proxy served over HTTP/2 sends an upstream answer that ended
// with its header (a gRPC error: one HEADERS frame ending the stream, its
// grpc-status in it) in one such frame too, whatever the timing: grpc-go
// reads the status only from a frame that ends the stream. The proxy
// flushed the header at once, racing the end of its handler. Here the
// upstream's empty body ends once the client has the header, or after a
// while when it cannot: a header that is not held is then sent first.
func TestProxyOverHTTP2SendsAnAnswerThatEndedWithItsHeaderInOneFrame(t *testing.T) {
	lib, err := library.Open(filepath.Join(t.TempDir(), "grpc"))
	if err != nil {
		t.Fatal(err)
	}
	gotHeader := make(chan struct{})
	p, err := recorder.NewProxy("https://grpc.example.com", lib, recorder.Transport(roundTripFunc(func(req *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode:    200,
			Proto:         "HTTP/2.0",
			ProtoMajor:    2,
			Header:        http.Header{"Content-Type": {"application/grpc"}, "Grpc-Status": {"5"}},
			ContentLength: 0,
			Body:          heldbody.Empty(gotHeader, time.Second),
			Request:       req,
		}, nil
	})))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	srv := httptest.NewUnstartedServer(p)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	req, err := http.NewRequest("POST", srv.URL+"/grpc.health.v1.Health/Check", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
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
}
