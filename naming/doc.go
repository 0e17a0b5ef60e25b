// Package naming computes the cassette name of an HTTP request: the parts of
// a request that tell recorded exchanges apart.
//
// A name is readable, deterministic and safe as a file name on Linux, macOS
// and Windows. It is built from the method, the host, the port, the path
// segments and the sorted query, then short hashes for the parts that are
// not readable:
//
//	GET_api.example.com_443_v1_users__page=2,sort=name
//	POST_api.example.com_443_v1_orders~b1a2b3c4d
//	GET_127.0.0.1_8080_search__q=caf%C3%A9~u0f1e2d3c
//
// Fields are separated by "_"; the query, when there is one, follows "__"
// with its pairs sorted by key and joined by ","; hash suffixes start with
// "~": "~h" hashes the significant headers (see [Rules]), "~b" the request
// body, "~u" the exact URL when the readable part could not show it
// faithfully (upper case, characters that are not safe in file names, "_"
// or "," inside a field, or a name cut because it was too long). Two
// requests that differ in any significant part never share a name.
//
// Names are a stable contract: the names of a fixed set of requests are
// pinned in testdata/names.golden.
package naming
