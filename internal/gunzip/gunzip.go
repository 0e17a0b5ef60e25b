// Package gunzip does for cassette's transports what [http.Transport] does
// for its callers: ask for gzip when a request names no encoding, and hand
// the caller the decoded body, while what was on the wire stays gzip. It
// also decodes gzip-encoded request bodies for the naming rules.
package gunzip

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cassette-go/cassette/internal/headerkey"
)

// Asks reports whether an [http.Transport] with compression on would ask
// for gzip on req's behalf: req sets no Accept-Encoding and no Range, and
// is not a HEAD.
func Asks(req *http.Request) bool {
	return first(req.Header, "Accept-Encoding") == "" && first(req.Header, "Range") == "" && req.Method != http.MethodHead
}

// first is h.Get(key) for a key already in canonical form, without
// canonicalizing it again: the replay hit path asks on every request.
func first(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Refuses reports whether a request with header h refuses a gzip-encoded
// answer: it has an Accept-Encoding (Python's urllib sends "identity"),
// which does not accept gzip (see Accepts). A request without one says
// nothing: a server may send it anything, and what it sent is what was
// recorded.
func Refuses(h http.Header) bool {
	return len(h["Accept-Encoding"]) > 0 && !Accepts(h)
}

// Accepts reports whether a request with header h takes a gzip-encoded
// answer: its Accept-Encoding lists gzip (or x-gzip), or "*" without
// naming gzip, with a q-value above 0.
func Accepts(h http.Header) bool {
	vv := h["Accept-Encoding"]
	if len(vv) == 1 && vv[0] == "gzip" {
		return true // what Go's clients send
	}
	named, star := -1.0, -1.0 // q of gzip and of "*"; -1 when not listed
	for _, v := range vv {
		for rest := v; rest != ""; {
			var part string
			part, rest, _ = strings.Cut(rest, ",")
			coding, params, _ := strings.Cut(part, ";")
			switch coding = strings.TrimSpace(coding); {
			case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
				named = max(named, qValue(params))
			case coding == "*":
				star = max(star, qValue(params))
			}
		}
	}
	if named >= 0 {
		return named > 0
	}
	return star > 0
}

// qValue returns the q-value of the parameters of a coding ("q=0.5"), 1
// when there is none, and 0 for one that does not parse.
func qValue(params string) float64 {
	for rest := params; rest != ""; {
		var p string
		p, rest, _ = strings.Cut(rest, ";")
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || q < 0 {
				return 0
			}
			return q
		}
	}
	return 1
}

// Encoded reports whether a response with header h is gzip-encoded, and
// gzip only: one Content-Encoding, gzip or x-gzip.
func Encoded(h http.Header) bool {
	ce := h.Values("Content-Encoding")
	if len(ce) != 1 {
		return false
	}
	v := strings.TrimSpace(ce[0])
	return strings.EqualFold(v, "gzip") || strings.EqualFold(v, "x-gzip")
}

// maxDecoded is the most that DecodedLen decodes.
const maxDecoded = 256 << 20

// DecodedLen returns the length of the gzip-encoded body decoded, and
// whether it decodes (whole, and to at most 256 MiB). It decodes without
// keeping what it decodes: a body that expands a thousandfold costs no
// memory, only the time to decode it.
func DecodedLen(body []byte) (int64, bool) {
	return DecodedLenOf(bytes.NewReader(body))
}

// DecodedLenOf is [DecodedLen] of the gzip-encoded body src reads (a body
// file), read to its end or to the limit, never held whole in memory.
func DecodedLenOf(src io.Reader) (int64, bool) {
	zr, err := gzip.NewReader(src)
	if err != nil {
		return 0, false
	}
	n, err := io.Copy(io.Discard, io.LimitReader(zr, maxDecoded+1))
	if err != nil || n > maxDecoded {
		return 0, false
	}
	return n, true
}

// NewReader returns a reader of the gzip-encoded body decoded, as it is
// read, for a body [DecodedLen] found to decode.
func NewReader(encoded []byte) io.ReadCloser {
	return Reader(io.NopCloser(bytes.NewReader(encoded)))
}

// Reader returns a reader of the gzip-encoded src decoded, as it is read:
// each Read returns what the bytes src has given so far decode to, once a
// block of them ends (a stream flushed piece by piece decodes piece by
// piece). Closing it closes src.
func Reader(src io.ReadCloser) io.ReadCloser {
	return &body{src: src}
}

// Decode turns resp, a gzip-encoded answer to a request the transport
// asked gzip for, into what [http.Transport] would return: the body
// decoded as it is read, without Content-Encoding and Content-Length, and
// Uncompressed set. It reports whether resp was gzip-encoded; other
// responses are left alone.
func Decode(resp *http.Response) bool {
	if !strings.EqualFold(first(resp.Header, "Content-Encoding"), "gzip") || resp.Body == nil || resp.Body == http.NoBody {
		return false
	}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	resp.Body = &body{src: resp.Body}
	return true
}

// body decodes src, starting at the first Read as http.Transport does, so
// that a body closed unread reads nothing. Members are read one at a time
// (Multistream off): the end of a member is returned before the next
// member's header is looked for, which may not have come yet (a stream
// gzipped one member per message).
type body struct {
	src  io.ReadCloser
	br   *bufio.Reader
	zr   *gzip.Reader
	more bool  // a member ended: look for another at the next Read
	cut  bool  // src ended inside a member (io.ErrUnexpectedEOF)
	err  error // what ended the decoding, returned by every Read after
}

func (b *body) Read(p []byte) (int, error) {
	for {
		if b.err != nil {
			return 0, b.err
		}
		switch {
		case b.zr == nil:
			b.br = bufio.NewReader(b.src)
			start := peek3(b.br)
			if b.zr, b.err = gzip.NewReader(b.br); b.err != nil {
				b.zr = nil
				b.cut = cutHeader(b.err, start)
				continue
			}
			b.zr.Multistream(false)
		case b.more:
			start := peek3(b.br)
			if b.err = b.zr.Reset(b.br); b.err != nil {
				b.cut = cutHeader(b.err, start)
				continue // io.EOF: no more members
			}
			b.zr.Multistream(false)
			b.more = false
		}
		n, err := b.zr.Read(p)
		b.cut = err == io.ErrUnexpectedEOF
		if err == io.EOF {
			b.more = true
			if n == 0 {
				continue
			}
			return n, nil
		}
		return n, err
	}
}

// cutHeader reports whether err, of reading a member's header that
// started with start, is the end of src inside a gzip header (not garbage
// shorter than one).
func cutHeader(err error, start []byte) bool {
	magic := []byte{0x1f, 0x8b, 8}
	n := min(len(start), len(magic))
	return err == io.ErrUnexpectedEOF && n > 0 && bytes.Equal(start[:n], magic[:n])
}

func (b *body) Close() error { return b.src.Close() }

// maxRequestBody is the most of a gzip-encoded request body that
// RequestBody decodes.
const maxRequestBody = 64 << 20

// RequestBody returns body, a request body sent with header h, decoded
// when h says it is gzip-encoded (Content-Encoding: gzip, as
// Elasticsearch's client sends with CompressRequestBody; under any key a
// client set it) and it decodes, up to 64 MiB; else body itself.
func RequestBody(h http.Header, body []byte) []byte {
	if len(body) == 0 || !strings.EqualFold(strings.TrimSpace(headerkey.Get(h, "Content-Encoding")), "gzip") {
		return body
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return body
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxRequestBody+1))
	if err != nil || len(out) > maxRequestBody {
		return body
	}
	return out
}

// DecodedStreamLen is DecodedLen for a stream recorded in pieces, which
// may have been cut off inside its last member (a client that stopped
// reading): all it holds decodes, and it ends there.
func DecodedStreamLen(body []byte) (int64, bool) {
	n, err := io.Copy(io.Discard, io.LimitReader(StreamReader(io.NopCloser(bytes.NewReader(body))), maxDecoded+1))
	return n, err == nil && n <= maxDecoded
}

// StreamReader is Reader for a stream DecodedStreamLen accepted: one cut
// off inside a member ends there.
func StreamReader(src io.ReadCloser) io.ReadCloser { return &cutBody{&body{src: src}} }

type cutBody struct{ *body }

func (b *cutBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err == io.ErrUnexpectedEOF && b.body.cut {
		err = io.EOF
	}
	return n, err
}

// peek3 returns a copy of the next 3 bytes of br, or fewer at its end (a
// copy: Peek's bytes are overwritten as br reads on).
func peek3(br *bufio.Reader) []byte {
	b, _ := br.Peek(3)
	return bytes.Clone(b)
}
