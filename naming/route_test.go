package naming

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMatchPattern(t *testing.T) {
	for _, tt := range []struct {
		why     string
		pattern string
		method  string
		path    string
		want    bool
	}{
		{"literal path matches itself", "/v1/search", "GET", "/v1/search", true},
		{"literal path does not match its subtree", "/v1/search", "GET", "/v1/search/x", false},
		{"literal path does not match with a trailing slash", "/v1/search", "GET", "/v1/search/", false},
		{"method-less pattern matches any method", "/v1/search", "DELETE", "/v1/search", true},
		{"method matches", "POST /v1/search", "POST", "/v1/search", true},
		{"method mismatch", "POST /v1/search", "GET", "/v1/search", false},
		{"method is case-sensitive", "post /v1/search", "POST", "/v1/search", false},
		{"GET matches HEAD", "GET /v1", "HEAD", "/v1", true},
		{"HEAD does not match GET", "HEAD /v1", "GET", "/v1", false},
		{"spaces and tabs after the method", "PUT \t /v1", "PUT", "/v1", true},
		{"wildcard matches a segment", "/v1/items/{id}", "GET", "/v1/items/42", true},
		{"wildcard does not match two segments", "/v1/items/{id}", "GET", "/v1/items/42/x", false},
		{"wildcard does not match a trailing slash", "/v1/items/{id}", "GET", "/v1/items/", false},
		{"wildcard does not match nothing", "/v1/items/{id}", "GET", "/v1/items", false},
		{"wildcard in the middle", "/v1/{kind}/42", "GET", "/v1/users/42", true},
		{"rest wildcard matches the rest", "/v1/files/{path...}", "GET", "/v1/files/a/b/c.txt", true},
		{"rest wildcard matches a trailing slash", "/v1/files/{path...}", "GET", "/v1/files/", true},
		{"rest wildcard needs the slash", "/v1/files/{path...}", "GET", "/v1/files", false},
		{"trailing slash matches the subtree", "/v1/", "GET", "/v1/users/42", true},
		{"trailing slash matches itself", "/v1/", "GET", "/v1/", true},
		{"trailing slash does not match without it", "/v1/", "GET", "/v1", false},
		{"root matches everything", "/", "GET", "/v1/users", true},
		{"root matches the root", "/", "GET", "/", true},
		{"{$} matches the trailing slash only", "/v1/{$}", "GET", "/v1/", true},
		{"{$} does not match the subtree", "/v1/{$}", "GET", "/v1/x", false},
		{"root {$} matches the root only", "/{$}", "GET", "/", true},
		{"root {$} does not match a path", "/{$}", "GET", "/a", false},
		{"segments are compared unescaped", "/caf%C3%A9", "GET", "/café", true},
		{"escapes are compared unescaped", "/café", "GET", "/caf%c3%a9", true},
		{"an escaped slash is one segment", "/a%2Fb", "GET", "/a%2fb", true},
		{"an escaped slash is not a separator", "/a/b", "GET", "/a%2Fb", false},
		{"an invalid escape stands for itself", "/a%zz", "GET", "/a%zz", true},
		{"case matters", "/v1/Users", "GET", "/v1/users", false},
		{"empty segments are segments", "/a/{x}/b", "GET", "/a//b", true},
		{"asterisk request matches no path", "/", "OPTIONS", "*", false},
		{"opaque path matches no path", "/", "GET", "opaque", false},
		{"invalid pattern matches nothing", "/a/{x", "GET", "/a/{x", false},
		{"invalid pattern with a subtree matches nothing", "/{x}/{x}/", "GET", "/a/b/c", false},
		{"host pattern matches nothing", "example.com/", "GET", "/", false},
		{"empty pattern matches nothing", "", "GET", "/", false},
	} {
		t.Run(tt.why, func(t *testing.T) {
			if got := matchPattern(tt.pattern, tt.method, tt.path); got != tt.want {
				t.Errorf("matchPattern(%q, %s %s) = %v, want %v", tt.pattern, tt.method, tt.path, got, tt.want)
			}
		})
	}
}

// TestMatchPatternLikeServeMux checks that patterns match as they do in
// net/http.ServeMux, for paths that ServeMux would not clean or redirect.
func TestMatchPatternLikeServeMux(t *testing.T) {
	patterns := []string{
		"/", "/{$}", "/a", "/a/", "/a/{$}", "/a/b", "/a/{x}", "/a/{x}/c", "/a/{x...}", "/{x}/{y}/",
		"GET /a", "POST /a/", "GET /{x}", "DELETE /a/{x...}", "/a%2Fb", "/caf%C3%A9/{x}", "/a/{x}/{y...}",
	}
	paths := []string{"/", "/a", "/a/", "/a/b", "/a/b/", "/a/b/c", "/a/b/c/d", "/b", "/b/c/", "/a%2Fb", "/caf%C3%A9/x"}
	matches := 0
	for _, p := range patterns {
		for _, method := range []string{"GET", "HEAD", "POST", "DELETE"} {
			for _, path := range paths {
				matched := false
				mux := http.NewServeMux()
				mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) { matched = true })
				mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, path, nil))
				if got := matchPattern(p, method, path); got != matched {
					t.Errorf("matchPattern(%q, %s %s) = %v; ServeMux says %v", p, method, path, got, matched)
				}
				if matched {
					matches++
				}
			}
		}
	}
	if total := len(patterns) * 4 * len(paths); matches < total/10 || matches > total*9/10 {
		t.Errorf("ServeMux matched %d of %d requests; want a table that tells more apart", matches, total)
	}
}

// TestMatchPatternAllocs checks that matching a route allocates nothing:
// Name does it for every request.
func TestMatchPatternAllocs(t *testing.T) {
	for _, p := range []string{"/v1/items/{id}", "POST /v1/search", "/v1/{x}/{x}", "/a%2Fb/{p...}"} {
		if n := testing.AllocsPerRun(100, func() { matchPattern(p, "GET", "/v1/items/42") }); n != 0 {
			t.Errorf("matchPattern(%q, GET /v1/items/42) allocates %v times, want 0", p, n)
		}
	}
}

// TestNameAllocs checks that Name allocates only its result for a GET
// under default rules, with or without routes.
func TestNameAllocs(t *testing.T) {
	r, _ := http.NewRequest("GET", "https://api.example.com/v1/users/42?page=2&sort=name", nil)
	routes := Default().Route("POST /v1/search", Rules{}).Route("/v1/users/{id}", Rules{Headers: []string{"Accept"}})
	for _, rules := range []Rules{Default(), routes} {
		if n := testing.AllocsPerRun(100, func() { Name(r, nil, rules) }); n > 1 {
			t.Errorf("Name(GET %s) allocates %v times, want 1", r.URL, n)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		why   string
		rules Rules
		want  string // "" for no error, else a part of the error
	}{
		{"zero rules are valid", Rules{}, ""},
		{"valid patterns", Default().Route("POST /v1/search", Rules{}).Route("/v1/items/{id}", Rules{}).
			Route("/v1/files/{path...}", Rules{}).Route("/v1/", Rules{}).Route("/v1/{$}", Rules{}).Route("/", Rules{}), ""},
		{"valid body keys", Rules{Bodies: map[string]BodyRule{"application/json": JSONBody, "+json": JSONBody, "multipart/*": nil, "": nil, "*/*": nil}}, ""},
		{"body key that is no media type selects nothing", Rules{Bodies: map[string]BodyRule{"json": JSONBody}},
			`body rule key "json": want a media type ("application/json"), a suffix ("+json"), a type ("json/*") or "" for any body`},
		{"empty pattern", Default().Route("", Rules{}), `route 0 "": empty pattern`},
		{"no path", Default().Route("GET", Rules{}), `route 0 "GET": path missing`},
		{"host", Default().Route("example.com/v1", Rules{}), `host or text before the path`},
		{"invalid method", Default().Route("G(T /v1", Rules{}), `invalid method`},
		{"wildcard not a whole segment", Default().Route("/v1/a{id}", Rules{}), `wildcard must be a whole segment`},
		{"unclosed wildcard", Default().Route("/v1/{id", Rules{}), `wildcard must be a whole segment`},
		{"rest wildcard not last", Default().Route("/v1/{p...}/x", Rules{}), `{name...} not at the end`},
		{"{$} not last", Default().Route("/v1/{$}/x", Rules{}), `{$} not at the end`},
		{"empty wildcard", Default().Route("/v1/{}", Rules{}), `wildcard without a name`},
		{"bad wildcard name", Default().Route("/v1/{1x}", Rules{}), `not a Go identifier`},
		{"duplicate wildcard name", Default().Route("/{x}/a/{x...}", Rules{}), `wildcard name used twice`},
		{"second route", Default().Route("/ok", Rules{}).Route("/v1/{", Rules{}), `route 1 "/v1/{"`},
		{"nested routes", Default().Route("/v1/", Default().Route("/v1/x", Rules{})), `route 0 "/v1/": routes inside a route are not consulted`},
		{"body key with parameters", Rules{Bodies: map[string]BodyRule{"application/json; charset=utf-8": JSONBody}},
			`body rule key "application/json; charset=utf-8": want a media type in lower case without parameters, like "application/json"`},
		{"body key in upper case in a route", Default().Route("/", Rules{Bodies: map[string]BodyRule{"Application/JSON": JSONBody}}),
			`route 0 "/": body rule key "Application/JSON"`},
	} {
		t.Run(tt.why, func(t *testing.T) {
			err := tt.rules.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate(%s) = %v, want nil", describe(tt.rules), err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate(%s) = %v, want an error with %q", describe(tt.rules), err, tt.want)
			}
			if err == nil {
				return
			}
			// An invalid pattern matches nothing, and Name does not panic.
			r, _ := http.NewRequest("GET", "http://h/v1/x/y", nil)
			for _, rt := range tt.rules.Routes {
				if checkPattern(rt.Pattern) != "" && matchPattern(rt.Pattern, "GET", "/v1/{id") {
					t.Errorf("invalid pattern %q matches", rt.Pattern)
				}
			}
			Name(r, []byte("x"), tt.rules)
		})
	}
}

// describe prints rules for a test failure.
func describe(r Rules) string {
	return strings.TrimSpace(spec{rules: r}.String())
}

// TestRulesFor checks which rules apply to a request.
func TestRulesFor(t *testing.T) {
	search := Rules{Headers: []string{"X-Search"}}
	items := Rules{Headers: []string{"X-Items"}}
	top := Rules{Headers: []string{"X-Top"}}
	rules := top.Route("POST /v1/search", search).Route("/v1/items/{id}", items).Route("/v1/items/{id}", search)
	for _, tt := range []struct {
		why    string
		method string
		url    string
		want   string // the header of the rules that apply
	}{
		{"first route", "POST", "http://h/v1/search?q=go", "X-Search"},
		{"method mismatch falls back to the top rules", "GET", "http://h/v1/search", "X-Top"},
		{"first matching route wins", "GET", "http://h/v1/items/42", "X-Items"},
		{"no match takes the top rules", "GET", "http://h/v2/items/42", "X-Top"},
		{"empty method is GET", "", "http://h/v1/items/42", "X-Items"},
	} {
		t.Run(tt.why, func(t *testing.T) {
			r, _ := http.NewRequest("GET", tt.url, nil)
			r.Method = tt.method
			if got := rules.For(r).Headers; len(got) != 1 || got[0] != tt.want {
				t.Errorf("For(%s %s).Headers = %q, want [%s]", tt.method, tt.url, got, tt.want)
			}
		})
	}
	if got := rules.For(nil).Headers[0]; got != "X-Top" {
		t.Errorf("For(nil).Headers = [%s], want [X-Top]", got)
	}
	if got := Default().Route("/", search).For(nil).Headers[0]; got != "X-Search" {
		t.Errorf(`Route("/", ...).For(nil).Headers = [%s], want [X-Search]: nil is a GET of "/"`, got)
	}
	if got := Default().Route("/", search).For(&http.Request{}).Headers[0]; got != "X-Search" {
		t.Errorf(`Route("/", ...).For(&http.Request{}).Headers = [%s], want [X-Search]: no URL is "/"`, got)
	}
}

// TestRulesRoute checks that Route leaves the rules it is called on as
// they were, even when their Routes have room to grow.
func TestRulesRoute(t *testing.T) {
	base := Rules{Routes: make([]Route, 1, 10)}
	base.Routes[0] = Route{Pattern: "/a", Rules: Rules{}}
	x := base.Route("/x", Rules{Headers: []string{"X"}})
	y := base.Route("/y", Rules{Headers: []string{"Y"}})
	if len(base.Routes) != 1 {
		t.Errorf("after Route, base has %d routes, want 1", len(base.Routes))
	}
	if got := x.Routes[1].Pattern; got != "/x" {
		t.Errorf(`base.Route("/x", ...).Routes[1].Pattern = %q after base.Route("/y", ...), want "/x"`, got)
	}
	if got := y.Routes[1].Pattern; got != "/y" {
		t.Errorf(`base.Route("/y", ...).Routes[1].Pattern = %q, want "/y"`, got)
	}
}

// TestNameRoutes checks that a route's rules name the requests it
// matches, and only those.
func TestNameRoutes(t *testing.T) {
	rules := Rules{Headers: []string{"X-V"}, IgnoreQuery: []string{"ts"}}.
		Route("POST /v1/search", Rules{Bodies: map[string]BodyRule{"": IgnoreBody}}).
		Route("/v1/items/{id}", Rules{IgnoreQuery: []string{"page"}})
	at := func(method, url, body string, header ...string) spec {
		return spec{method: method, url: url, body: body, header: header, rules: rules}
	}
	runNameTests(t, []nameTest{
		{"search body is ignored", at("POST", "http://h/v1/search", `{"q":"go"}`), "POST_h_80_v1_search"},
		{"search takes no headers of the top rules", at("POST", "http://h/v1/search", "x", "X-V: 1"), "POST_h_80_v1_search"},
		{"search does not ignore ts", at("POST", "http://h/v1/search?ts=1", "x"), "POST_h_80_v1_search__ts=1"},
		{"another method keeps the body", at("PUT", "http://h/v1/search", `{"q":"go"}`), "PUT_h_80_v1_search~b########"},
		{"another path keeps the body", at("POST", "http://h/v1/orders", `{"q":"go"}`), "POST_h_80_v1_orders~b########"},
		{"other requests take the top headers", at("GET", "http://h/v1/orders", "", "X-V: 1"), "GET_h_80_v1_orders~h########"},
		{"other requests ignore ts", at("GET", "http://h/v1/orders?ts=1&page=2", ""), "GET_h_80_v1_orders__page=2"},
		{"items ignore page, not ts", at("GET", "http://h/v1/items/42?ts=1&page=2", ""), "GET_h_80_v1_items_42__ts=1"},
	})
	for _, tt := range []struct {
		why  string
		a, b spec
	}{
		{"search bodies do not matter", at("POST", "http://h/v1/search", `{"q":"go"}`), at("POST", "http://h/v1/search", `{"q":"rust"}`)},
	} {
		if a, b := tt.a.name(t), tt.b.name(t); a != b {
			t.Errorf("%s: Name(%s) = %q, Name(%s) = %q; want the same name", tt.why, tt.a, a, tt.b, b)
		}
	}
	other := at("POST", "http://h/v1/orders", `{"q":"go"}`)
	if a, b := other.name(t), at("POST", "http://h/v1/orders", `{"q":"rust"}`).name(t); a == b {
		t.Errorf("Name(%s) = Name(with another body) = %q; want names that differ outside the route", other, a)
	}
}
