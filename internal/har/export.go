package har

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// Export returns the cassettes as a HAR 1.2 log, indented, as the package
// documentation describes.
func Export(cassettes []library.Cassette) ([]byte, error) {
	a := archive{Log: harLog{
		Version: "1.2",
		Creator: creator{Name: "cassette", Version: creatorVersion()},
		Entries: []entry{},
	}}
	for _, c := range cassettes {
		for _, ex := range c.Exchanges {
			a.Log.Entries = append(a.Log.Entries, exportExchange(c.Name, ex))
		}
	}
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// exportExchange returns the entry of ex, an exchange of the cassette
// called name.
func exportExchange(name string, ex library.Exchange) entry {
	ms := float64(ex.Latency) / float64(time.Millisecond)
	e := entry{
		StartedDateTime: formatTime(ex.RecordedAt),
		Time:            ms,
		Request: request{
			Method:      ex.Request.Method,
			URL:         ex.Request.URL,
			HTTPVersion: "HTTP/1.1",
			Cookies:     requestCookies(ex.Request.Header),
			Headers:     headerList(ex.Request.Header),
			QueryString: queryList(ex.Request.URL),
			HeadersSize: -1,
			BodySize:    int64(len(ex.Request.Body)),
		},
		Response: response{
			Status:      ex.Response.StatusCode,
			StatusText:  http.StatusText(ex.Response.StatusCode),
			HTTPVersion: "HTTP/1.1",
			Cookies:     responseCookies(ex.Response.Header),
			Headers:     headerList(ex.Response.Header),
			RedirectURL: ex.Response.Header.Get("Location"),
			HeadersSize: -1,
			BodySize:    int64(len(ex.Response.Body)),
			Content: content{
				Size:     int64(len(ex.Response.Body)),
				MimeType: ex.Response.Header.Get("Content-Type"),
			},
		},
		Timings: timings{Wait: ms},
	}
	if h := asteriskHost(name, ex.Request); h != "" {
		e.Request.Host, _ = json.Marshal(h)
	}
	if len(ex.Response.Trailer) > 0 {
		e.Response.Trailers = headerList(ex.Response.Trailer)
	}
	for _, c := range ex.Response.Chunks {
		e.Response.Chunks = append(e.Response.Chunks, chunk{Size: c.Size, At: c.At.String()})
	}
	if len(ex.Request.Body) > 0 {
		text, enc := encodeText(ex.Request.Body)
		ctype := ex.Request.Header.Get("Content-Type")
		e.Request.PostData = &postData{MimeType: ctype, Params: formParams(ctype, ex.Request.Body, enc), Text: text, Encoding: enc}
	}
	if len(ex.Response.Body) > 0 {
		c := &e.Response.Content
		enc := strings.Join(ex.Response.Header.Values("Content-Encoding"), ", ")
		if plain, whole, ok := DecodeContentUpTo(enc, ex.Response.Body, MaxExportDecoded); ok && whole {
			// As browsers write it, decoded; the bytes as sent beside it.
			c.Text, c.Encoding = encodeText(plain)
			c.Size, c.Compression = int64(len(plain)), int64(len(plain)-len(ex.Response.Body))
			c.Encoded, _ = json.Marshal(base64.StdEncoding.EncodeToString(ex.Response.Body))
		} else {
			c.Text, c.Encoding = encodeText(ex.Response.Body)
			// Still in its coding (br, zstd, several, or gzip or deflate
			// that decodes to more than MaxExportDecoded): Import keeps
			// it so, though browsers write such bodies decoded.
			enc = strings.TrimSpace(enc)
			c.AsSent = enc != "" && !strings.EqualFold(enc, "identity")
		}
	}
	return e
}

// asteriskHost returns the host of r, a request of the cassette called
// name, when r is an OPTIONS * whose URL holds no host ("https:*", as a
// client sends it and the recorders store it): the host and port that
// name shows, checked by naming r with them. It returns "" for any other
// request, and when the name does not show them (a host it cuts or
// hashes: an IPv6 address, a host holding other characters than
// [a-z0-9.-], one over 48 bytes; a name not made by the default rules).
func asteriskHost(name string, r library.Request) string {
	u, err := url.Parse(r.URL)
	if err != nil || u.Host != "" || !forwarded.Asterisk(u) {
		return ""
	}
	fields := strings.SplitN(name, "_", 4) // method, host, port, the rest: the host field never holds "_"
	if len(fields) < 3 {
		return ""
	}
	host, port := fields[1], fields[2]
	if def := map[bool]string{true: "443", false: "80"}[strings.EqualFold(u.Scheme, "https")]; port != def {
		host = net.JoinHostPort(host, port)
	}
	named := naming.Name(&http.Request{Method: r.Method, URL: &url.URL{Scheme: u.Scheme, Host: host, Opaque: "*"}, Host: host}, nil, naming.Default())
	if !strings.HasPrefix(named, strings.Join(fields[:3], "_")+"_") {
		return ""
	}
	return host
}

// MaxExportDecoded is the most a gzip or deflate body decodes to that
// Export writes decoded: one that decodes to more (a decompression bomb:
// a few hundred KiB of gzip decode to gigabytes, which Export would hold,
// and copy, in memory) is written as sent, marked "_asSent", which Import
// reads back byte for byte. It is as much as cassette show, audit and
// drift decode.
const MaxExportDecoded = 64 << 20

// DecodeContentUpTo returns body decoded from enc, a Content-Encoding,
// when it is gzip or deflate (one coding; deflate zlib-wrapped, as HTTP
// means it, or raw, as some servers send it), decoding at most max bytes:
// whole reports that body decoded whole to at most max bytes; when it
// decodes to more (a decompression bomb: a few hundred KiB of gzip decode
// to gigabytes), plain holds its first max bytes decoded, and no more is
// read or held in memory. ok is false when enc is not one coding Go
// decodes (br and zstd, which the standard library does not decode, a
// list of codings), or body is not in it (as far as max bytes of it show).
func DecodeContentUpTo(enc string, body []byte, max int) (plain []byte, whole, ok bool) {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "gzip", "x-gzip":
		r, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, false, false
		}
		return readUpTo(r, max, nil)
	case "deflate":
		if r, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
			if plain, whole, ok = readUpTo(r, max, nil); ok {
				return plain, whole, ok
			}
		}
		// Raw deflate has no header nor checksum to tell text from it:
		// it must end where the body ends.
		br := bytes.NewReader(body) // a ByteReader: flate reads no further than it needs
		return readUpTo(flate.NewReader(br), max, br)
	}
	return nil, false, false
}

// readUpTo reads r, a decoder, to at most max bytes (see
// DecodeContentUpTo) and closes it. When src is not nil, the decoder's
// source, a body that decoded whole must end where the decoder stopped.
func readUpTo(r io.ReadCloser, max int, src *bytes.Reader) (plain []byte, whole, ok bool) {
	defer r.Close()
	plain, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	switch {
	case len(plain) > max:
		return plain[:max], false, true
	case err != nil, src != nil && src.Len() > 0:
		return nil, false, false
	}
	return plain, true, true
}

// encodeText returns body as HAR text: itself when UTF-8, else base64.
func encodeText(body []byte) (text, encoding string) {
	if utf8.Valid(body) {
		return string(body), ""
	}
	return base64.StdEncoding.EncodeToString(body), "base64"
}

func queryList(raw string) []nvPair {
	out := []nvPair{}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	for _, kv := range strings.Split(u.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		out = append(out, nvPair{k, v})
	}
	return out
}

// formParams returns the parameters of a URL-encoded form body.
func formParams(ctype string, body []byte, enc string) []nvPair {
	out := []nvPair{}
	if mt, _, _ := mime.ParseMediaType(ctype); mt != "application/x-www-form-urlencoded" || enc != "" {
		return out
	}
	return queryList("?" + string(body))
}

func requestCookies(h http.Header) []cookie {
	out := []cookie{}
	r := http.Request{Header: h}
	for _, c := range r.Cookies() {
		out = append(out, cookie{Name: c.Name, Value: c.Value})
	}
	return out
}

func responseCookies(h http.Header) []cookie {
	out := []cookie{}
	r := http.Response{Header: h}
	for _, c := range r.Cookies() {
		hc := cookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
		if !c.Expires.IsZero() {
			hc.Expires = c.Expires.UTC().Format(time.RFC3339)
		}
		out = append(out, hc)
	}
	return out
}

// creatorVersion returns the version of the main module, or "devel".
func creatorVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return "devel"
	}
	return info.Main.Version
}
