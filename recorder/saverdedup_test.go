package recorder

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// A background save that fails again for a cassette it already reported
// does not report it again: only the cassettes newly not saved are told.
// Recording into a library that cannot be written (a read-only folder)
// told, at each background save, the whole growing list of cassettes not
// saved: 40 requests gave 161 error lines.
func TestBackgroundSaveTellsEachCassetteNotSavedOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		told []string
	)
	s := newSaver(lib, func(err error) { mu.Lock(); told = append(told, err.Error()); mu.Unlock() })
	wait := func() {
		s.mu.Lock()
		for s.running {
			s.idle.Wait()
		}
		s.mu.Unlock()
	}
	names := []string{"GET_api.example.com_443_a", "GET_api.example.com_443_b", "GET_api.example.com_443_c"}
	for _, name := range names {
		if err := lib.Append(name, library.Exchange{
			Request:  library.Request{Method: http.MethodGet, URL: "https://api.example.com/" + name[len(name)-1:]},
			Response: library.Response{StatusCode: 200, Body: []byte("ok")},
		}); err != nil {
			t.Fatal(err)
		}
		// A folder, not empty, where the cassette's file goes: its
		// save fails, each time.
		if err := os.MkdirAll(filepath.Join(dir, name+".json", "in-the-way"), 0o755); err != nil {
			t.Fatal(err)
		}
		s.request()
		wait()
	}
	all := strings.Join(told, "\n")
	for _, name := range names {
		if n := strings.Count(all, "cassette \""+name+"\" not saved"); n != 1 {
			t.Errorf("cassette %s is told %d times in the errors of the background saves, want once:\n%s", name, n, all)
		}
	}
}
