package naming

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
)

// Body rules by media type, as a test sets them.
var (
	jsonRules      = Rules{Bodies: map[string]BodyRule{"application/json": JSONBody, "+json": JSONBody}}
	formRules      = Rules{Bodies: map[string]BodyRule{"application/x-www-form-urlencoded": FormBody}}
	multipartRules = Rules{Bodies: map[string]BodyRule{"multipart/form-data": MultipartBody}}
	ignoreRules    = Rules{Bodies: map[string]BodyRule{"": IgnoreBody}}
)

// post is a POST of body with a Content-Type, named under rules.
func post(contentType, body string, rules Rules) spec {
	s := spec{method: "POST", url: "http://h/v1/x", body: body, rules: rules}
	if contentType != "" {
		s.header = []string{"Content-Type: " + contentType}
	}
	return s
}

// A part is one part of a multipart form, for formData.
type part struct{ name, filename, contentType, content string }

// formData returns a multipart/form-data body with boundary, and its
// Content-Type.
func formData(t testing.TB, boundary string, parts ...part) (contentType, body string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.SetBoundary(boundary); err != nil {
		t.Fatalf("SetBoundary(%q): %v", boundary, err)
	}
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		disp := `form-data; name="` + p.name + `"`
		if p.filename != "" {
			disp += `; filename="` + p.filename + `"`
		}
		h.Set("Content-Disposition", disp)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write([]byte(p.content))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), b.String()
}

// multipartPost is a POST of a multipart form, named under multipartRules.
func multipartPost(t testing.TB, boundary string, parts ...part) spec {
	ct, body := formData(t, boundary, parts...)
	return post(ct, body, multipartRules)
}

// dropTimestamp is a rule of one's own: JSON bodies without their
// "timestamp" field.
func dropTimestamp(contentType string, body []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return JSONBody(contentType, body)
	}
	delete(m, "timestamp")
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return JSONBody(contentType, out)
}

var timestampRules = Rules{Bodies: map[string]BodyRule{"application/json": dropTimestamp}}

// TestBodyNamesEqual lists bodies that must share a cassette under their
// rules.
func TestBodyNamesEqual(t *testing.T) {
	file := part{"file", "a.txt", "text/plain", "hello"}
	field := part{"title", "", "", "Hi"}
	for _, tt := range []struct {
		why  string
		a, b spec
	}{
		{"JSON key order does not matter under JSONBody",
			post("application/json", `{"a":1,"b":2}`, jsonRules), post("application/json", `{"b":2,"a":1}`, jsonRules)},
		{"JSON whitespace does not matter under JSONBody",
			post("application/json", `{"a":[1,2]}`, jsonRules), post("application/json", " {\n  \"a\": [ 1, 2 ]\n}\n", jsonRules)},
		{"nested key order does not matter under JSONBody",
			post("application/json", `[{"x":{"b":1,"a":2}}]`, jsonRules), post("application/json", `[{"x":{"a":2,"b":1}}]`, jsonRules)},
		{"string escapes do not matter under JSONBody",
			post("application/json", `"\u00e9\/"`, jsonRules), post("application/json", `"é/"`, jsonRules)},
		{"media type parameters do not select another rule",
			post("application/json; charset=utf-8", `{"a":1, "b":2}`, jsonRules), post("application/json", `{"b":2,"a":1}`, jsonRules)},
		{"media type case does not select another rule",
			post("Application/JSON", `{"a":1, "b":2}`, jsonRules), post("application/json", `{"b":2,"a":1}`, jsonRules)},
		{"+json suffix selects the +json rule",
			post("application/vnd.api+json", `{"a":1, "b":2}`, jsonRules), post("application/vnd.api+json", `{"b":2,"a":1}`, jsonRules)},
		{"a JSONBody body already canonical names as under default rules",
			post("application/json", `{"a":1}`, jsonRules), post("application/json", `{"a":1}`, Rules{})},
		{"form field order does not matter under FormBody",
			post("application/x-www-form-urlencoded", "b=2&a=1", formRules), post("application/x-www-form-urlencoded", "a=1&b=2", formRules)},
		{"order of a form field's values does not matter under FormBody",
			post("application/x-www-form-urlencoded", "a=2&a=1", formRules), post("application/x-www-form-urlencoded", "a=1&a=2", formRules)},
		{"form escapes do not matter under FormBody",
			post("application/x-www-form-urlencoded", "q=a+b&%41=1", formRules), post("application/x-www-form-urlencoded", "A=1&q=a%20b", formRules)},
		{"multipart boundary does not matter under MultipartBody",
			multipartPost(t, "boundary-one", file, field), multipartPost(t, "other-boundary-2", file, field)},
		{"multipart part order does not matter under MultipartBody",
			multipartPost(t, "b1", file, field), multipartPost(t, "b2", field, file)},
		{"bodies do not matter under IgnoreBody",
			post("text/plain", "nonce 1", ignoreRules), post("text/plain", "nonce 2", ignoreRules)},
		{"a body ignored is no body",
			post("text/plain", "nonce 1", ignoreRules), post("text/plain", "", Rules{})},
		{"a dropped timestamp does not matter",
			post("application/json", `{"q":"go","timestamp":1700000000}`, timestampRules),
			post("application/json", `{"timestamp":1800000000, "q":"go"}`, timestampRules)},
		{"a form without fields is no body",
			post("application/x-www-form-urlencoded", "&&", formRules), post("application/x-www-form-urlencoded", "", formRules)},
	} {
		t.Run(tt.why, func(t *testing.T) {
			a, b := tt.a.name(t), tt.b.name(t)
			if a != b {
				t.Errorf("Name(%s) = %q, Name(%s) = %q; want the same name", tt.a, a, tt.b, b)
			}
		})
	}
}

// TestBodyNamesDiffer lists bodies that must not share a cassette under
// their rules.
func TestBodyNamesDiffer(t *testing.T) {
	file := part{"file", "a.txt", "text/plain", "hello"}
	field := part{"title", "", "", "Hi"}
	for _, tt := range []struct {
		why  string
		a, b spec
	}{
		{"JSON key order matters under default rules",
			post("application/json", `{"a":1,"b":2}`, Rules{}), post("application/json", `{"b":2,"a":1}`, Rules{})},
		{"JSON whitespace matters under default rules",
			post("application/json", `{"a":1}`, Rules{}), post("application/json", `{"a": 1}`, Rules{})},
		{"JSON values matter under JSONBody",
			post("application/json", `{"a":1}`, jsonRules), post("application/json", `{"a":2}`, jsonRules)},
		{"JSON number text matters under JSONBody",
			post("application/json", `{"a":1}`, jsonRules), post("application/json", `{"a":1.0}`, jsonRules)},
		{"JSON array order matters under JSONBody",
			post("application/json", `[1,2]`, jsonRules), post("application/json", `[2,1]`, jsonRules)},
		{"JSON types matter under JSONBody",
			post("application/json", `{"a":"1"}`, jsonRules), post("application/json", `{"a":1}`, jsonRules)},
		{"invalid JSON is compared exactly under JSONBody",
			post("application/json", `{"a":1,}`, jsonRules), post("application/json", `{"a":1 ,}`, jsonRules)},
		{"another media type keeps exact bytes",
			post("text/plain", `{"a":1,"b":2}`, jsonRules), post("text/plain", `{"b":2,"a":1}`, jsonRules)},
		{"form values matter under FormBody",
			post("application/x-www-form-urlencoded", "a=1", formRules), post("application/x-www-form-urlencoded", "a=2", formRules)},
		{"a form field given twice is not given once under FormBody",
			post("application/x-www-form-urlencoded", "a=1&a=1", formRules), post("application/x-www-form-urlencoded", "a=1", formRules)},
		{"form field order matters under default rules",
			post("application/x-www-form-urlencoded", "b=2&a=1", Rules{}), post("application/x-www-form-urlencoded", "a=1&b=2", Rules{})},
		{"file content matters under MultipartBody",
			multipartPost(t, "b", file, field), multipartPost(t, "b", part{"file", "a.txt", "text/plain", "hellO"}, field)},
		{"file name matters under MultipartBody",
			multipartPost(t, "b", file), multipartPost(t, "b", part{"file", "b.txt", "text/plain", "hello"})},
		{"file name path matters under MultipartBody",
			multipartPost(t, "b", file), multipartPost(t, "b", part{"file", "dir/a.txt", "text/plain", "hello"})},
		{"part Content-Type matters under MultipartBody",
			multipartPost(t, "b", file), multipartPost(t, "b", part{"file", "a.txt", "text/csv", "hello"})},
		{"form name matters under MultipartBody",
			multipartPost(t, "b", field), multipartPost(t, "b", part{"Title", "", "", "Hi"})},
		{"order of the parts of one name matters under MultipartBody",
			multipartPost(t, "b", part{"f", "", "", "1"}, part{"f", "", "", "2"}),
			multipartPost(t, "b", part{"f", "", "", "2"}, part{"f", "", "", "1"})},
		{"a part is not its content spread over two under MultipartBody",
			multipartPost(t, "b", part{"f", "", "", "1\n" + "part name=\"f\" size=1\n2"}),
			multipartPost(t, "b", part{"f", "", "", "1"}, part{"f", "", "", "2"})},
		{"multipart boundary matters under default rules",
			exactPost(formData(t, "b1", file)), exactPost(formData(t, "b2", file))},
		{"the timestamp rule keeps other fields",
			post("application/json", `{"q":"go","timestamp":1}`, timestampRules), post("application/json", `{"q":"rust","timestamp":1}`, timestampRules)},
	} {
		t.Run(tt.why, func(t *testing.T) {
			a, b := tt.a.name(t), tt.b.name(t)
			if a == b {
				t.Errorf("Name(%s) = %q, Name(%s) = %q; want names that differ", tt.a, a, tt.b, b)
			}
		})
	}
}

// exactPost is a POST of body with a Content-Type, named under default
// rules.
func exactPost(contentType, body string) spec { return post(contentType, body, Rules{}) }

// TestNameBodyRules checks the suffixes of names under body rules.
func TestNameBodyRules(t *testing.T) {
	runNameTests(t, []nameTest{
		{"ignored body has no body hash", post("text/plain", "x", ignoreRules), "POST_h_80_v1_x"},
		{"canonical JSON body is hashed", post("application/json", `{"a":1}`, jsonRules), "POST_h_80_v1_x~b########"},
		{"JSON body of another media type is hashed", post("text/plain", `{"a":1}`, jsonRules), "POST_h_80_v1_x~b########"},
		{"empty body has no hash under any rule", post("application/json", "", Rules{Bodies: map[string]BodyRule{"": ExactBody}}), "POST_h_80_v1_x"},
	})
}

func TestJSONBody(t *testing.T) {
	for _, tt := range []struct{ why, body, want string }{
		{"keys are sorted", `{"b":1,"a":2}`, `{"a":2,"b":1}`},
		{"keys are sorted byte-wise", `{"é":1,"z":2,"Z":3}`, `{"Z":3,"z":2,"é":1}`},
		{"whitespace is dropped", " [ 1 ,\t2 ,\n{ } , [ ] ]\r\n", `[1,2,{},[]]`},
		{"numbers keep their text", `[1, 1.0, 1e2, -0, 12345678901234567890123]`, `[1,1.0,1e2,-0,12345678901234567890123]`},
		{"literals stay", `[true,false,null]`, `[true,false,null]`},
		{"scalars are JSON too", ` "x" `, `"x"`},
		{"escapes are undone", `"\u00e9\/\u0041"`, `"é/A"`},
		{"quotes, backslashes and controls are escaped", `"\"\\\b\f\n\r\t\u0001"`, `"\"\\\b\f\n\r\t\u0001"`},
		{"HTML stays as it is", `"<a&b>"`, `"<a&b>"`},
		{"the last of a repeated key counts", `{"a":1,"a":2}`, `{"a":2}`},
		{"invalid JSON is returned as it is", `{"a":1,}`, `{"a":1,}`},
		{"two values are returned as they are", `{} {}`, `{} {}`},
		{"trailing junk is returned as it is", `{}x`, `{}x`},
		{"invalid UTF-8 is returned as it is", "\"\xff\"", "\"\xff\""},
		{"deep nesting beyond the decoder is returned as it is", strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
			strings.Repeat("[", 20000) + strings.Repeat("]", 20000)},
	} {
		t.Run(tt.why, func(t *testing.T) {
			if got := string(JSONBody("application/json", []byte(tt.body))); got != tt.want {
				t.Errorf("JSONBody(%s) = %s, want %s", shorten(tt.body), shorten(got), shorten(tt.want))
			}
		})
	}
}

func TestFormBody(t *testing.T) {
	for _, tt := range []struct{ why, body, want string }{
		{"pairs are sorted by key", "b=2&a=1", "a=1&b=2"},
		{"values of a key are sorted", "a=2&b=0&a=1", "a=1&a=2&b=0"},
		{"escapes are normalized", "q=a+b%2c&%61=%7e", "a=~&q=a+b%2C"},
		{"key without value gets an empty one", "flag&a=", "a=&flag="},
		{"empty pairs are dropped", "&a=1&&", "a=1"},
		{"no pairs is empty", "&", ""},
		{"a bad escape is returned as it is", "a=%zz&b=1", "a=%zz&b=1"},
		{"a semicolon is returned as it is", "a=1;b=2", "a=1;b=2"},
	} {
		t.Run(tt.why, func(t *testing.T) {
			if got := string(FormBody("application/x-www-form-urlencoded", []byte(tt.body))); got != tt.want {
				t.Errorf("FormBody(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestMultipartBody(t *testing.T) {
	ct, body := formData(t, "XyZ", part{"title", "", "", "Hi"}, part{"file", "a.txt", "text/plain", "hello\n"}, part{"a", "", "", ""})
	const want = "part name=\"a\" size=0\n\n" +
		"part name=\"file\" filename=\"a.txt\" type=\"text/plain\" size=6\nhello\n\n" +
		"part name=\"title\" size=2\nHi\n"
	raw := "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''caf%C3%A9.txt\r\n\r\nx\r\n--XyZ--\r\n"
	for _, tt := range []struct{ why, contentType, body, want string }{
		{"parts are sorted by name, with what tells them apart", ct, body, want},
		{"RFC 2231 file names are decoded, non-ASCII quoted",
			"multipart/form-data; boundary=XyZ", raw, "part name=\"f\" filename=\"caf\\u00e9.txt\" size=1\nx\n"},
		{"no parts is empty", "multipart/form-data; boundary=XyZ", "--XyZ--\r\n", ""},
		{"no boundary is returned as it is", "multipart/form-data", body, body},
		{"no Content-Type is returned as it is", "", body, body},
		{"another boundary is returned as it is", "multipart/form-data; boundary=other", body, body},
		{"a missing closing boundary is returned as it is", ct, strings.TrimSuffix(body, "--\r\n"), strings.TrimSuffix(body, "--\r\n")},
		{"a part without Content-Disposition has no name",
			"multipart/form-data; boundary=XyZ", "--XyZ\r\n\r\nx\r\n--XyZ--\r\n", "part name=\"\" size=1\nx\n"},
		{"a malformed Content-Disposition is returned as it is",
			"multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: ;;\r\n\r\nx\r\n--XyZ--\r\n", "--XyZ\r\nContent-Disposition: ;;\r\n\r\nx\r\n--XyZ--\r\n"},
		{"the parts of a multipart/related upload keep their order, whatever the boundary",
			"multipart/related; boundary=8f3a", "--8f3a\r\nContent-Type: application/json\r\n\r\n{\"name\":\"o\"}\r\n--8f3a\r\nContent-Type: text/plain\r\n\r\nhello\r\n--8f3a--\r\n",
			"part name=\"\" type=\"application/json\" size=12\n{\"name\":\"o\"}\npart name=\"\" type=\"text/plain\" size=5\nhello\n"},
	} {
		t.Run(tt.why, func(t *testing.T) {
			if got := string(MultipartBody(tt.contentType, []byte(tt.body))); got != tt.want {
				t.Errorf("MultipartBody(%q, %q) =\n%q\nwant\n%q", tt.contentType, shorten(tt.body), got, tt.want)
			}
		})
	}
}

// TestCanonicalBody checks which body rule a request gets, by media type.
func TestCanonicalBody(t *testing.T) {
	mark := func(m string) BodyRule {
		return func(string, []byte) []byte { return []byte(m) }
	}
	rules := Rules{Bodies: map[string]BodyRule{
		"application/json":  mark("json"),
		"+json":             mark("+json"),
		"+xml":              nil,
		"application/empty": func(string, []byte) []byte { return []byte{} },
		"":                  mark("fallback"),
	}}
	star := Rules{Bodies: map[string]BodyRule{"*/*": mark("star"), "text/plain": IgnoreBody}}
	typ := Rules{Bodies: map[string]BodyRule{"multipart/*": mark("multipart"), "multipart/form-data": mark("form"), "+xml": mark("+xml"), "": mark("fallback")}}
	for _, tt := range []struct {
		why         string
		rules       Rules
		contentType string // "-" for none
		body        string
		want        string // "<nil>" for nil
	}{
		{"exact media type", rules, "application/json", "x", "json"},
		{"parameters are dropped", rules, "application/json; charset=utf-8", "x", "json"},
		{"case and space do not matter", rules, " Application/JSON ;charset=UTF-8", "x", "json"},
		{"+json suffix", rules, "application/vnd.api+json", "x", "+json"},
		{"last suffix counts", rules, "application/a+b+json", "x", "+json"},
		{"nil rule is the exact body", rules, "application/atom+xml", "x", "x"},
		{"an empty result is nil", rules, "application/empty", "x", "<nil>"},
		{"other media types take the fallback", rules, "text/plain", "x", "fallback"},
		{"no Content-Type takes the fallback", rules, "-", "x", "fallback"},
		{"empty body is nil, whatever the rule", rules, "application/json", "", "<nil>"},
		{"*/* is a fallback", star, "image/png", "x", "star"},
		{"*/* comes after the media type", star, "text/plain", "x", "<nil>"},
		{"type/* for any subtype", typ, "multipart/related; boundary=x", "x", "multipart"},
		{"type/* comes after the media type", typ, "multipart/form-data; boundary=x", "x", "form"},
		{"type/* comes after the suffix", Rules{Bodies: map[string]BodyRule{"application/*": mark("app"), "+xml": mark("+xml")}}, "application/atom+xml", "x", "+xml"},
		{"type/* comes before the fallback", typ, "multipart/mixed", "x", "multipart"},
		{"another type takes the fallback", typ, "text/plain", "x", "fallback"},
		{"no rules, exact body", Rules{}, "application/json", `{"b":1, "a":2}`, `{"b":1, "a":2}`},
		{"no match, exact body", Rules{Bodies: map[string]BodyRule{"text/csv": IgnoreBody}}, "text/plain", "x", "x"},
	} {
		t.Run(tt.why, func(t *testing.T) {
			r, _ := http.NewRequest("POST", "http://h/", nil)
			if tt.contentType != "-" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			got := tt.rules.CanonicalBody(r, []byte(tt.body))
			if s := string(got); s != tt.want && !(got == nil && tt.want == "<nil>") {
				t.Errorf("CanonicalBody(POST with Content-Type %q, %q) = %q, want %s", tt.contentType, tt.body, got, tt.want)
			}
		})
	}
}

// TestIgnoresBody checks when a name is known to leave the body out, so
// that a server may name a request without reading its body whole.
func TestIgnoresBody(t *testing.T) {
	ownNil := func(string, []byte) []byte { return nil }
	byType := Rules{Bodies: map[string]BodyRule{"application/octet-stream": IgnoreBody, "+json": JSONBody, "": ExactBody}}
	routed := Rules{}.Route("POST /v1/upload", Rules{Bodies: map[string]BodyRule{"": IgnoreBody}})
	for _, tt := range []struct {
		why         string
		rules       Rules
		target      string
		contentType string // "-" for none
		want        bool
	}{
		{"the default rules hash the body", Rules{}, "/v1/upload", "-", false},
		{"IgnoreBody for the media type", byType, "/v1/upload", "application/octet-stream; x=1", true},
		{"another rule for another media type", byType, "/v1/upload", "application/vnd.api+json", false},
		{"the fallback for a type without a rule", byType, "/v1/upload", "text/plain", false},
		{"a route whose rules ignore any body", routed, "/v1/upload", "-", true},
		{"a path no route matches", routed, "/v1/other", "-", false},
		{"a rule of one's own may read the body, though it returns nil", Rules{Bodies: map[string]BodyRule{"": ownNil}}, "/", "-", false},
		{"a nil rule is the exact body", Rules{Bodies: map[string]BodyRule{"": nil}}, "/", "-", false},
	} {
		t.Run(tt.why, func(t *testing.T) {
			r, _ := http.NewRequest("POST", "http://h"+tt.target, nil)
			if tt.contentType != "-" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			if got := tt.rules.IgnoresBody(r); got != tt.want {
				t.Errorf("IgnoresBody(POST %s, Content-Type %q) = %v, want %v", tt.target, tt.contentType, got, tt.want)
			}
		})
	}
}

// TestCanonicalBodyInName checks that the "~b" suffix hashes exactly
// what CanonicalBody returns.
func TestCanonicalBodyInName(t *testing.T) {
	r, _ := http.NewRequest("POST", "http://h/v1", nil)
	r.Header.Set("Content-Type", "application/json")
	body := []byte(`{ "b": 1, "a": [true] }`)
	cb := jsonRules.CanonicalBody(r, body)
	if string(cb) != `{"a":[true],"b":1}` {
		t.Fatalf("CanonicalBody(POST application/json, %s) = %s, want %s", body, cb, `{"a":[true],"b":1}`)
	}
	want := "POST_h_80_v1~b" + string(appendBodyHash(nil, cb))
	if got := Name(r, body, jsonRules); got != want {
		t.Errorf("Name(POST application/json %s) = %q, want %q, the hash of the canonical body", body, got, want)
	}
	if got := Name(r, body, Rules{}); got == want {
		t.Errorf("Name(POST application/json %s, default rules) = %q; want the hash of the exact body", body, got)
	}
}

// A body rule reads a gzip-encoded request body decoded: two encodings of
// one JSON document, with keys in another order, share a name.
func TestBodyRulesReadGzipBodiesDecoded(t *testing.T) {
	enc := func(s string, level int) []byte {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, level)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	name := func(body []byte) string {
		r, _ := http.NewRequest("POST", "https://es.example.com/i/_search", nil)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Content-Encoding", "gzip")
		return Name(r, body, jsonRules)
	}
	a := name(enc(`{"query":{"match_all":{}},"size":10}`, gzip.BestSpeed))
	b := name(enc(`{"size":10, "query":{"match_all":{}}}`, gzip.BestCompression))
	c := name(enc(`{"size":11, "query":{"match_all":{}}}`, gzip.BestCompression))
	if a != b || a == c {
		t.Errorf("names %s, %s, %s: want the first two equal, the third apart", a, b, c)
	}
}

// A gzip-encoded body that decodes to nothing is an empty body: a rule
// is promised a body that is never empty, and does not get this one (one
// that reads its first byte would panic), and the name has no "~b", as
// for a request sent without a body. Before, the rule was called with
// the empty body decoded.
func TestABodyRuleNeverGetsAGzipBodyThatDecodesToNothing(t *testing.T) {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Close()
	called := false
	rules := Rules{Bodies: map[string]BodyRule{"": func(_ string, body []byte) []byte {
		called = true
		return body
	}}}
	r, _ := http.NewRequest("POST", "https://h/v1/notes", nil)
	r.Header.Set("Content-Encoding", "gzip")
	got := Name(r, b.Bytes(), rules)
	if want := Name(r, nil, rules); got != want || called {
		t.Errorf("Name(POST /v1/notes, gzip of nothing) = %q (rule called: %v), want %q as without a body, the rule not called", got, called, want)
	}
}
