// Package interop tests that cassette works with the cassettes of other
// tools, written by those tools themselves. It is a module of its own so
// that their dependencies (go-vcr) stay out of cassette's go.mod.
//
// Run its tests from this folder with
//
//	go test -race ./...
//
// and regenerate the go-vcr sample that cassette's own tests import,
// ../testdata/interop/govcr-sample.yaml, with
//
//	go test -run TestGoVCR -update
package interop
