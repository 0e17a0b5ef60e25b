package replayserver_test

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// A miss whose nearest cassette differs only by a credential redacted on
// one side and sent as it is on the other (a library recorded or
// imported with NoDefaultRedaction, -no-redact, replayed without it, or
// the reverse) says so, and which setting replays it, rather than advise
// leaving the credential out of names; a miss that differs in more keeps
// that advice. It used to advise leaving the parameter out of names.
func TestMissReportSaysTheLibrarySeemsRecordedUnderTheOtherRedaction(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	const (
		without = "seems recorded (or imported) without redaction, its cassettes named by the credentials as\n" +
			"sent (replayserver.NoDefaultRedaction, recorder.NoDefaultRedaction, cassette import or record -no-redact),\n" +
			"or recorded before this parameter or header joined the credentials redacted by default"
		with    = "seems recorded (or imported) with redaction"
		naming_ = "leave it out of the\nname"
	)
	apiKey := naming.Rules{Headers: []string{"X-Api-Key"}}
	for _, c := range []struct {
		name        string
		recorded    string      // the URL stored, as named
		header      http.Header // of the request stored, and of the one sent
		sent        string      // the URL sent
		noRedact    bool        // the replay's NoDefaultRedaction
		rules       naming.Rules
		want, not   string
		hitsInstead bool // with the other setting the request is a hit
	}{
		{"a query credential kept, replayed with redaction", "https://api.example.com/v1/items?api_key=abc123&page=1", nil,
			"https://api.example.com/v1/items?api_key=abc123&page=1", false, naming.Rules{}, without, naming_, true},
		{"a query credential redacted, replayed without redaction", "https://api.example.com/v1/items?api_key=REDACTED&page=1", nil,
			"https://api.example.com/v1/items?api_key=abc123&page=1", true, naming.Rules{}, with, naming_, true},
		{"a significant credential header kept, replayed with redaction", "https://api.example.com/v1/items", http.Header{"X-Api-Key": {"k-123"}},
			"https://api.example.com/v1/items", false, apiKey, without, naming_, true},
		{"a query credential and another parameter differ", "https://api.example.com/v1/items?api_key=abc123&page=1", nil,
			"https://api.example.com/v1/items?api_key=abc123&page=2", false, naming.Rules{}, naming_, without, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api")
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", c.recorded, nil)
			req.Header = c.header.Clone()
			if err := lib.Append(naming.Name(req, nil, c.rules), library.Exchange{
				Request:  library.Request{Method: "GET", URL: c.recorded, Header: c.header.Clone()},
				Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("items")},
			}); err != nil {
				t.Fatal(err)
			}
			if err := lib.Save(); err != nil {
				t.Fatal(err)
			}
			opts := func(noRedact bool) []replayserver.Option {
				o := []replayserver.Option{replayserver.WithMode(replayserver.ModeReplay), replayserver.Naming(c.rules)}
				if noRedact {
					o = append(o, replayserver.NoDefaultRedaction())
				}
				return o
			}
			get := func(rt http.RoundTripper) (*http.Response, error) {
				req, _ := http.NewRequest("GET", c.sent, nil)
				req.Header = c.header.Clone()
				if req.Header == nil {
					req.Header = http.Header{}
				}
				return (&http.Client{Transport: rt}).Do(req)
			}
			_, err = get(replayserver.NewTransport(t, path, opts(c.noRedact)...))
			var miss *replayserver.MissError
			if !errors.As(err, &miss) {
				t.Fatalf("GET %s: %v; want a miss", c.sent, err)
			}
			if !strings.Contains(miss.Report, c.want) || strings.Contains(miss.Report, c.not) {
				t.Errorf("the report does not say %q, or says %q:\n%s", c.want, c.not, miss.Report)
			}
			if c.want != naming_ && (!strings.Contains(miss.Report, "NoDefaultRedaction") || !strings.Contains(miss.Report, "cassette serve: ")) {
				t.Errorf("the report does not name the option and the flag that replay the library:\n%s", miss.Report)
			}
			if !c.hitsInstead {
				return
			}
			// What the report advises: the other setting replays it.
			resp, err := get(replayserver.NewTransport(t, path, opts(!c.noRedact)...))
			if err != nil {
				t.Fatalf("GET %s with the setting the report advises: %v", c.sent, err)
			}
			resp.Body.Close()
		})
	}
}

// The same through the server: a library imported with -no-redact served
// without it, a request sent to the server's own address (cassette
// serve's case), gets the report in its 404.
func TestServerMissReportSaysTheLibrarySeemsRecordedWithoutRedaction(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	const recorded = "https://api.example.com/v1/items?api_key=abc123&page=1"
	req, _ := http.NewRequest("GET", recorded, nil)
	if err := lib.Append(nameOf(req, nil), library.Exchange{
		Request:  library.Request{Method: "GET", URL: recorded},
		Response: library.Response{StatusCode: 200, Body: []byte("items")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	ft := newFakeTB(t)
	var body string
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay))
		resp, err := http.Get(srv.URL + "/v1/items?api_key=abc123&page=1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
	})
	ft.finish()
	if !strings.Contains(body, "seems recorded (or imported) without redaction") || !strings.Contains(body, "(cassette serve: -no-redact)") {
		t.Errorf("the 404 does not say the library seems recorded without redaction, to serve with -no-redact:\n%s", body)
	}
}
