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
// headers (see [Rules]), "~b" the request body when it is not empty, "~u"
// the method, path and query when the fields above could not show them
// faithfully.
//
//   - Method: upper case; letters, digits and "-", at most 12 bytes,
//     starting with a letter or digit. An empty method is GET.
//   - Host: lower case (hosts are case-insensitive) without the port. A
//     host that is empty, longer than 48 bytes or holds characters other
//     than [a-z0-9.-] (an IPv6 literal, whose brackets are dropped) is cut,
//     has those characters replaced by "-", and ends in "~" and 6 hex
//     digits of a hash of the lower-cased host, so two hosts never share a
//     field.
//   - Port: the explicit port, else 443 for https (or, for a request
//     without scheme, one that came over TLS), else 80.
//   - Path: the escaped path (or the opaque part of an opaque URL); ""
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
package naming
