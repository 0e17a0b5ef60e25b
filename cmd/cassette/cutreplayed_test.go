package main

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
)

// serve -mode record over an existing library answers a request from a
// cassette it has (nothing to record); a slow client is still receiving
// that large answer when serve is stopped. The request cut off is no lost
// recording: serve exits 0 and says nothing of "not recorded" (it did,
// and exited 1, when it counted every request cut off as a recording).
func TestServeCuttingOffAReplayedHitIsNoLostRecording(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	setShutdownTimeout(t, 200*time.Millisecond)
	api := endlessAPI(t)
	path := filepath.Join(t.TempDir(), "lib")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("a"), 32<<20) // more than the loopback socket buffers hold
	name := "GET_" + strings.ReplaceAll(strings.TrimPrefix(api, "http://"), ":", "_") + "_big"
	req := library.Request{Method: "GET", URL: api + "/big", Header: http.Header{}}
	if err := lib.Append(name, library.Exchange{Request: req, Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, BodyFile: commitBody(t, lib, string(big))}}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	p := start(t, "serve", "-mode", "record", "-upstream", api, path)
	base := p.baseURL()
	open(t, base+"/big", "aaaa") // reads 4 bytes, then holds the body
	p.cancel()
	code, ok := p.exited(10 * time.Second)
	if !ok {
		t.Fatalf("did not exit; stderr:\n%s", p.stderr.String())
	}
	if code != exitOK || strings.Contains(p.stderr.String(), "not recorded") {
		t.Errorf("exit %d after cutting off a replayed hit (nothing to record); want 0 and no 'not recorded'", code)
	}
}
