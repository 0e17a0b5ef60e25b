package naming

import (
	"net/http"
	"testing"
)

func TestFormBodyWithout(t *testing.T) {
	rule := FormBodyWithout("metadata[run_id]", "nonce")
	for _, c := range []struct{ body, want string }{
		{"email=a%40b.c&metadata%5Brun_id%5D=r-1&nonce=9", "email=a%40b.c"},
		{"nonce=1&metadata[run_id]=r-2&email=a@b.c", "email=a%40b.c"},
		{"nonce=1", ""},
		{"a=%zz", "a=%zz"},
	} {
		if got := string(rule("application/x-www-form-urlencoded", []byte(c.body))); got != c.want {
			t.Errorf("FormBodyWithout(%q) = %q, want %q", c.body, got, c.want)
		}
	}
}

func TestJSONBodyWithout(t *testing.T) {
	rule := JSONBodyWithout("ts", "request_id")
	for _, c := range []struct{ body, want string }{
		{`{"q":"x","ts":1764000000,"page":{"n":2,"ts":"now"}}`, `{"page":{"n":2},"q":"x"}`},
		{`[{"request_id":"a","v":1},{"request_id":"b","v":1}]`, `[{"v":1},{"v":1}]`},
		{`not json`, `not json`},
	} {
		if got := string(rule("application/json", []byte(c.body))); got != c.want {
			t.Errorf("JSONBodyWithout(%q) = %q, want %q", c.body, got, c.want)
		}
	}
}

// A member given as a JSON Pointer is left out at that place only: a
// JSON-RPC call's own id, not the id among its params, which "id" leaves
// out too, giving two calls differing only there one name (found by a
// probe with JSON-RPC clients).
func TestJSONBodyWithoutAPointer(t *testing.T) {
	for _, c := range []struct {
		members    []string
		body, want string
	}{
		{[]string{"/id"}, `{"jsonrpc":"2.0","id":7,"method":"getUser","params":{"id":5}}`, `{"jsonrpc":"2.0","method":"getUser","params":{"id":5}}`},
		{[]string{"id"}, `{"jsonrpc":"2.0","id":7,"method":"getUser","params":{"id":5}}`, `{"jsonrpc":"2.0","method":"getUser","params":{}}`},
		{[]string{"/params/since", "nonce"}, `{"params":{"since":1,"q":"x"},"since":2,"a":{"nonce":3}}`, `{"a":{},"params":{"q":"x"},"since":2}`},
		{[]string{"/params/1"}, `{"params":["a","b","c"]}`, `{"params":["a","c"]}`},
		// Places in the body as sent, in any order: no index shifts after
		// a removal (found by a reviewer).
		{[]string{"/params/0", "/params/1"}, `{"params":["ts","nonce","getUser",5]}`, `{"params":["getUser",5]}`},
		{[]string{"/params/1", "/params/0"}, `{"params":["ts","nonce","getUser",5]}`, `{"params":["getUser",5]}`},
		{[]string{"/params/0", "/params/0/x"}, `{"params":[{"x":1},2]}`, `{"params":[2]}`},
		{[]string{"/params/1/ts"}, `{"params":["a",{"ts":1,"v":2}]}`, `{"params":["a",{"v":2}]}`},
		{[]string{"/0/id"}, `[{"id":1,"m":"a"},{"id":2,"m":"b"}]`, `[{"m":"a"},{"id":2,"m":"b"}]`},
		{[]string{"/0"}, `[1,2]`, `[2]`},
		{[]string{"/a~1b", "/c~0d"}, `{"a/b":1,"c~d":2,"e":3}`, `{"e":3}`},
		{[]string{"/missing/x", "/params/9", "/params/01", "/params/-1", "/params/x"}, `{"params":[1,2]}`, `{"params":[1,2]}`},
		{[]string{"/id"}, `[1]`, `[1]`},
		{[]string{"/id"}, `"text"`, `"text"`},
		{[]string{"/id"}, `not json`, `not json`},
	} {
		if got := string(JSONBodyWithout(c.members...)("application/json", []byte(c.body))); got != c.want {
			t.Errorf("JSONBodyWithout(%q)(%s) = %s, want %s", c.members, c.body, got, c.want)
		}
	}
}

// Two runs whose forms differ only in a per-run field share a name under
// FormBodyWithout, and not under FormBody.
func TestFormBodyWithoutGivesOneNameAcrossRuns(t *testing.T) {
	name := func(rules Rules, body string) string {
		r, _ := http.NewRequest("POST", "https://api.stripe.example/v1/customers", nil)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return Name(r, []byte(body), rules)
	}
	with := Rules{Bodies: map[string]BodyRule{"application/x-www-form-urlencoded": FormBodyWithout("metadata[run_id]")}}
	plain := Rules{Bodies: map[string]BodyRule{"application/x-www-form-urlencoded": FormBody}}
	a, b := "email=a%40b.c&metadata[run_id]=1", "metadata[run_id]=2&email=a%40b.c"
	if name(with, a) != name(with, b) {
		t.Errorf("FormBodyWithout: %s and %s differ", name(with, a), name(with, b))
	}
	if name(plain, a) == name(plain, b) {
		t.Errorf("FormBody gave one name to forms with different run ids")
	}
}
