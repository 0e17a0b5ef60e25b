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

	"github.com/cassette-go/cassette/internal/headerkey"
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
// of one's own, and a route whose pattern is fuzzed. Its significant
// headers are one that default redaction redacts (X-Api-Key), and
// User-Agent, which Go's client sends in a way of its own.
func fuzzRules(pattern string) naming.Rules {
	return naming.Rules{
		Headers:     []string{"x-api-key", "Accept", "user-agent"},
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
var fuzzFields = [...]string{"X-Api-Key", "Content-Type", "Range", "Content-Encoding"}

// spell returns a request header holding fields, spelled as two bits of
// keys say for each (see fuzzFields): under its canonical key, in lower
// case, in upper case, or under both its canonical key and in lower case
// (a client that sets a field twice under two spellings; the significant
// X-Api-Key and Range with another value under the second, so that the
// order a server reads them in counts). A client may set a key that is
// not canonical (req.Header["x-key"] = ..., as HTTP/2 and some SDKs do):
// Go sends it as it is, and a server reads it canonical. An empty value
// of Range or Content-Encoding means "not set". Then comes a User-Agent
// (see spellAgent).
func spell(keys uint8, values [len(fuzzFields)]string, agent string, agentKeys uint8) http.Header {
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
			if i == 0 || i == 2 {
				v += "2"
			}
			h[strings.ToLower(k)] = append(h[strings.ToLower(k)], v)
		}
	}
	spellAgent(h, agent, agentKeys)
	return h
}

// spellAgent sets in h the User-Agent that agent ("a" or "a,b") and
// agentKeys say: none, User-Agent: a, User-Agent: a, b (of which Go sends
// a), user-agent: a (after which Go's HTTP/1.1 client sends its own
// first), User-Agent: a and user-agent: b, USER-AGENT: b and
// User-Agent: a (Go writes the User-Agent line first, whatever the order
// of the keys), user-agent: a, b, or USER-AGENT: a and user-agent: b. A
// value that is one of Go's own agents is set alone, under User-Agent or
// user-agent: one of them followed by another value is the request
// naming reads otherwise than Go sends it (see headerkey.UserAgent).
func spellAgent(h http.Header, agent string, agentKeys uint8) {
	a, b, _ := strings.Cut(agent, ",")
	form := agentKeys & 7
	if form != 0 && (goAgent(a) || goAgent(b)) {
		if !goAgent(a) {
			a = b
		}
		form = 1 + 2*(form&1) // User-Agent: a, or user-agent: a
	}
	switch form {
	case 1:
		h["User-Agent"] = []string{a}
	case 2:
		h["User-Agent"] = []string{a, b}
	case 3:
		h["user-agent"] = []string{a}
	case 4:
		h["User-Agent"], h["user-agent"] = []string{a}, []string{b}
	case 5:
		h["USER-AGENT"], h["User-Agent"] = []string{b}, []string{a}
	case 6:
		h["user-agent"] = []string{a, b}
	case 7:
		h["USER-AGENT"], h["user-agent"] = []string{a}, []string{b}
	}
}

// goAgent reports whether v is one of the User-Agents Go's client sends
// of its own, without the spaces around it.
func goAgent(v string) bool {
	v = textproto.TrimString(v)
	return v == "Go-http-client/1.1" || v == "Go-http-client/2.0"
}

// asRead returns h as a server reads it once Go's client sent it over
// HTTP/1.1: every key canonical, the values of keys with one canonical
// form merged in the order of their keys, sorted, as Go writes them; but
// first a User-Agent line, which Go writes apart: the first value of
// User-Agent, none when it is empty, and Go's own when the key is absent.
func asRead(h http.Header) http.Header {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := http.Header{}
	if vs, ok := h["User-Agent"]; !ok {
		out["User-Agent"] = []string{"Go-http-client/1.1"}
	} else if len(vs) > 0 && vs[0] != "" {
		out["User-Agent"] = []string{textproto.TrimString(vs[0])}
	}
	for _, k := range keys {
		if k == "User-Agent" {
			continue
		}
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
// server gets one name from naming.Name, the recorder and the server,
// over HTTP/1.1 and over HTTP/2 (merged as srv.Client() sends it), and
// one name from the recorder and the server under the default redaction
// (see wire). Its significant headers (see fuzzRules) include a
// User-Agent, in every form Go's client sends one (see spellAgent).
func FuzzName(f *testing.F) {
	mp := multipartBody(f)
	f.Add("GET", "https", "api.example.com", "/v1/users", "page=2&sort=name", "v1", "", "/v1/", []byte(nil), "", uint8(0), false, "", uint8(0))
	f.Add("post", "http", "[::1]:8080", "/a/../b//c/", "Q=A,B&ts=1&_x=é", "", "application/json", "POST /b/{x}", []byte("{}"), "", uint8(0), false, "", uint8(0))
	f.Add("", "", "", "", "", "", "", "", []byte{0}, "", uint8(0), false, "", uint8(0))
	f.Add("M_X", "HTTPS", "h:99999999", "/café/%2e%2E", "%zz=%&=&&", "a\x00b", "text/plain", "/{x...}", []byte("body"), "", uint8(0), false, "", uint8(0))
	f.Add("GET", "http", strings.Repeat("host.", 20), strings.Repeat("/seg", 600), strings.Repeat("k=v&", 500), "x", "", "/seg/{$}", []byte(nil), "", uint8(0), false, "", uint8(0))
	f.Add("PUT", "https", "h", "/v1/items/42", "", "", "application/vnd.api+json; charset=utf-8", "PUT /v1/items/{id}",
		[]byte(` { "b": [1, 2.50, {"y": null, "x": true}], "a": "\u00e9\n" } `), "", uint8(0), false, "", uint8(0))
	f.Add("POST", "https", "h", "/form", "", "", "application/x-www-form-urlencoded", "/{a}/{a}", []byte("b=2&a=x+y&a=%41&&c"), "", uint8(0), false, "", uint8(0))
	f.Add("POST", "https", "h", "/upload", "", "", "multipart/form-data; boundary=XyZ", "/up{", mp, "", uint8(0), false, "", uint8(0))
	// Keys in every case, a Range, gzip-encoded bodies.
	f.Add("GET", "https", "storage.example.com", "/b/o", "", "v2", "", "/v2/", []byte(nil), "bytes=0-99", uint8(0b00_01_00_01), false, "", uint8(0))
	f.Add("GET", "http", "h", "/b/o", "", "v2", "", "/v2/", []byte(nil), "bytes=100-", uint8(0b00_11_00_11), false, "", uint8(0))
	f.Add("POST", "https", "api.example.com", "/v1/search", "", "", "application/json", "/v2/", []byte(`{"b":2,"a":1}`), "", uint8(0b01_00_01_00), true, "", uint8(0))
	f.Add("PUT", "https", "h", "/v1/notes/7", "", "", "text/plain", "/v2/", []byte(nil), "", uint8(0b10_00_10_10), true, "", uint8(0))
	f.Add("POST", "http", "h", "/form", "", "x", "application/x-www-form-urlencoded", "/v2/", []byte("b=2&a=1"), "bytes=0-0", uint8(0xff), true, "", uint8(0))
	f.Add("GET", "https", "h", "/v1/items/7", "", " v3\t", "", "/v2/", []byte(nil), " bytes=1-2 ", uint8(0b00_10_00_10), false, "", uint8(0))
	// User-Agents in every form Go's client sends them.
	f.Add("GET", "https", "api.example.com", "/v1/me", "", "k", "", "/v2/", []byte(nil), "", uint8(0), false, "x,y", uint8(2))
	f.Add("GET", "https", "api.example.com", "/v1/me", "", "k", "", "/v2/", []byte(nil), "", uint8(0), false, "x,y", uint8(4))
	f.Add("GET", "http", "api.example.com", "/v1/me", "", "k", "", "/v2/", []byte(nil), "", uint8(0), false, "x,w", uint8(5))
	f.Add("GET", "http", "api.example.com", "/v1/me", "", "k", "", "/v2/", []byte(nil), "", uint8(0), false, "y", uint8(3))
	f.Add("GET", "https", "api.example.com", "/v1/me", "", "k", "", "/v2/", []byte(nil), "", uint8(0), false, ",y", uint8(4))
	f.Add("POST", "https", "api.example.com", "/v1/me", "", " ", "text/plain", "/v2/", []byte("x"), "", uint8(0b00_00_00_11), false, " ,y", uint8(6))
	f.Add("GET", "http", "api.example.com", "/v1/me", "token=t", "k", "", "/v2/", []byte(nil), "", uint8(0), false, "Go-http-client/1.1", uint8(1))
	f.Add("GET", "https", "api.example.com", "/v1/me", "", "k", "", "/v2/", []byte(nil), "", uint8(0), false, "Go-http-client/2.0", uint8(3))

	wires := []*wire{
		newWire(f, fuzzRules(wirePattern), wireHTTP1),
		newWire(f, fuzzRules(wirePattern), wireHTTP2),
		newWire(f, fuzzRules(wirePattern), wireRedacted),
	}
	f.Fuzz(func(t *testing.T, method, scheme, host, path, query, header, contentType, pattern string, body []byte, rng string, keys uint8, gz bool, agent string, agentKeys uint8) {
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
			return reqWith(host, path, spell(keys, [...]string{header, contentType, rng, encoding}, agent, agentKeys))
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
			plain := reqWith(host, path, spell(keys, [...]string{header, contentType, rng, ""}, agent, agentKeys))
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

		// Over the wire, with the rules of wirePattern, along each leg.
		for _, w := range wires {
			emptyBodyRuled.Store(false)
			if recorded, served, sentHost, ok := w.names(t, req(host, path), sent); ok {
				if w.leg.redacted {
					// Both name the request redacted, which naming.Name
					// does not: they must agree, but for a host Go's
					// transport sends otherwise than as it is set.
					if a, b := naming.WithoutHost(recorded), naming.WithoutHost(served); a != b || sentHost == host && recorded != served {
						t.Errorf("%s %s://%s%s?%s with header %q and body %q, sent %s to the host %q: the recorder stored %q, the replay server named it %q; want one name",
							method, scheme, host, path, query, req(host, path).Header, sent, w.leg.name, sentHost, recorded, served)
					}
				} else {
					want := naming.Name(req(host, path), sent, w.rules)
					if recorded != want {
						t.Errorf("%s %s://%s%s?%s with header %q and body %q, sent %s: naming.Name = %q, the recorder stored %q; want one name",
							method, scheme, host, path, query, req(host, path).Header, sent, w.leg.name, want, recorded)
					}
					// Go's transport sends some hosts otherwise than as
					// they are set (see wire.names): the server names the
					// host it got.
					if want := naming.Name(req(sentHost, path), sent, w.rules); served != want {
						t.Errorf("%s %s://%s%s?%s with header %q and body %q, sent %s to the host %q: the replay server named it %q, naming.Name %q; want one name",
							method, scheme, host, path, query, req(host, path).Header, sent, w.leg.name, sentHost, served, want)
					}
				}
				if !library.ValidName(recorded) {
					t.Errorf("the recorder stored %q, which library.ValidName refuses", recorded)
				}
			}
			if emptyBodyRuled.Load() {
				t.Errorf("a body rule of the recorder or the replay server was called with an empty body (the body sent %s: %q, Content-Encoding %q)", w.leg.name, sent, encoding)
			}
		}
	})
}

// A wireLeg says how a wire sends requests and names them.
type wireLeg struct {
	name     string
	http2    bool // over HTTP/2, with srv.Client()'s merging of a header's spellings
	redacted bool // with the default redaction, recording and replaying
}

var (
	wireHTTP1    = wireLeg{name: "over HTTP/1.1"}
	wireHTTP2    = wireLeg{name: "over HTTP/2", http2: true}
	wireRedacted = wireLeg{name: "over HTTP/1.1 with default redaction", redacted: true}
)

// A wire sends requests as a client's transport does, through a recording
// RoundTripper (recorder.NewRoundTripper, the core of
// recorder.NewTransport), over loopback, to a replay handler (the core of
// replayserver.New): plain HTTP for http, TLS for https, whatever the
// request's host. Over HTTP/2 (h2c for http), a request is sent as
// srv.Client() sends it to a TLS server (see serverClient): a header field
// set under several spellings of its key merged under its canonical key,
// which any other HTTP/2 client sends in a random order (a limit README
// states). The library the handler serves holds no cassette for any
// request sent, so each one is a miss, whose X-Cassette-Miss header holds
// the name the server gave it. A wire is made once per fuzz process and
// serves one input at a time.
type wire struct {
	leg   wireLeg
	rules naming.Rules
	rt    http.RoundTripper
	lib   *library.Library // what rt records to

	mu       sync.Mutex // guards the fields below
	reached  bool       // the handler got the request
	host     string     // its Host
	proto    int        // its HTTP major version
	recorded string     // the name of the exchange the recorder stored
	failed   error      // what the recorder could not store
}

func newWire(f *testing.F, rules naming.Rules, leg wireLeg) *wire {
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
	opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeReplay), replayserver.Naming(rules), replayserver.Logf(func(string, ...any) {})}
	if !leg.redacted {
		opts = append(opts, replayserver.NoDefaultRedaction())
	}
	h, err := replayserver.NewHandler(served, opts...)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { h.Close() })
	w := &wire{leg: leg, rules: rules}
	handler := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.reached, w.host, w.proto = true, r.Host, r.ProtoMajor
		w.mu.Unlock()
		h.ServeHTTP(rw, r)
	})
	plain := httptest.NewUnstartedServer(handler)
	secure := httptest.NewUnstartedServer(handler)
	if leg.http2 {
		plain.Config.Protocols = new(http.Protocols)
		plain.Config.Protocols.SetUnencryptedHTTP2(true)
		secure.EnableHTTP2 = true
	}
	plain.Start()
	f.Cleanup(plain.Close)
	secure.StartTLS()
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
	var base http.RoundTripper = tr
	if leg.http2 {
		tlsConfig.NextProtos = []string{"h2"}
		tr.Protocols = new(http.Protocols)
		tr.Protocols.SetHTTP2(true)
		tr.Protocols.SetUnencryptedHTTP2(true)
		base = serverClient{tr}
	}
	f.Cleanup(tr.CloseIdleConnections)
	if w.lib, err = library.Open(filepath.Join(dir, "recorded")); err != nil {
		f.Fatal(err)
	}
	ropts := []recorder.Option{recorder.Transport(base), recorder.Naming(rules),
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
		})}
	if !leg.redacted {
		ropts = append(ropts, recorder.NoDefaultRedaction())
	}
	w.rt = recorder.NewRoundTripper(w.lib, ropts...)
	f.Cleanup(func() { w.rt.(io.Closer).Close() })
	// A plain request reaches the handler along the leg, over its
	// protocol: a leg that reached it with none would check nothing.
	for _, u := range []string{"http://api.example.com/v1/x", "https://api.example.com/v1/x"} {
		req, _ := http.NewRequest("GET", u, nil)
		resp, err := w.rt.RoundTrip(req)
		if err != nil {
			f.Fatalf("GET %s %s: %v", u, leg.name, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		w.mu.Lock()
		reached, proto, recorded := w.reached, w.proto, w.recorded
		w.reached, w.recorded = false, ""
		w.mu.Unlock()
		if want := 1 + btoi(leg.http2); !reached || proto != want {
			f.Fatalf("GET %s %s: the handler got it: %v, over HTTP/%d; want it, over HTTP/%d", u, leg.name, reached, proto, want)
		}
		if recorded != "" {
			if err := w.lib.Delete(recorded); err != nil {
				f.Fatal(err)
			}
		}
	}
	return w
}

// btoi returns 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// serverClient sends requests as srv.Client() sends them to a replay
// server (see replayserver.Server.Transport): with a header field set
// under several spellings of its key under its canonical key alone, and
// to the server whatever the URL's host, which goes in the Host header.
// (Go 1.26's HTTP/2 client, given the URL of a host such as "a]b", which
// its HTTP/1.1 client sends, dials the server again and again without
// end: srv.Client() never gives it one.)
type serverClient struct{ base http.RoundTripper }

func (t serverClient) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header, _ = headerkey.Merged(r.Header)
	r.Header, _ = headerkey.MergedUserAgent(r.Header)
	r.Host = req.URL.Host
	r.URL.Host = "replay.example" // the address dialled is the server's
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}

// names sends req, whose body is body, and returns the name the recorder
// stored it under, the one the replay server gave it, and the Host the
// server got; ok is false when the request went nowhere: refused by the
// client's transport (an invalid method, header or host, as
// http.Transport refuses them) or by net/http's server before the handler
// (an invalid request target).
//
// Over HTTP/2, a request whose target holds a control character is not
// sent (ok is false): see the comment in names.
//
// Go's transport sends a host that is not ASCII in punycode, an IPv6
// address without its zone, and no Host for one that is not a valid Host
// header: the server names the host it got, and the recorder the URL's.
func (w *wire) names(t *testing.T, req *http.Request, body []byte) (recorded, served, host string, ok bool) {
	w.mu.Lock()
	w.reached, w.proto, w.recorded, w.failed = false, 0, "", nil
	w.mu.Unlock()
	if w.leg.http2 && strings.ContainsFunc(req.URL.RequestURI(), func(r rune) bool { return r < ' ' || r == 0x7f }) {
		// A control character in the request target, a tab too, which
		// net/http's HTTP/1.1 server refuses before the handler: its
		// HTTP/2 server ends the connection, and Go 1.26's HTTP/2 client
		// sends a GET again on a new one, without end (a POST fails a
		// second later). srv.Client() refuses such a URL at once.
		return "", "", "", false
	}
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
			t.Fatalf("%s %s reached the replay server (sent %s), then failed: %v", req.Method, req.URL, w.leg.name, err)
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
		t.Fatalf("the recorder did not store %s %s (sent %s): %v", req.Method, req.URL, w.leg.name, w.failed)
	}
	if want := 1 + btoi(w.leg.http2); w.proto != want {
		t.Fatalf("%s %s reached the replay server over HTTP/%d; want HTTP/%d (sent %s)", req.Method, req.URL, w.proto, want, w.leg.name)
	}
	served = resp.Header.Get("X-Cassette-Miss")
	if resp.StatusCode != http.StatusNotFound || served == "" {
		t.Fatalf("the replay server answered %s %s (sent %s) with %d, X-Cassette-Miss %q; want a miss, and the name", req.Method, req.URL, w.leg.name, resp.StatusCode, served)
	}
	if w.recorded == "" {
		t.Fatalf("the recorder stored no exchange for %s %s (sent %s)", req.Method, req.URL, w.leg.name)
	}
	// Keep the library small: one cassette per input, forgotten.
	if err := w.lib.Delete(w.recorded); err != nil {
		t.Fatal(err)
	}
	return w.recorded, served, w.host, true
}
