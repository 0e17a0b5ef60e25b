package recorder_test

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// The response's Request is the caller's request, as http.Transport
// returns it (a client comparing the two, or reading the request's
// context from the response, sees its own), not the copy the recorder sent.
func TestTheResponseRequestIsTheCallers(t *testing.T) {
	api := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.Body != nil {
			io.ReadAll(req.Body)
		}
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("ok")), Request: req}, nil
	})
	rt := recorder.NewTransport(t, filepath.Join(t.TempDir(), "api"), recorder.Transport(api))
	for _, body := range []io.Reader{nil, strings.NewReader("a body")} {
		req, _ := http.NewRequest("POST", "http://api.example.com/v1/x", body)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Request != req {
			t.Errorf("resp.Request is %p, not the caller's request %p", resp.Request, req)
		}
	}
}
