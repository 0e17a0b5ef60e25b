package replayserver

import (
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// TestMemoryOfNamesComesBack: requests that walk a library much larger
// than the memory of names make it drop out, and it is taken up again
// namesRetry requests later, so that a test asking for a few cassettes
// after a large walk gets them from memory again. Every answer is right
// throughout.
// itemsLibrary writes a single-file library of n cassettes, GET
// http://api.example.com/items/I answered with I, and returns its path.
func itemsLibrary(t testing.TB, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "api.json")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		u := fmt.Sprintf("http://api.example.com/items/%d", i)
		ex := library.Exchange{
			Request:  library.Request{Method: "GET", URL: u},
			Response: library.Response{StatusCode: 200, Body: []byte(strconv.Itoa(i))},
		}
		if err := lib.Append(naming.Name(httptest.NewRequest("GET", u, nil), nil, naming.Default()), ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMemoryOfNamesComesBack(t *testing.T) {
	t.Setenv(EnvMode, "") // misses, as in replay mode, whatever mode the run sets
	n := 2*maxNames + 1000
	path := itemsLibrary(t, n)
	h, err := NewHandler(path, Logf(func(string, ...any) {}))
	if err != nil {
		t.Fatal(err)
	}
	get := func(i int) {
		t.Helper()
		// As a server reads it: a path, and the host in Host.
		req := httptest.NewRequest("GET", "/items/"+strconv.Itoa(i), nil)
		req.Host = "api.example.com"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 || w.Body.String() != strconv.Itoa(i) {
			t.Fatalf("GET /items/%d answered %d %q", i, w.Code, w.Body)
		}
	}
	for i := range n {
		get(i)
	}
	if !h.namesOff.Load() {
		t.Fatalf("after a walk of %d cassettes the memory of names (of %d) is still on", n, maxNames)
	}
	for i := range namesRetry {
		get(i % 10)
	}
	get(3)
	if h.namesOff.Load() {
		t.Fatalf("%d requests after it was dropped, the memory of names is still off", namesRetry)
	}
	get(3)
	h.mu.Lock()
	remembered := len(h.names)
	_, has3 := h.names[nameKey{method: "GET", host: "api.example.com", uri: "/items/3", scheme: "http"}]
	h.mu.Unlock()
	if remembered == 0 || remembered > 10 || !has3 {
		t.Errorf("the memory of names holds %d requests (GET /items/3: %v), want the 10 sent again and again, with it", remembered, has3)
	}
}
