package naming_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// emptyBodyRuled is set when the body rule of "text/*" in fuzzRules is
// called with an empty body, which a BodyRule is promised never to get.
var emptyBodyRuled atomic.Bool

// textRule is the body rule of "text/*" in fuzzRules: the body as it is,
// noting a call with an empty body.
func textRule(contentType string, body []byte) []byte {
	if len(body) == 0 {
		emptyBodyRuled.Store(true)
	}
	return body
}

// fuzzRules are the rules of FuzzName: every body rule that parses, one
// of one's own, and a route whose pattern is fuzzed.
func fuzzRules(pattern string) naming.Rules {
	return naming.Rules{
		Headers:     []string{"x-key", "Accept"},
		IgnoreQuery: []string{"ts"},
		Bodies: map[string]naming.BodyRule{
			"application/json":                  naming.JSONBody,
			"+json":                             naming.JSONBody,
			"application/x-www-form-urlencoded": naming.FormBody,
			"multipart/form-data":               naming.MultipartBody,
			"text/*":                            textRule,
		},
	}.Route(pattern, naming.Rules{Headers: []string{"Accept"}, Bodies: map[string]naming.BodyRule{"": naming.IgnoreBody}})
}

// wirePattern is the route pattern of the rules with which the recorder
// and the replay server of FuzzName name requests: they are made once per
// fuzz process, so their pattern is not fuzzed.
const wirePattern = "PUT /v1/items/{id}"

// fuzzFields are the header fields whose keys FuzzName spells in any case,
// in the order of their two bits in its argument keys.
var fuzzFields = [...]string{"X-Key", "Content-Type", "Range", "Content-Encoding"}

// spell returns a request header holding fields, spelled as two bits of
// keys say for each (see fuzzFields): under its canonical key, in lower
// case, in upper case, or under both its canonical key and in lower case
// (a client that sets a field twice under two spellings). A client may
// set a key that is not canonical (req.Header["x-key"] = ..., as HTTP/2
// and some SDKs do): Go sends it as it is, and a server reads it
// canonical. An empty value of Range or Content-Encoding means "not set".
func spell(keys uint8, values [len(fuzzFields)]string) http.Header {
	h := http.Header{}
	for i, k := range fuzzFields {
		v := values[i]
		if v == "" && i >= 2 {
			continue
		}
		switch keys >> (2 * i) & 3 {
		case 0:
			h[k] = append(h[k], v)
		case 1:
			h[strings.ToLower(k)] = append(h[strings.ToLower(k)], v)
		case 2:
			h[strings.ToUpper(k)] = append(h[strings.ToUpper(k)], v)
		case 3:
			h[k] = append(h[k], v)
			h[strings.ToLower(k)] = append(h[strings.ToLower(k)], v)
		}
	}
	return h
}

// asRead returns h as a server reads it: every key canonical, the values
// of keys with one canonical form merged in the order of their keys,
// sorted, as Go writes them.
func asRead(h http.Header) http.Header {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := http.Header{}
	for _, k := range keys {
		ck := http.CanonicalHeaderKey(k)
		out[ck] = append(out[ck], h[k]...)
	}
	return out
}

// gzipped returns b gzip-encoded.
func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// multipartBody returns a multipart/form-data body with boundary XyZ.
func multipartBody(f *testing.F) []byte {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.SetBoundary("XyZ"); err != nil {
		f.Fatal(err)
	}
	for _, p := range [][3]string{{`name="b"; filename="a.txt"`, "text/plain", "hello"}, {`name="a"`, "", "1"}} {
		h := textproto.MIMEHeader{"Content-Disposition": {"form-data; " + p[0]}}
		if p[1] != "" {
			h.Set("Content-Type", p[1])
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			f.Fatal(err)
		}
		io.WriteString(pw, p[2])
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	return b.Bytes()
}

// FuzzName checks that Name never panics, always returns a safe file name,
// gives one answer per request, ignores the host under WithoutHost, and
// keeps apart requests whose paths differ only in case; that header keys
// count in any case, as a server reads them; that a gzip-encoded body is
// named by what it decodes to when a body rule reads it, and a rule never
// gets an empty body; that the body rules that parse never panic, are
// deterministic, leave the body as it was, and (JSON and forms) are
// canonical: applied twice, they give what they gave once. And that a
// request sent over loopback through a recording RoundTripper to a replay
// server gets one name from naming.Name, the recorder and the server.
func FuzzName(f *testing.F) {
	mp := multipartBody(f)
	f.Add("GET", "https", "api.example.com", "/v1/users", "page=2&sort=name", "v1", "", "/v1/", []byte(nil), "", uint8(0), false)
	f.Add("post", "http", "[::1]:8080", "/a/../b//c/", "Q=A,B&ts=1&_x=é", "", "application/json", "POST /b/{x}", []byte("{}"), "", uint8(0), false)
	f.Add("", "", "", "", "", "", "", "", []byte{0}, "", uint8(0), false)
	f.Add("M_X", "HTTPS", "h:99999999", "/café/%2e%2E", "%zz=%&=&&", "a\x00b", "text/plain", "/{x...}", []byte("body"), "", uint8(0), false)
	f.Add("GET", "http", strings.Repeat("host.", 20), strings.Repeat("/seg", 600), strings.Repeat("k=v&", 500), "x", "", "/seg/{$}", []byte(nil), "", uint8(0), false)
	f.Add("PUT", "https", "h", "/v1/items/42", "", "", "application/vnd.api+json; charset=utf-8", "PUT /v1/items/{id}",
		[]byte(` { "b": [1, 2.50, {"y": null, "x": true}], "a": "\u00e9\n" } `), "", uint8(0), false)
	f.Add("POST", "https", "h", "/form", "", "", "application/x-www-form-urlencoded", "/{a}/{a}", []byte("b=2&a=x+y&a=%41&&c"), "", uint8(0), false)
	f.Add("POST", "https", "h", "/upload", "", "", "multipart/form-data; boundary=XyZ", "/up{", mp, "", uint8(0), false)
	// Keys in every case, a Range, gzip-encoded bodies.
	f.Add("GET", "https", "storage.example.com", "/b/o", "", "v2", "", "/v2/", []byte(nil), "bytes=0-99", uint8(0b00_01_00_01), false)
	f.Add("GET", "http", "h", "/b/o", "", "v2", "", "/v2/", []byte(nil), "bytes=100-", uint8(0b00_11_00_11), false)
	f.Add("POST", "https", "api.example.com", "/v1/search", "", "", "application/json", "/v2/", []byte(`{"b":2,"a":1}`), "", uint8(0b01_00_01_00), true)
	f.Add("PUT", "https", "h", "/v1/notes/7", "", "", "text/plain", "/v2/", []byte(nil), "", uint8(0b10_00_10_10), true)
	f.Add("POST", "http", "h", "/form", "", "x", "application/x-www-form-urlencoded", "/v2/", []byte("b=2&a=1"), "bytes=0-0", uint8(0xff), true)
	f.Add("GET", "https", "h", "/v1/items/7", "", " v3\t", "", "/v2/", []byte(nil), " bytes=1-2 ", uint8(0b00_10_00_10), false)

	w := newWire(f, fuzzRules(wirePattern))
	f.Fuzz(func(t *testing.T, method, scheme, host, path, query, header, contentType, pattern string, body []byte, rng string, keys uint8, gz bool) {
		rules := fuzzRules(pattern)
		sent, encoding := body, ""
		if gz {
			sent, encoding = gzipped(body), "gzip"
		}
		reqWith := func(host, path string, h http.Header) *http.Request {
			return &http.Request{
				Method: method,
				URL:    &url.URL{Scheme: scheme, Host: host, Path: path, RawQuery: query},
				Host:   host,
				Header: h,
			}
		}
		req := func(host, path string) *http.Request {
			return reqWith(host, path, spell(keys, [...]string{header, contentType, rng, encoding}))
		}
		emptyBodyRuled.Store(false)
		name := naming.Name(req(host, path), sent, rules)
		naming.CheckFileName(t, name)
		if !library.ValidName(name) {
			t.Errorf("Name = %q, which library.ValidName refuses", name)
		}
		if again := naming.Name(req(host, path), sent, rules); again != name {
			t.Fatalf("Name = %q, then %q; want the same name twice", name, again)
		}
		if read := naming.Name(reqWith(host, path, asRead(req(host, path).Header)), sent, rules); read != name {
			t.Errorf("Name = %q for the header %q, %q for the same as a server reads it (%q); want one name", name, req(host, path).Header, read, asRead(req(host, path).Header))
		}
		other := naming.Name(req("other.example:8443", path), sent, rules)
		if a, b := naming.WithoutHost(name), naming.WithoutHost(other); a != b {
			t.Errorf("WithoutHost(%q) = %q, WithoutHost(%q) = %q; want the same for one request sent to two hosts", name, a, other, b)
		}
		if up := strings.ToUpper(path); up != path {
			if n := naming.Name(req(host, up), sent, rules); strings.EqualFold(n, name) {
				t.Errorf("paths %q and %q named %q and %q; want names that differ in more than case", path, up, name, n)
			}
		}
		want := naming.Name(req(host, path), nil, rules) // the name without "~b"
		cb := rules.CanonicalBody(req(host, path), sent)
		if cb != nil {
			i := len(want)
			if i >= 10 && want[i-10:i-8] == "~u" {
				i -= 10
			}
			want = want[:i] + "~b" + naming.BodyHash(cb) + want[i:]
		}
		if name != want {
			t.Errorf("Name = %q, want %q: the name without body, with the hash of CanonicalBody", name, want)
		}
		if gz {
			// The body the client encoded, when a rule reads it; else the
			// bytes sent.
			plain := reqWith(host, path, spell(keys, [...]string{header, contentType, rng, ""}))
			if naming.ChoosesBodyRule(rules, plain) {
				if pb := rules.CanonicalBody(plain, body); !bytes.Equal(cb, pb) {
					t.Errorf("CanonicalBody of %q gzip-encoded = %q; want %q, as for the body not encoded", body, cb, pb)
				}
			} else if !bytes.Equal(cb, sent) {
				t.Errorf("CanonicalBody of %q gzip-encoded = %q, under no body rule; want the bytes sent, %q", body, cb, sent)
			}
		}
		if emptyBodyRuled.Load() {
			t.Errorf("a body rule was called with an empty body (the body sent: %q, Content-Encoding %q)", sent, encoding)
		}

		for _, r := range []struct {
			name      string
			rule      naming.BodyRule
			canonical bool
		}{{"JSONBody", naming.JSONBody, true}, {"FormBody", naming.FormBody, true}, {"MultipartBody", naming.MultipartBody, false}} {
			in := bytes.Clone(body)
			out := r.rule(contentType, in)
			if !bytes.Equal(in, body) {
				t.Fatalf("%s(%q, %q) modified its body to %q", r.name, contentType, body, in)
			}
			if again := r.rule(contentType, bytes.Clone(body)); !bytes.Equal(again, out) {
				t.Fatalf("%s(%q, %q) = %q, then %q; want the same twice", r.name, contentType, body, out, again)
			}
			if r.canonical && len(out) > 0 {
				if twice := r.rule(contentType, out); !bytes.Equal(twice, out) {
					t.Errorf("%s(%q, %q) = %q, and %s of that = %q; want the same", r.name, contentType, body, out, r.name, twice)
				}
			}
		}

		// Over the wire, with the rules of wirePattern.
		emptyBodyRuled.Store(false)
		if recorded, served, sentHost, ok := w.names(t, req(host, path), sent); ok {
			want := naming.Name(req(host, path), sent, w.rules)
			if recorded != want {
				t.Errorf("%s %s://%s%s?%s with header %q and body %q: naming.Name = %q, the recorder stored %q; want one name",
					method, scheme, host, path, query, req(host, path).Header, sent, want, recorded)
			}
			// Go's transport sends some hosts otherwise than as they are
			// set (see wire.names): the server names the host it got.
			if want := naming.Name(req(sentHost, path), sent, w.rules); served != want {
				t.Errorf("%s %s://%s%s?%s with header %q and body %q, sent to the host %q: the replay server named it %q, naming.Name %q; want one name",
					method, scheme, host, path, query, req(host, path).Header, sent, sentHost, served, want)
			}
			if !library.ValidName(recorded) {
				t.Errorf("the recorder stored %q, which library.ValidName refuses", recorded)
			}
		}
		if emptyBodyRuled.Load() {
			t.Errorf("a body rule of the recorder or the replay server was called with an empty body (the body sent: %q, Content-Encoding %q)", sent, encoding)
		}
	})
}

// A wire sends requests as a client's transport does, through a recording
// RoundTripper (recorder.NewRoundTripper, the core of
// recorder.NewTransport), over loopback, to a replay handler (the core of
// replayserver.New): plain HTTP for http, TLS for https, whatever the
// request's host. The library the handler serves holds no cassette for
// any request sent, so each one is a miss, whose X-Cassette-Miss header
// holds the name the server gave it. A wire is made once per fuzz process
// and serves one input at a time.
type wire struct {
	rules naming.Rules
	rt    http.RoundTripper
	lib   *library.Library // what rt records to

	mu       sync.Mutex // guards the fields below
	reached  bool       // the handler got the request
	host     string     // its Host
	recorded string     // the name of the exchange the recorder stored
	failed   error      // what the recorder could not store
}

func newWire(f *testing.F, rules naming.Rules) *wire {
	f.Setenv(replayserver.EnvMode, "")
	dir := f.TempDir()
	served := filepath.Join(dir, "served")
	lib, err := library.Open(served)
	if err != nil {
		f.Fatal(err)
	}
	// A cassette of a method no input sends, for the library to exist.
	if err := lib.Append("NONE_example.invalid_80", library.Exchange{
		Request:  library.Request{Method: "NONE", URL: "http://example.invalid/"},
		Response: library.Response{StatusCode: http.StatusOK},
	}); err != nil {
		f.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		f.Fatal(err)
	}
	h, err := replayserver.NewHandler(served, replayserver.WithMode(replayserver.ModeReplay), replayserver.Naming(rules),
		replayserver.NoDefaultRedaction(), replayserver.Logf(func(string, ...any) {}))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { h.Close() })
	w := &wire{rules: rules}
	handler := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.reached, w.host = true, r.Host
		w.mu.Unlock()
		h.ServeHTTP(rw, r)
	})
	plain := httptest.NewServer(handler)
	f.Cleanup(plain.Close)
	secure := httptest.NewTLSServer(handler)
	f.Cleanup(secure.Close)
	tlsConfig := secure.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	tlsConfig.ServerName = "example.com" // in the test certificate
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", plain.Listener.Addr().String())
		},
		DialTLSContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			d := tls.Dialer{Config: tlsConfig}
			return d.DialContext(ctx, "tcp", secure.Listener.Addr().String())
		},
		MaxIdleConns: 4,
	}
	f.Cleanup(tr.CloseIdleConnections)
	if w.lib, err = library.Open(filepath.Join(dir, "recorded")); err != nil {
		f.Fatal(err)
	}
	w.rt = recorder.NewRoundTripper(w.lib, recorder.Transport(tr), recorder.Naming(rules), recorder.NoDefaultRedaction(),
		recorder.Logf(func(string, ...any) {}),
		recorder.OnRecord(func(name string, _ library.Exchange) {
			w.mu.Lock()
			w.recorded = name
			w.mu.Unlock()
		}),
		recorder.OnError(func(err error) {
			w.mu.Lock()
			w.failed = err
			w.mu.Unlock()
		}))
	f.Cleanup(func() { w.rt.(io.Closer).Close() })
	return w
}

// names sends req, whose body is body, and returns the name the recorder
// stored it under, the one the replay server gave it, and the Host the
// server got; ok is false when the request went nowhere: refused by the
// client's transport (an invalid method, header or host, as
// http.Transport refuses them) or by net/http's server before the handler
// (an invalid request target).
//
// Go's transport sends a host that is not ASCII in punycode, an IPv6
// address without its zone, and no Host for one that is not a valid Host
// header: the server names the host it got, and the recorder the URL's.
func (w *wire) names(t *testing.T, req *http.Request, body []byte) (recorded, served, host string, ok bool) {
	w.mu.Lock()
	w.reached, w.recorded, w.failed = false, "", nil
	w.mu.Unlock()
	req = req.WithContext(t.Context())
	if len(body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
	}
	resp, err := w.rt.RoundTrip(req)
	w.mu.Lock()
	reached := w.reached
	w.mu.Unlock()
	if err != nil {
		if reached {
			t.Fatalf("%s %s reached the replay server, then failed: %v", req.Method, req.URL, err)
		}
		return "", "", "", false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.reached {
		return "", "", "", false
	}
	if w.failed != nil {
		t.Fatalf("the recorder did not store %s %s: %v", req.Method, req.URL, w.failed)
	}
	served = resp.Header.Get("X-Cassette-Miss")
	if resp.StatusCode != http.StatusNotFound || served == "" {
		t.Fatalf("the replay server answered %s %s with %d, X-Cassette-Miss %q; want a miss, and the name", req.Method, req.URL, resp.StatusCode, served)
	}
	if w.recorded == "" {
		t.Fatalf("the recorder stored no exchange for %s %s", req.Method, req.URL)
	}
	// Keep the library small: one cassette per input, forgotten.
	if err := w.lib.Delete(w.recorded); err != nil {
		t.Fatal(err)
	}
	return w.recorded, served, w.host, true
}
