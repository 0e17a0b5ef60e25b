package recorder_test

import (
	"fmt"
	"io"
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
