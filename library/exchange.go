package library

import (
	"net/http"
	"time"
)

// Version is the schema version written to every file. Files with a higher
// version are refused with an error; older versions are migrated on load.
const Version = 1

// A Cassette is the list of exchanges recorded for one request name. They are
// replayed in order; what happens after the last one is the replayer's choice
// (by default it repeats).
type Cassette struct {
	// Name is the cassette name (see package naming). In a directory
	// library it is also the file name, without extension.
	Name string

	// Exchanges are the recorded exchanges, oldest first.
	Exchanges []Exchange
}

// An Exchange is one recorded request and the response it got.
type Exchange struct {
	// Request is the request as sent, redacted.
	Request Request
	// Response is the response the request got.
	Response Response

	// Latency is the time from sending the request to the end of the
	// response body, as recorded. Zero when unknown.
	Latency time.Duration

	// RecordedAt is when the exchange was recorded. Zero when unknown.
	RecordedAt time.Time
}

// A Request is the recorded request.
type Request struct {
	// Method is the request's method, such as "GET".
	Method string
	// URL is the absolute URL the request was sent to.
	URL string
	// Header holds the request's headers, every value in order.
	Header http.Header
	// Body is the request body, byte-exact; nil or empty for none.
	Body []byte
}

// A Response is the recorded response, as the upstream sent it: no
// transparent decompression, redirects not followed.
type Response struct {
	// StatusCode is the response's status, such as 200.
	StatusCode int
	// Header holds every value of every header, in order.
	Header http.Header
	// Trailer holds the trailers, if any.
	Trailer http.Header
	// Body is the response body, byte-exact; nil or empty for none, and
	// nil when the body is in BodyFile.
	Body []byte

	// BodyFile is the absolute path of the file holding the body when it
	// is stored apart from the cassette (see "Body files" in the package
	// documentation): the recorder writes large bodies there, so that
	// they are never held in memory. Read it with [Response.OpenBody] or
	// [Response.ReadBody], which open a body file named by a cassette
	// file inside the folder of that file, symbolic links included.
	// Empty when the body is Body.
	BodyFile string

	// Chunks describe how a streamed body (one sent without a
	// Content-Length: chunked, or a text/event-stream) arrived, piece by
	// piece, so that it can be replayed as a stream and, on request, with
	// its recorded timing. Nil for a body that was not streamed. Their
	// sizes add up to len(Body); when they do not (a hand-edited body),
	// replayers ignore them, as they do for a body in BodyFile.
	Chunks []Chunk
}

// A Chunk is one piece of a streamed response body as it arrived.
type Chunk struct {
	// Size is the length of the piece in bytes.
	Size int
	// At is when the piece arrived, counted from when the request was
	// sent.
	At time.Duration
}

// ChunksValid reports whether the chunks of r describe its body: there
// are some, none is empty and their sizes add up to len(r.Body).
func (r *Response) ChunksValid() bool {
	if len(r.Chunks) == 0 || r.BodyFile != "" {
		return false
	}
	total := 0
	for _, c := range r.Chunks {
		if c.Size <= 0 {
			return false
		}
		total += c.Size
	}
	return total == len(r.Body)
}
