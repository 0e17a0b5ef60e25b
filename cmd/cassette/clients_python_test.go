package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// clientPy is the Python client: urllib (Accept-Encoding: identity,
// Connection: close) and http.client (one kept-alive connection).
const clientPy = `
import sys, urllib.request, http.client
base = sys.argv[1]
token, cookie = sys.argv[2], sys.argv[3]

def show(r):
    print(r.status, r.reason)
    for k, v in r.getheaders():
        print(k + ": " + v)
    print(repr(r.read()))

show(urllib.request.urlopen(base + "/echo?lib=urllib&q=%C3%A9t%C3%A9"))
show(urllib.request.urlopen(base + "/gz"))
show(urllib.request.urlopen(urllib.request.Request(base + "/echo?lib=urllib", method="POST",
    data=b'{"a": [1, 2.50, "\u00e9"]}', headers={"Content-Type": "application/json"})))
show(urllib.request.urlopen(urllib.request.Request(base + "/login",
    headers={"Authorization": "Bearer " + token, "Cookie": "sid=" + cookie})))
show(urllib.request.urlopen(base + "/login?form=1", data=b"user=me&password=hunter2-" + token.encode()))

c = http.client.HTTPConnection(base.split("//")[1])
for method, path, body, headers in [
    ("GET", "/echo?lib=http.client&n=1", None, {}),
    ("GET", "/gz?lib=http.client", None, {"Accept-Encoding": "gzip"}),
    ("HEAD", "/file", None, {}),
    ("GET", "/file", None, {"Range": "bytes=5-9"}),
    ("PUT", "/echo?lib=http.client", iter([b"ab", b"\x00\xff", b"cd"]), {"Transfer-Encoding": "chunked"}),
    ("GET", "/trailers", None, {}),
    ("GET", "/events", None, {}),
]:
    c.request(method, path, body=body, headers=headers, encode_chunked=body is not None)
    show(c.getresponse())
c.close()
`

// Python's urllib and http.client, recorded by cassette serve -mode once
// (the library missing) and replayed by it (the library there), print the
// same as they did live, twice over, every request a hit: urllib refuses
// gzip (Accept-Encoding: identity) and closes each connection; http.client
// keeps one alive, asks for gzip itself (and gets it as sent), reads a
// HEAD, a range, a chunked upload, trailers and an event stream. The
// credentials, in headers and in a form, are stored REDACTED.
func TestPythonServeModeOnce(t *testing.T) {
	python := lookTool(t, "python3")
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "")
	api := newClientsAPI(t)
	lib := filepath.Join(t.TempDir(), "api.yaml")
	args := []string{"-mode", "once", "-upstream", api.URL, lib}
	client := func(base string) string {
		return runTool(t, nil, python, "-c", clientPy, base, clientToken, clientCookie)
	}

	p := start(t, append([]string{"serve"}, args...)...)
	live := client(p.baseURL())
	if code := p.stop(); code != exitOK {
		t.Fatalf("serve -mode once (recording) exited with %d, want 0; stderr:\n%s", code, p.stderr.String())
	}
	for _, want := range []string{`Accept-Encoding: ["identity"]`, `{"gzip":false,"asked":"identity"}`, "credentials ok=true", "Content-Encoding: gzip", "206 Partial Content", "chunked=true", "b'part 1\\npart 2\\n'"} {
		if !strings.Contains(live, want) {
			t.Fatalf("Python through serve -mode once printed no %q:\n%s", want, live)
		}
	}
	checkRedacted(t, lib, "hunter2")
	replayTwice(t, api, live, client, args...)
}
