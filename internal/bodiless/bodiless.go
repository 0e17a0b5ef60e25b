// Package bodiless keeps a streaming reverse proxy from flushing the
// header of an answer that can have no body before its handler ends.
//
// An [httputil.ReverseProxy] whose FlushInterval is negative (the
// recording proxies stream what arrives as it arrives) flushes the header
// at once, on a timer's goroutine, racing the end of its handler. Over
// HTTP/2 a header flushed before the handler ends goes in a HEADERS frame
// that does not end the stream, and the empty DATA frame that ends it
// follows: a client then cannot tell that the body is empty, and
// net/http's reports a 204 or a 304 with a ContentLength of -1, not the
// 0 it reports when the header ends the stream. Which one it got
// depended on timing. An answer that can have no body (an interim or
// 1xx status, 204 No Content, 304 Not Modified, or any answer to a HEAD)
// has nothing to stream: its header goes out when the handler ends, as
// net/http's server sends the header of a handler that does not flush.
// So does an answer whose upstream said, by its header, that its body is
// empty (see [Empty]): a gRPC error's answer is one HEADERS frame that ends
// the stream, and grpc-go reads the status in it only if that frame ends
// the stream; sent in two frames, a client got code Internal instead.
//
// The writer also keeps a field that the upstream sent both in its header
// and as a trailer from reaching the client with both values as its
// trailer (see [Writer]).
package bodiless

import (
	"context"
	"net/http"
	"net/textproto"
	"strings"
)

// key is the context key under which a request carries its writer.
type key struct{}

// Writer returns w for the answer to r, wrapped so that a Flush before
// any byte of the body is written does nothing when the answer can have
// no body: its status (the first of 200 or more written, 200 if none is)
// is 1xx, 204 or 304, or r is a HEAD. Once the final header is written,
// the fields its Trailer header names are cleared from w's header, as
// the header sent was copied: the proxy adds the upstream's trailers to
// them, and a field also in the upstream's header then went with its
// header value too. Every other Flush, and everything else, goes to w; its Unwrap gives w to [http.ResponseController]. Like
// w, it is not safe for concurrent use.
//
// The request returned is r with the writer in its context: the proxy
// serves it, so that [Empty] can find the writer from the upstream's
// response (see also [Transport]).
func Writer(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	bw := &writer{ResponseWriter: w, head: r.Method == http.MethodHead}
	return bw, r.WithContext(context.WithValue(r.Context(), key{}, bw))
}

// Empty tells the writer of the answer forwarded from resp (found in the
// context of resp.Request, a request that [Writer] returned or one made
// from it) that the answer has no body when resp says so: its
// ContentLength is 0 and it announces no trailers, as the response to a
// HEADERS frame that ends an HTTP/2 stream does. A Flush before any byte
// of the body is then held, as for a 204. A proxy's ModifyResponse calls
// it, before the proxy writes the header; it does nothing for a response
// of another request.
func Empty(resp *http.Response) {
	if resp == nil || resp.Request == nil || resp.ContentLength != 0 || len(resp.Trailer) > 0 {
		return
	}
	if bw, _ := resp.Request.Context().Value(key{}).(*writer); bw != nil {
		bw.empty = true
	}
}

// Transport returns rt, wrapped so that a response it returns without its
// Request (a test's fake transport often leaves it unset) has the request
// it answers: [Empty] finds the answer's writer through it.
func Transport(rt http.RoundTripper) http.RoundTripper { return requestSetter{rt} }

// A requestSetter is the RoundTripper [Transport] returns.
type requestSetter struct{ rt http.RoundTripper }

func (t requestSetter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(r)
	if resp != nil && resp.Request == nil {
		resp.Request = r
	}
	return resp, err
}

// A writer is the ResponseWriter of one answer (see [Writer]).
type writer struct {
	http.ResponseWriter
	head   bool // the request is a HEAD
	status int  // the final status written; 0 before
	wrote  bool // a byte of the body was written
	empty  bool // the upstream's answer has no body (see Empty)
}

func (bw *writer) WriteHeader(code int) {
	final := bw.status == 0 && code >= 200
	if bw.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		bw.status = code // an interim answer (100 Continue, 103) is not the answer
	}
	bw.ResponseWriter.WriteHeader(code)
	if final {
		// The header is sent as it is now (net/http's servers keep a
		// copy): a field it announces as a trailer starts again empty.
		// The proxy adds the upstream's trailers to it, and a field the
		// upstream sent in its header too would otherwise reach the
		// client with both values as its trailer (X-Sum: [h t]).
		h := bw.ResponseWriter.Header()
		for _, v := range h["Trailer"] {
			for k := range strings.SplitSeq(v, ",") {
				if k = textproto.TrimString(k); k != "" {
					delete(h, http.CanonicalHeaderKey(k))
				}
			}
		}
	}
}

func (bw *writer) Write(p []byte) (int, error) {
	if bw.status == 0 {
		bw.status = http.StatusOK // as net/http's Write does
	}
	n, err := bw.ResponseWriter.Write(p)
	if n > 0 {
		bw.wrote = true
	}
	return n, err
}

// FlushError flushes w, as [http.ResponseController.Flush] does, unless
// the answer can have no body and none of it was written: it then does
// nothing and returns nil.
func (bw *writer) FlushError() error {
	if !bw.wrote && bw.bodiless() {
		return nil
	}
	return http.NewResponseController(bw.ResponseWriter).Flush()
}

// Flush is FlushError without its error, for callers that assert
// [http.Flusher].
func (bw *writer) Flush() { bw.FlushError() }

// bodiless reports whether the answer can have no body.
func (bw *writer) bodiless() bool {
	status := bw.status
	if status == 0 {
		status = http.StatusOK // a Flush writes 200 first
	}
	return bw.head || bw.empty || status < 200 || status == http.StatusNoContent || status == http.StatusNotModified
}

// Unwrap gives http.ResponseController the ResponseWriter beneath.
func (bw *writer) Unwrap() http.ResponseWriter { return bw.ResponseWriter }
