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

// A miss report shows the nearest cassette's recorded request redacted as
// the replaying server redacts: a library recorded with
// NoDefaultRedaction (cassette record -no-redact) holds credentials as
// sent, and replayed with the default redaction, the report printed them
// (the recorded URL, and the diff of query, significant headers and form
// body). Through NewTransport and the server's 404 alike; the nearest
// cassette's file name, which holds a query value as the name does, is
// not checked here.
func TestMissReportRedactsTheRecordedRequest(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	rules := naming.Rules{Headers: []string{"Authorization", "X-Vault-Token"}, Bodies: map[string]naming.BodyRule{"application/x-www-form-urlencoded": naming.FormBody}}
	const (
		recorded = "https://me:pw-secret@api.example.com/v1/items?api_key=query-secret&page=1"
		form     = "password=form-secret&a=1"
	)
	secrets := []string{"pw-secret", "query-secret", "tok-secret", "vault-secret", "form-secret"}
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	hdr := http.Header{"Authorization": {"Bearer tok-secret"}, "X-Vault-Token": {"vault-secret"}, "Content-Type": {"application/x-www-form-urlencoded"}}
	req, _ := http.NewRequest("POST", recorded, strings.NewReader(form))
	req.Header = hdr.Clone()
	if err := lib.Append(naming.Name(req, []byte(form), rules), library.Exchange{
		Request:  library.Request{Method: "POST", URL: recorded, Header: hdr.Clone(), Body: []byte(form)},
		Response: library.Response{StatusCode: 200, Body: []byte("items")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	newReq := func(base string) *http.Request {
		req, _ := http.NewRequest("POST", base+"/v1/items?api_key=query-other&page=2", strings.NewReader("password=form-other&a=1"))
		req.Header = http.Header{"Authorization": {"Bearer tok-other"}, "X-Vault-Token": {"vault-other"}, "Content-Type": {"application/x-www-form-urlencoded"}}
		return req
	}
	check := func(t *testing.T, report string) {
		t.Helper()
		if !strings.Contains(report, "nearest #1") || !strings.Contains(report, "recorded: POST https://me:REDACTED@api.example.com/v1/items?api_key=REDACTED&page=1") {
			t.Errorf("the report does not show the nearest cassette's request redacted:\n%s", report)
		}
		for _, line := range strings.Split(report, "\n") {
			if strings.Contains(line, "nearest #") {
				continue // the file name holds the query as named
			}
			for _, s := range secrets {
				if strings.Contains(line, s) {
					t.Errorf("the report prints the recorded credential %q, which this server redacts: %q in\n%s", s, line, report)
				}
			}
		}
	}
	opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeReplay), replayserver.Naming(rules)}
	t.Run("NewTransport", func(t *testing.T) {
		ft := newFakeTB(t)
		var err error
		ft.do(func() {
			_, err = (&http.Client{Transport: replayserver.NewTransport(ft, path, opts...)}).Do(newReq("https://api.example.com"))
		})
		ft.finish()
		var miss *replayserver.MissError
		if !errors.As(err, &miss) {
			t.Fatalf("POST /v1/items: %v; want a miss", err)
		}
		check(t, miss.Report)
	})
	t.Run("server", func(t *testing.T) {
		ft := newFakeTB(t)
		var body string
		ft.do(func() {
			srv := replayserver.New(ft, path, opts...)
			resp, err := http.DefaultClient.Do(newReq(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
		})
		ft.finish()
		check(t, body)
	})
}
