package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A RoundTripper's Close whose save fails for another reason than the
// disk (here a folder another program left where the cassette's file goes)
// keeps what the library holds unsaved, the caller's own Put included,
// for a later Save: before, Close gave up everything the caller's library
// held unsaved whatever the error, as if the disk were full.
func TestRoundTripperCloseKeepsUnsavedWorkAfterAnErrorNotOfTheDisk(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "answer")
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "lib")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mine := library.Cassette{Name: "GET_mine", Exchanges: []library.Exchange{{
		Request:  library.Request{Method: "GET", URL: "https://api.example.com/mine"},
		Response: library.Response{StatusCode: 200, Body: []byte("mine")},
	}}}
	if err := lib.Put(mine); err != nil {
		t.Fatal(err)
	}
	// Where the caller's cassette is to be saved, another program left a
	// folder: no save can write it there.
	if err := os.MkdirAll(filepath.Join(path, "GET_mine.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	rt := recorder.NewRoundTripper(lib, recorder.OnError(func(error) {}))
	resp, err := (&http.Client{Transport: rt}).Get(api.URL + "/a")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	err = rt.(io.Closer).Close()
	if err == nil {
		t.Fatalf("Close saved a cassette where a folder is; want an error")
	}
	if strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("Close = %v, an error of the disk: want another", err)
	}
	c, ok, gerr := lib.Get("GET_mine")
	if gerr != nil || !ok || len(c.Exchanges) != 1 || string(c.Exchanges[0].Response.Body) != "mine" {
		t.Errorf("after Close failed with %v, Get(GET_mine) = %v, %v, %v; want the caller's own Put, kept for a later Save", err, c, ok, gerr)
	}
}
