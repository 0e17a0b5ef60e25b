// Package h2cupstream is an upstream for tests that accepts an h2c
// upgrade, as golang.org/x/net/http2/h2c's handler does: it answers 101
// and then speaks what is not HTTP/1.1, so that a proxy passing the
// upgrade on splices the connection through.
package h2cupstream

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Spliced is what the upstream sends after its 101: no HTTP/1.1 answer.
const Spliced = "spliced, not HTTP/1.1"

// New starts the upstream, closed when the test ends. A request that asks
// for an h2c upgrade (the h2c token in any Upgrade line, in any case) is
// answered 101 then [Spliced]; any other is answered over HTTP/1.1 with
// its protocol, its path and the HTTP2-Settings field it came with:
// "HTTP/1.1 /x settings=\"\"".
func New(t testing.TB) *httptest.Server {
	t.Helper()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, v := range r.Header.Values("Upgrade") {
			for tok := range strings.SplitSeq(v, ",") {
				if strings.EqualFold(strings.TrimSpace(tok), "h2c") {
					conn, brw, err := http.NewResponseController(w).Hijack()
					if err != nil {
						t.Error(err)
						return
					}
					defer conn.Close()
					brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n" + Spliced)
					brw.Flush()
					return
				}
			}
		}
		fmt.Fprintf(w, "%s %s settings=%q", r.Proto, r.URL.Path, r.Header.Get("HTTP2-Settings"))
	}))
	t.Cleanup(api.Close)
	return api
}
