// Package har converts between cassettes and HAR 1.2, the HTTP Archive
// format that browsers' developer tools write ("Save all as HAR") and many
// HTTP tools read.
//
// # Import
//
// [Import] turns each entry of a HAR log into an exchange, and groups the
// exchanges into cassettes named by package naming's default rules, in the
// order of the entries:
//
//   - request.method, request.url and request.headers (a list: order and
//     duplicates are kept, names are canonicalized as Go's net/http does)
//     make the request; HTTP/2 pseudo-headers (":authority", ":path", ...)
//     are skipped. request.postData.text is the request body; a form given
//     as postData.params instead is rebuilt URL-encoded, and
//     postData.mimeType is the request's Content-Type when no header
//     gives one.
//   - response.status, response.headers and response.content.text make the
//     response; a text with "encoding": "base64" is decoded.
//   - startedDateTime is the recording time, time (milliseconds) the
//     latency.
//
// Browsers store bodies decoded: a response sent with Content-Encoding:
// gzip has its uncompressed text in the HAR, and keeps its
// Content-Encoding header. Replayed as is, such a response would announce
// gzip and send plain text, which clients fail to read. So when a response
// has a Content-Encoding (gzip, x-gzip, deflate, br, zstd) and its body is
// not in that encoding (a gzip, zlib or zstd body starts with its magic
// bytes; a br body in a HAR is always decoded), Import stores the decoded
// body, removes Content-Encoding and sets Content-Length, if present, to
// the decoded length. A body that really is encoded (as another tool may
// write it) is kept byte for byte with its header, and so is one written
// by [Export] (see below), from its "_encoded" field.
//
// A response whose content has a size but no text (a browser that no
// longer had the body when it saved the HAR) is imported with an empty
// body, with a warning.
//
// Fields Import does not use (cookies, which repeat the headers; timings
// other than time; cache; pages) are ignored. A UTF-8 byte order mark at
// the start of the file, which Windows tools write, is skipped.
//
// # Export
//
// [Export] writes a HAR 1.2 log with creator "cassette": one entry per
// exchange, cassette after cassette. Bodies that are UTF-8 text are
// written as text, others in base64 with "encoding": "base64" (for a
// request body, whose postData has no encoding field in HAR 1.2, as the
// custom field "_encoding"). A response body sent with Content-Encoding
// gzip or deflate is written decoded, as HAR 1.2 asks and browsers do (so
// that HAR viewers show it), with its "size" decoded and "compression"
// the bytes the coding saved; the body as sent is in the custom field
// "_encoded" (base64). One in br or zstd, which the standard library does
// not decode, in several codings, or in gzip or deflate decoding to more
// than [MaxExportDecoded] (64 MiB: a decompression bomb), is written as
// sent, marked "_asSent": true so that Import keeps it, and its
// Content-Encoding, byte for byte. Import trusts these two
// fields only in a HAR whose creator is "cassette", and "_encoded" only
// while the text still decodes from it: a text edited by hand wins. Trailers, which HAR cannot hold, are written
// in the custom field "_trailers" of the response, and the pieces a
// streamed body arrived in in "_chunks" ([{"size": 12, "at": "1.5ms"}]). The host of an
// OPTIONS * request, whose URL as stored ("https:*", as its client sent
// it) holds none, is written from its cassette's name in the custom field
// "_host" of the request, with its port unless it is the scheme's, and
// Import names such a request with it. An unknown recording
// time is written as 0001-01-01T00:00:00Z, and the latency as the "wait"
// timing. Import reads all of these back, so Export then Import gives the
// same cassettes.
package har

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"time"
)

// The HAR 1.2 schema, as far as this package reads and writes it.
// Optional fields are omitted when empty; required ones are always
// written.

type archive struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string  `json:"version"`
	Creator creator `json:"creator"`
	Entries []entry `json:"entries"`
}

type creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Time            float64  `json:"time"`
	Request         request  `json:"request"`
	Response        response `json:"response"`
	Cache           struct{} `json:"cache"`
	Timings         timings  `json:"timings"`
}

// The sizes of bodies (bodySize, content's size and compression) are
// int64: a browser's HAR of a large download gives sizes past 2 GiB,
// which an int does not hold on 32-bit systems.
type request struct {
	Method      string    `json:"method"`
	URL         string    `json:"url"`
	HTTPVersion string    `json:"httpVersion"`
	Cookies     []cookie  `json:"cookies"`
	Headers     []nvPair  `json:"headers"`
	QueryString []nvPair  `json:"queryString"`
	PostData    *postData `json:"postData,omitempty"`
	HeadersSize int       `json:"headersSize"`
	BodySize    int64     `json:"bodySize"`
	// Host is the custom "_host": the host of an OPTIONS * request,
	// whose URL ("https:*") holds none (see Export). Raw, so that
	// another tool's field of that name, of another type, is no error.
	Host json.RawMessage `json:"_host,omitempty"`
}

type response struct {
	Status      int      `json:"status"`
	StatusText  string   `json:"statusText"`
	HTTPVersion string   `json:"httpVersion"`
	Cookies     []cookie `json:"cookies"`
	Headers     []nvPair `json:"headers"`
	Content     content  `json:"content"`
	RedirectURL string   `json:"redirectURL"`
	HeadersSize int      `json:"headersSize"`
	BodySize    int64    `json:"bodySize"`
	Trailers    []nvPair `json:"_trailers,omitempty"`
	Chunks      []chunk  `json:"_chunks,omitempty"`
}

// A chunk is a piece of a streamed body: its size, and when it arrived
// (as Go's time.Duration writes it, counted from the request).
type chunk struct {
	Size int    `json:"size"`
	At   string `json:"at"`
}

type nvPair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

type postData struct {
	MimeType string   `json:"mimeType"`
	Params   []nvPair `json:"params"`
	Text     string   `json:"text"`
	Encoding string   `json:"_encoding,omitempty"`
	// Encoding2 is "encoding", which some tools write in postData too.
	Encoding2 string `json:"encoding,omitempty"`
}

type content struct {
	Size        int64  `json:"size"`
	Compression int64  `json:"compression,omitempty"`
	MimeType    string `json:"mimeType"`
	Text        string `json:"text,omitempty"`
	Encoding    string `json:"encoding,omitempty"`
	// Encoded is the custom "_encoded": the body as sent, a base64
	// string, when Text holds it decoded (see Export). Raw, so that
	// another tool's field of that name, of another type, is no error.
	Encoded json.RawMessage `json:"_encoded,omitempty"`
	// AsSent is the custom "_asSent": Text is the body as sent, in its
	// Content-Encoding, which Import keeps (see Export).
	AsSent bool `json:"_asSent,omitempty"`
}

type timings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// headerList returns the pairs of h, names sorted, each value in order.
func headerList(h http.Header) []nvPair {
	out := []nvPair{}
	for _, k := range sortedKeys(h) {
		for _, v := range h[k] {
			out = append(out, nvPair{k, v})
		}
	}
	return out
}

// zeroTime is how Export writes an unknown recording time.
const zeroTime = "0001-01-01T00:00:00Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return zeroTime
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func sortedKeys(h http.Header) []string { return slices.Sorted(maps.Keys(h)) }
