package replayserver_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

func TestOnceModeRecordsAMissingLibraryThenReplays(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "")
	up := startUpstream(t)
	path := filepath.Join(t.TempDir(), "lib.json")

	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	})
	ft.finish()
	if ft.Failed() || up.hits.Load() != 1 {
		t.Fatalf("first run: failures %q, upstream hits %d, want none and 1", ft.errors(), up.hits.Load())
	}

	// The library exists now: the same test replays and does not record
	// what is missing.
	ft = newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
		if a := do(t, rawClient(), srv.URL, call{"GET", "/binary", ""}); a.Status != http.StatusNotFound {
			t.Errorf("second run: GET /binary = %d, want a 404 miss", a.Status)
		}
	})
	ft.finish()
	if up.hits.Load() != 1 {
		t.Errorf("second run reached the upstream: %d hits in all, want 1", up.hits.Load())
	}
	if !strings.Contains(ft.errors(), "no cassette for GET") {
		t.Errorf("second run: the miss did not fail the test: %q", ft.errors())
	}
}

func TestOnceModeNeverRecordsInCI(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "true")
	up := startUpstream(t)
	path := filepath.Join(t.TempDir(), "lib.json")
	ft := newFakeTB(t)
	completed := ft.do(func() { replayserver.New(ft, path, replayserver.Upstream(up.URL)) })
	if completed || !strings.Contains(ft.errors(), "does not exist") {
		t.Errorf("CI=true with a missing library: completed=%v, failure %q; want a fatal 'does not exist'", completed, ft.errors())
	}
	if up.hits.Load() != 0 {
		t.Errorf("CI run reached the upstream")
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("CI run created %s", path)
	}

	// CASSETTE_MODE still overrides.
	t.Setenv("CASSETTE_MODE", "record")
	ft = newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	})
	ft.finish()
	if ft.Failed() || up.hits.Load() != 1 {
		t.Errorf("CI=true CASSETTE_MODE=record: failures %q, hits %d; want it to record", ft.errors(), up.hits.Load())
	}
}

func TestRerecordLeavesTheOldLibraryUntilTheEnd(t *testing.T) {
	for _, kind := range libraryKinds {
		t.Run(kind, func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "rerecord")
			up := startUpstream(t)
			path, opts := libPath(t, kind)
			writeLibrary(t, path, "api.example.com", "/old")
			before := snapshot(t, path)

			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, append(opts, replayserver.Upstream(up.URL))...)
				do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
				do(t, rawClient(), srv.URL, call{"GET", "/cookies", ""})
				// A run killed now leaves the old library as it was.
				if after := snapshot(t, path); after != before {
					t.Errorf("the library changed on disk before the rerecording ended:\nbefore %s\nafter  %s", before, after)
				}
			})
			ft.finish()
			if ft.Failed() {
				t.Fatalf("rerecord failed: %s", ft.errors())
			}
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			names, err := lib.Names()
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != 2 || !strings.HasSuffix(names[0], "_cookies") || !strings.HasSuffix(names[1], "_json") {
				t.Errorf("after rerecord the library holds %q, want the /cookies and /json cassettes only", names)
			}
		})
	}
}

// snapshot returns the names and contents of the files of the library at
// path, as one string.
func snapshot(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(path, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		fmt.Fprintf(&b, "%s:%d:%x;", filepath.Base(p), len(data), sha256.Sum256(data))
		return err
	})
	return b.String()
}

func TestNoRepeatMakesAnExhaustedSequenceAMiss(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := filepath.Join(t.TempDir(), "lib.json")
	record(t, up, path) // /poll recorded three times
	ft := newFakeTB(t)
	var got []string
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.NoRepeat())
		for range 4 {
			a := do(t, rawClient(), srv.URL, call{"GET", "/poll", ""})
			got = append(got, fmt.Sprintf("%d %s", a.Status, strings.SplitN(string(a.Body), "\n", 2)[0]))
		}
	})
	ft.finish()
	want := []string{`200 {"attempt":1}`, `200 {"attempt":2}`, `200 {"attempt":3}`, "404 cassette: no cassette for GET"}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("GET /poll #%d = %q, want %q", i+1, got[i], want[i])
		}
	}
	if !strings.Contains(ft.errors(), "3 exchange(s) were all served") {
		t.Errorf("the miss report does not say the sequence is exhausted: %q", ft.errors())
	}
	// Recording the one further request would add a cassette beside the
	// sequence (a loopback API's port changes): the report says to record
	// the sequence again whole instead.
	if !strings.Contains(ft.errors(), "CASSETTE_MODE=rerecord") || strings.Contains(ft.errors(), "to record it, ") {
		t.Errorf("the report of an exhausted sequence does not point at rerecord alone: %q", ft.errors())
	}
}

// signingClient signs each request as AWS SigV4 does, with the time of
// sending: the headers differ on every run.
type signingClient struct {
	base  http.RoundTripper
	clock func() time.Time
	n     atomic.Int64
}

func (c *signingClient) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	now := c.clock().UTC()
	stamp := now.Format("20060102T150405Z")
	mac := hmac.New(sha256.New, []byte("secret-key"))
	fmt.Fprintf(mac, "%s\n%s\n%s", r.Method, r.URL.Path, stamp)
	r.Header.Set("X-Amz-Date", stamp)
	r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(mac.Sum(nil)))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"+now.Format("20060102")+
		"/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature="+hex.EncodeToString(mac.Sum(nil)))
	r.Header.Set("Date", now.Format(http.TimeFormat))
	r.Header.Set("Idempotency-Key", fmt.Sprintf("key-%d-%d", now.UnixNano(), c.n.Add(1)))
	r.Header.Set("X-Request-Id", fmt.Sprintf("req-%d", now.UnixNano()))
	r.Header.Set("User-Agent", "signer/"+now.Format("150405"))
	return c.base.RoundTrip(r)
}

func TestSignedRequestsMatchTheirCassette(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := filepath.Join(t.TempDir(), "api")
	day := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
		c := &http.Client{Transport: &signingClient{base: http.DefaultTransport, clock: func() time.Time { return day }}}
		do(t, c, srv.URL, call{"GET", "/json", ""})
		do(t, c, srv.URL, call{"POST", "/echo", `{"item":1}`})
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("recording failed: %s", ft.errors())
	}

	// A year later, everything signed differs; the cassettes still match.
	srv := replayserver.New(t, path, replayserver.Strict())
	c := &http.Client{Transport: &signingClient{base: http.DefaultTransport, clock: func() time.Time { return day.AddDate(1, 0, 0) }}}
	if a := do(t, c, srv.URL, call{"GET", "/json", ""}); a.Status != 200 || !strings.Contains(string(a.Body), "Lyon") {
		t.Errorf("signed GET /json replayed %d %q", a.Status, a.Body)
	}
	if a := do(t, c, srv.URL, call{"POST", "/echo", `{"item":1}`}); a.Status != 200 || !strings.Contains(string(a.Body), "item") {
		t.Errorf("signed POST /echo replayed %d %q", a.Status, a.Body)
	}
}

// hostUpstream is an API on loopback that answers with its own name.
func hostUpstream(t *testing.T, name string, tls bool) *httptest.Server {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s answers %s", name, r.URL.Path)
	})
	var s *httptest.Server
	if tls {
		s = httptest.NewTLSServer(h)
	} else {
		s = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

func TestHardCodedHostsFromTwoAPIsReplayThroughOneServer(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "lib.yaml")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// Cassettes recorded from two hosts with the same path.
	for _, u := range []string{"https://api.example.com/v1/x", "http://other.example.org/v1/x"} {
		req := httptest.NewRequest("GET", u, nil)
		lib.Append(nameOf(req, nil), library.Exchange{
			Request:  library.Request{Method: "GET", URL: u},
			Response: library.Response{StatusCode: 200, Body: []byte("from " + req.URL.Host)},
		})
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", tls), func(t *testing.T) {
			var opts []replayserver.Option
			if tls {
				opts = append(opts, replayserver.TLS())
			}
			srv := replayserver.New(t, path, append(opts, replayserver.Strict())...)
			if tls && !strings.HasPrefix(srv.URL, "https://") {
				t.Fatalf("TLS() server URL = %s", srv.URL)
			}
			for _, c := range []struct{ url, want string }{
				{"https://api.example.com/v1/x", "from api.example.com"},
				{"http://other.example.org/v1/x", "from other.example.org"},
			} {
				resp, err := srv.Client().Get(c.url)
				if err != nil {
					t.Fatalf("srv.Client().Get(%s): %v", c.url, err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != c.want {
					t.Errorf("GET %s = %q, want %q", c.url, b, c.want)
				}
				if tls && resp.ProtoMajor != 2 {
					t.Errorf("GET %s over TLS used %s, want HTTP/2", c.url, resp.Proto)
				}
			}
		})
	}
}

func TestHardCodedHostsAreRecordedFromTheirOwnHost(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	a, b := hostUpstream(t, "A", false), hostUpstream(t, "B", false)
	path := filepath.Join(t.TempDir(), "api")
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(a.URL))
		c := &http.Client{Transport: srv.Transport()}
		for _, u := range []string{a.URL + "/v1/x", b.URL + "/v1/x"} {
			resp, err := c.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("recording failed: %s", ft.errors())
	}
	srv := replayserver.New(t, path, replayserver.Strict())
	for _, c := range []struct{ url, want string }{{a.URL + "/v1/x", "A answers /v1/x"}, {b.URL + "/v1/x", "B answers /v1/x"}} {
		resp, err := srv.Client().Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != c.want {
			t.Errorf("replayed GET %s = %q, want %q", c.url, body, c.want)
		}
	}
}
