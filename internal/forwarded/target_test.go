package forwarded

import (
	"net/url"
	"testing"
)

func TestTarget(t *testing.T) {
	for _, c := range []struct {
		up, in        string
		path, rawPath string
		query         string
	}{
		{up: "https://h/graphql", in: "/", path: "/graphql"}, // the root: the endpoint itself
		{up: "https://h/graphql", in: "", path: "/graphql"},
		{up: "https://h/graphql", in: "/?a=1", path: "/graphql", query: "a=1"},
		{up: "https://h/graphql/", in: "/", path: "/graphql/"},
		{up: "https://h/api/v1", in: "/users", path: "/api/v1/users"},
		{up: "https://h/api/v1/", in: "/users", path: "/api/v1/users"},
		{up: "https://h/api/v1", in: "/users/", path: "/api/v1/users/"},
		{up: "https://h", in: "/", path: "/"},
		{up: "https://h", in: "/users", path: "/users"},
		{up: "https://h/", in: "/users", path: "/users"},
		{up: "https://h/v1?key=k", in: "/users?a=1", path: "/v1/users", query: "key=k&a=1"},
		{up: "https://h/v1?key=k", in: "/users", path: "/v1/users", query: "key=k"},
		{up: "https://h/a%2Fb", in: "/c", path: "/a/b/c", rawPath: "/a%2Fb/c"},
		{up: "https://h/a%2Fb", in: "/", path: "/a/b", rawPath: "/a%2Fb"},
		{up: "https://h/v1", in: "/x%2Fy", path: "/v1/x/y", rawPath: "/v1/x%2Fy"},
	} {
		up, err := url.Parse(c.up)
		if err != nil {
			t.Fatal(err)
		}
		in, err := url.Parse(c.in)
		if err != nil {
			t.Fatal(err)
		}
		got := Target(up, in)
		if got.Scheme != "https" || got.Host != "h" || got.Path != c.path || got.RawPath != c.rawPath || got.RawQuery != c.query {
			t.Errorf("Target(%q, %q) = %s://%s path %q raw %q query %q; want https://h path %q raw %q query %q",
				c.up, c.in, got.Scheme, got.Host, got.Path, got.RawPath, got.RawQuery, c.path, c.rawPath, c.query)
		}
		if in.String() != c.in {
			t.Errorf("Target(%q, %q) changed its argument to %q", c.up, c.in, in)
		}
	}
}

// OPTIONS * asks about the upstream's server as a whole: it goes there as
// "*", as a client sends it, whatever the upstream's path and query (it
// once went to "/v1/%2A", a path).
func TestTargetOfAsterisk(t *testing.T) {
	up, _ := url.Parse("https://h/v1?key=k")
	for _, in := range []*url.URL{
		{Path: "*"}, // as a server reads it
		{Scheme: "http", Host: "proxy:8080", Opaque: "*"}, // as a client sends it
	} {
		got := Target(up, in)
		if got.Scheme != "https" || got.Host != "h" || got.RequestURI() != "*" || got.Path != "" {
			t.Errorf("Target(%q, %q) = %s://%s request URI %q path %q; want https://h, request URI \"*\", no path", up, in.String(), got.Scheme, got.Host, got.RequestURI(), got.Path)
		}
	}
}
