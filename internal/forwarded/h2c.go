package forwarded

import (
	"net/http"
	"strings"
)

// DropH2C removes from h, the header of a request a recording proxy
// forwards (call it from a ReverseProxy's Rewrite function), an h2c
// upgrade: the h2c token of Upgrade, in any case, with Upgrade and the
// Upgrade token of Connection when no other protocol is left, and
// HTTP2-Settings, whether or not Connection names it. ReverseProxy passes
// on the Connection: Upgrade and Upgrade of a request asking for an
// upgrade, and splices the connection through when the upstream makes it:
// an h2c upgrade (curl --http2 asks for one over http://) would carry the
// requests past the proxy as HTTP/2 frames, and nothing of them would be
// recorded. Without it, the upstream answers over HTTP/1.1. Other
// upgrades (WebSocket) are left as they are.
func DropH2C(h http.Header) {
	for k := range h {
		if strings.EqualFold(k, "HTTP2-Settings") {
			delete(h, k)
		}
	}
	var keep []string
	found := false
	for k, vv := range h {
		if !strings.EqualFold(k, "Upgrade") {
			continue
		}
		for _, v := range vv {
			for tok := range strings.SplitSeq(v, ",") {
				tok = strings.TrimSpace(tok)
				switch {
				case tok == "":
				case strings.EqualFold(tok, "h2c"):
					found = true
				default:
					keep = append(keep, tok)
				}
			}
		}
	}
	if !found {
		return
	}
	for k := range h {
		if strings.EqualFold(k, "Upgrade") {
			delete(h, k)
		}
	}
	if len(keep) > 0 {
		h.Set("Upgrade", strings.Join(keep, ", "))
		return
	}
	for k, vv := range h {
		if !strings.EqualFold(k, "Connection") {
			continue
		}
		var rest []string
		for _, v := range vv {
			for tok := range strings.SplitSeq(v, ",") {
				if tok = strings.TrimSpace(tok); tok != "" && !strings.EqualFold(tok, "Upgrade") {
					rest = append(rest, tok)
				}
			}
		}
		if len(rest) == 0 {
			delete(h, k)
		} else {
			h[k] = []string{strings.Join(rest, ", ")}
		}
	}
}
