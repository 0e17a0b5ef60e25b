package recorder_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
)

func TestNewProxyChecksTheUpstream(t *testing.T) {
	lib, err := library.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		upstream string
		ok       bool
		why      string
	}{
		{"https://api.example.com", true, "the usual case"},
		{"http://127.0.0.1:8080/api/v2", true, "a path prefixes every forwarded path"},
		{"api.example.com", false, "no scheme: a path, not a host"},
		{"ftp://example.com", false, "only http and https are forwarded"},
		{"http://", false, "no host"},
		{"/v1", false, "relative"},
		{"", false, "empty"},
		{"http://[::1", false, "does not parse"},
	} {
		_, err := recorder.NewProxy(tc.upstream, lib)
		want := fmt.Sprintf("recorder: upstream %q: must be an absolute http or https URL", tc.upstream)
		switch {
		case tc.ok && err != nil:
			t.Errorf("NewProxy(%q) = %v, want no error (%s)", tc.upstream, err, tc.why)
		case !tc.ok && (err == nil || err.Error() != want):
			t.Errorf("NewProxy(%q) = %v, want %q (%s)", tc.upstream, err, want, tc.why)
		}
	}
}

func TestProxyForwardsToTheUpstreamAsItIs(t *testing.T) {
	requests := make(chan *http.Request, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests <- r.Clone(context.Background())
		fmt.Fprint(w, "ok")
	}))
	defer api.Close()
	path := t.TempDir()
	rec := recorder.New(t, api.URL+"/api", path)
	req, _ := http.NewRequest("GET", rec.URL+"/v1/x?b=2&a=1", nil)
	req.Header.Set("X-Trace", "t1")
	req.Header.Set("X-Forwarded-For", "10.0.0.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	rec.Close()
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}

	seen := <-requests
	upstream, _ := url.Parse(api.URL)
	if seen.URL.Path != "/api/v1/x" || seen.Host != upstream.Host {
		t.Errorf("upstream got path %q, Host %q; want %q, %q", seen.URL.Path, seen.Host, "/api/v1/x", upstream.Host)
	}
	// The client's own forwarding header goes as it was sent, and the
	// recorder adds none.
	if v := seen.Header.Values("X-Forwarded-For"); len(v) != 1 || v[0] != "10.0.0.1" {
		t.Errorf("upstream got X-Forwarded-For: %q, want the client's %q", v, "10.0.0.1")
	}
	for _, h := range []string{"X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded"} {
		if v := seen.Header.Values(h); len(v) != 0 {
			t.Errorf("upstream got %s: %q, want none", h, v)
		}
	}

	// The name is that of the request as sent upstream, so a replay
	// server that knows the upstream finds it.
	outbound, _ := http.NewRequest("GET", api.URL+"/api/v1/x?b=2&a=1", nil)
	wantName := naming.Name(outbound, nil, naming.Default())
	name, ex := onlyExchange(t, path)
	if name != wantName {
		t.Errorf("stored as %q, want %q", name, wantName)
	}
	if ex.Request.URL != api.URL+"/api/v1/x?b=2&a=1" || ex.Request.Header.Get("X-Trace") != "t1" || ex.Request.Header.Get("X-Forwarded-For") != "10.0.0.1" {
		t.Errorf("stored request %s with X-Trace %q, X-Forwarded-For %q; want %s, %q, %q",
			ex.Request.URL, ex.Request.Header.Get("X-Trace"), ex.Request.Header.Get("X-Forwarded-For"), api.URL+"/api/v1/x?b=2&a=1", "t1", "10.0.0.1")
	}
}

func TestProxyAnswers502WhenTheUpstreamRefuses(t *testing.T) {
	upstream := "http://" + refusedAddr(t)
	path := t.TempDir()
	var logs names
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := recorder.NewProxy(upstream, lib, recorder.Logf(func(format string, args ...any) {
		logs.add(fmt.Sprintf(format, args...))
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close() // waits for the background save before the folder goes
	srv := httptest.NewServer(p)
	resp, err := http.Get(srv.URL + "/v1/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	srv.Close()

	msg := string(body)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(msg, upstream) ||
		strings.Count(msg, "\n") != 1 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("GET through a proxy to a closed port = %d %q (%s), want 502 and one plain-text line naming %s",
			resp.StatusCode, msg, resp.Header.Get("Content-Type"), upstream)
	}
	if got := logs.list(); len(got) != 1 || got[0] != strings.TrimSuffix(msg, "\n") {
		t.Errorf("logged %q, want the message sent to the client", got)
	}
	if got := readLibrary(t, path); len(got) != 0 {
		t.Errorf("library holds %d cassettes, want none", len(got))
	}
}

func TestProxyUsesTheGivenTransport(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Header.Get("X-Via"))
	}))
	defer api.Close()
	path := t.TempDir()
	rec := recorder.New(t, api.URL, path, recorder.Transport(roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("X-Via", "custom transport")
		return http.DefaultTransport.RoundTrip(r)
	})))
	resp, err := http.Get(rec.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "custom transport" {
		t.Errorf("upstream saw X-Via %q, want %q", b, "custom transport")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// BenchmarkProxy compares the recording proxy with a plain
// httputil.ReverseProxy to the same upstream, for a 1 KiB response. Each
// request has its own path, so each is a new cassette in a directory
// library, as when recording a test suite.
func BenchmarkProxy(b *testing.B) {
	body := strings.Repeat("x", 1024)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, body)
	}))
	defer api.Close()
	upstream, _ := url.Parse(api.URL)

	run := func(b *testing.B, h http.Handler) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		client := srv.Client()
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			resp, err := client.Get(fmt.Sprintf("%s/items/%d", srv.URL, i))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	b.Run("plain", func(b *testing.B) {
		run(b, &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(upstream) }})
	})
	b.Run("recording", func(b *testing.B) {
		lib, err := library.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		p, err := recorder.NewProxy(api.URL, lib)
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		run(b, p)
	})
}

// Go's ReverseProxy drops a query it cannot parse; the recorder forwards
// and stores it as the client made it, as the replay server does in
// record mode, so the request replays.
func TestProxyKeepsAQueryGoCannotParse(t *testing.T) {
	var seen []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.URL.RawQuery)
	}))
	defer api.Close()
	path := t.TempDir()
	rec := recorder.New(t, api.URL, path)
	queries := []string{"x=%zz", "a=1;b=2"}
	for _, q := range queries {
		resp, err := http.Get(rec.URL + "/q?" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(seen, " ") != strings.Join(queries, " ") {
		t.Errorf("the upstream got queries %q, want %q", seen, queries)
	}
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		r, _ := http.NewRequest("GET", api.URL+"/q?"+q, nil)
		if c, ok, err := lib.Get(naming.Name(r, nil, naming.Default())); err != nil || !ok || c.Exchanges[0].Request.URL != api.URL+"/q?"+q {
			t.Errorf("no cassette stored for the request with query %q (%v)", q, err)
		}
	}
}
