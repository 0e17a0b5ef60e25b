package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/brokenoff"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// A BeforeSave hook that makes cassettes reproducible (a fixed, or no,
// recorded_at) does not change which request made up for a break: the
// recorder judges by the times it took when it sent each request (found
// by a review: the replay server took RecordedAt less Latency, after the
// hooks, and a retry no longer made up for the break before it).
func TestARetryMakesUpForABreakWhateverBeforeSaveDoesToRecordedAt(t *testing.T) {
	api := httptest.NewServer(brokenoff.Once())
	defer api.Close()
	for _, stamp := range []time.Time{{}, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)} {
		for _, transport := range []bool{false, true} {
			t.Run(fmt.Sprintf("recorded_at=%v/transport=%v", stamp.IsZero(), transport), func(t *testing.T) {
				t.Setenv("CASSETTE_MODE", "")
				t.Setenv("TMPDIR", t.TempDir())
				path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a")
				p := fmt.Sprintf("/flaky-%v-%v", stamp.IsZero(), transport)
				ft := newFakeTB(t)
				ft.do(func() {
					opts := []replayserver.Option{
						replayserver.WithMode(replayserver.ModeRerecord),
						replayserver.Upstream(api.URL),
						replayserver.BeforeSave(func(ex *library.Exchange) error {
							ex.RecordedAt = stamp // reproducible cassettes
							return nil
						}),
					}
					client, base := http.DefaultClient, api.URL
					if transport {
						client = &http.Client{Transport: replayserver.NewTransport(ft, path, opts...)}
					} else {
						base = replayserver.New(ft, path, opts...).URL
					}
					for range 2 { // a client that retries a broken body once
						resp, err := client.Get(base + p)
						if err != nil {
							continue
						}
						b, err := io.ReadAll(resp.Body)
						resp.Body.Close()
						if err == nil && string(b) == "whole" {
							return
						}
					}
					t.Errorf("the retry did not get the whole body")
				})
				ft.finish()
				if errs := ft.errors(); errs != "" {
					t.Errorf("the test failed though %s was recorded whole on a retry:\n%s", p, errs)
				}
			})
		}
	}
}
