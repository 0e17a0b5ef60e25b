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

// A chunked HTTP/1.1 request may send trailers it never announced in a
// Trailer header; net/http's server adds them to the request as its body
// ends, in a map it makes then. recorder.New's proxy forwarded the map the
// request had when it came (none), so that the API got none of them; it
// gets them now, but the replay server's own headers.
func TestRecordingProxyForwardsUnannouncedTrailers(t *testing.T) {
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
	rec := recorder.New(t, api.URL, filepath.Join(t.TempDir(), "api"))
	conn, err := net.Dial("tcp", strings.TrimPrefix(rec.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT /up HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"+
		"7\r\npayload\r\n0\r\nX-Cassette-Host: forged.example\r\nX-Checksum: crc\r\n\r\n", strings.TrimPrefix(rec.URL, "http://"))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `payload trailers ["X-Checksum=crc"]`; resp.StatusCode != 200 || string(b) != want {
		t.Errorf("a chunked PUT with unannounced trailers through recorder.New: %d %q, want 200 %q", resp.StatusCode, b, want)
	}
}
