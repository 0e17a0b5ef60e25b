package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// A miss report goes to test logs, 404 bodies and cassette serve's log:
// no credential of the request may appear in it, whether in the URL, the
// headers or the diff, nor in the log lines of hits and misses.
func TestMissReportAndLogsRedactCredentials(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/orders", "/v1/x")
	rules := naming.Rules{Headers: []string{"Authorization"}}
	ft := newFakeTB(t)
	var (
		mu   sync.Mutex // the server logs from its own goroutines
		logs strings.Builder
	)
	var body string
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.Naming(rules), replayserver.WithMode(replayserver.ModeReplay),
			replayserver.Logf(func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				fmt.Fprintf(&logs, format+"\n", args...)
			}))
		req, _ := http.NewRequest("GET", srv.URL+"/v1/orders?page=2&access_token=querysecret-4&api_key=querysecret-5", nil)
		req.Header.Set("Authorization", "Basic bGVha3k6cGFzcw==")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
	})
	ft.finish()
	mu.Lock()
	logged := logs.String()
	mu.Unlock()
	for where, text := range map[string]string{"404 body": body, "test failure": ft.errors(), "log": logged} {
		for _, secret := range []string{"querysecret-4", "querysecret-5", "bGVha3k6cGFzcw=="} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s shows the secret %q:\n%s", where, secret, text)
			}
		}
	}
	if !strings.Contains(body, "access_token=REDACTED") || !strings.Contains(body, "page") {
		t.Errorf("the report should still show the request's query, redacted:\n%s", body)
	}
}

// Through Server.Client a request keeps the scheme it was made with, and
// the header that carries it to the server is not shown as the client's.
func TestMissReportShowsTheRequestAsTheClientMadeIt(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/x")
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay))
		resp, err := srv.Client().Get("https://api.example.com/v1/nope?key=k3y-s3cr3t")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	ft.finish()
	report := ft.errors()
	if !strings.Contains(report, "no cassette for GET https://api.example.com/v1/nope?key=REDACTED") {
		t.Errorf("the headline does not show the request as made (https, key redacted):\n%s", report)
	}
	if strings.Contains(report, "X-Cassette-Scheme") || strings.Contains(report, "k3y-s3cr3t") {
		t.Errorf("the report shows the server's own header or the key:\n%s", report)
	}
}

// The report says which mode answered, and why when the default (once)
// replays because the library exists.
func TestMissReportSaysTheModeAsked(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/x")
	for _, c := range []struct {
		opts []replayserver.Option
		want string
	}{
		{nil, "(mode once, replaying: the library exists)"},
		{[]replayserver.Option{replayserver.WithMode(replayserver.ModeReplay)}, "(mode replay)"},
	} {
		ft := newFakeTB(t)
		ft.do(func() {
			srv := replayserver.New(ft, path, c.opts...)
			resp, err := srv.Client().Get("https://api.example.com/v1/nope")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
		ft.finish()
		if !strings.Contains(ft.errors(), c.want) {
			t.Errorf("the report does not say %q:\n%s", c.want, ft.errors())
		}
	}
}
