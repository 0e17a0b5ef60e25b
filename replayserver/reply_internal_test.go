package replayserver

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/google/go-cmp/cmp"
)

// TestReplyWritesAsWriteExchange: a plain exchange made ready to write
// (reply) is written byte for byte as writeExchange writes it.
func TestReplyWritesAsWriteExchange(t *testing.T) {
	plain := map[string]library.Response{
		"json":                           {StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "Content-Length": {"7"}}, Body: []byte(`{"a":1}`)},
		"hand-edited body, wrong length": {StatusCode: 200, Header: http.Header{"Content-Length": {"3"}}, Body: []byte("longer than 3")},
		"several values":                 {StatusCode: 201, Header: http.Header{"Set-Cookie": {"a=1", "b=2"}, "Vary": {"Accept", "Origin"}}, Body: []byte("made")},
		"no content":                     {StatusCode: 204, Header: http.Header{"X-Id": {"1"}}},
		"not modified":                   {StatusCode: 304, Header: http.Header{"Etag": {`"x"`}}},
		"no status":                      {Body: []byte("status 0 is 200")},
		"empty body":                     {StatusCode: 200},
	}
	for name, resp := range plain {
		t.Run(name, func(t *testing.T) {
			c := library.Cassette{Name: "c", Exchanges: []library.Exchange{{Response: resp}}}
			var buf [1]reply
			var kvBuf [oneKVs]string
			reps, keys := repliesOf(c, buf[:], kvBuf[:], "")
			if keys != [2]string{c.Name, ""} {
				t.Errorf("repliesOf gave the names %q, want %q and none", keys, c.Name)
			}
			if len(reps) != 1 {
				t.Fatalf("repliesOf gave %d replies, want 1", len(reps))
			}
			if &reps[0] != &buf[0] {
				t.Errorf("repliesOf allocated the reply of a cassette of one exchange, given room for it")
			}
			if kv := reps[0].kv; len(kv) > 0 && len(kv) <= len(kvBuf) && &kv[0] != &kvBuf[0] {
				t.Errorf("repliesOf allocated the %d names and values of the header, given room for %d", len(kv), len(kvBuf))
			}
			h := &Handler{}
			req := httptest.NewRequest("GET", "/", nil)
			want := httptest.NewRecorder()
			h.writeExchange(want, req, &c.Exchanges[0])
			got := httptest.NewRecorder()
			writeReply(got, &reps[0])
			if got.Code != want.Code || got.Body.String() != want.Body.String() {
				t.Errorf("reply wrote %d %q, writeExchange %d %q", got.Code, got.Body, want.Code, want.Body)
			}
			if diff := cmp.Diff(want.Header(), got.Header()); diff != "" {
				t.Errorf("header (-writeExchange +reply):\n%s", diff)
			}
		})
	}

	// A cassette of all of them: its replies share one string and one
	// slice, each its own part.
	all := library.Cassette{Name: "all"}
	for _, resp := range plain {
		all.Exchanges = append(all.Exchanges, library.Exchange{Response: resp})
	}
	reps, keys := repliesOf(all, nil, nil, "GET 127.0.0.1/x")
	if len(reps) != len(all.Exchanges) || keys != [2]string{all.Name, "GET 127.0.0.1/x"} {
		t.Fatalf("repliesOf gave %d replies and the names %q, want %d and %q, %q", len(reps), keys, len(all.Exchanges), all.Name, "GET 127.0.0.1/x")
	}
	for i := range all.Exchanges {
		h := &Handler{}
		req := httptest.NewRequest("GET", "/", nil)
		want := httptest.NewRecorder()
		h.writeExchange(want, req, &all.Exchanges[i])
		got := httptest.NewRecorder()
		writeReply(got, &reps[i])
		if got.Code != want.Code || got.Body.String() != want.Body.String() {
			t.Errorf("exchange %d of %d: reply wrote %d %q, writeExchange %d %q", i, len(reps), got.Code, got.Body, want.Code, want.Body)
		}
		if diff := cmp.Diff(want.Header(), got.Header()); diff != "" {
			t.Errorf("exchange %d of %d: header (-writeExchange +reply):\n%s", i, len(reps), diff)
		}
		// What a middleware appends to a value list goes to a copy.
		hdr := got.Header()
		for k := range hdr {
			hdr[k] = append(hdr[k], "appended")
		}
	}
	for i := range reps {
		want := httptest.NewRecorder()
		(&Handler{}).writeExchange(want, httptest.NewRequest("GET", "/", nil), &all.Exchanges[i])
		again := httptest.NewRecorder()
		writeReply(again, &reps[i])
		if diff := cmp.Diff(want.Header(), again.Header()); diff != "" {
			t.Errorf("exchange %d, after appending to the value lists written: header (-writeExchange +reply):\n%s", i, diff)
		}
	}

	// The room for the header goes with the room for the reply (see
	// Handler.keep): the replies of a cassette of two exchanges do not
	// fit in it, and their header is not written there either, small as
	// it is.
	two := library.Cassette{Name: "two", Exchanges: []library.Exchange{{Response: plain["no content"]}, {Response: plain["no content"]}}}
	var oneBuf [1]reply
	var kvBuf [oneKVs]string
	if reps, _ := repliesOf(two, oneBuf[:], kvBuf[:], ""); len(reps) != 2 || kvBuf != ([oneKVs]string{}) || oneBuf[0].kv != nil {
		t.Errorf("repliesOf of two exchanges gave %d replies, and wrote %q in the room for one reply's header; want 2, and nothing written", len(reps), kvBuf)
	}

	notPlain := map[string]library.Response{
		"trailers":     {StatusCode: 200, Trailer: http.Header{"X-Sum": {"1"}}, Body: []byte("x")},
		"chunks":       {StatusCode: 200, Body: []byte("ab"), Chunks: []library.Chunk{{Size: 1, At: time.Millisecond}, {Size: 1, At: 2 * time.Millisecond}}},
		"event stream": {StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: []byte("data: 1\n\n")},
		"body file":    {StatusCode: 200, BodyFile: "/nowhere/x.bin"},
		"a field of more values than a reply counts": {StatusCode: 200, Header: http.Header{"X-Many": make([]string, maxReplyValues+1)}},
	}
	for name, resp := range notPlain {
		c := library.Cassette{Name: "c", Exchanges: []library.Exchange{
			{Response: library.Response{StatusCode: 200, Body: []byte("plain")}},
			{Response: resp},
		}}
		if reps, _ := repliesOf(c, nil, nil, ""); reps != nil {
			t.Errorf("%s: repliesOf gave %d replies, want none (writeExchange sends it)", name, len(reps))
		}
	}
}
