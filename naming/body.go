package naming

import (
	"net/http"
	"net/textproto"
	"reflect"
	"strings"

	"github.com/cassette-go/cassette/internal/awschunked"
	"github.com/cassette-go/cassette/internal/gunzip"
	"github.com/cassette-go/cassette/internal/headerkey"
)

// A BodyRule says what of a request body tells cassettes apart: it returns
// the bytes hashed into the "~b" suffix of a name. contentType is the
// request's Content-Type header as a server reads it, parameters
// included, without the spaces around it ("" when there is none); body is the request body, never empty. Returning nil (or
// an empty slice) means the body does not tell cassettes apart: the name
// has no "~b" suffix.
//
// A rule must be deterministic, must not modify body, and must be safe for
// concurrent use: the replay server calls it for every request. It may
// return body itself. The predefined rules are [ExactBody], [JSONBody],
// [FormBody], [MultipartBody] and [IgnoreBody]; they never panic, and
// those that parse a body fall back to its exact bytes when it does not
// parse. A rule of one's own often builds on one of them (see the
// example).
type BodyRule func(contentType string, body []byte) []byte

// ExactBody is the default body rule: the body as it was sent, byte for
// byte.
func ExactBody(contentType string, body []byte) []byte { return body }

// IgnoreBody is the body rule of bodies that do not tell cassettes apart
// (a random nonce, a signed token): it returns nil, so the name of a
// request has no "~b" suffix whatever its body.
func IgnoreBody(contentType string, body []byte) []byte { return nil }

// For returns the rules that apply to req: those of the first route in
// r.Routes whose pattern matches req, else r. A nil req counts as an
// empty GET request of "/".
func (r Rules) For(req *http.Request) Rules {
	if len(r.Routes) == 0 {
		return r
	}
	method, path := "GET", "/"
	if req != nil {
		method = requestMethod(req.Method)
		if req.URL != nil {
			path = requestPath(req.URL)
		}
	}
	return r.route(method, path)
}

// CanonicalBody returns the bytes that the body rule of req produces from
// body, those hashed into the "~b" suffix of req's name: the rules are
// r.For(req), and the body rule is chosen by req's media type as
// [Rules.Bodies] says (a Content-Type that the request's Connection names
// counts as absent, as Name reads it), which reads a gzip-encoded body
// decoded, and the body of an upload signed chunk by chunk by what its
// chunks hold (see the package documentation). It returns
// nil when body is empty, or decodes to nothing, or the rule ignores it
// (returns nil or an empty slice), and never an empty slice.
// The result may be body itself: do not modify it.
func (r Rules) CanonicalBody(req *http.Request, body []byte) []byte {
	var h http.Header
	if req = asReached(req); req != nil {
		h = req.Header
	}
	return r.For(req).canonicalBody(req, headerkey.NewFields(h), body)
}

// IgnoresBody reports whether the name of req leaves its body out
// whatever it holds: the body rule that r.For(req) chooses for req's media
// type is [IgnoreBody]. A reader of a request body may then name req
// without reading the body whole (a replay server does so for a body over
// its size limit). Any other rule, one of one's own that returns nil
// included, may read the body: IgnoresBody reports false.
func (r Rules) IgnoresBody(req *http.Request) bool {
	r = r.For(req)
	if len(r.Bodies) == 0 {
		return false
	}
	var contentType string
	if req = asReached(req); req != nil {
		contentType = headerkey.Get(req.Header, "Content-Type")
	}
	rule := r.bodyRule(mediaType(contentType))
	return rule != nil && reflect.ValueOf(rule).Pointer() == ignoreBody
}

// ignoreBody is the code pointer of IgnoreBody, with which IgnoresBody
// compares a rule (funcs cannot be compared with ==).
var ignoreBody = reflect.ValueOf(IgnoreBody).Pointer()

// canonicalBody is CanonicalBody with rules already chosen for req, whose
// header's fields are h.
func (r Rules) canonicalBody(req *http.Request, h headerkey.Fields, body []byte) []byte {
	if len(body) == 0 {
		return nil
	}
	encoding := http.Header(nil) // the Content-Encoding of body, when not the request's
	if req != nil && awschunked.Streaming(h) {
		// Its chunks are signed with the time: named by what they hold,
		// whose encoding is the request's less aws-chunked.
		var framed bool
		if body, framed = awsChunkedPayload(body); len(body) == 0 {
			return nil
		}
		if framed {
			encoding = http.Header{"Content-Encoding": {awschunked.PayloadEncoding(h)}}
		}
	}
	if len(r.Bodies) == 0 {
		return body
	}
	var contentType string
	if req != nil {
		// Under any key a client set it, without the spaces around it,
		// as a server reads it.
		contentType = textproto.TrimString(h.Get("Content-Type"))
	}
	rule := r.bodyRule(mediaType(contentType))
	if rule == nil {
		return body
	}
	if encoding != nil {
		if body = gunzip.RequestBody(encoding, body); len(body) == 0 {
			return nil
		}
	} else if req != nil && h.Get("Content-Encoding") != "" {
		// A rule reads the body the client encoded, not its gzip; one
		// that decodes to nothing is no body.
		if body = gunzip.RequestBody(req.Header, body); len(body) == 0 {
			return nil
		}
	}
	out := rule(contentType, body)
	if len(out) == 0 {
		return nil
	}
	return out
}

// bodyRule returns the rule for a media type, as Bodies says, or nil.
func (r Rules) bodyRule(mt string) BodyRule {
	if rule, ok := r.Bodies[mt]; ok {
		return rule
	}
	if i := strings.LastIndexByte(mt, '+'); i >= 0 {
		if rule, ok := r.Bodies[mt[i:]]; ok {
			return rule
		}
	}
	if i := strings.IndexByte(mt, '/'); i > 0 {
		if rule, ok := r.Bodies[mt[:i]+"/*"]; ok {
			return rule
		}
	}
	if rule, ok := r.Bodies[""]; ok {
		return rule
	}
	return r.Bodies["*/*"]
}

// mediaType returns the media type of a Content-Type header: without
// parameters and surrounding space, ASCII letters in lower case.
func mediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return asciiLower(strings.TrimSpace(mt))
}
