package naming

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/headerkey"
)

func TestNameHeaders(t *testing.T) {
	auth := Rules{Headers: []string{"authorization"}}
	runNameTests(t, []nameTest{
		{"significant header is hashed",
			spec{method: "GET", url: "http://h/", header: []string{"Authorization: Bearer a"}, rules: auth}, "GET_h_80~h########"},
		{"absent significant header adds no hash",
			spec{method: "GET", url: "http://h/", rules: auth}, "GET_h_80"},
		{"other headers add no hash",
			spec{method: "GET", url: "http://h/", header: []string{"Date: today"}, rules: auth}, "GET_h_80"},
		{"no rules, no hash",
			spec{method: "GET", url: "http://h/", header: []string{"Authorization: Bearer a"}}, "GET_h_80"},
		{"header hash comes before url hash",
			spec{method: "GET", url: "http://h/A", header: []string{"Authorization: x"}, rules: auth}, "GET_h_80_a~h########~u########"},
	})
}

func TestNameBody(t *testing.T) {
	runNameTests(t, []nameTest{
		{"body is hashed", spec{method: "POST", url: "http://h/", body: "{}"}, "POST_h_80~b########"},
		{"no body, no hash", spec{method: "POST", url: "http://h/"}, "POST_h_80"},
		{"suffixes come in order h, b, u",
			spec{method: "post", url: "http://h/", body: "x", header: []string{"X-V: 1"}, rules: Rules{Headers: []string{"X-V"}}},
			"POST_h_80~h########~b########~u########"},
	})
}

// TestHashes pins the hashes to SHA-256, so they stay the same on every
// machine and Go version.
func TestHashes(t *testing.T) {
	// sha256("") = e3b0c442..., sha256("abc") = ba7816bf...
	if got := string(appendBodyHash(nil, []byte("abc"))); got != "ba7816bf" {
		t.Errorf(`appendBodyHash(nil, "abc") = %q, want "ba7816bf"`, got)
	}
	if got := string(appendHash(nil, 3, "")); got != "e3b0c4" {
		t.Errorf(`appendHash(nil, 3, "") = %q, want "e3b0c4"`, got)
	}
	long := strings.Repeat("a", 100) // longer than the buffer on the stack
	if got, want := string(appendHash(nil, 4, long)), string(appendSum(nil, 4, []byte(long))); got != want {
		t.Errorf("appendHash(nil, 4, 100 bytes) = %q, want %q", got, want)
	}
	if got := appendHeaderHash(nil, headerkey.NewFields(nil), []string{"Accept"}); got != nil {
		t.Errorf("appendHeaderHash(nil, nil header, [Accept]) = %q, want nothing", got)
	}
	h := http.Header{"Accept": {"a"}}
	if got := string(appendHeaderHash(nil, headerkey.NewFields(h), []string{"accept"})); !matchName(got, "~h########") {
		t.Errorf("appendHeaderHash(nil, Accept: a, [accept]) = %q, want a hash", got)
	}
}
