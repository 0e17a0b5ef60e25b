package govcr

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/google/go-cmp/cmp"
)

func TestImport(t *testing.T) {
	const cassette = `---
version: 2
interactions:
    - id: 0
      request:
        proto: HTTP/1.1
        proto_major: 1
        proto_minor: 1
        content_length: 18
        host: api.example.com
        body: '{"item":2,"qty":3}'
        form: {}
        headers:
            Content-Type:
                - application/json
        url: https://api.example.com/v1/orders
        method: POST
      response:
        proto: HTTP/1.1
        proto_major: 1
        proto_minor: 1
        content_length: 12
        body: '{"order":77}'
        headers:
            Content-Type:
                - application/json
            Set-Cookie:
                - a=1
                - b=2
        status: 201 Created
        code: 201
        duration: 12.5ms
    - id: 1
      request:
        proto: HTTP/1.1
        proto_major: 1
        proto_minor: 1
        content_length: 0
        host: cdn.example.com
        url: https://cdn.example.com/logo.png
        method: GET
      response:
        proto: HTTP/1.1
        proto_major: 1
        proto_minor: 1
        content_length: 4
        trailer:
            X-Checksum:
                - abc
        body: !!binary iVBORw==
        headers:
            Content-Type:
                - image/png
        status: 200 OK
        code: 200
        duration: 1ms
    - id: 2
      request:
        body: ""
        url: https://cdn.example.com/logo.png
        method: GET
      response:
        body: ""
        headers: {}
        status: 404 Not Found
        code: 0
        duration: 0s
`
	cs, err := Import([]byte(cassette))
	if err != nil {
		t.Fatal(err)
	}
	want := []library.Cassette{
		{Name: "POST_api.example.com_443_v1_orders~b" + cs[0].Name[len("POST_api.example.com_443_v1_orders~b"):], Exchanges: []library.Exchange{{
			Request: library.Request{Method: "POST", URL: "https://api.example.com/v1/orders",
				Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"item":2,"qty":3}`)},
			Response: library.Response{StatusCode: 201,
				Header: http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"a=1", "b=2"}},
				Body:   []byte(`{"order":77}`)},
			Latency: 12500 * time.Microsecond,
		}}},
		{Name: "GET_cdn.example.com_443_logo.png", Exchanges: []library.Exchange{{
			Request: library.Request{Method: "GET", URL: "https://cdn.example.com/logo.png"},
			Response: library.Response{StatusCode: 200,
				Header:  http.Header{"Content-Type": {"image/png"}},
				Trailer: http.Header{"X-Checksum": {"abc"}},
				Body:    []byte{0x89, 'P', 'N', 'G'}},
			Latency: time.Millisecond,
		}, {
			// code 0: the status line gives it.
			Request:  library.Request{Method: "GET", URL: "https://cdn.example.com/logo.png"},
			Response: library.Response{StatusCode: 404},
		}}},
	}
	if !strings.HasPrefix(cs[0].Name, "POST_api.example.com_443_v1_orders~b") {
		t.Errorf("POST cassette name = %s, want it to hash the body", cs[0].Name)
	}
	if diff := cmp.Diff(want, cs); diff != "" {
		t.Errorf("Import (-want +got):\n%s", diff)
	}
}

func TestImportVersion1(t *testing.T) {
	const v1 = `---
version: 1
interactions:
- request:
    body: ""
    form: {}
    headers: {}
    url: http://127.0.0.1:8080/a
    method: GET
  response:
    body: hello
    headers:
      Content-Type:
      - text/plain
    status: 200 OK
    code: 200
    duration: ""
`
	cs, err := Import([]byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Name != "GET_127.0.0.1_8080_a" || string(cs[0].Exchanges[0].Response.Body) != "hello" {
		t.Errorf("Import(version 1) = %+v", cs)
	}
}

func TestImportRefuses(t *testing.T) {
	const vcrpy = `interactions:
- request:
    body: null
    headers:
      Accept: ['*/*']
    method: GET
    uri: http://httpbin.org/get
  response:
    body: {string: 'hello'}
    headers: {}
    status: {code: 200, message: OK}
version: 1
`
	if _, err := Import([]byte(vcrpy)); !errors.Is(err, ErrVcrpy) || !strings.Contains(err.Error(), "HAR") {
		t.Errorf("Import(vcrpy cassette) = %v, want ErrVcrpy suggesting HAR", err)
	}
	for _, bad := range []string{
		"version: 3\ninteractions: []\n",
		"just: text\n",
		"version: 2\ninteractions:\n  - request: {url: 'http://x/', method: ''}\n    response: {code: 200}\n",
		"version: 2\ninteractions:\n  - request: {url: 'http://x/', method: GET}\n    response: {code: 0, status: ''}\n",
		"version: [\n",
	} {
		if _, err := Import([]byte(bad)); err == nil {
			t.Errorf("Import(%q) succeeded, want an error", bad)
		}
	}
	// A YAML file of another shape: said in the words of go-vcr's files,
	// not of the Go types it is decoded into.
	if _, err := Import([]byte("- a\n- b\n")); err == nil || !strings.Contains(err.Error(), "not a go-vcr cassette") || strings.Contains(err.Error(), "govcr.") {
		t.Errorf("Import(a YAML list) = %v; want an error saying it is not a go-vcr cassette", err)
	}
	// A cassette of the right outline with a bad interaction keeps the
	// line of the error.
	if _, err := Import([]byte("version: 2\ninteractions:\n  - request: oops\n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("Import(a bad interaction) = %v; want an error with its line", err)
	}
}

// yaml.v3 panics on some malformed input (a merge key beside a key that
// is a mapping): Import returns an error instead, so that a stray YAML file
// in the folder imported does not crash the command.
func TestImportNeverPanics(t *testing.T) {
	for _, bad := range []string{
		"{{},<<}",
		"version: 2\n{a: b}: 1\n<<: {}\n",
		"version: 2\ninteractions:\n  - {{}: 1, <<: {}}\n",
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("Import(%q) panicked: %v", bad, r)
				}
			}()
			if _, err := Import([]byte(bad)); err == nil {
				t.Errorf("Import(%q) succeeded, want an error", bad)
			} else if !strings.Contains(err.Error(), "go-vcr cassette") {
				t.Errorf("Import(%q) = %v; want an error about the go-vcr cassette", bad, err)
			}
		}()
	}
}

// A null interaction has nothing to replay, as one without its request or
// response has not: it is refused the same way, naming its place in the
// list. yaml.v3 drops a null from a list of structs, so it used to be
// skipped without a word, and the interactions after it numbered one too
// low in the errors about them.
func TestImportRefusesNullInteraction(t *testing.T) {
	const ok = "{id: 0, request: {method: GET, url: 'https://api.example.com/a'}, response: {code: 200, body: hi}}"
	for _, tc := range []struct{ why, cassette string }{
		{"null", "version: 2\ninteractions:\n  - " + ok + "\n  - null\n"},
		{"tilde", "version: 2\ninteractions:\n  - " + ok + "\n  - ~\n"},
		{"an empty entry", "version: 2\ninteractions:\n  - " + ok + "\n  -\n"},
		{"JSON null", `{"version": 2, "interactions": [` + ok + `, null]}`},
	} {
		t.Run(tc.why, func(t *testing.T) {
			cs, err := Import([]byte(tc.cassette))
			if err == nil || !strings.Contains(err.Error(), "interaction 2 is null") {
				t.Errorf("Import(%q) = %d cassettes, error %v; want an error naming interaction 2 as null", tc.cassette, len(cs), err)
			}
		})
	}
	// Interactions after a null one are numbered where they are.
	bad := "version: 2\ninteractions:\n  - null\n  - {id: 7, request: {method: GET}, response: {code: 200}}\n"
	if _, err := Import([]byte(bad)); err == nil || !strings.Contains(err.Error(), "interaction 1 is null") {
		t.Errorf("Import(%q) = %v; want an error naming interaction 1 as null", bad, err)
	}
}

// yaml.v3 panics on a mapping or list used as a key beside a merge key
// (<<), or refuses it in headers without a line ("invalid map key"), as
// it refuses one in a request without a merge key ("invalid map key:
// []interface {}{"a"}", in Go's words) and in response headers ("cannot
// unmarshal !!seq into string"): the error names the line of that key,
// among the values read, and says what to do.
func TestImportKeyBesideMerge(t *testing.T) {
	for _, tc := range []struct {
		why, cassette, want string
	}{
		{"at the top", "{{},<<}", "line 1: a mapping is used as a key beside a merge key (<<)"},
		{"beside the version", "version: 2\n{a: b}: 1\n<<: {}\n", "line 2: a mapping is used"},
		{"in an interaction", "version: 2\ninteractions:\n  - {{}: 1, <<: {}}\n", "line 3: a mapping is used"},
		{"a header name", "version: 2\ninteractions:\n  - id: 0\n    request:\n      method: GET\n      url: http://a/\n      headers:\n        {a: b}: [c]\n        <<: {}\n    response: {code: 200}\n", "line 8: a mapping is used"},
		{"a list in a response", "version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'http://a/'}\n    response:\n      code: 200\n      [x]: 1\n      <<: {}\n", "line 7: a list is used"},
		{"a list as a header name, no merge key", "version: 2\ninteractions:\n  - id: 0\n    request:\n      method: GET\n      url: http://a/\n      headers: {[a]: [b]}\n    response: {code: 200}\n", "line 7: a list is used as a key: a key is a name"},
		{"a mapping in a form, no merge key", "version: 2\ninteractions:\n  - id: 0\n    request:\n      method: GET\n      url: http://a/\n      form:\n        x: [1]\n        {a: b}: [c]\n    response: {code: 200}\n", "line 9: a mapping is used as a key: a key is a name"},
		{"an alias of a list as a key, not the unread one above", "version: 2\nz: {[u]: 1, k: &l [a]}\ninteractions:\n  - id: 0\n    request:\n      method: GET\n      url: http://a/\n      headers: {X: [b], *l : [c]}\n    response: {code: 200}\n", "line 8: a list is used as a key: a key is a name"},
		{"a list as a response header name", "version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'http://a/'}\n    response:\n      code: 200\n      headers: {[a]: [b]}\n", "line 7: a list is used as a key: a key is a name"},
		{"a mapping as a response header name", "version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'http://a/'}\n    response:\n      code: 200\n      headers:\n        X: [a]\n        {a: 1}: [b]\n", "line 9: a mapping is used as a key: a key is a name"},
		{"a list as a trailer name", "version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'http://a/'}\n    response:\n      code: 200\n      trailer: {[a]: [b]}\n", "line 7: a list is used as a key: a key is a name"},
		{"an alias of a list as a response header name, anchored on a line not read", "version: 2\nz: {k: &l [a]}\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'http://a/'}\n    response:\n      code: 200\n      headers: {X: [b], *l : [c]}\n", "line 8: a list is used as a key: a key is a name"},
		{"an alias of a mapping as a trailer name", "version: 2\nz: {k: &m {a: 1}}\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'http://a/'}\n    response:\n      code: 200\n      trailer:\n        *m : [c]\n", "line 9: a mapping is used as a key: a key is a name"},
		{"an alias of a mapping", "version: 2\nx: &m {a: b}\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'http://a/'}\n    response:\n      code: 200\n      *m : 1\n      <<: {}\n", "line 8: a mapping is used"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			_, err := Import([]byte(tc.cassette))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "quote it, or delete its line") || strings.Contains(err.Error(), "interface {}") {
				t.Errorf("Import(%q) = %v; want an error with %q saying what to do", tc.cassette, err, tc.want)
			}
		})
	}
}

// yaml.v3 reads the first YAML document of a file only: a file of two
// ("---" between them) is refused, naming the line where the second
// starts, instead of importing the first and leaving out the interactions
// of the second without a word. Empty documents, and "..." ending the
// only one, are no loss.
func TestImportRefusesSecondDocument(t *testing.T) {
	const one = "version: 2\ninteractions:\n  - {request: {method: GET, url: 'http://a/x'}, response: {code: 200}}\n"
	for _, tc := range []struct{ why, cassette, want string }{
		{"a second cassette", one + "---\n" + one, "line 5: a second YAML document"},
		{"a second list", one + "---\n- {request: {method: GET, url: 'http://a/y'}, response: {code: 200}}\n", "line 5: a second YAML document"},
		{"a syntax error after ---", one + "--- [\n", "line 4"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			cs, err := Import([]byte(tc.cassette))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Import(%q) = %d cassettes, error %v; want an error with %q", tc.cassette, len(cs), err, tc.want)
			}
		})
	}
	for _, ok := range []string{one + "---\n", one + "...\n", "---\n" + one + "---\n# nothing\n"} {
		if cs, err := Import([]byte(ok)); err != nil || len(cs) != 1 {
			t.Errorf("Import(%q) = %d cassettes, %v; want the one", ok, len(cs), err)
		}
	}
}

// An interaction that cannot be replayed is named by its line too, which
// an editor goes to, not only by its place in the list and its id (go-vcr
// numbers from 0, and a hand-edited file may repeat an id).
func TestImportErrorsNameLine(t *testing.T) {
	const ok = "  - {id: 0, request: {method: GET, url: 'https://api.example.com/a'}, response: {code: 200}}\n"
	for _, tc := range []struct{ why, cassette, want string }{
		{"no url", "version: 2\ninteractions:\n" + ok + "\n  - id: 1\n    request:\n      method: GET\n    response: {code: 200}\n", "line 5: interaction 2 (id 1): no request url"},
		{"no response", "version: 2\ninteractions:\n" + ok + ok + "  - {id: 2, request: {method: GET, url: 'https://api.example.com/b'}}\n", "line 5: interaction 3 (id 2): no response"},
		{"invalid method", "version: 2\ninteractions:\n" + ok + "  - {id: 1, request: {method: 'G T', url: 'https://api.example.com/b'}, response: {code: 200}}\n", "line 4: interaction 2 (id 1): invalid request"},
		{"null", "version: 2\ninteractions:\n" + ok + "  -\n", "line 4: interaction 2 is null"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			if _, err := Import([]byte(tc.cassette)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Import(%q) = %v; want an error with %q", tc.cassette, err, tc.want)
			}
		})
	}
}

// The errors yaml.v3 gives without a line (a byte that is not UTF-8, a
// control character, a value its tag does not fit, an alias of no anchor
// or inside its own anchor, a merge of what is not a mapping) are said with the line and what to do:
// the line of the value yaml.v3 decoded, not of one at the top that go-vcr
// ignores.
func TestImportYAMLErrorsNameLine(t *testing.T) {
	const head = "version: 2\ninteractions:\n  - {request: {method: GET, url: 'https://a/x'}, response: {code: 200}}\n"
	const unused = "version: 2\nz: !!binary '@@'\nw: {<<: 7, a: !!int x}\ninteractions:\n  - {request: {method: GET, url: 'https://a/x'}, response: {code: 200}}\n"
	for _, tc := range []struct{ why, cassette, want string }{
		{"Latin-1 text", head + "  - {request: {method: GET, url: 'https://a/y'}, response: {code: 200, body: caf\xe9}}\n", "line 4: byte 0xE9 is not UTF-8 text: save the file as UTF-8"},
		{"Latin-1 text after CRLF", strings.ReplaceAll(head, "\n", "\r\n") + "  - {request: {method: GET, url: 'https://a/y'}, response: {code: 200, body: caf\xe9}}\r\n", "line 4: byte 0xE9"},
		{"Latin-1 text after a body holding U+2028", head + "  - {request: {method: GET, url: 'https://a/y'}, response: {code: 200, body: 'a\u2028b'}}\n  - {request: {method: GET, url: 'https://a/y'}, response: {code: 200, body: caf\xe9}}\n", "line 6: byte 0xE9"},
		{"a control character", head + "  - {request: {method: GET, url: 'https://a/y'}, response: {code: 200, body: \"a\x01\"}}\n", `line 4: control character U+0001, which YAML does not allow in a file: write it as an escape ("\x01")`},
		{"base64 that is not", head + "  - {request: {method: GET, url: 'https://a/y'}, response: {code: 200, body: !!binary 'aGk'}}\n", "line 4: !!binary value contains invalid base64 data: a body or header value that is not text is base64 after !!binary; restore it"},
		{"base64 in a header", head + "  - request: {method: GET, url: 'https://a/y'}\n    response:\n      code: 200\n      headers: {X: [!!binary '@']}\n", "line 7: !!binary value contains invalid base64 data"},
		{"a tag the value does not fit", head + "  - {request: {method: GET, url: 'https://a/y'}, response: {code: !!int x}}\n", "line 4: cannot decode !!str `x` as a !!int: remove the tag"},
		{"an alias of no anchor", head + "  - {request: {method: GET, url: 'https://a/y'}, response: {code: 200, body: *nope}}\n", "line 4: the alias *nope names no anchor &nope above it"},
		{"an alias inside its own anchor", head + "  - request: &r {method: GET, url: 'https://a/y', x: [*r]}\n    response: {code: 200}\n", "line 4: the alias *r is inside the value of its own anchor &r: write the value out"},
		{"a merge of a number", head + "  - request: {method: GET, url: 'https://a/y'}\n    response:\n      <<: 7\n      code: 200\n", "line 6: the value of a merge key (<<) is not a mapping"},
		{"a merge of a list holding a string", head + "  - request: {method: GET, url: 'https://a/y'}\n    response:\n      <<: [{code: 200}, x]\n", "line 6: the value of a merge key (<<) is not a mapping"},
		// Values at the top beside "interactions", which go-vcr ignores,
		// are not decoded: one that would not decode is not the error.
		{"a tag not fitted in a request, after an unused bad !!binary", unused + "  - request:\n      method: GET\n      url: 'https://a/y'\n      body: !!int 'x'\n    response: {code: 200}\n", "line 9: cannot decode !!str `x` as a !!int"},
		{"a tag not fitted in an unread field, after an unused bad !!binary", unused + "  - request:\n      method: GET\n      url: 'https://a/y'\n      proto: !!int x\n    response: {code: 200}\n", "line 9: cannot decode !!str `x` as a !!int"},
		{"a tag not fitted in a response, after an unused one", unused + "  - request: {method: GET, url: 'https://a/y'}\n    response:\n      x: !!int y\n      code: !!int x\n", "line 9: cannot decode !!str `x` as a !!int"},
		{"a bad !!binary, after an unused one", unused + "  - request: {method: GET, url: 'https://a/y'}\n    response:\n      code: 200\n      body: !!binary 'aGk'\n", "line 9: !!binary value contains invalid base64 data"},
		{"a merge of a number, after an unused one", "version: 2\nz: {<<: 7}\ninteractions:\n  - request: {method: GET, url: 'https://a/x'}\n    response:\n      <<: 8\n      code: 200\n", "line 6: the value of a merge key (<<) is not a mapping"},
		{"a merge of a number at the top", "version: 2\n<<: 7\ninteractions: []\n", "line 2: the value of a merge key (<<) is not a mapping"},
		{"a bad !!binary through an alias", "version: 2\nz: &b !!binary '@'\ny: !!binary '@@'\ninteractions:\n  - request: {method: GET, url: 'https://a/x'}\n    response: {code: 200, body: *b}\n", "line 2: !!binary value contains invalid base64 data"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			if _, err := Import([]byte(tc.cassette)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Import(%q) = %v; want an error with %q", tc.cassette, err, tc.want)
			}
		})
	}
	// A %YAML directive of a version yaml.v3 does not read (1.2), which
	// go-vcr never writes: named by its line, in the first document or a
	// later one, with what to do; 1.1 reads.
	const body = "version: 2\ninteractions:\n  - {request: {method: GET, url: 'https://a/x'}, response: {code: 200}}\n"
	for _, tc := range []struct{ why, cassette, want string }{
		{"%YAML 1.2 first", "%YAML 1.2\n---\n" + body, "line 1: the %YAML directive names a version other than 1.1"},
		{"%YAML 1.2 after comments", "# recorded\n# by hand\n%YAML 1.2\n---\n" + body, "line 3: the %YAML directive names a version other than 1.1"},
		{"%YAML 2.0 before a second document", body + "...\n%YAML 2.0\n---\n" + body, "line 5: the %YAML directive names a version other than 1.1"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			_, err := Import([]byte(tc.cassette))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "delete its line") {
				t.Errorf("Import(%q) = %v; want an error with %q saying what to do", tc.cassette, err, tc.want)
			}
		})
	}
	if cs, err := Import([]byte("%YAML 1.1\n---\n" + body)); err != nil || len(cs) != 1 {
		t.Errorf("Import(%%YAML 1.1) = %d cassettes, %v; want the one", len(cs), err)
	}
	// UTF-16, with its byte order mark, is yaml.v3's to read.
	if _, err := Import([]byte("\xff\xfev\x00:\x00 \x002\x00\n\x00")); err == nil || strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("Import(UTF-16) = %v; want yaml.v3's error, not about UTF-8", err)
	}
}

// A null in a list of header values is an empty value, as the library
// reads it, not left out; a header whose name is null, in the headers or
// in a mapping merged into them, is an error naming its line, not left
// out. yaml.v3 drops both without a word.
func TestImportNullsInHeaders(t *testing.T) {
	const head = "version: 2\ninteractions:\n  - request: {method: GET, url: 'https://a/x'}\n    response:\n      code: 200\n"
	cs, err := Import([]byte(head + "      headers: {X-Empty: [null], X-Some: [a, ~, b]}\n      trailer: {X-T: [~]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := library.Response{StatusCode: 200,
		Header:  http.Header{"X-Empty": {""}, "X-Some": {"a", "", "b"}},
		Trailer: http.Header{"X-T": {""}}}
	if diff := cmp.Diff(want, cs[0].Exchanges[0].Response); diff != "" {
		t.Errorf("null header values (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ why, headers, want string }{
		{"null", "      headers:\n        X-A: [a]\n        null: [b]\n", "line 8: a header with no name (null): name it, or delete its line"},
		{"tilde", "      headers: {~: [b]}\n", "line 6: a header with no name"},
		{"no name", "      headers:\n        ? \n        : [b]\n", "line 7: a header with no name"},
		{"merged", "      headers:\n        <<: {X-A: [a], null: [b]}\n", "line 7: a header with no name"},
		{"merged by an alias", "      x: &m\n        ~: [b]\n      headers: {<<: *m}\n", "line 7: a header with no name"},
		{"a trailer", "      trailer: {null: [b]}\n", "line 6: a header with no name"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			if _, err := Import([]byte(head + tc.headers)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Import(%q) = %v; want an error with %q", head+tc.headers, err, tc.want)
			}
		})
	}
}

// A cassette without "interactions" is an error naming the line of its
// first other key, as misspelt ("Interactions:", "interaction:"), and the
// key go-vcr writes, or the line of the mapping if it has no other key:
// such a file imported nothing, and the command said only that there was
// nothing to import.
func TestImportNoInteractionsKey(t *testing.T) {
	const one = "  - request: {url: 'http://x/', method: GET}\n    response: {code: 200}\n"
	const unknown = ` at the top of the cassette, and no "interactions": go-vcr lists the interactions under "interactions", beside "version"; correct the key's name`
	const none = `no "interactions": go-vcr lists the interactions under "interactions", beside "version"`
	for _, tc := range []struct{ file, want string }{
		{"version: 2\nInteractions:\n" + one, `line 2: unknown key "Interactions"` + unknown},
		{"version: 2\ninteraction:\n" + one, `line 2: unknown key "interaction"` + unknown},
		{"version: 2\n<<: {Interactions: []}\n", `line 2: unknown key "Interactions"` + unknown},
		{"just: text\n", `line 1: unknown key "just"` + unknown},
		{"version: 2\n", "line 1: " + none},
		{"\n{version: 2}\n", "line 2: " + none},
	} {
		cs, err := Import([]byte(tc.file))
		if err == nil || err.Error() != "read go-vcr cassette: "+tc.want {
			t.Errorf("Import(%q) = %d cassettes, %v; want %s", tc.file, len(cs), err, tc.want)
		}
	}
	// Beside "interactions", other keys are left alone, as go-vcr leaves
	// them (a hand-edited cassette may hold its anchors there, "mu" is the
	// mutex go-vcr's Cassette declares), and an empty list is no error.
	for _, ok := range []string{
		"version: 2\ninteractions: []\n",
		"version: 2\nmu: {}\ninteractions:\n" + one,
		"version: 2\nshared: &h {A: [a]}\ninteractions:\n" + one,
		"<<: {version: 2}\ninteractions:\n" + one,
		"<<: {version: 2, interactions: []}\n",
	} {
		if _, err := Import([]byte(ok)); err != nil {
			t.Errorf("Import(%q) = %v, want no error", ok, err)
		}
	}
}

// A version that is not a whole number is refused, naming its line:
// yaml.v3 read 2.5 as 2. So is one out of range (3) or quoted ('2'), which
// named none, or only in yaml.v3's words. A whole number written as 2.0 is still 2.
func TestImportVersionNotWhole(t *testing.T) {
	const one = "interactions:\n  - request: {url: 'http://x/', method: GET}\n    response: {code: 200}\n"
	for _, v := range []string{"2.5", "1.9", ".nan", "-.inf"} {
		file := "# go-vcr\nversion: " + v + "\n" + one
		want := "read go-vcr cassette: line 2: version " + v + " is not a whole number: want 1 or 2"
		if _, err := Import([]byte(file)); err == nil || err.Error() != want {
			t.Errorf("Import(version: %s) = %v, want %s", v, err, want)
		}
	}
	// A version out of range, or quoted, names its line too.
	for v, want := range map[string]string{
		"3":   "line 2: version 3, want 1 or 2: go-vcr v4 writes 2",
		"-1":  "line 2: version -1, want 1 or 2",
		"'2'": `line 2: version "2" is quoted: go-vcr writes a number (version: 2); remove the quotes`,
		`"1"`: `line 2: version "1" is quoted`,
	} {
		file := "# go-vcr\nversion: " + v + "\n" + one
		if _, err := Import([]byte(file)); err == nil || !strings.HasPrefix(err.Error(), "read go-vcr cassette: "+want) {
			t.Errorf("Import(version: %s) = %v, want %s...", v, err, want)
		}
	}
	if cs, err := Import([]byte("version: 2.0\n" + one)); err != nil || len(cs) != 1 {
		t.Errorf("Import(version: 2.0) = %d cassettes, %v; want 1, no error", len(cs), err)
	}
}

// An alias of no anchor is named by its own line, not that of the same
// text earlier in a string or a comment ("see *nope"), nor missed as a
// key ("*nope: [a]"): the first "*nope" in the file was taken for it.
func TestImportUnknownAnchorLookAlikes(t *testing.T) {
	const head = "version: 2\ninteractions:\n  - request: {method: GET, url: 'https://a/x'}\n"
	for _, tc := range []struct{ why, file, want string }{
		{"after a string and a comment", head + "    response:\n      code: 200\n      body: 'see *nope here' # and *nope\n      headers: {A: [*nope]}\n", "line 7"},
		{"after a block of text", head + "    response:\n      code: 200\n      body: |\n        *nope\n      headers: {A: [*nope]}\n", "line 8"},
		{"as a key, after a string", head + "    response:\n      code: 200\n      body: '*nope'\n      headers:\n        *nope: [a]\n", "line 8"},
		// yaml.v3 ends a line at U+2028 (and U+0085, U+2029), as go-vcr's
		// writer does in a body holding one: the lines it names for the
		// interactions count it, so the alias's line counts it too.
		{"after a body holding U+2028", head + "    response:\n      code: 200\n      body: 'a\u2028b'\n      headers: {A: [*nope]}\n", "line 8"},
		{"after lines ending with CR", "version: 2\rinteractions:\r  - request: {method: GET, url: 'https://a/x', body: '*nope'}\r    response: {code: 200, body: *nope}\r", "line 4"},
	} {
		want := "read go-vcr cassette: " + tc.want + ": the alias *nope names no anchor &nope above it"
		if _, err := Import([]byte(tc.file)); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: Import = %v, want %s...", tc.why, err, want)
		}
	}
}

// A list or mapping used as a key inside a value go-vcr ignores is never
// decoded: on the line of another error (a list as the status), it is not
// the one blamed, and yaml.v3's words, which name the line, are kept.
func TestImportKeyInAnIgnoredValueIsNotBlamed(t *testing.T) {
	for _, cassette := range []string{
		"version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'http://a/'}\n    response: {code: 200, status: [OK], x: {[a]: 1}}\n",
		"version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'http://a/'}\n    response: {code: 200, headers: {X: [a]}, status: [OK], x: {y: {[a]: 1}}}\n",
	} {
		_, err := Import([]byte(cassette))
		if err == nil || strings.Contains(err.Error(), "is used as a key") || !strings.Contains(err.Error(), "cannot unmarshal !!seq into string") {
			t.Errorf("Import(%q) = %v; want yaml.v3's error about the status", cassette, err)
		}
	}
}
