package forwarded

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDropH2C(t *testing.T) {
	for _, c := range []struct {
		why      string
		in, want http.Header
	}{
		{"curl --http2: the upgrade goes, the fields it named too",
			http.Header{"Connection": {"Upgrade"}, "Upgrade": {"h2c"}, "Http2-Settings": {"AAMA"}, "X": {"1"}},
			http.Header{"X": {"1"}}},
		{"any case, HTTP2-Settings not named in Connection, other Connection tokens kept",
			http.Header{"connection": {"upgrade, X-Hop"}, "upgrade": {"H2C"}, "HTTP2-Settings": {"AAMA"}},
			http.Header{"connection": {"X-Hop"}}},
		{"another protocol offered stays",
			http.Header{"Connection": {"Upgrade"}, "Upgrade": {"h2c, foo/1"}},
			http.Header{"Connection": {"Upgrade"}, "Upgrade": {"foo/1"}}},
		{"a WebSocket upgrade is left as it is",
			http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}, "Sec-Websocket-Key": {"k"}},
			http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}, "Sec-Websocket-Key": {"k"}}},
		{"HTTP2-Settings alone goes: it is for an h2c upgrade only",
			http.Header{"Http2-Settings": {"AAMA"}},
			http.Header{}},
	} {
		got := c.in.Clone()
		DropH2C(got)
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s: DropH2C(%v) (-want +got):\n%s", c.why, c.in, diff)
		}
	}
}
