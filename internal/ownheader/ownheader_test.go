package ownheader_test

import (
	"net/http"
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
