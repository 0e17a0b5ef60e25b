package replayserver_test

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// The miss report of a request whose body, part of its name, is over
// MaxBodySize gives each remedy's flag of cassette serve and record, as
// the report's other advice does (see a5e7d34): it named the body rule
// naming.IgnoreBody alone, which a client of cassette serve cannot set.
func TestOverLimitMissNamesTheBodyRuleFlag(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api")
	writeRequests(t, path, ignoreUpload, [][3]string{{"POST", "http://api.example.com/upload", `{"small":true}`}})
	ft := newFakeTB(t) // the miss fails it
	defer ft.finish()
	rt := replayserver.NewTransport(ft, path, replayserver.MaxBodySize(4))
	req, err := http.NewRequest("POST", "http://api.example.com/other", strings.NewReader("more than four bytes"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.RoundTrip(req)
	var miss *replayserver.MissError
	if !errors.As(err, &miss) {
		t.Fatalf("POST /other over the limit: %v, want a miss", err)
	}
	for _, want := range []string{"naming.IgnoreBody", "cassette serve and record: -body TYPE=ignore"} {
		if !strings.Contains(miss.Report, want) {
			t.Errorf("the miss report lacks %q:\n%s", want, miss.Report)
		}
	}
}
