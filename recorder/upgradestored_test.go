package recorder_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// A request asking a recording proxy for a protocol upgrade that the
// upstream does not make (an h2c upgrade, as curl --http2 asks, answered
// over HTTP/1.1; a WebSocket handshake refused) is stored without its
// Connection: Upgrade and Upgrade, which concern the connection, as no
// other hop-by-hop field is stored: they were stored with the request. A
// WebSocket upgrade the upstream makes still passes through.
func TestRefusedUpgradeStoresNoHopByHopFields(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ws" && r.Header.Get("Upgrade") == "websocket" {
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
			brw.Flush()
			line, _ := brw.ReadString('\n')
			fmt.Fprintf(conn, "echo:%s", line)
			return
		}
		if r.URL.Path == "/refused" {
			http.Error(w, "no upgrade here", http.StatusUpgradeRequired)
			return
		}
		io.WriteString(w, "plain")
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api.json")
	rec := recorder.New(t, api.URL, path)

	send := func(path string, h http.Header) int {
		t.Helper()
		req, _ := http.NewRequest("GET", rec.URL+path, nil)
		req.Header = h
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := send("/h2c", http.Header{"Connection": {"Upgrade, HTTP2-Settings"}, "Upgrade": {"h2c"}, "Http2-Settings": {"AAMAAABkAAQAoAAAAAIAAAAA"}, "X-Kept": {"1"}}); code != 200 {
		t.Errorf("GET /h2c with Upgrade: h2c = %d, want 200", code)
	}
	if code := send("/refused", http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}, "Sec-Websocket-Version": {"13"}}); code != http.StatusUpgradeRequired {
		t.Errorf("GET /refused with Upgrade: websocket = %d, want 426", code)
	}

	// A WebSocket upgrade made passes through, both ways.
	conn, err := net.Dial("tcp", strings.TrimPrefix(rec.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("WebSocket upgrade through the recorder: %v, %v; want 101", resp, err)
	}
	fmt.Fprintf(conn, "hello\n")
	if got, _ := br.ReadString('\n'); got != "echo:hello\n" {
		t.Errorf("through the upgraded connection got %q, want %q", got, "echo:hello\n")
	}
	conn.Close()

	rec.Close()
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}
	stored := storedExchanges(t, path)
	if len(stored) != 2 {
		t.Errorf("library holds %d cassettes, want those of /h2c and /refused", len(stored))
	}
	for name, exs := range stored {
		for _, ex := range exs {
			for k := range ex.Request.Header {
				switch http.CanonicalHeaderKey(k) {
				case "Connection", "Upgrade":
					t.Errorf("%s: stored request header %s: %q, a hop-by-hop field of an upgrade not made", name, k, ex.Request.Header[k])
				}
			}
			if strings.Contains(name, "h2c") && ex.Request.Header.Get("X-Kept") != "1" {
				t.Errorf("%s: stored request header lacks X-Kept: %v", name, ex.Request.Header)
			}
		}
	}
}
