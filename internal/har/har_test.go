package har

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/google/go-cmp/cmp"
)

func readSample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../../testdata/chromium-sample.har")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// byName returns the cassettes by name, failing if one holds other than
// one exchange.
func byName(t *testing.T, cs []library.Cassette) map[string]library.Exchange {
	t.Helper()
	m := make(map[string]library.Exchange)
	for _, c := range cs {
		if len(c.Exchanges) != 1 {
			t.Errorf("cassette %s has %d exchanges, want 1", c.Name, len(c.Exchanges))
			continue
		}
		m[c.Name] = c.Exchanges[0]
	}
	return m
}

func TestImportChromium(t *testing.T) {
	cs, _, err := Import(readSample(t))
	if err != nil {
		t.Fatal(err)
	}
	got := byName(t, cs)
	const host = "GET_127.0.0.1_40099"
	want := []string{host, host + "_v2_cities", host + "_v2_forecast__city=lyon,days=3",
		"POST_127.0.0.1_40099_v2_alerts~b", host + "_v2_map.png", host + "_v2_bulletin"}
	if len(cs) != len(want) {
		t.Fatalf("Import(chromium-sample.har) gave %d cassettes, want %d: %v", len(cs), len(want), names(cs))
	}
	for i, w := range want {
		if !strings.HasPrefix(cs[i].Name, w) {
			t.Errorf("cassette %d = %s, want a name starting %s", i, cs[i].Name, w)
		}
	}

	cities := got[host+"_v2_cities"]
	if b := string(cities.Response.Body); b != `[{"id":1,"name":"Besançon"},{"id":2,"name":"apple"}]` {
		t.Errorf("cities body = %q", b)
	}
	if w := time.Date(2026, 11, 24, 18, 45, 57, 95e6, time.UTC); !cities.RecordedAt.Equal(w) {
		t.Errorf("cities RecordedAt = %v, want %v", cities.RecordedAt, w)
	}
	if cities.Latency != 13598*time.Microsecond {
		t.Errorf("cities Latency = %v, want 13.598ms", cities.Latency)
	}
	if v := cities.Request.Header["Sec-Ch-Ua-Mobile"]; len(v) != 1 || v[0] != "?0" {
		t.Errorf("request header sec-ch-ua-mobile = %q, want [?0] under its canonical name", v)
	}

	post := cs[3].Exchanges[0]
	if post.Request.Method != "POST" || string(post.Request.Body) != `{"item":2,"qty":3}` || post.Response.StatusCode != 201 {
		t.Errorf("POST = %s %q -> %d, want POST {\"item\":2,\"qty\":3} -> 201", post.Request.Method, post.Request.Body, post.Response.StatusCode)
	}

	png := got[host+"_v2_map.png"]
	// The bytes are those of the base64 text (they are not a valid image:
	// they are compared, never decoded as one).
	var raw struct {
		Log struct {
			Entries []entry `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(readSample(t), &raw); err != nil {
		t.Fatal(err)
	}
	c := raw.Log.Entries[4].Response.Content
	wantPNG, err := base64.StdEncoding.DecodeString(c.Text)
	if err != nil || c.Encoding != "base64" || len(wantPNG) != 71 {
		t.Fatalf("sample map.png content: %d bytes, encoding %q, %v; want 71 bytes of base64", len(wantPNG), c.Encoding, err)
	}
	if !bytes.Equal(png.Response.Body, wantPNG) {
		t.Errorf("map.png body = %x, want the base64-decoded bytes %x", png.Response.Body, wantPNG)
	}

	news := got[host+"_v2_bulletin"]
	if !strings.HasPrefix(string(news.Response.Body), "all the news all the news") || len(news.Response.Body) != 650 {
		t.Errorf("bulletin body = %d bytes %.30q, want the 650 decoded bytes", len(news.Response.Body), news.Response.Body)
	}
	if ce := news.Response.Header.Values("Content-Encoding"); ce != nil {
		t.Errorf("bulletin Content-Encoding = %q, want it removed (the HAR holds the decoded body)", ce)
	}
	if cl := news.Response.Header.Get("Content-Length"); cl != "650" {
		t.Errorf("bulletin Content-Length = %q, want 650", cl)
	}
	if ct := news.Response.Header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("bulletin Content-Type = %q, want text/plain", ct)
	}
}

func names(cs []library.Cassette) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestRoundTripChromium(t *testing.T) {
	first, _, err := Import(readSample(t))
	if err != nil {
		t.Fatal(err)
	}
	data, err := Export(first)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := Import(data)
	if err != nil {
		t.Fatalf("Import(Export(...)): %v\n%s", err, data)
	}
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("Import(Export(Import(chromium-sample.har))) differs (-first +again):\n%s", diff)
	}
}

func gzipBytes(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

// TestRoundTripLossless exports what HAR cannot say natively (binary
// request bodies, trailers, encoded bodies, unknown times) and reads it
// back unchanged.
func TestRoundTripLossless(t *testing.T) {
	exs := []library.Exchange{{
		Request: library.Request{Method: "PUT", URL: "https://example.com/up?x=1&y=%C3%A9",
			Header: http.Header{"Content-Type": {"application/octet-stream"}, "X-Multi": {"1", "2", "1"}},
			Body:   []byte{0, 1, 0xff, 0xfe}},
		Response: library.Response{StatusCode: 200,
			Header:  http.Header{"Content-Encoding": {"gzip"}, "Set-Cookie": {"a=1; Path=/", "b=2"}},
			Trailer: http.Header{"X-Checksum": {"abc"}},
			Body:    gzipBytes("hello")},
	}, {
		Request:    library.Request{Method: "GET", URL: "https://example.com/up?x=1&y=%C3%A9"},
		Response:   library.Response{StatusCode: 304},
		Latency:    1234567 * time.Nanosecond,
		RecordedAt: time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC),
	}, {
		Request: library.Request{Method: "GET", URL: "https://example.com/up?x=1&y=%C3%A9"},
		Response: library.Response{StatusCode: 200, Body: []byte("second"),
			Chunks: []library.Chunk{{Size: 2, At: time.Millisecond}, {Size: 4, At: 2500 * time.Microsecond}}},
	}}
	var cs []library.Cassette
	for i, ex := range exs {
		name, err := nameOf(ex.Request)
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			cs[1].Exchanges = append(cs[1].Exchanges, ex)
			continue
		}
		cs = append(cs, library.Cassette{Name: name, Exchanges: []library.Exchange{ex}})
	}
	data, err := Export(cs)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Import(data)
	if err != nil {
		t.Fatalf("Import: %v\n%s", err, data)
	}
	if diff := cmp.Diff(cs, got); diff != "" {
		t.Errorf("Import(Export(cs)) differs (-cs +got):\n%s\nHAR:\n%s", diff, data)
	}
}

// TestExportSchema checks the fields HAR 1.2 requires.
func TestExportSchema(t *testing.T) {
	cs, _, err := Import(readSample(t))
	if err != nil {
		t.Fatal(err)
	}
	data, err := Export(cs)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Log struct {
			Version string                       `json:"version"`
			Creator map[string]string            `json:"creator"`
			Entries []map[string]json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if v.Log.Version != "1.2" || v.Log.Creator["name"] != "cassette" || v.Log.Creator["version"] == "" {
		t.Errorf("log version %q creator %v, want 1.2 and cassette with a version", v.Log.Version, v.Log.Creator)
	}
	if len(v.Log.Entries) != 6 {
		t.Fatalf("%d entries, want 6", len(v.Log.Entries))
	}
	required := map[string][]string{
		"":         {"startedDateTime", "time", "request", "response", "cache", "timings"},
		"request":  {"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"},
		"response": {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"},
		"timings":  {"send", "wait", "receive"},
	}
	for i, e := range v.Log.Entries {
		for obj, fields := range required {
			m := e
			if obj != "" {
				if err := json.Unmarshal(e[obj], &m); err != nil {
					t.Fatalf("entry %d %s: %v", i, obj, err)
				}
			}
			for _, f := range fields {
				if _, ok := m[f]; !ok {
					t.Errorf("entry %d %s lacks %q", i, obj, f)
				}
			}
		}
	}
	var post struct {
		Request struct {
			PostData map[string]any `json:"postData"`
			Query    []nvPair       `json:"queryString"`
		} `json:"request"`
		Response struct {
			Content content `json:"content"`
		} `json:"response"`
		Timings timings `json:"timings"`
	}
	json.Unmarshal(mustJSON(t, v.Log.Entries[3]), &post)
	if post.Request.PostData["text"] != `{"item":2,"qty":3}` || post.Request.PostData["mimeType"] != "application/json" {
		t.Errorf("POST postData = %v", post.Request.PostData)
	}
	if post.Response.Content.Size != 37 || post.Response.Content.MimeType != "application/json" {
		t.Errorf("POST content = %+v", post.Response.Content)
	}
	if post.Timings.Wait != 7.228 {
		t.Errorf("POST timings.wait = %v, want the latency 7.228", post.Timings.Wait)
	}
	var q struct {
		Request struct {
			Query []nvPair `json:"queryString"`
		} `json:"request"`
	}
	json.Unmarshal(mustJSON(t, v.Log.Entries[2]), &q)
	if diff := cmp.Diff([]nvPair{{"city", "Lyon"}, {"days", "3"}}, q.Request.Query); diff != "" {
		t.Errorf("forecast queryString (-want +got):\n%s", diff)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportEdges(t *testing.T) {
	const har = `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[
	{"startedDateTime":"2026-01-01T00:00:00.5+01:00","time":2,
	 "request":{"method":"GET","url":"https://h.example/a","headers":[
	   {"name":":authority","value":"h.example"},{"name":"accept","value":"a"},{"name":"Accept","value":"b"}]},
	 "response":{"status":200,"headers":[{"name":"content-encoding","value":"gzip"},{"name":"content-length","value":"3"}],
	   "content":{"size":5,"mimeType":"text/plain","text":"hello"}}},
	{"startedDateTime":"2026-01-01T00:00:00Z","time":1,
	 "request":{"method":"GET","url":"https://h.example/a"},
	 "response":{"status":200,"headers":[{"name":"Content-Encoding","value":"br"}],"content":{"size":0,"mimeType":""}}}
	]}}`
	cs, _, err := Import([]byte(har))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || len(cs[0].Exchanges) != 2 {
		t.Fatalf("Import gave %d cassettes, want 1 with the 2 exchanges of one request", len(cs))
	}
	ex := cs[0].Exchanges[0]
	if diff := cmp.Diff(http.Header{"Accept": {"a", "b"}}, ex.Request.Header); diff != "" {
		t.Errorf("request header: pseudo-header kept or duplicates lost (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(http.Header{"Content-Length": {"5"}}, ex.Response.Header); diff != "" {
		t.Errorf("decoded gzip body: header (-want +got):\n%s", diff)
	}
	if !ex.RecordedAt.Equal(time.Date(2025, 12, 31, 23, 0, 0, 5e8, time.UTC)) {
		t.Errorf("RecordedAt = %v", ex.RecordedAt)
	}
	// An empty body says nothing about its encoding: the header stays.
	if ce := cs[0].Exchanges[1].Response.Header.Get("Content-Encoding"); ce != "br" {
		t.Errorf("empty br body: Content-Encoding = %q, want br kept", ce)
	}

	for _, bad := range []string{`not json`, `{}`, `{"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":"http://x/"},"response":{"status":1000}}]}}`} {
		if _, _, err := Import([]byte(bad)); err == nil {
			t.Errorf("Import(%s) succeeded, want an error", bad)
		}
	}
	// Errors in the words of a HAR file, not of the Go types it is
	// decoded into (they said "into Go value of type har.archive").
	for bad, want := range map[string]string{
		"":                        "empty file",
		" \n":                     "empty file",
		`[]`:                      "not a HAR file: the document is a JSON array",
		`{"log": []}`:             "not a HAR file: log is a JSON array",
		`{"log": {"entries": 3}}`: "not a HAR file: log.entries is a JSON number",
		`{"log": `:                "not JSON",
	} {
		_, _, err := Import([]byte(bad))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "Go value") {
			t.Errorf("Import(%q) = %v; want an error saying %q", bad, err, want)
		}
	}
}

// TestImportSkipsRequestsWithoutResponse: a browser logs requests that got
// no response (status 0); they have nothing to replay and are skipped,
// each said, and the rest is imported.
func TestImportSkipsRequestsWithoutResponse(t *testing.T) {
	data := `{"log":{"version":"1.2","entries":[
		{"request":{"method":"GET","url":"http://x/blocked"},"response":{"status":0}},
		{"request":{"method":"GET","url":"http://x/ok"},"response":{"status":200,"content":{"text":"fine"}}},
		{"request":{"method":"GET","url":"ws://x/socket"},"response":{"status":101}}]}}`
	cs, skipped, err := Import([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || len(cs[0].Exchanges) != 1 || string(cs[0].Exchanges[0].Response.Body) != "fine" {
		t.Errorf("Import gave %v, want the one answered request", names(cs))
	}
	if len(skipped) != 2 || !strings.Contains(skipped[0], "entry 1 (GET http://x/blocked)") || !strings.Contains(skipped[0], "no response") ||
		!strings.Contains(skipped[1], "entry 3 (GET ws://x/socket)") || !strings.Contains(skipped[1], "status 101 is no final answer") {
		t.Errorf("skipped = %q, want entries 1 and 3 named, with why", skipped)
	}
}

// TestImportFormBodies: HAR 1.2 gives a form as postData.params instead of
// text, and a body's type as postData.mimeType, which a request header may
// not repeat. A form of params is rebuilt as its URL-encoded body; the
// mimeType becomes the Content-Type header, which naming and redaction
// read (before, the params were lost and a form's password was stored
// unredacted).
func TestImportFormBodies(t *testing.T) {
	data := `{"log":{"version":"1.2","entries":[
		{"request":{"method":"POST","url":"http://x/params","postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"user","value":"bob"},{"name":"pass word","value":"a&b"}]}},
		 "response":{"status":200,"content":{"text":"ok"}}},
		{"request":{"method":"POST","url":"http://x/text","postData":{"mimeType":"application/x-www-form-urlencoded","text":"user=bob&password=hunter2"}},
		 "response":{"status":200,"content":{"text":"ok"}}},
		{"request":{"method":"POST","url":"http://x/multipart","postData":{"mimeType":"multipart/form-data; boundary=B","params":[{"name":"f","fileName":"a.txt"}]}},
		 "response":{"status":200,"content":{"text":"ok"}}}]}}`
	if _, _, err := Import([]byte(data)); err == nil || !strings.Contains(err.Error(), "params but no text") {
		t.Errorf("Import of multipart params without text: %v; want an error saying it cannot be rebuilt", err)
	}
	i := strings.Index(data, `,
		{"request":{"method":"POST","url":"http://x/multipart"`)
	cs, _, err := Import([]byte(data[:i] + "]}}"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]library.Request{}
	for _, c := range cs {
		got[c.Exchanges[0].Request.URL] = c.Exchanges[0].Request
	}
	if r := got["http://x/params"]; string(r.Body) != "user=bob&pass+word=a%26b" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("params: body %q, Content-Type %q; want the URL-encoded form and its type", r.Body, r.Header.Get("Content-Type"))
	}
	if r := got["http://x/text"]; r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("text with mimeType only: Content-Type %q; want the mimeType", r.Header.Get("Content-Type"))
	}
}

// Some tools join the values of a repeated header with line breaks, which
// no header value may hold (the replay would fail on it): each line is
// imported as a value of its own, in order.
func TestImportSplitsHeaderValuesJoinedByLineBreaks(t *testing.T) {
	const har = `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[
	{"startedDateTime":"2026-01-01T00:00:00Z","time":1,
	 "request":{"method":"GET","url":"https://h.example/login"},
	 "response":{"status":200,"headers":[{"name":"Set-Cookie","value":"a=1; Path=/\nb=2; Path=/\r\nc=3"},{"name":"set-cookie","value":"d=4"}],
	   "content":{"size":2,"mimeType":"text/plain","text":"ok"}}}
	]}}`
	cs, _, err := Import([]byte(har))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || len(cs[0].Exchanges) != 1 {
		t.Fatalf("Import gave %d cassettes, want 1", len(cs))
	}
	want := []string{"a=1; Path=/", "b=2; Path=/", "c=3", "d=4"}
	if diff := cmp.Diff(want, cs[0].Exchanges[0].Response.Header["Set-Cookie"]); diff != "" {
		t.Errorf("Set-Cookie values (-want +got):\n%s", diff)
	}
}

// A response body sent gzip- or deflate-encoded is exported decoded, as
// HAR 1.2 asks and browsers write it (a HAR viewer shows the text), with
// the decoded size and the bytes saved; the body as sent is in "_encoded",
// from which Import restores it byte for byte. One that does not decode,
// or in br, is exported as sent.
func TestExportDecodesEncodedBodies(t *testing.T) {
	var deflated bytes.Buffer
	zw := zlib.NewWriter(&deflated)
	zw.Write([]byte(`{"ok":true}`))
	zw.Close()
	bad := []byte{0x1f, 0x8b, 1, 2, 3}
	cases := []struct {
		enc       string
		body      []byte
		wantText  string // the content's text
		wantBytes bool   // whether _encoded is written
	}{
		{"gzip", gzipBytes("hello, world"), "hello, world", true},
		{"deflate", deflated.Bytes(), `{"ok":true}`, true},
		{"gzip", bad, base64.StdEncoding.EncodeToString(bad), false},
		{"br", []byte("\x8b\x05\x80hello\x03"), base64.StdEncoding.EncodeToString([]byte("\x8b\x05\x80hello\x03")), false},
	}
	for _, c := range cases {
		ex := library.Exchange{
			Request:  library.Request{Method: "GET", URL: "https://example.com/" + c.enc},
			Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {c.enc}, "Content-Type": {"text/plain"}}, Body: c.body},
		}
		cs, data, got := exportOne(t, ex)
		if got.Text != c.wantText || (len(got.Encoded) != 0) != c.wantBytes {
			t.Errorf("%s %x: content text %q, _encoded %q; want text %q, _encoded written %v", c.enc, c.body, got.Text, got.Encoded, c.wantText, c.wantBytes)
		}
		if c.wantBytes && (got.Size != int64(len(c.wantText)) || got.Compression != int64(len(c.wantText)-len(c.body))) {
			t.Errorf("%s: size %d, compression %d; want %d and %d", c.enc, got.Size, got.Compression, len(c.wantText), len(c.wantText)-len(c.body))
		}
		back, _, err := Import(data)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(cs, back); diff != "" {
			t.Errorf("%s: Import(Export(cs)) differs (-cs +got):\n%s", c.enc, diff)
		}
	}
}

// A gzip or deflate body that decodes to more than MaxExportDecoded (a
// decompression bomb: here 66 KiB of gzip that decode to 64 MiB and a byte) was
// decoded up to 256 MiB and written as text, so that Export of a small
// cassette held gigabytes in memory. It is written as sent, marked
// "_asSent", and Import gives it back byte for byte.
func TestExportWritesABodyDecodingPastTheLimitAsSent(t *testing.T) {
	// Gzip members of 1 MiB each, one after the other, as a gzip body may
	// hold them (RFC 1952): cheaper to make than one member of 64 MiB.
	member := gzipBytes(strings.Repeat("a", 1<<20))
	bomb := append(bytes.Repeat(member, MaxExportDecoded>>20), gzipBytes("a")...)
	ex := library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://example.com/bomb"},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: bomb},
	}
	cs, data, got := exportOne(t, ex)
	if !got.AsSent || len(got.Encoded) != 0 || got.Encoding != "base64" || got.Text != base64.StdEncoding.EncodeToString(bomb) || got.Size != int64(len(bomb)) {
		t.Errorf("gzip of %d bytes decoding to %d: content of %d bytes of text (encoding %q, size %d), _asSent %v, _encoded of %d bytes; want it as sent, in base64, marked _asSent",
			len(bomb), MaxExportDecoded+1, len(got.Text), got.Encoding, got.Size, got.AsSent, len(got.Encoded))
	}
	back, _, err := Import(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cs, back); diff != "" {
		t.Errorf("Import(Export(cs)) differs (-cs +got):\n%.2000s", diff)
	}
}

// The "_encoded" field is trusted only in a HAR that Export wrote, and
// only while the text still decodes from it: a text edited by hand wins
// (it was dropped for the bytes in "_encoded"), and another tool's field
// of that name, of any type, is ignored (it was decoded as base64, or
// failed the import). Found by a review.
func TestImportTrustsEncodedOnlyWhenItMatches(t *testing.T) {
	ex := library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://example.com/gz"},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: gzipBytes("old answer")},
	}
	_, data, _ := exportOne(t, ex)
	edited := bytes.Replace(data, []byte(`"text": "old answer"`), []byte(`"text": "new answer"`), 1)
	if bytes.Equal(edited, data) {
		t.Fatalf("the exported text is not where the test expects it:\n%s", data)
	}
	cs, _, err := Import(edited)
	if err != nil {
		t.Fatal(err)
	}
	if got := cs[0].Exchanges[0].Response; string(got.Body) != "new answer" || got.Header.Get("Content-Encoding") != "" {
		t.Errorf("an edited text imports as %q with Content-Encoding %q; want the edit, decoded", got.Body, got.Header.Get("Content-Encoding"))
	}

	for _, field := range []string{`"none"`, `true`, `"` + base64.StdEncoding.EncodeToString(gzipBytes("other")) + `"`} {
		foreign := `{"log":{"version":"1.2","creator":{"name":"othertool","version":"1"},"entries":[{"startedDateTime":"2026-01-02T03:04:05Z","time":1,` +
			`"request":{"method":"GET","url":"https://example.com/plain","httpVersion":"HTTP/1.1","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},` +
			`"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[{"name":"Content-Type","value":"text/plain"}],"cookies":[],` +
			`"content":{"size":5,"mimeType":"text/plain","text":"hello","_encoded":` + field + `},"redirectURL":"","headersSize":-1,"bodySize":5},"cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}`
		cs, _, err := Import([]byte(foreign))
		if err != nil {
			t.Errorf("_encoded %s of another tool: Import = %v", field, err)
			continue
		}
		if got := cs[0].Exchanges[0].Response.Body; string(got) != "hello" {
			t.Errorf("_encoded %s of another tool: body %q, want hello", field, got)
		}
	}
}

// A gzip body whose Content-Encoding is given in two fields (gzip, then
// gzip again) is not one coding: it is written as sent, marked so, and
// comes back byte for byte (found by a review: one gzip was taken off,
// and the inner one shown as the text).
func TestExportOfTwoContentEncodingFields(t *testing.T) {
	twice := gzipBytes(string(gzipBytes("hello")))
	ex := library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://example.com/twice"},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip", "gzip"}}, Body: twice},
	}
	cs, data, c := exportOne(t, ex)
	if !c.AsSent || len(c.Encoded) != 0 {
		t.Errorf("content %+v; want the body as sent, marked _asSent", c)
	}
	back, _, err := Import(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cs, back); diff != "" {
		t.Errorf("Import(Export(cs)) differs (-cs +got):\n%s", diff)
	}
}

// exportOne exports ex, alone in its cassette: it returns that cassette,
// the HAR, and the content of its response there.
func exportOne(t *testing.T, ex library.Exchange) ([]library.Cassette, []byte, content) {
	t.Helper()
	name, err := nameOf(ex.Request)
	if err != nil {
		t.Fatal(err)
	}
	cs := []library.Cassette{{Name: name, Exchanges: []library.Exchange{ex}}}
	data, err := Export(cs)
	if err != nil {
		t.Fatal(err)
	}
	var a archive
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	return cs, data, a.Log.Entries[0].Response.Content
}

// A gzip of nothing (an empty answer a server compressed anyway) is
// exported with an empty text and comes back byte for byte (found by a
// review: the empty text made import skip _encoded, and the gzip header
// stayed on an empty body).
func TestRoundTripOfAGzippedEmptyBody(t *testing.T) {
	ex := library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://example.com/empty"},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}}, Body: gzipBytes("")},
	}
	cs, data, _ := exportOne(t, ex)
	back, _, err := Import(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cs, back); diff != "" {
		t.Errorf("Import(Export(cs)) differs (-cs +got):\n%s\nHAR:\n%s", diff, data)
	}
}

// TestImportWarnsOfBodiesNotInTheHAR: a browser leaves out the text of a
// response whose content it no longer had (DevTools opened late, a body
// evicted from its cache, "Save all as HAR" without content): content.size
// says there was a body, and no text gives it. Imported silently, the
// cassette replayed an empty body in its place; the import says so.
func TestImportWarnsOfBodiesNotInTheHAR(t *testing.T) {
	data := `{"log":{"version":"1.2","entries":[
		{"request":{"method":"GET","url":"http://x/lost"},"response":{"status":200,"content":{"size":100,"mimeType":"text/plain"}}},
		{"request":{"method":"GET","url":"http://x/ok"},"response":{"status":200,"content":{"size":4,"text":"fine"}}},
		{"request":{"method":"GET","url":"http://x/none"},"response":{"status":304,"content":{"size":0}}}]}}`
	cs, skipped, err := Import([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 {
		t.Errorf("Import gave %v, want the three entries", names(cs))
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0], "entry 1 (GET http://x/lost)") || !strings.Contains(skipped[0], "no response body") {
		t.Errorf("warnings = %q, want one for entry 1, whose body the HAR does not hold", skipped)
	}
}

// An answer that has no body by HTTP (to a HEAD, a 204, a 304) is
// imported without one whatever its content.size, which a browser sets
// to the size of the resource it revalidated or would have sent: it lost
// nothing, and no warning says it did.
func TestImportDoesNotWarnOfAnswersWithoutBodies(t *testing.T) {
	data := `{"log":{"version":"1.2","entries":[
		{"request":{"method":"GET","url":"http://x/cached"},"response":{"status":304,"content":{"size":15000,"mimeType":"text/css"}}},
		{"request":{"method":"HEAD","url":"http://x/head"},"response":{"status":200,"content":{"size":100,"mimeType":"text/plain"}}},
		{"request":{"method":"DELETE","url":"http://x/gone"},"response":{"status":204,"content":{"size":2,"mimeType":"text/plain"}}}]}}`
	cs, skipped, err := Import([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 {
		t.Errorf("Import gave %v, want the three entries", names(cs))
	}
	if len(skipped) != 0 {
		t.Errorf("warnings = %q, want none: these answers have no body", skipped)
	}
}

// The warnings and errors of an import name an entry by its URL with its
// credentials redacted, as the recorder redacts them: a HAR's page loads
// carry tokens in their queries, which the import's output on a CI log
// showed, though the cassettes it wrote hid them.
func TestImportWarningsHideCredentials(t *testing.T) {
	data := `{"log":{"version":"1.2","entries":[
		{"request":{"method":"GET","url":"https://api.example.com/blocked?access_token=s3cret1"},"response":{"status":0}},
		{"request":{"method":"GET","url":"wss://api.example.com/socket?token=s3cret2"},"response":{"status":101}},
		{"request":{"method":"GET","url":"https://me:s3cret3@api.example.com/lost?key=s3cret4#access_token=s3cret5"},"response":{"status":200,"content":{"size":100}}}]}}`
	_, skipped, err := Import([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 3 {
		t.Fatalf("warnings = %q, want three", skipped)
	}
	for i, want := range []string{
		"entry 1 (GET https://api.example.com/blocked?access_token=REDACTED)",
		"entry 2 (GET wss://api.example.com/socket?token=REDACTED)",
		"entry 3 (GET https://me:REDACTED@api.example.com/lost?key=REDACTED#access_token=REDACTED)",
	} {
		if !strings.Contains(skipped[i], want) || strings.Contains(skipped[i], "s3cret") {
			t.Errorf("warning %d = %q, want it to name %q, no secret", i+1, skipped[i], want)
		}
	}
	bad := `{"log":{"version":"1.2","entries":[
		{"request":{"method":"GET","url":"https://api.example.com/x?access_token=s3cret6"},"response":{"status":200,"content":{"text":"%%%","encoding":"base64"}}}]}}`
	if _, _, err := Import([]byte(bad)); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Import of a malformed entry = %v, want an error that shows no secret", err)
	}
}

// A URL that does not parse (a bare % in its path) is shown with its
// query's tokens redacted too, in a warning and in the error of naming
// its request, whose parse error used to quote it whole.
func TestImportMessagesHideCredentialsOfAURLThatDoesNotParse(t *testing.T) {
	skippedOnly := `{"log":{"version":"1.2","entries":[
		{"request":{"method":"GET","url":"https://api.example.com/a%zz?access_token=s3cret1"},"response":{"status":0}}]}}`
	_, skipped, err := Import([]byte(skippedOnly))
	if err != nil {
		t.Fatal(err)
	}
	want := "entry 1 (GET https://api.example.com/a%zz?access_token=REDACTED)"
	if len(skipped) != 1 || !strings.Contains(skipped[0], want) || strings.Contains(skipped[0], "s3cret") {
		t.Errorf("warnings = %q, want one naming %q, no secret", skipped, want)
	}
	bad := `{"log":{"version":"1.2","entries":[
		{"request":{"method":"GET","url":"https://api.example.com/a%zz?access_token=s3cret2"},"response":{"status":200,"content":{"text":"x"}}}]}}`
	_, _, err = Import([]byte(bad))
	want = `read HAR: entry 1 (GET https://api.example.com/a%zz?access_token=REDACTED): invalid request: invalid URL escape "%zz"`
	if err == nil || err.Error() != want {
		t.Errorf("Import = %v, want %s", err, want)
	}
}

// TestImportOfSizesPast2GiB: a HAR of a large upload or download, which a
// browser saves without its content, gives sizes past 2 GiB. The import
// takes them, and warns of the body it lacks, on 32-bit systems too,
// where they did not fit the int they were read into and the whole HAR
// was refused: "cannot unmarshal number 3221225472 into Go struct field"
// (run this test with GOARCH=386 to see it).
func TestImportOfSizesPast2GiB(t *testing.T) {
	data := `{"log":{"version":"1.2","entries":[
		{"request":{"method":"PUT","url":"http://x/upload","bodySize":3221225472},
		 "response":{"status":200,"bodySize":3221225472,"content":{"size":4294967296,"compression":1073741824,"mimeType":"video/mp4"}}}]}}`
	cs, skipped, err := Import([]byte(data))
	if err != nil {
		t.Fatalf("Import of sizes past 2 GiB = %v", err)
	}
	if len(cs) != 1 || len(skipped) != 1 || !strings.Contains(skipped[0], "content.size 4294967296") {
		t.Errorf("Import gave %v, warnings %q; want the entry, and a warning that its body is not in the HAR", names(cs), skipped)
	}
}

// OPTIONS * (a request for a server as a whole) is stored with the URL
// its client sent, "http:*", which holds no host: its cassette's name has
// it. Exported and imported, it came back named without a host
// ("OPTIONS_-~e3b0c4_80_-~u..."), a cassette no request matches. The
// host goes in the request's "_host", and comes back into the name;
// the request is imported as it was stored.
func TestRoundTripOfOptionsAsterisk(t *testing.T) {
	var cs []library.Cassette
	for _, u := range []*url.URL{
		{Scheme: "https", Host: "api.example.com", Opaque: "*"},
		{Scheme: "http", Host: "127.0.0.1:8080", Opaque: "*"},
		{Scheme: "http", Host: "Example.COM:80", Opaque: "*"},
	} {
		req := &http.Request{Method: "OPTIONS", URL: u, Host: u.Host, Header: http.Header{"Accept": {"*/*"}}}
		cs = append(cs, library.Cassette{
			Name: naming.Name(req, nil, naming.Default()),
			Exchanges: []library.Exchange{{
				Request:  library.Request{Method: "OPTIONS", URL: u.String(), Header: req.Header}, // "https:*", as the recorders store it
				Response: library.Response{StatusCode: 204, Header: http.Header{"Allow": {"GET, OPTIONS"}}},
			}},
		})
	}
	data, err := Export(cs)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Import(data)
	if err != nil {
		t.Fatalf("Import: %v\n%s", err, data)
	}
	if diff := cmp.Diff(cs, got); diff != "" {
		t.Errorf("Import(Export(cs)) differs (-cs +got):\n%s\nHAR:\n%s", diff, data)
	}
}

// DecodeContentUpTo reads no more than max bytes decoded: a body that
// decodes to more gives its first max bytes, not whole; one within max
// is whole; one not in its coding, or cut off before max, is not ok.
func TestDecodeContentUpTo(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("0123456789"))
	zw.Close()
	var zl, fl bytes.Buffer
	lw := zlib.NewWriter(&zl)
	lw.Write([]byte("0123456789"))
	lw.Close()
	fw, _ := flate.NewWriter(&fl, flate.DefaultCompression)
	fw.Write([]byte("0123456789"))
	fw.Close()
	for _, c := range []struct {
		why          string
		enc          string
		body         []byte
		max          int
		want         string
		whole, valid bool
	}{
		{"within max: whole", "gzip", gz.Bytes(), 10, "0123456789", true, true},
		{"more than max: its first max bytes", "GZIP", gz.Bytes(), 4, "0123", false, true},
		{"cut off before max: not in its coding", "gzip", gz.Bytes()[:gz.Len()-4], 20, "", false, false},
		{"not gzip", "gzip", []byte("0123456789"), 20, "", false, false},
		{"no coding", "", []byte("0123456789"), 20, "", false, false},
		{"deflate, zlib-wrapped", "deflate", zl.Bytes(), 20, "0123456789", true, true},
		{"deflate, raw", "Deflate", fl.Bytes(), 20, "0123456789", true, true},
		{"raw deflate, more than max", "deflate", fl.Bytes(), 3, "012", false, true},
		{"raw deflate with bytes after its end", "deflate", append(slices.Clip(fl.Bytes()), 'x'), 20, "", false, false},
		{"text, not deflate", "deflate", []byte("0123456789"), 20, "", false, false},
	} {
		plain, whole, ok := DecodeContentUpTo(c.enc, c.body, c.max)
		if string(plain) != c.want || whole != c.whole || ok != c.valid {
			t.Errorf("%s: DecodeContentUpTo(%q, %d bytes, %d) = %q, %v, %v; want %q, %v, %v", c.why, c.enc, len(c.body), c.max, plain, whole, ok, c.want, c.whole, c.valid)
		}
	}
}
