package replayserver_test

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// go-cmp writes a non-breaking space after the marker of each diff line in
// about half of the processes, at random; a miss report is the same text
// in every run, so that a test can assert on its lines (as README shows
// them) and a log can be searched for them.
func TestMissReportDiffIsWrittenWithPlainSpaces(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "") // misses, as in replay mode, whatever mode the run sets
	path := filepath.Join(t.TempDir(), "api.json")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recorded, _ := http.NewRequest("GET", "https://api.example.com/v1/orders?page=1", nil)
	if err := lib.Append(naming.Name(recorded, nil, naming.Default()), library.Exchange{
		Request:  library.Request{Method: "GET", URL: recorded.URL.String(), Header: http.Header{}},
		Response: library.Response{StatusCode: 200, Header: http.Header{}, Body: []byte("ok")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	ft := newFakeTB(t)
	var err2 error
	ft.do(func() {
		c := &http.Client{Transport: replayserver.NewTransport(ft, path, replayserver.WithMode(replayserver.ModeReplay))}
		_, err2 = c.Get("https://api.example.com/v1/orders?page=2")
	})
	ft.finish()
	var miss *replayserver.MissError
	if !errors.As(err2, &miss) {
		t.Fatalf("GET /v1/orders?page=2: error %v, want a *MissError", err2)
	}
	for _, want := range []string{
		"    - \tQuery:   url.Values{\"page\": {\"1\"}},\n",
		"    + \tQuery:   url.Values{\"page\": {\"2\"}},\n",
		"      \tMethod:  \"GET\",\n",
	} {
		if !strings.Contains(miss.Report, want) {
			t.Errorf("the report lacks the line %q:\n%q", want, miss.Report)
		}
	}
	if strings.Contains(miss.Report, "\u00a0") {
		t.Errorf("the report holds a non-breaking space:\n%q", miss.Report)
	}
}
