package naming_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
)

// No server finds Host or Transfer-Encoding among a request's header
// fields (Go's server moves Host to Request.Host and drops
// Transfer-Encoding), but a caller may set them in the Header of a request
// sent in process, which Go's client does not send: named with them when
// significant, the request got a name in process (replayserver.NewTransport,
// recorder.NewTransport) that no request sent to a server gets. Name
// leaves them out, whatever the rules and the spelling of their keys.
func TestNameLeavesOutHostAndTransferEncoding(t *testing.T) {
	rules := naming.Rules{Headers: []string{"Accept", "Host", "transfer-encoding"}}
	name := func(h http.Header) string {
		r, err := http.NewRequest("POST", "https://api.example.com/v1/items", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		r.Header = h
		return naming.Name(r, []byte("x"), rules)
	}
	want := name(http.Header{"Accept": {"text/csv"}})
	for _, h := range []http.Header{
		{"Accept": {"text/csv"}, "Host": {"other.example"}},
		{"Accept": {"text/csv"}, "host": {"other.example"}},
		{"Accept": {"text/csv"}, "Transfer-Encoding": {"chunked"}},
		{"Accept": {"text/csv"}, "TRANSFER-ENCODING": {"chunked"}, "Host": {"api.example.com"}},
	} {
		if got := name(h); got != want {
			t.Errorf("Name(POST with header %v) = %s, want %s, the name without them", h, got, want)
		}
	}
}

// Validate refuses Host and Transfer-Encoding as significant headers, in
// any case, naming them and saying why.
func TestValidateRefusesHostAndTransferEncoding(t *testing.T) {
	for _, tt := range []struct{ header, why string }{
		{"Host", "the host is part of every name already"},
		{"host", "the host is part of every name already"},
		{"Transfer-Encoding", "never reaches a server among a request's header fields"},
		{"TRANSFER-ENCODING", "never reaches a server among a request's header fields"},
	} {
		for _, rules := range []naming.Rules{
			{Headers: []string{"X-Tenant", tt.header}},
			naming.Default().Route("GET /x", naming.Rules{Headers: []string{tt.header}}),
		} {
			err := rules.Validate()
			if err == nil {
				t.Errorf("Validate of significant %q = nil, want an error", tt.header)
				continue
			}
			for _, want := range []string{strconv.Quote(tt.header), tt.why, "remove it from the significant headers"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Validate of significant %q = %q, want it to say %q", tt.header, err, want)
				}
			}
		}
	}
	for _, h := range []string{"X-Host", "X-Forwarded-Host", "Transfer-Encodings", "Content-Encoding"} {
		if err := (naming.Rules{Headers: []string{h}}).Validate(); err != nil {
			t.Errorf("Validate of significant %q = %v, want nil", h, err)
		}
	}
}
