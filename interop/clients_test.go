package interop

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
	"github.com/go-resty/resty/v2"
	"github.com/hashicorp/go-retryablehttp"
)

// shop is the "real API" of the in-process test: JSON, a form login that
// sets a cookie, a gzip-encoded report, and an endpoint that fails twice
// with 503 before it answers.
type shop struct {
	flaky atomic.Int64
}

func (s *shop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method + " " + r.URL.Path {
	case "GET /v1/items":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"page":%q,"sort":%q,"items":[{"id":1,"name":"crème"},{"id":2,"name":"tea"}]}`, r.URL.Query().Get("page"), r.URL.Query().Get("sort"))
	case "POST /v1/items":
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "/v1/items/3")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":3,"sent":%s}`, body)
	case "POST /v1/login":
		if err := r.ParseForm(); err != nil || r.PostForm.Get("user") != "ada" {
			http.Error(w, "bad login", http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cr3t", Path: "/"})
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"welcome":"ada"}`)
	case "GET /v1/report":
		w.Header().Set("Content-Type", "text/csv")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			io.WriteString(w, "day,sales\nmon,3\ntue,5\n")
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, "day,sales\nmon,3\ntue,5\n")
		zw.Close()
	case "GET /v1/flaky":
		if s.flaky.Add(1) <= 2 {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "steady now")
	default:
		http.NotFound(w, r)
	}
}

// shopSession is what the test's code does, through resty and through
// go-retryablehttp, both on the transport rt.
func shopSession(t *testing.T, base string, rt http.RoundTripper) []string {
	t.Helper()
	var seen []string
	rc := resty.New().SetTransport(rt).SetBaseURL(base)
	var list struct {
		Page, Sort string
		Items      []struct {
			ID   int
			Name string
		}
	}
	resp, err := rc.R().SetQueryParams(map[string]string{"sort": "name", "page": "2"}).SetResult(&list).Get("/v1/items")
	if err != nil {
		t.Fatalf("resty GET /v1/items: %v", err)
	}
	seen = append(seen, fmt.Sprintf("items %d page=%s sort=%s %v", resp.StatusCode(), list.Page, list.Sort, list.Items))
	resp, err = rc.R().SetBody(map[string]any{"name": "coffee", "qty": 2}).Post("/v1/items")
	if err != nil {
		t.Fatalf("resty POST /v1/items: %v", err)
	}
	seen = append(seen, fmt.Sprintf("created %d at %s: %s", resp.StatusCode(), resp.Header().Get("Location"), resp.Body()))
	resp, err = rc.R().SetFormData(map[string]string{"user": "ada", "pass": "pw"}).Post("/v1/login")
	if err != nil {
		t.Fatalf("resty POST /v1/login: %v", err)
	}
	seen = append(seen, fmt.Sprintf("login %d, %d cookie(s): %s", resp.StatusCode(), len(resp.Cookies()), resp.Body()))
	resp, err = rc.R().Get("/v1/report")
	if err != nil {
		t.Fatalf("resty GET /v1/report: %v", err)
	}
	seen = append(seen, fmt.Sprintf("report %d %q", resp.StatusCode(), resp.Body()))

	retry := retryablehttp.NewClient()
	retry.HTTPClient = &http.Client{Transport: rt}
	retry.RetryWaitMin, retry.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	retry.Logger = nil
	r, err := retry.Get(base + "/v1/flaky")
	if err != nil {
		t.Fatalf("retryablehttp GET /v1/flaky: %v", err)
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		t.Fatalf("retryablehttp GET /v1/flaky: body: %v", err)
	}
	seen = append(seen, fmt.Sprintf("flaky %d %q", r.StatusCode, body))
	return seen
}

// TestClientsInProcess records resty and go-retryablehttp through
// recorder.NewTransport and replays them in process, through
// replayserver.NewTransport in strict mode, with the upstream gone: query
// parameters in another order, JSON and form bodies, a cookie, a body the
// transport un-gzipped, and a request retried after two 503s (replayed in
// their recorded order) come back as the recording saw them.
func TestClientsInProcess(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	lib := filepath.Join(t.TempDir(), "shop")
	want := []string{
		"items 200 page=2 sort=name [{1 crème} {2 tea}]",
		`created 201 at /v1/items/3: {"id":3,"sent":{"name":"coffee","qty":2}}`,
		`login 200, 1 cookie(s): {"welcome":"ada"}`,
		`report 200 "day,sales\nmon,3\ntue,5\n"`,
		`flaky 200 "steady now"`,
	}
	// 7 requests: /v1/flaky is answered 503 twice, and retried.
	recordReplay(t, &shop{}, 7, want,
		func(t *testing.T, upstream string) []string {
			return shopSession(t, upstream, recorder.NewTransport(t, lib))
		},
		func(t *testing.T, upstream string) []string {
			rt := replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(), replayserver.NoRepeat())
			return shopSession(t, upstream, rt)
		})
}
