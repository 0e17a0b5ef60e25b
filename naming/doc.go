// Package naming computes the cassette name of an HTTP request: the parts of
// a request that tell recorded exchanges apart.
//
// A name is readable, deterministic and safe as a file name on Linux, macOS
// and Windows. It is built from the method, the host, the port, the path
// segments and the sorted query, then short hashes for the parts that are
// not readable:
//
//	GET_api.example.com_443_v1_users__page=2,sort=name
//	POST_api.example.com_443_v1_orders~bbc7941df
//	GET_127.0.0.1_8080_search__q=caf%C3%A9~u2d233354
//
// The last is the name of GET http://127.0.0.1:8080/Search?q=caf%C3%A9:
// the field shows the path in lower case, so a hash of the URL follows.
//
// Names are a stable contract: the names of a fixed set of requests are
// pinned in testdata/names.golden.
//
// # Format
//
// Fields are separated by "_": the method, the host, the port, then one
// field per path segment. When the query has pairs left after
// [Rules.IgnoreQuery], "__" follows with the pairs sorted by decoded key
// (the values of a repeated key keep their order), each as sent ("k=v",
// or "k"), joined by ",". Then come the hash suffixes, each "~", a letter
// and 8 lower-case hex digits, in this order: "~h" hashes the significant
// headers (see [Rules]; Range always is one, a hop-by-hop field such as
// Proxy-Authorization never), "~b" the request body as its body rule gives it
// (under the default rules, the body as sent, when it is not empty; see
// below), "~u" the method, path and query when the fields above could not
// show them faithfully.
//
//   - Method: upper case; letters, digits and "-", at most 12 bytes,
//     starting with a letter or digit. An empty method is GET.
//   - Host: lower case (hosts are case-insensitive) without the port. A
//     host that is empty, longer than 48 bytes or holds characters other
//     than [a-z0-9.-] (an IPv6 literal, whose brackets and zone, such as
//     %en0, are dropped: a zone names an interface of one machine) is cut,
//     has those characters replaced by "-", and ends in "~" and 6 hex
//     digits of a hash of the lower-cased host, so two hosts never share a
//     field.
//   - Port: the explicit port, else 443 for https (or, for a request
//     without scheme, one that came over TLS), else 80.
//   - Path: the escaped path (or the opaque part of an opaque URL; of
//     an opaque part "//host/path", which a Go client sends as the URL
//     "scheme://host/path", the "/path" a server receives); ""
//     and "/" are the root, with no segment
//     field. A segment keeps lower-case letters, digits and ".=%-"; upper
//     case becomes lower case, and every other character, "_" and ","
//     included, becomes "-". An empty segment ("/a//b", "/a/") and the
//     segments "." and ".." are shown as "-".
//   - Query: each pair keeps lower-case letters, digits and ".=%-+"; other
//     characters change as in the path.
//   - In path and query, a "%" followed by two hex digits is an escape
//     whose digits are upper case, as Go's url package writes them, so
//     non-ASCII text reads as "caf%C3%A9". Every other letter is lower
//     case: two names never differ only in case.
//   - The path and query part is cut at 80 bytes, never inside an escape
//     or after a separator. The cut does not depend on the host, so
//     [WithoutHost] gives one answer for one request sent to any host.
//
// The "~u" suffix is added when anything above lost information: a method
// not in upper case, a path or query character that was changed, an empty
// or dot segment, a path not starting with "/", a cut, or a name whose
// readable part ends in "." (which Windows drops). It hashes the method,
// the escaped path and the sorted significant query pairs as sent, so two
// requests that differ in any of those never share a name; it leaves out
// the host and port, which have fields of their own.
//
// Hashes are SHA-256 cut short, the same on every run, machine and Go
// version. A name holds only ASCII letters, digits and ".-_=,~%+", starts
// with its method, and is at most 184 bytes long.
//
// # Body rules
//
// By default the "~b" suffix hashes the body byte for byte, so two JSON
// bodies that differ only in key order or whitespace get two cassettes.
// The body of an upload that AWS's SigV4 signs chunk by chunk (its
// X-Amz-Content-Sha256 is a "STREAMING-..." payload, framed in
// aws-chunked) is read as the data its chunks hold, without their sizes,
// signatures and trailer, by the default rule and any other: the
// signatures are new on every run. A rule reads a gzip payload decoded
// whichever way Content-Encoding lists aws-chunked beside gzip.
// [Rules.Bodies] chooses a [BodyRule] by the media type of the request
// (its Content-Type without parameters, "application/json"), a structured
// suffix ("+json") or a fallback for any type (""). A rule returns the
// bytes to hash, or nil when the body does not tell cassettes apart (no
// "~b" suffix at all):
//
//   - [ExactBody]: the body as sent (the default);
//   - [JSONBody]: canonical JSON, key order and whitespace ignored;
//   - [FormBody]: URL-encoded form fields, in sorted order;
//   - [MultipartBody]: multipart form parts by name, file name,
//     Content-Type and content, boundary ignored;
//   - [IgnoreBody]: nothing;
//   - a func of one's own, such as JSON without a "timestamp" field,
//     usually ending in one of the above.
//
// [Rules.CanonicalBody] returns what the rule gives for a request: what
// the name hashes, and what a report of a missing cassette can show.
// [Rules.IgnoresBody] tells whether the rule for a request is IgnoreBody,
// so that it can be named without reading its body.
//
// # Routes
//
// [Rules.Routes] give other rules to some requests: a [Route] pairs a
// pattern written as for net/http.ServeMux ("POST /v1/search",
// "/v1/items/{id}", "/v1/files/{path...}", "/v1/") with the rules for the
// requests it matches, used whole instead of the enclosing ones. The first
// route that matches wins; [Rules.For] returns the rules that apply to a
// request, and [Rules.Route] appends a route:
//
//	rules := naming.Rules{Headers: []string{"Accept"}}.
//		Route("POST /v1/search", naming.Rules{Bodies: map[string]naming.BodyRule{"": naming.IgnoreBody}})
//
// A pattern that is not valid matches nothing, so Name never fails;
// [Rules.Validate] reports it, for programs that take rules to check them
// early.
//
// Name and the predefined body rules are safe for concurrent use. Under
// the default rules, and with routes, Name allocates only its result: a
// replay server calls it on every request.
package naming
