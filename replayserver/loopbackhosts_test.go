package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// Two loopback test servers recorded together, an auth server and an API,
// both answering GET /health: in the next run their ports are new, and
// each request must get its own server's cassettes. The requests only one
// of them answers (POST /token, GET /items) tell which new port stands for
// which recorded one; before, both got the cassette of the lower port, and
// Strict then called the other unused.
func TestTwoLoopbackServersWithNewPortsAreToldApart(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	const auth, api = "127.0.0.1:40001", "127.0.0.1:40002" // as recorded
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ method, url, body string }{
		{"POST", "http://" + auth + "/token", "auth token"},
		{"GET", "http://" + auth + "/health", "auth healthy"},
		{"GET", "http://" + api + "/items", "api items"},
		{"GET", "http://" + api + "/health", "api healthy"},
	} {
		req, _ := http.NewRequest(r.method, r.url, nil)
		if err := lib.Append(nameOf(req, nil), library.Exchange{
			Request:  library.Request{Method: r.method, URL: r.url},
			Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte(r.body)},
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name     string
		requests []string // "METHOD host path", in order
		want     []string // the bodies
		guesses  int      // choices logged as guesses
	}{
		{
			name:     "each server first sends a request only it answers",
			requests: []string{"POST auth /token", "GET api /items", "GET api /health", "GET auth /health"},
			want:     []string{"auth token", "api items", "api healthy", "auth healthy"},
		},
		{
			name:     "the API's health before any request only it answers",
			requests: []string{"POST auth /token", "GET api /health", "GET api /items", "GET api /health", "GET auth /health"},
			// The auth server's port is known from /token: the other
			// recorded port is the API's.
			want: []string{"auth token", "api healthy", "api items", "api healthy", "auth healthy"},
		},
		{
			name:     "nothing known yet: a guess, logged, then mended",
			requests: []string{"GET api /health", "GET api /items", "GET api /health", "POST auth /token", "GET auth /health"},
			// The first /health is a guess, the lower recorded port (the
			// auth server's): wrong, and logged. /items then tells the
			// API's port, and the guess is dropped.
			want:    []string{"auth healthy", "api items", "api healthy", "auth token", "auth healthy"},
			guesses: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs logBook
			ft := newFakeTB(t)
			ft.do(func() {
				rt := replayserver.NewTransport(ft, path, replayserver.Strict(), logs.option())
				c := &http.Client{Transport: rt}
				// This run's ports: the API's is the lower one, so that
				// sorting alone would give it the auth server's cassettes.
				hosts := map[string]string{"auth": "127.0.0.1:50002", "api": "127.0.0.1:50001"}
				for i, r := range tc.requests {
					f := strings.Fields(r)
					req, _ := http.NewRequest(f[0], "http://"+hosts[f[1]]+f[2], nil)
					resp, err := c.Do(req)
					if err != nil {
						t.Fatalf("%s: %v", r, err)
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if string(b) != tc.want[i] {
						t.Errorf("request %d, %s = %q; want %q", i+1, r, b, tc.want[i])
					}
				}
			})
			ft.finish()
			if ft.Failed() {
				t.Errorf("the test failed: %s", ft.errors())
			}
			guesses := 0
			for _, l := range logs.Lines() {
				if strings.Contains(l, "recorded from several hosts") {
					guesses++
				}
			}
			if guesses != tc.guesses {
				t.Errorf("%d choice(s) logged as guesses; want %d. Log:\n%s", guesses, tc.guesses, logs.String())
			}
		})
	}
}

// When nothing tells which recorded host a request stands for, the
// server still answers (one of them), and says so in the log, naming the
// hosts and how to choose.
func TestAGuessBetweenRecordedHostsIsLogged(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"http://127.0.0.1:40001/health", "http://127.0.0.1:40002/health"} {
		req, _ := http.NewRequest("GET", u, nil)
		if err := lib.Append(nameOf(req, nil), library.Exchange{
			Request:  library.Request{Method: "GET", URL: u},
			Response: library.Response{StatusCode: 200, Body: []byte("ok " + u)},
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	var logs logBook
	ft := newFakeTB(t)
	ft.do(func() {
		c := &http.Client{Transport: replayserver.NewTransport(ft, path, logs.option())}
		for range 2 {
			resp, err := c.Get("http://127.0.0.1:50001/health")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	})
	ft.finish()
	var notes []string
	for _, l := range logs.Lines() {
		if strings.Contains(l, "recorded from several hosts") {
			notes = append(notes, l)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "(127.0.0.1_40001, 127.0.0.1_40002)") || !strings.Contains(notes[0], "fixed ports") {
		t.Errorf("logged %q; want one note naming both recorded hosts and how to choose", notes)
	}
}

// A client may address the server by a name under .localhost, which
// resolves to loopback (RFC 6761; curl and browsers do so without DNS):
// a request whose Host is such a name with the server's own port is sent
// to the server's own address, recorded from the upstream under the
// upstream's name, and replayed from it, as one sent to 127.0.0.1.
func TestAHostUnderLocalhostWithTheServersPortIsItsOwnAddress(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "from the API "+r.URL.Path)
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	send := func(srv *replayserver.Server, host string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/v1/items", nil)
		req.Host = strings.Replace(srv.Listener.Addr().String(), "127.0.0.1", host, 1)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Errorf("GET /v1/items with Host %s = %d %s", req.Host, resp.StatusCode, b)
		}
		return string(b)
	}
	rec := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
	if got := send(rec, "api.localhost"); got != "from the API /v1/items" {
		t.Errorf("recording: got %q", got)
	}
	rec.Close()
	api.Close()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil || len(names) != 1 || strings.Contains(names[0], "localhost") {
		t.Errorf("recorded %q, %v; want one cassette named after the upstream, not the Host", names, err)
	}
	srv := replayserver.New(t, path, replayserver.Strict())
	for _, host := range []string{"api.localhost", "127.0.0.1", "Web.LOCALHOST"} {
		if got := send(srv, host); got != "from the API /v1/items" {
			t.Errorf("replaying with Host %s: got %q", host, got)
		}
	}
}

// A name under .localhost with another port than the server's names a
// host of its own (several behind a dev proxy, on fixed ports), not a
// loopback test server whose port changes every run: a request for it
// is not answered from the cassettes of another host (found by a review:
// it was, and in record mode was then never recorded).
func TestANameUnderLocalhostIsAHostOfItsOwn(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	writeLibrary(t, path, "web.localhost:8080", "/health")
	writeLibrary(t, path, "api.github.com", "/user")
	ft := newFakeTB(t)
	ft.do(func() {
		tr := replayserver.NewTransport(ft, path)
		for _, u := range []string{"http://api.localhost:8080/health", "http://api.localhost:8080/user", "http://web.localhost:8080/health"} {
			req, _ := http.NewRequest("GET", u, nil)
			resp, err := tr.RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
			if hit := err == nil; hit != strings.HasPrefix(u, "http://web.") {
				t.Errorf("GET %s: %v; want a hit only for web.localhost, whose cassette it is", u, err)
			}
		}
	})
	ft.finish()
}
