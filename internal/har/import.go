package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cassette-go/cassette/internal/bomtext"
	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// Import returns the cassettes of the HAR log data, as the package
// documentation describes: each entry an exchange, appended to the
// cassette its request names. Cassettes are in the order their first
// entry appears. An entry whose request got no response (status 0: a
// request blocked, aborted or failed, which browsers log too) has nothing
// to replay: it is skipped, and so is one with an interim status (1xx: a
// WebSocket's 101); skipped says which, one line each. It also names, in
// a line each, the entries imported with an empty body because the HAR
// holds none of the body its content.size announces (a browser that no
// longer had it). A byte order mark
// at the start of data, which Windows tools write (PowerShell 5, Notepad's
// "UTF-8 with BOM"), is skipped, as package library skips one; a file in
// UTF-16 with its byte order mark (PowerShell 5's > and Out-File write
// one) is read as the same text in UTF-8.
func Import(data []byte) (cs []library.Cassette, skipped []string, err error) {
	return ImportWith(data, nil, naming.Default())
}

// ImportWith is [Import], with the cassettes named by rules, and prepare,
// if not nil, called on each exchange before it is named: the exchange is
// stored as prepare leaves it (redacted, by the import of cassette), and
// named after it as a server gets the request (without the Host and
// Transfer-Encoding listed among its headers: see
// headerkey.WithoutMoved), with the host of an OPTIONS * request from its
// "_host" still. An error of prepare stops the import, naming the entry.
func ImportWith(data []byte, prepare func(*library.Exchange) error, rules naming.Rules) (cs []library.Cassette, skipped []string, err error) {
	var a archive
	data = bomtext.UTF8(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, errors.New("read HAR: empty file: not a HAR file")
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, nil, fmt.Errorf("read HAR: %w", readable(err))
	}
	if a.Log.Version == "" && a.Log.Entries == nil {
		return nil, nil, errors.New("read HAR: no log: not a HAR file")
	}
	var out []library.Cassette
	index := make(map[string]int) // position in out, by name
	for i, e := range a.Log.Entries {
		if e.Response.Status == 0 && e.Request.Method != "" {
			skipped = append(skipped, fmt.Sprintf("entry %d (%s %s): skipped: the request got no response (status 0)", i+1, e.Request.Method, shownURL(e.Request.URL)))
			continue
		}
		if e.Response.Status >= 100 && e.Response.Status < 200 {
			// A WebSocket's 101, as browsers log it: a protocol upgrade
			// is no exchange to replay, as the recorders do not store one.
			skipped = append(skipped, fmt.Sprintf("entry %d (%s %s): skipped: status %d is no final answer (a protocol upgrade, such as a WebSocket, is not replayed)", i+1, e.Request.Method, shownURL(e.Request.URL), e.Response.Status))
			continue
		}
		ex, err := importEntry(e, a.Log.Creator.Name == "cassette")
		if err != nil {
			return nil, nil, fmt.Errorf("read HAR: entry %d (%s %s): %w", i+1, e.Request.Method, shownURL(e.Request.URL), err)
		}
		if c := e.Response.Content; c.Size > 0 && c.Text == "" && len(c.Encoded) == 0 && hasBody(e) {
			// The browser no longer had the body when it saved the HAR:
			// the cassette replays an empty one in its place. (An answer
			// with no body by HTTP lost none, whatever its size says: a
			// browser gives a 304 the size of the resource revalidated.)
			skipped = append(skipped, fmt.Sprintf("entry %d (%s %s): the HAR holds no response body (content.size %d, no text): imported with an empty body; save the HAR with content (DevTools: \"Save all as HAR with content\", the page loaded with DevTools open)", i+1, e.Request.Method, shownURL(e.Request.URL), c.Size))
		}
		// Named as recorded first, which checks the request: redaction
		// may hide what is wrong with it (a control character in a query
		// value it replaces).
		name, err := nameAt(ex.Request, hostOf(e.Request), rules)
		if err == nil && prepare != nil {
			if err = prepare(&ex); err == nil {
				name, err = nameAt(ex.Request, hostOf(e.Request), rules)
			}
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read HAR: entry %d (%s %s): %w", i+1, e.Request.Method, shownURL(e.Request.URL), err)
		}
		j, ok := index[name]
		if !ok {
			j = len(out)
			index[name] = j
			out = append(out, library.Cassette{Name: name})
		}
		out[j].Exchanges = append(out[j].Exchanges, ex)
	}
	return out, skipped, nil
}

// shownURL returns raw, the URL of an entry, as the import's warnings and
// errors name it: with its credentials redacted as the recorder redacts
// them (a token in its query, a password), as the cassettes hold it, so
// that the output of an import (a CI log) does not show them.
func shownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// As the cassette would hold it (see redact.Rules.Exchange),
		// credentials in a shape only forwarded.Redacted knows too.
		return forwarded.Redacted(redact.Default().URLString(raw))
	}
	if r := redact.Default().URL(u); r != u {
		return r.String()
	}
	return raw
}

// hasBody reports whether the answer of e may have a body: not one to a
// HEAD request, nor a 204 or a 304.
func hasBody(e entry) bool {
	s := e.Response.Status
	return !strings.EqualFold(e.Request.Method, http.MethodHead) && s != http.StatusNoContent && s != http.StatusNotModified
}

// hostOf returns the "_host" of r (see Export), or "" for none.
func hostOf(r request) string {
	var h string
	if json.Unmarshal(r.Host, &h) != nil {
		return "" // none, or another tool's of another type
	}
	return h
}

// nameOf returns the cassette name of r with the default rules.
func nameOf(r library.Request) (string, error) { return nameAt(r, "", naming.Default()) }

// nameAt returns the cassette name of r with rules, for a request whose
// "_host" is host: if not "", the host of an OPTIONS * request whose URL
// holds none (see Export), which names it.
func nameAt(r library.Request, host string, rules naming.Rules) (string, error) {
	req, err := http.NewRequest(r.Method, r.URL, nil)
	if err != nil {
		// Without the URL, which a url.Error quotes whole: the caller
		// names the entry by its URL redacted (see shownURL).
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("invalid request: %w", err)
	}
	// As a server gets it: without the Host (and Transfer-Encoding) that
	// a HAR of HTTP/1.1 lists among the fields sent, which no server
	// finds there, nor names a request by.
	req.Header = headerkey.WithoutMoved(r.Header)
	if host != "" && req.URL.Host == "" && forwarded.Asterisk(req.URL) {
		req.URL.Host, req.Host = host, host
	}
	return naming.Name(req, r.Body, rules), nil
}

func importEntry(e entry, ours bool) (library.Exchange, error) {
	if e.Request.Method == "" {
		return library.Exchange{}, errors.New("no request method")
	}
	if e.Response.Status < 100 || e.Response.Status > 999 {
		return library.Exchange{}, fmt.Errorf("response status %d out of range 100-999", e.Response.Status)
	}
	ex := library.Exchange{
		Request: library.Request{
			Method: e.Request.Method,
			URL:    e.Request.URL,
			Header: headerOf(e.Request.Headers),
		},
		Response: library.Response{
			StatusCode: e.Response.Status,
			Header:     headerOf(e.Response.Headers),
		},
	}
	if len(e.Response.Trailers) > 0 {
		ex.Response.Trailer = headerOf(e.Response.Trailers)
	}
	for _, c := range e.Response.Chunks {
		at, err := time.ParseDuration(c.At)
		if err != nil {
			return ex, fmt.Errorf("_chunks: %w", err)
		}
		ex.Response.Chunks = append(ex.Response.Chunks, library.Chunk{Size: c.Size, At: at})
	}
	if pd := e.Request.PostData; pd != nil {
		switch {
		case pd.Text != "":
			enc := pd.Encoding
			if enc == "" {
				enc = pd.Encoding2
			}
			body, err := decodeText(pd.Text, enc)
			if err != nil {
				return ex, fmt.Errorf("request body: %w", err)
			}
			ex.Request.Body = body
		case len(pd.Params) > 0 && isForm(pd.MimeType):
			// HAR 1.2 allows a form as params instead of text.
			var body strings.Builder
			for i, p := range pd.Params {
				if i > 0 {
					body.WriteByte('&')
				}
				body.WriteString(url.QueryEscape(p.Name) + "=" + url.QueryEscape(p.Value))
			}
			ex.Request.Body = []byte(body.String())
		case len(pd.Params) > 0:
			return ex, fmt.Errorf("request body: postData of type %q has params but no text, which only a form (application/x-www-form-urlencoded) can be rebuilt from", pd.MimeType)
		}
		mt := pd.MimeType
		if mt == "" && pd.Text == "" && len(pd.Params) > 0 {
			mt = "application/x-www-form-urlencoded"
		}
		if mt != "" && len(ex.Request.Body) > 0 && ex.Request.Header.Get("Content-Type") == "" {
			// The body's type, which names and redaction read from the
			// header, when the HAR gave it only here.
			if ex.Request.Header == nil {
				ex.Request.Header = http.Header{}
			}
			ex.Request.Header.Set("Content-Type", mt)
		}
	}
	if c := e.Response.Content; c.Text != "" || len(c.Encoded) > 0 {
		var body []byte
		if c.Text != "" {
			var err error
			if body, err = decodeText(c.Text, c.Encoding); err != nil {
				return ex, fmt.Errorf("response body: %w", err)
			}
			ex.Response.Body = body
		}
		// An empty text may stand for a gzip of nothing, kept in _encoded.
		switch sent, ok := asSent(c, ex.Response.Header, body, ours); {
		case ok:
			ex.Response.Body = sent
		case !(ours && c.AsSent):
			fixEncoding(&ex.Response)
		}
	}
	if e.StartedDateTime != "" && e.StartedDateTime != zeroTime {
		t, err := time.Parse(time.RFC3339Nano, e.StartedDateTime)
		if err != nil {
			return ex, fmt.Errorf("startedDateTime: %w", err)
		}
		ex.RecordedAt = t
	}
	if e.Time > 0 && !math.IsInf(e.Time, 0) {
		ex.Latency = time.Duration(math.Round(e.Time * float64(time.Millisecond)))
	}
	return ex, nil
}

// isForm reports whether the media type mt is a URL-encoded form (or is
// not given, as a HAR may leave it for params).
func isForm(mt string) bool {
	mt, _, _ = strings.Cut(mt, ";")
	mt = strings.TrimSpace(mt)
	return mt == "" || strings.EqualFold(mt, "application/x-www-form-urlencoded")
}

// headerOf returns the header of the pairs, in order, without HTTP/2
// pseudo-headers; nil for none.
func headerOf(pairs []nvPair) http.Header {
	var h http.Header
	for _, p := range pairs {
		if strings.HasPrefix(p.Name, ":") || p.Name == "" {
			continue
		}
		if h == nil {
			h = make(http.Header)
		}
		k := http.CanonicalHeaderKey(p.Name)
		// Some tools join the values of a repeated header (Set-Cookie)
		// with line breaks, which no header value may hold: each line is
		// a value of its own.
		for _, v := range strings.Split(p.Value, "\n") {
			if v = strings.TrimSuffix(v, "\r"); v != "" || !strings.Contains(p.Value, "\n") {
				h[k] = append(h[k], v)
			}
		}
	}
	return h
}

// decodeText returns the bytes of a HAR text in encoding ("" or "base64").
func decodeText(text, encoding string) ([]byte, error) {
	switch encoding {
	case "":
		return []byte(text), nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			// Some tools drop the padding.
			if b2, err2 := base64.RawStdEncoding.DecodeString(strings.TrimRight(text, "=")); err2 == nil {
				return b2, nil
			}
			return nil, fmt.Errorf("invalid base64: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("unknown encoding %q", encoding)
}

// fixEncoding makes a response whose body a browser stored decoded
// consistent: without Content-Encoding, with the decoded Content-Length.
func fixEncoding(r *library.Response) {
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	if enc == "" || enc == "identity" || len(r.Body) == 0 || encoded(enc, r.Body) {
		return
	}
	r.Header.Del("Content-Encoding")
	if r.Header.Get("Content-Length") != "" {
		r.Header.Set("Content-Length", strconv.Itoa(len(r.Body)))
	}
}

// encoded reports whether body looks encoded with enc, a Content-Encoding
// (possibly a list, of which the last coding was applied last).
func encoded(enc string, body []byte) bool {
	if i := strings.LastIndexByte(enc, ','); i >= 0 {
		enc = strings.TrimSpace(enc[i+1:])
	}
	switch enc {
	case "gzip", "x-gzip":
		return bytes.HasPrefix(body, []byte{0x1f, 0x8b})
	case "zstd":
		return bytes.HasPrefix(body, []byte{0x28, 0xb5, 0x2f, 0xfd})
	case "deflate":
		// zlib: CM 8, and the header is a multiple of 31.
		return len(body) >= 2 && body[0]&0x0f == 8 && (uint16(body[0])<<8|uint16(body[1]))%31 == 0
	case "br":
		return false // no magic; browsers store it decoded
	}
	return true // an encoding we do not know: keep everything as is
}

// readable returns err, an error of encoding/json, in the words of a HAR
// file rather than of the Go types it is decoded into.
func readable(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		where := "the document"
		if te.Field != "" {
			where = te.Field
		}
		return fmt.Errorf("not a HAR file: %s is a JSON %s, not what HAR 1.2 has there (the document is an object whose \"log\" holds \"entries\")", where, te.Value)
	case errors.As(err, &se):
		return fmt.Errorf("not JSON: %v (at byte %d)", se, se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("not JSON: the file ends in the middle of the document (truncated?)")
	}
	return err
}

// asSent returns the body as sent that Export kept in the "_encoded" field
// of c, whose text decodes to text: only in a HAR Export wrote (ours),
// and only while it still decodes, with the response's Content-Encoding
// (hdr), to text. A text edited since wins over it, as does a field of
// that name another tool wrote. No more of it is decoded than text holds,
// and a byte: a decompression bomb beside a short text costs no memory.
func asSent(c content, hdr http.Header, text []byte, ours bool) ([]byte, bool) {
	var s string
	if !ours || len(c.Encoded) == 0 || json.Unmarshal(c.Encoded, &s) != nil {
		return nil, false
	}
	sent, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	plain, whole, ok := DecodeContentUpTo(strings.Join(hdr.Values("Content-Encoding"), ", "), sent, len(text))
	if !ok || !whole || !bytes.Equal(plain, text) {
		return nil, false
	}
	return sent, true
}
