package replayserver_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A WebSocket handshake no cassette answers is told that an upgrade the
// API accepts is never stored, so recording would not help, and how to
// record one the API declines.
func TestAMissedUpgradeIsToldUpgradesAreNotStored(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	handshake := func(req *http.Request) {
		req.Header.Set("Connection", "keep-alive, Upgrade")
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Sec-WebSocket-Version", "13")
		req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	}
	check := func(t *testing.T, report, own string) {
		t.Helper()
		if !strings.Contains(report, "protocol upgrade (Upgrade: websocket). An upgrade the API accepts (101 Switching\n"+
			"Protocols) is passed through while recording and never stored") || !strings.Contains(report, own) {
			t.Errorf("the report does not say accepted upgrades are never stored, nor to serve one from %s:\n%s", own, report)
		}
		if !strings.Contains(report, "One the API declines is recorded as any other request:\nto record it, ") {
			t.Errorf("the report does not tell how to record an upgrade the API declines:\n%s", report)
		}
	}
	t.Run("server", func(t *testing.T) {
		ft := newFakeTB(t)
		var report string
		ft.do(func() {
			srv := replayserver.New(ft, "testdata/example", replayserver.WithMode(replayserver.ModeReplay))
			req, _ := http.NewRequest("GET", srv.URL+"/chat", nil)
			handshake(req)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("status %d, want 404", resp.StatusCode)
			}
			report = string(b)
		})
		ft.finish()
		check(t, report, "srv.Router()")
		if !ft.Failed() {
			t.Error("the miss did not fail the test")
		}
	})
	t.Run("transport", func(t *testing.T) {
		c := &http.Client{Transport: replayserver.NewTransport(t, "testdata/example", replayserver.WithMode(replayserver.ModeReplay))}
		req, _ := http.NewRequest("GET", "http://api.example.com/chat", nil)
		handshake(req)
		_, err := c.Do(req)
		var miss *replayserver.MissError
		if !errors.As(err, &miss) {
			t.Fatalf("got %v, want a *MissError", err)
		}
		check(t, miss.Report, "a RoundTripper of the test's own")
	})
	t.Run("not an upgrade", func(t *testing.T) {
		c := &http.Client{Transport: replayserver.NewTransport(t, "testdata/example", replayserver.WithMode(replayserver.ModeReplay))}
		req, _ := http.NewRequest("GET", "http://api.example.com/chat", nil)
		req.Header.Set("Upgrade", "websocket") // without Connection: Upgrade, no handshake
		_, err := c.Do(req)
		var miss *replayserver.MissError
		if !errors.As(err, &miss) || !strings.Contains(miss.Report, "to record it") || strings.Contains(miss.Report, "protocol upgrade") {
			t.Errorf("got %v; want a miss told how to record it", err)
		}
	})
}
