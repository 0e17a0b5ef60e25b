package recorder_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// A field that HTTP forbids in trailers, sent as one by a client of
// recorder.New or set in req.Trailer by a caller of NewTransport, is not
// sent upstream: Go's transport refused to send Content-Length,
// Transfer-Encoding or Trailer as a trailer, so that the recorders
// answered 502 or failed the request, and X-Checksum beside it never came.
func TestRecordersDropTrailersForbiddenInTrailers(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var got []string
		for k, vs := range r.Trailer {
			got = append(got, k+"="+strings.Join(vs, ","))
		}
		slices.Sort(got)
		fmt.Fprintf(w, "%s trailers %q", b, got)
	}))
	defer api.Close()
	const want = `payload trailers ["X-Checksum=crc"]`
	rec := recorder.New(t, api.URL, filepath.Join(t.TempDir(), "api"))
	addr := strings.TrimPrefix(rec.URL, "http://")
	rt := recorder.NewTransport(t, filepath.Join(t.TempDir(), "rt"))
	for i, k := range []string{"Content-Length", "Transfer-Encoding", "Trailer", "content-length", "Host"} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "PUT /up?%d HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"+
			"7\r\npayload\r\n0\r\n%s: 7\r\nX-Checksum: crc\r\n\r\n", i, addr, k)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != 200 || string(b) != want {
			t.Errorf("recorder.New: a chunked PUT with trailer %s: %d %.200q, want 200 %q", k, resp.StatusCode, b, want)
		}

		pr, pw := io.Pipe()
		req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/up?%d", api.URL, i), pr)
		req.Trailer = http.Header{"X-Checksum": nil}
		go func() {
			io.WriteString(pw, "payload")
			req.Trailer["X-Checksum"] = []string{"crc"}
			req.Trailer[k] = []string{"7"}
			pw.Close()
		}()
		resp, err = rt.RoundTrip(req)
		if err != nil {
			t.Errorf("recorder.NewTransport: a PUT with trailer %s: %v", k, err)
			continue
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != want {
			t.Errorf("recorder.NewTransport: a PUT with trailer %s: %d %.200q, want 200 %q", k, resp.StatusCode, b, want)
		}
	}
}
