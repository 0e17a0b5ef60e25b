// Package spill holds the size past which a response body is stored in a
// body file of its library instead of in its cassette (see "Body files" in
// package library), so that what records a library and what imports one
// into it store bodies alike.
package spill

// Size is the size in bytes above which a response body goes to a body
// file: the recorder writes such a body to one as it arrives, holding at
// most Size bytes of it in memory, and `cassette import` stores one there.
const Size = 8 << 20
