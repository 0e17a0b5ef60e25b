package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// curl, recorded through cassette record and replayed by cassette serve,
// prints the same bytes (headers included) as it did live, twice over,
// with every request a hit: GET and HEAD, --compressed, HTTP/2 with prior
// knowledge, a 2 MB POST (sent with Expect: 100-continue), an upload from
// stdin (PUT, chunked), binary bytes, a multipart form (named by its
// parts), credentials, a query of escapes and raw UTF-8, ranges, a raw
// chunked answer with a trailer and an event stream. The credentials are
// stored REDACTED.
func TestCurlRecordThenServe(t *testing.T) {
	curl := lookTool(t, "curl")
	t.Setenv("CASSETTE_MODE", "")
	api := newClientsAPI(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bin")
	b := make([]byte, 2<<20)
	for i := range b {
		b[i] = byte(i * 7 % 251)
	}
	if err := os.WriteFile(big, b, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin.dat")
	if err := os.WriteFile(bin, []byte("\x00\x01\xff\xfe\r\n\x1f\x8b not text"), 0o644); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "api")
	rules := []string{"-body", "multipart/*=multipart"} // curl's boundary is new on every run

	client := func(base string) string {
		var out strings.Builder
		c := func(stdin string, args ...string) {
			out.WriteString("$ curl " + strings.Join(args, " ") + "\n")
			args = append([]string{"-sS"}, args...)
			for i, a := range args {
				if strings.HasPrefix(a, "/") {
					args[i] = base + a
				}
			}
			out.WriteString(runTool(t, []byte(stdin), curl, args...))
			out.WriteString("\n")
		}
		c("", "-D", "-", "/echo?q=%C3%A9t%C3%A9&x=a%2Fb&y=a+b&z=%E2%9C%93")
		c("", "-g", "/echo?u=été&v=a%20b")
		c("", "-I", "/file")
		c("", "-D", "-", "--compressed", "/gz")
		c("", "-D", "-", "--http2-prior-knowledge", "/echo?h2=1")
		c("", "--http2-prior-knowledge", "--compressed", "/gz?h2=1")
		c("", "--data-binary", "@"+big, "/echo?big=1")
		c("streamed from stdin\n", "-T", "-", "/echo?put=1")
		c("", "--data-binary", "@"+bin, "-H", "Content-Type: application/octet-stream", "/echo?bin=1")
		c("", "-F", "a=1", "-F", "f=@"+bin, "/echo?form=1")
		c("", "-H", "Cookie: sid="+clientCookie, "-H", "Authorization: Bearer "+clientToken, "/login")
		c("", "-D", "-", "-r", "0-4", "/file")
		c("", "-D", "-", "-r", "30-", "/file")
		c("", "--raw", "-D", "-", "/trailers")
		c("", "-N", "/events")
		return out.String()
	}

	rec := start(t, append(append([]string{"record", "-upstream", api.URL}, rules...), lib)...)
	live := client(rec.baseURL())
	if code := rec.stop(); code != exitOK {
		t.Fatalf("record exited with %d, want 0; stderr:\n%s", code, rec.stderr.String())
	}
	for _, want := range []string{"body=2097152 ", "PUT /echo?put=1 HTTP/1.1 body=20 ", "chunked=true", "HTTP/2 200", "\r\n0\r\nX-Checksum: c0ffee\r\n", "credentials ok=true", "Content-Range: bytes 0-4/36"} {
		if !strings.Contains(live, want) {
			t.Fatalf("curl through cassette record printed no %q:\n%s", want, live)
		}
	}
	checkRedacted(t, lib)
	replayTwice(t, api, live, client, append(rules, lib)...)
}
