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

// trailersAPI answers with the protocol it was asked over, the body it got
// and its trailers, sorted.
func trailersAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var got []string
		for k, vs := range r.Trailer {
			got = append(got, k+"="+strings.Join(vs, ","))
		}
		slices.Sort(got)
		fmt.Fprintf(w, "%s %s trailers %q", r.Proto, b, got)
	})
}

// checkTrailerDropped sends, for each key k, a PUT with the trailer k
// beside X-Checksum: raw and chunked to recorder.New (rec's address), and
// through NewTransport (rt) to the API at apiURL, with X-Checksum announced
// or not (k never is announced to recorder.New; through NewTransport it is
// with X-Checksum). Each must be answered 200 want: k not sent upstream,
// X-Checksum sent.
func checkTrailerDropped(t *testing.T, addr, apiURL string, rt http.RoundTripper, keys []string, announce bool, want string) {
	t.Helper()
	for i, k := range keys {
		announced := ""
		if announce {
			announced = "Trailer: X-Checksum\r\n"
		}
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "PUT /up?%d HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\n%sConnection: close\r\n\r\n"+
			"7\r\npayload\r\n0\r\n%s: 7\r\nX-Checksum: crc\r\n\r\n", i, addr, announced, k)
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
		req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/up?%d", apiURL, i), pr)
		req.Trailer = http.Header{"X-Checksum": nil}
		if announce {
			req.Trailer[k] = nil
		}
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

// A field that HTTP forbids in trailers, sent as one by a client of
// recorder.New or set in req.Trailer by a caller of NewTransport, is not
// sent upstream: Go's transport refused to send Content-Length,
// Transfer-Encoding or Trailer as a trailer, so that the recorders
// answered 502 or failed the request, and X-Checksum beside it never came.
func TestRecordersDropTrailersForbiddenInTrailers(t *testing.T) {
	api := httptest.NewServer(trailersAPI())
	defer api.Close()
	rec := recorder.New(t, api.URL, filepath.Join(t.TempDir(), "api"))
	rt := recorder.NewTransport(t, filepath.Join(t.TempDir(), "rt"))
	checkTrailerDropped(t, strings.TrimPrefix(rec.URL, "http://"), api.URL, rt,
		[]string{"Content-Length", "Transfer-Encoding", "Trailer", "content-length", "Host"}, false,
		`HTTP/1.1 payload trailers ["X-Checksum=crc"]`)
}

// A conditional trailer (If-Match...) set by a caller of NewTransport, or
// sent by a client of recorder.New, is not sent to an HTTP/2 API, whose
// Go server refused the request for it (PROTOCOL_ERROR: an error from
// NewTransport, a 502 from recorder.New); X-Checksum beside it still is.
func TestRecordersDropConditionalTrailersForAnHTTP2API(t *testing.T) {
	api := httptest.NewUnstartedServer(trailersAPI())
	api.EnableHTTP2 = true
	api.StartTLS()
	defer api.Close()
	rec := recorder.New(t, api.URL, filepath.Join(t.TempDir(), "api"), recorder.Transport(api.Client().Transport))
	rt := recorder.NewTransport(t, filepath.Join(t.TempDir(), "rt"), recorder.Transport(api.Client().Transport))
	checkTrailerDropped(t, strings.TrimPrefix(rec.URL, "http://"), api.URL, rt,
		[]string{"If-Match", "if-none-match", "If-Unmodified-Since"}, true,
		`HTTP/2.0 payload trailers ["X-Checksum=crc"]`)
}
