package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// NewRoundTripper's Close cannot store a body its caller still holds,
// neither read to its end nor closed: it says so in the log, rather than
// nothing (the caller would think it saved). Once the body is closed, the
// next Close saves it.
func TestRoundTripperCloseLogsABodyStillOpen(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("s", 500))
	}))
	defer api.Close()
	lib, err := library.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var lg logs
	rt := recorder.NewRoundTripper(lib, recorder.Logf(lg.logf))
	resp, err := (&http.Client{Transport: rt}).Get(api.URL + "/open")
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.(io.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	if got := lg.with("/open: the response body is still open"); len(got) != 1 {
		t.Errorf("logged %q; want one line saying the body of /open is still open", lg.list())
	}
	resp.Body.Close()
	if err := rt.(io.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	if names, _ := lib.Names(); len(names) != 1 {
		t.Errorf("the library holds %q; want /open's cassette, stored once its body was closed", names)
	}
	if got := lg.with("still open"); len(got) != 1 {
		t.Errorf("logged %q; want no more line once the body was closed", got)
	}
}
