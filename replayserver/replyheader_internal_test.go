package replayserver

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cassette-go/cassette/library"
)

// TestReplyHeaderIsResponseFors: NewTransport's answer from a plain
// exchange made ready once (reply) has the header of its answer worked out
// for the request, and a client changing it changes neither the reply nor
// the cassette.
func TestReplyHeaderIsResponseFors(t *testing.T) {
	for name, resp := range map[string]library.Response{
		"json":                           {StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "Content-Length": {"7"}}, Body: []byte(`{"a":1}`)},
		"hand-edited body, wrong length": {StatusCode: 200, Header: http.Header{"Content-Length": {"3"}}, Body: []byte("longer than 3")},
		"names in lower case":            {StatusCode: 200, Header: http.Header{"content-length": {"3"}, "x-tag": {"b"}, "X-Tag": {"a"}}, Body: []byte("longer than 3")},
		"several values":                 {StatusCode: 201, Header: http.Header{"Set-Cookie": {"a=1", "b=2"}, "Vary": {"Accept", "Origin"}}, Body: []byte("made")},
		"no content":                     {StatusCode: 204, Header: http.Header{"X-Id": {"1"}, "Content-Length": {"3"}}},
		"not modified":                   {StatusCode: 304, Header: http.Header{"Etag": {`"x"`}, "Content-Type": {"text/plain"}}},
		"no type":                        {StatusCode: 200, Body: []byte("sniffed by no one")},
	} {
		t.Run(name, func(t *testing.T) {
			c := library.Cassette{Name: "c", Exchanges: []library.Exchange{{Response: resp}}}
			before := c.Exchanges[0].Response.Header.Clone()
			reps, _ := repliesOf(c, nil, nil, "")
			if len(reps) != 1 {
				t.Fatalf("repliesOf gave %d replies, want 1", len(reps))
			}
			h := &Handler{}
			req := httptest.NewRequest("GET", "http://api.example.com/", nil)
			want, err := h.responseFor(req, &c.Exchanges[0], c.Name, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := h.responseFor(req, &c.Exchanges[0], c.Name, &reps[0])
			if err != nil {
				t.Fatal(err)
			}
			if got.StatusCode != want.StatusCode || got.ContentLength != want.ContentLength {
				t.Errorf("from the reply: %d of length %d; worked out: %d of length %d", got.StatusCode, got.ContentLength, want.StatusCode, want.ContentLength)
			}
			if diff := cmp.Diff(want.Header, got.Header); diff != "" {
				t.Errorf("header (-worked out +from the reply):\n%s", diff)
			}
			fresh := got.Header.Clone()
			for _, hdr := range []http.Header{want.Header, got.Header} {
				for k, v := range hdr {
					if len(v) > 0 {
						v[0] = "changed"
					}
					hdr[k] = append(v, "appended")
				}
			}
			again, _ := h.responseFor(req, &c.Exchanges[0], c.Name, &reps[0])
			if diff := cmp.Diff(fresh, again.Header); diff != "" {
				t.Errorf("a client's changes to one answer's header are in the next (-first +next):\n%s", diff)
			}
			if diff := cmp.Diff(before, c.Exchanges[0].Response.Header); diff != "" {
				t.Errorf("a client's changes to the header reached the cassette (-before +after):\n%s", diff)
			}
		})
	}
}
