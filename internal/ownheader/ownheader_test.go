package ownheader_test

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/ownheader"
)

func TestIs(t *testing.T) {
	for k, want := range map[string]bool{
		"X-Cassette-Scheme":   true,
		"x-cassette-host":     true,
		"X-CASSETTE-URL-HOST": true,
		"x-Cassette-secret":   true,
		"X-Cassette-Miss":     false, // an answer's header, not a request's
		"X-Cassette-Hosts":    false,
		"X-Caſsette-Host":     false, // folds to it in Unicode, not in ASCII: no server reads it so
		"":                    false,
	} {
		if got := ownheader.Is(k); got != want {
			t.Errorf("Is(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestWithout(t *testing.T) {
	h := http.Header{"X-Cassette-Host": {"a"}, "x-cassette-secret": {}, "X-Other": {"b"}}
	got := ownheader.Without(h)
	if len(got) != 1 || got.Get("X-Other") != "b" {
		t.Errorf("Without(%v) = %v, want X-Other alone", h, got)
	}
	if len(h) != 3 {
		t.Errorf("Without modified its header: %v", h)
	}
	plain := http.Header{"X-Other": {"b"}}
	if got := ownheader.Without(plain); len(got) != 1 {
		t.Errorf("Without(%v) = %v", plain, got)
	}
}

// WithoutTrailers leaves a request that can send no trailers as it is,
// and gives any other a copy whose trailers, set as its body ends, never
// hold the replay server's own headers, announced or not; the request it
// copies is not modified.
func TestWithoutTrailers(t *testing.T) {
	plain, _ := http.NewRequest("PUT", "http://api.example/", strings.NewReader("x"))
	if got := ownheader.WithoutTrailers(plain, plain); got != plain {
		t.Errorf("WithoutTrailers(PUT without trailers) = a copy, want the request itself")
	}
	beside, _ := http.NewRequest("PUT", "http://api.example/", strings.NewReader("x"))
	beside.Trailer = http.Header{"X-Checksum": nil}
	bc := ownheader.WithoutTrailers(beside, beside)
	if bc == beside {
		t.Fatal("WithoutTrailers(PUT with trailer X-Checksum) = the request itself, want a copy (a key added by the body's end is sent too)")
	}
	beside.Trailer.Set("X-Checksum", "crc")
	beside.Trailer["X-Cassette-Host"] = []string{"forged.example"} // not announced
	if b, err := io.ReadAll(bc.Body); string(b) != "x" || err != nil {
		t.Fatalf("reading the copy's body = %q, %v, want \"x\"", b, err)
	}
	if want := (http.Header{"X-Checksum": {"crc"}}); !reflect.DeepEqual(bc.Trailer, want) {
		t.Errorf("the copy's trailers at the end of its body = %v, want %v", bc.Trailer, want)
	}
	r, _ := http.NewRequest("PUT", "http://api.example/", strings.NewReader("x"))
	r.Trailer = http.Header{"X-Checksum": nil, "x-cassette-host": nil}
	c := ownheader.WithoutTrailers(r, r)
	if c == r {
		t.Fatal("WithoutTrailers(PUT with trailer x-cassette-host) = the request itself, want a copy")
	}
	if len(c.Trailer) != 1 {
		t.Errorf("WithoutTrailers(PUT with trailer x-cassette-host).Trailer = %v, want X-Checksum alone", c.Trailer)
	}
	r.Trailer.Set("X-Checksum", "crc")
	r.Trailer["x-cassette-host"] = []string{"forged.example"}
	if b, err := io.ReadAll(c.Body); string(b) != "x" || err != nil {
		t.Fatalf("reading the copy's body = %q, %v, want \"x\"", b, err)
	}
	if want := (http.Header{"X-Checksum": {"crc"}}); !reflect.DeepEqual(c.Trailer, want) {
		t.Errorf("the copy's trailers at the end of its body = %v, want %v", c.Trailer, want)
	}
	if len(r.Trailer) != 2 {
		t.Errorf("the request's trailers were changed: %v", r.Trailer)
	}
}

// Fields HTTP forbids in trailers are dropped from them as the server's
// own are, announced or added by the body's end, in any spelling; others
// (Cookie, Date) are kept.
func TestWithoutTrailersDropsFieldsForbiddenInTrailers(t *testing.T) {
	r, _ := http.NewRequest("PUT", "http://api.example/", strings.NewReader("x"))
	r.Trailer = http.Header{"X-Checksum": nil, "Content-Type": nil}
	c := ownheader.WithoutTrailers(r, r)
	if want := (http.Header{"X-Checksum": nil}); !reflect.DeepEqual(c.Trailer, want) {
		t.Errorf("WithoutTrailers(PUT with trailers X-Checksum, Content-Type).Trailer = %v, want %v", c.Trailer, want)
	}
	r.Trailer.Set("X-Checksum", "crc")
	r.Trailer.Set("Content-Type", "text/plain")
	r.Trailer["content-length"] = []string{"1"}
	r.Trailer.Set("Host", "api.example")
	r.Trailer.Set("Cookie", "a=b")
	if b, err := io.ReadAll(c.Body); string(b) != "x" || err != nil {
		t.Fatalf("reading the copy's body = %q, %v, want \"x\"", b, err)
	}
	if want := (http.Header{"X-Checksum": {"crc"}, "Cookie": {"a=b"}}); !reflect.DeepEqual(c.Trailer, want) {
		t.Errorf("the copy's trailers at the end of its body = %v, want %v", c.Trailer, want)
	}
	for k, want := range map[string]bool{"Transfer-Encoding": true, "te": true, "AUTHORIZATION": true, "Date": false, "X-Checksum": false, "Hosts": false,
		"If-Match": true, "if-none-match": true, "IF-RANGE": true, "If-": true, "If": false, "Iff-Match": false} {
		if got := ownheader.Forbidden(k); got != want {
			t.Errorf("Forbidden(%q) = %v, want %v", k, got, want)
		}
	}
}
