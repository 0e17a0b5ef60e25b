package main

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/cassette-go/cassette/library"
)

func TestShow(t *testing.T) {
	path := writeSample(t, "api")
	ex := sampleExchanges(t)
	tests := []struct {
		why  string
		args []string
		want []string // in stdout, in this order
		not  []string // not in stdout
	}{
		{"JSON bodies are indented, every exchange shown",
			[]string{nameOf(ex[0])},
			[]string{"2 exchange(s)", "=== exchange 1 of 2, recorded 2026-05-07T12:00:00Z, took 12.5ms",
				"GET https://api.example.com/v1/users?page=2", "Accept: */*",
				"200 OK", "Set-Cookie: a=1\nSet-Cookie: b=2\nSet-Cookie: c=3",
				"{\n  \"users\": [\n    {\n      \"id\": 1,", "=== exchange 2 of 2", `"next": null`, "(streamed in 2 chunk(s), the last at 3ms)"},
			nil},
		{"request body and trailers",
			[]string{nameOf(ex[2])},
			[]string{"POST https://api.example.com/v1/orders", "Content-Type: application/json", "\"item\": 2",
				"201 Created", "\"order\": 77", "trailers:\nX-Checksum: abc"},
			nil},
		{"binary body is summarized",
			[]string{nameOf(ex[3])},
			[]string{"<22 bytes, image/png>\n"}, []string{"PNG"}},
		{"gzip body is summarized with its encoding",
			[]string{nameOf(ex[4])},
			[]string{"<", " bytes, text/plain, gzip>"}, nil},
		{"-raw writes bodies as stored",
			[]string{"-raw", nameOf(ex[3])},
			[]string{string(pngBytes)}, []string{"bytes, image/png>"}},
		{"-raw does not indent JSON",
			[]string{nameOf(ex[2]), "-raw"},
			[]string{`{"order":77}`}, nil},
		{"a directory library's file name works",
			[]string{nameOf(ex[5]) + ".json"},
			[]string{"DELETE https://api.example.com/v1/orders/77", "404 Not Found", "bytes, text/plain; charset=iso-8859-1>\n"}, nil},
		{"a summary ends its line, though the body stored ends in a line break",
			[]string{nameOf(ex[5])},
			[]string{"<17 bytes, text/plain; charset=iso-8859-1>\n"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			args := append([]string{"show", path}, tt.args...)
			code, stdout, stderr := runSync(t, args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("run(%q) = %d, stderr %q; want 0 and none", args, code, stderr)
			}
			rest := stdout
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("run(%q) stdout lacks %q (in order):\n%s", args, w, stdout)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(stdout, n) {
					t.Errorf("run(%q) stdout has %q:\n%s", args, n, stdout)
				}
			}
		})
	}
}

func TestShowUnknownNameListsNearest(t *testing.T) {
	path := writeSample(t, "api.json")
	ex := sampleExchanges(t)
	typo := strings.Replace(nameOf(ex[2]), "orders", "order", 1)
	code, stdout, stderr := runSync(t, "show", path, typo)
	if code != exitError || stdout != "" {
		t.Fatalf("show of an unknown name = %d, stdout %q; want 1 and none", code, stdout)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "no cassette \""+typo+"\"") {
		t.Errorf("stderr = %q, want one line saying there is no cassette %q", stderr, typo)
	}
	if _, near, _ := strings.Cut(stderr, "nearest: "); !strings.HasPrefix(near, nameOf(ex[2])) {
		t.Errorf("stderr = %q, want the nearest name %s first", stderr, nameOf(ex[2]))
	}
}

func TestNearest(t *testing.T) {
	names := []string{"GET_a_80_users", "GET_a_80_users_1", "POST_a_80_orders", "GET_b_80_x"}
	got := nearest("GET_a_80_user", names, 2)
	if strings.Join(got, " ") != "GET_a_80_users GET_a_80_users_1" {
		t.Errorf("nearest(GET_a_80_user) = %q, want the two users cassettes", got)
	}
	// A part of a name, or a name in another case, finds it: edit
	// distance alone ranks the shortest names first, whatever they hold.
	mixed := []string{"GET_a_80", "GET_a_80_v1_users", "GET_b_8080_v2_cities", "POST_b_8080_v2_alerts~b1bd08490",
		"GET_b_8080_v2_forecast__city=lyon~u1", "GET_b_8080_v2_forecast__city=paris~u2"}
	for _, tt := range []struct {
		why, name string
		n         int
		want      string
	}{
		{"a part of one name", "alerts", 1, "POST_b_8080_v2_alerts~b1bd08490"},
		{"a part of two names", "forecast", 2, "GET_b_8080_v2_forecast__city=lyon~u1 GET_b_8080_v2_forecast__city=paris~u2"},
		{"a part in another case", "V1_Users", 1, "GET_a_80_v1_users"},
		{"a name in another case", "get_b_8080_v2_cities", 1, "GET_b_8080_v2_cities"},
	} {
		if got := nearest(tt.name, mixed, tt.n); strings.Join(got, " ") != tt.want {
			t.Errorf("nearest(%s) = %q, want %s (%s)", tt.name, got, tt.want, tt.why)
		}
	}
	if got := nearest("x", nil, 3); len(got) != 0 {
		t.Errorf("nearest in no names = %q, want none", got)
	}
	if d := levenshtein("kitten", "sitting"); d != 3 {
		t.Errorf("levenshtein(kitten, sitting) = %d, want 3", d)
	}
}

// TestToolsQuoteTextThatDoesNotPrint: a hand-edited cassette (one from a
// pull request, say) whose method, URL or header holds a line break or an
// escape sequence is shown with that text quoted, so that show does not
// print a header value as two headers (replay sends it as one, with a
// space), and neither show, ls, audit nor the table of routes serve
// prints passes escape sequences to the reader's terminal. A body with a
// carriage return alone, which takes a terminal back over what it wrote,
// is no text to show as is.
func TestToolsQuoteTextThatDoesNotPrint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "api")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const cassette = `{"version": 1, "exchanges": [{
	"request": {"method": "GET\u001b[2K", "url": "http://h/a\n\u001b[1Afake",
		"headers": {"Authorization": ["Bearer REDACTED\nX-Note: all redacted"]}},
	"response": {"status": 200, "headers": {"Content-Type": ["text/plain"], "X-A": ["one\r\nX-Injected: two"],
		"X-Api-Key\r                \r": ["AKIAIOSFODNN7EXAMPLE"]},
		"body": "AKIAIOSFODNN7EXAMPLE\r                    "}}]}`
	if err := os.WriteFile(filepath.Join(dir, "GET_h_80_a.json"), []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		want []string // in stdout
	}{
		{[]string{"show", dir, "GET_h_80_a"}, exitOK, []string{
			`"GET\x1b[2K" "http://h/a\n\x1b[1Afake"` + "\n",
			`Authorization: "Bearer REDACTED\nX-Note: all redacted"` + "\n",
			`X-A: "one\r\nX-Injected: two"` + "\n",
			`"X-Api-Key\r                \r": AKIAIOSFODNN7EXAMPLE` + "\n",
			"<41 bytes, text/plain>\n"}},
		{[]string{"ls", dir}, exitOK, []string{`"GET\x1b[2K"`, `"http://h/a\n\x1b[1Afake"`}},
		{[]string{"audit", dir}, exitError, []string{`\r`}},
		{[]string{"serve", dir}, exitOK, []string{`"GET\x1b[2K"`, `"http://h/a\n\x1b[1Afake"`}},
	}
	lib, err := library.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var routes strings.Builder // the table serve prints
	printRoutes(&routes, lib)
	for _, tt := range tests {
		var code int
		var stdout string
		if tt.args[0] == "serve" { // the table it prints first, without serving
			code, stdout = exitOK, routes.String()
		} else {
			code, stdout, _ = runSync(t, tt.args...)
		}
		if code != tt.code {
			t.Errorf("run(%q) = %d, want %d", tt.args, code, tt.code)
		}
		for _, w := range tt.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("run(%q) stdout lacks %q:\n%s", tt.args, w, stdout)
			}
		}
		if i := strings.IndexFunc(stdout, func(r rune) bool { return r != '\n' && unicode.IsControl(r) }); i >= 0 {
			t.Errorf("run(%q) stdout holds %q at %d:\n%q", tt.args, stdout[i], i, stdout)
		}
		if strings.Contains(stdout, "\nX-Injected") || strings.Contains(stdout, "\nX-Note") || strings.Contains(stdout, "\nfake") {
			t.Errorf("run(%q) stdout shows a field of a value as a line of its own:\n%s", tt.args, stdout)
		}
	}
}

// The summary of a body that is not shown ("<N bytes, TYPE, ENCODING>")
// names its Content-Type and Content-Encoding as the header lines do:
// quoted when a hand-edited value holds an escape sequence or a line
// break, which would otherwise reach the reader's terminal (or start a
// line of its own) there. So does the summary of an aws-chunked upload,
// which joins its Content-Encoding fields.
func TestShowSummaryQuotesTypeAndEncoding(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "api")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const cassette = `{"version": 1, "exchanges": [{
	"request": {"method": "PUT", "url": "http://127.0.0.1:9000/b/k",
		"headers": {"X-Amz-Content-Sha256": ["STREAMING-UNSIGNED-PAYLOAD-TRAILER"],
			"Content-Encoding": ["aws-chunked", "\r\n"]},
		"body": "7\r\n{\"n\":1}\r\n0\r\n\r\n"},
	"response": {"status": 200, "headers": {"Content-Type": ["image/png\r\nX-Injected: 1\u001b]0;pwned\u0007"],
		"Content-Encoding": ["gzip\u001b[2J"]},
		"body": "\u0000\u0001\u0002"}}]}`
	if err := os.WriteFile(filepath.Join(dir, "PUT_k.json"), []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runSync(t, "show", dir, "PUT_k")
	if code != exitOK || stderr != "" {
		t.Fatalf("show = %d, stderr %q; want 0 and none", code, stderr)
	}
	for _, w := range []string{
		`<17 bytes, text/plain; charset=utf-8, "aws-chunked,\r\n">, shown decoded:` + "\n",
		`<3 bytes, "image/png\r\nX-Injected: 1\x1b]0;pwned\a", "gzip\x1b[2J">` + "\n",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("show stdout lacks %q:\n%s", w, stdout)
		}
	}
	if i := strings.IndexFunc(stdout, func(r rune) bool { return r != '\n' && unicode.IsControl(r) }); i >= 0 {
		t.Errorf("show stdout holds %q at %d:\n%q", stdout[i], i, stdout)
	}
	if strings.Contains(stdout, "\nX-Injected") {
		t.Errorf("show stdout shows a field of a value as a line of its own:\n%s", stdout)
	}
}

// Most APIs answer in gzip, which a recording keeps as sent: show decodes
// text stored in gzip or deflate for the reader, after the summary of what
// is stored, and indents it when it is JSON.
func TestShowDecodesCompressedText(t *testing.T) {
	var zl bytes.Buffer
	zw := zlib.NewWriter(&zl)
	io.WriteString(zw, "plain text\nsecond line\n")
	zw.Close()
	withEncoding := func(ex library.Exchange, enc string) library.Exchange {
		ex.Response.Header.Set("Content-Encoding", enc)
		return ex
	}
	gzJSON := withEncoding(exchange("GET", "https://api.example.com/v1/users/7", "", 200, "application/json; charset=utf-8",
		gzipped(t, `{"id":"7","name":"Ada","roles":["admin","ops"]}`), fixedNow), "gzip")
	deflateText := withEncoding(exchange("GET", "https://api.example.com/v1/notes", "", 200, "text/plain", zl.Bytes(), fixedNow), "deflate")
	gzBinary := withEncoding(exchange("GET", "https://api.example.com/logo.png", "", 200, "image/png", gzipped(t, string(pngBytes)), fixedNow), "gzip")
	notGzip := withEncoding(exchange("GET", "https://api.example.com/v1/broken", "", 200, "application/json", []byte(`{"not":"gzip"}`), fixedNow), "gzip")
	brotli := withEncoding(exchange("GET", "https://api.example.com/v1/br", "", 200, "application/json", []byte{0x8b, 0x02, 0x80}, fixedNow), "br")
	gzRequest := exchange("POST", "https://api.example.com/v1/bulk", "", 200, "text/plain", []byte("ok"), fixedNow)
	gzRequest.Request.Header.Set("Content-Type", "application/json")
	gzRequest.Request.Header.Set("Content-Encoding", "gzip")
	gzRequest.Request.Body = gzipped(t, `{"index":{"_id":1}}`)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, gzJSON, deflateText, gzBinary, notGzip, brotli, gzRequest)

	tests := []struct {
		why  string
		ex   library.Exchange
		raw  bool
		want []string // in stdout, in this order
		not  []string
	}{
		{"gzip JSON: summarized, then indented", gzJSON, false,
			[]string{fmt.Sprintf("<%d bytes, application/json; charset=utf-8, gzip>, shown decoded:\n{\n  \"id\": \"7\",\n  \"name\": \"Ada\",", len(gzJSON.Response.Body))}, nil},
		{"deflate text: summarized, then as it is", deflateText, false,
			[]string{fmt.Sprintf("<%d bytes, text/plain, deflate>, shown decoded:\nplain text\nsecond line\n", zl.Len())}, nil},
		{"gzip of a binary body: summarized only", gzBinary, false,
			[]string{"bytes, image/png, gzip>\n"}, []string{"shown decoded", "PNG"}},
		{"a body that is not in its coding: summarized only", notGzip, false,
			[]string{"<14 bytes, application/json, gzip>\n"}, []string{"shown decoded", `"not"`}},
		{"br, which Go cannot decode: summarized only", brotli, false,
			[]string{"<3 bytes, application/json, br>\n"}, []string{"shown decoded"}},
		{"a gzip request body too", gzRequest, false,
			[]string{"POST https://api.example.com/v1/bulk", "application/json, gzip>, shown decoded:\n{\n  \"index\": {"}, nil},
		{"-raw writes the body as stored", gzJSON, true,
			[]string{string(gzJSON.Response.Body)}, []string{"shown decoded", `"Ada"`}},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			args := []string{"show", path, nameOf(tt.ex)}
			if tt.raw {
				args = append(args, "-raw")
			}
			code, stdout, stderr := runSync(t, args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("run(%q) = %d, stderr %q; want 0 and none", args, code, stderr)
			}
			rest := stdout
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("run(%q) stdout lacks %q (in order):\n%s", args, w, stdout)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(stdout, n) {
					t.Errorf("run(%q) stdout has %q:\n%s", args, n, stdout)
				}
			}
		})
	}
}

// A few hundred KiB of gzip in a cassette (a decompression bomb: one from
// a pull request, say) decode to gigabytes. show, audit and drift decoded
// such a body to up to 256 MiB, held and copied it in memory (show
// indented it: 3.7 GB of memory for a 345 KB cassette of a 254 MiB JSON
// array; audit used 7 GB), and audit scanned one that decoded to more
// as stored, so a token at its start went unseen. They now decode at most
// maxDecoded (64 MiB): show summarizes a body that decodes to more,
// drift compares it as stored, and audit scans its first maxDecoded
// bytes.
func TestCompressedBodyDecodedToMaxDecodedAtMost(t *testing.T) {
	const secret = `{"access_token": "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "pad": "`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(secret))
	pad := bytes.Repeat([]byte(" "), 1<<20)
	for n := len(secret); n <= maxDecoded; n += len(pad) {
		zw.Write(pad)
	}
	zw.Write([]byte(`"}`))
	zw.Close()
	h := http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}}
	body := gz.Bytes()

	var out bytes.Buffer
	writeBody(&out, h, body, false)
	if want := fmt.Sprintf("\n<%d bytes, application/json, gzip>\n", len(body)); out.String() != want {
		t.Errorf("show of a gzip body decoding to over %d bytes wrote %d bytes, starting %.100q; want the summary %q", maxDecoded, out.Len(), out.String(), want)
	}
	if got := decoded(h, body); !bytes.Equal(got, body) {
		t.Errorf("decoded (drift) of a gzip body decoding to over %d bytes = %d bytes, want it as stored (%d bytes)", maxDecoded, len(got), len(body))
	}
	got := scanned(h, body)
	if len(got) != maxDecoded || !bytes.HasPrefix(got, []byte(secret)) {
		t.Errorf("scanned (audit) of a gzip body decoding to over %d bytes = %d bytes starting %.80q, want its first %d decoded", maxDecoded, len(got), got, maxDecoded)
	}
}
