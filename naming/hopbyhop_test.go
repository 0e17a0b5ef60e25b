package naming_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
)

// hopByHop are the request fields that are always hop-by-hop, as
// httputil.ReverseProxy removes them.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "Te", "Trailer", "Upgrade"}

// A request recorded through a proxy (recorder.New, a recording replay
// server, cassette record) was named as the proxy forwarded it, without
// its hop-by-hop fields, and replayed with them: a significant one among
// them (Proxy-Authorization, or a field the request's Connection names)
// gave it another name, and it missed. Name leaves them out, whatever the
// rules and whichever spelling of their keys a client set, so a request
// is named alike however it is sent.
func TestNameLeavesOutHopByHopFields(t *testing.T) {
	rules := naming.Rules{Headers: append([]string{"Accept", "X-Tenant", "Range"}, hopByHop...)}
	name := func(h http.Header) string {
		r, err := http.NewRequest("GET", "https://api.example.com/v1/items", nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Header = h
		return naming.Name(r, nil, rules)
	}
	plain := name(http.Header{"Accept": {"text/csv"}})
	if !strings.Contains(plain, "~h") {
		t.Fatalf("Name(Accept: text/csv) = %s, want a header hash", plain)
	}
	for _, k := range hopByHop {
		for _, key := range []string{k, strings.ToLower(k), strings.ToUpper(k)} {
			h := http.Header{"Accept": {"text/csv"}, key: {"Basic dXNlcjpwYXNz"}}
			if got := name(h); got != plain {
				t.Errorf("Name(%v) = %s, want %s, the name without %s: a proxy does not pass it on", h, got, plain, key)
			}
		}
	}
	for _, tt := range []struct {
		why    string
		header http.Header
	}{
		{"Connection names it", http.Header{"Connection": {"X-Tenant"}}},
		{"Connection names it among others", http.Header{"Connection": {"keep-alive, x-tenant ,close"}}},
		{"Connection names it in its second value", http.Header{"Connection": {"keep-alive", "X-Tenant"}}},
		{"a connection key in lower case names it", http.Header{"connection": {"X-TENANT"}}},
	} {
		t.Run(tt.why, func(t *testing.T) {
			for _, field := range []string{"X-Tenant", "x-tenant"} {
				h := http.Header{"Accept": {"text/csv"}, field: {"acme"}}
				for k, vs := range tt.header {
					h[k] = vs
				}
				if got := name(h); got != plain {
					t.Errorf("Name(%v) = %s, want %s, the name without %s", h, got, plain, field)
				}
			}
			// So is Range, which counts without rules.
			h := http.Header{"Range": {"bytes=0-4"}}
			for k, vs := range tt.header {
				h[k] = append(vs[:len(vs):len(vs)], "Range")
			}
			r, _ := http.NewRequest("GET", "https://api.example.com/v1/items", nil)
			want := naming.Name(r, nil, naming.Default())
			r.Header = h
			if got := naming.Name(r, nil, naming.Default()); got != want {
				t.Errorf("Name(%v) under the default rules = %s, want %s, the name without Range", h, got, want)
			}
		})
	}
	// A field Connection does not name counts.
	if got := name(http.Header{"Accept": {"text/csv"}, "X-Tenant": {"acme"}, "Connection": {"keep-alive, X-Tenant-Id"}}); got == plain {
		t.Errorf("Name(X-Tenant: acme, Connection: keep-alive, X-Tenant-Id) = %s, the name without X-Tenant: want it to count", got)
	}
}

// A body rule reads a request as it reaches the API: a Content-Type or
// Content-Encoding its Connection names is not there.
func TestBodyRulesReadNoHopByHopField(t *testing.T) {
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody, "": naming.IgnoreBody}}
	body := []byte(`{"b": 1, "a": 2}`)
	req := func(h http.Header) *http.Request {
		r, err := http.NewRequest("POST", "https://api.example.com/v1/items", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header = h
		return r
	}
	without := req(http.Header{})
	for _, h := range []http.Header{
		{"Content-Type": {"application/json"}, "Connection": {"Content-Type"}},
		{"content-type": {"application/json"}, "Connection": {"close, content-type"}},
	} {
		r := req(h)
		if got, want := naming.Name(r, body, rules), naming.Name(without, body, rules); got != want {
			t.Errorf("Name(POST with header %v) = %s, want %s, the name without Content-Type", h, got, want)
		}
		if got, want := rules.CanonicalBody(r, body), rules.CanonicalBody(without, body); !bytes.Equal(got, want) {
			t.Errorf("CanonicalBody(POST with header %v) = %q, want %q, as without Content-Type", h, got, want)
		}
		if got, want := rules.IgnoresBody(r), rules.IgnoresBody(without); got != want {
			t.Errorf("IgnoresBody(POST with header %v) = %v, want %v, as without Content-Type", h, got, want)
		}
		if len(h) != 2 {
			t.Errorf("the request's header was changed: %v", h)
		}
	}
}

// A significant header that is always hop-by-hop never reaches the API,
// and Name leaves it out: Validate refuses it, in any case, at the top
// level and in a route, naming it and saying why.
func TestValidateRefusesHopByHopHeaders(t *testing.T) {
	for _, k := range hopByHop {
		for _, h := range []string{k, strings.ToLower(k), strings.ToUpper(k)} {
			for _, rules := range []naming.Rules{
				{Headers: []string{"X-Tenant", h}},
				naming.Default().Route("GET /x", naming.Rules{Headers: []string{h}}),
			} {
				err := rules.Validate()
				if err == nil {
					t.Errorf("Validate of significant %q = nil, want an error", h)
					continue
				}
				for _, want := range []string{strconv.Quote(h) + " is a hop-by-hop header", "never reaches the API", "cannot tell recordings apart", "remove it from the significant headers"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("Validate of significant %q = %q, want it to say %q", h, err, want)
					}
				}
				if len(rules.Routes) > 0 && !strings.HasPrefix(err.Error(), `route 0 "GET /x": `) {
					t.Errorf("Validate of %q in a route = %q, want it to name the route", h, err)
				}
			}
		}
	}
	for _, h := range []string{"Authorization", "Accept", "X-Connection", "Te-X", "Upgrade-Insecure-Requests"} {
		if err := (naming.Rules{Headers: []string{h}}).Validate(); err != nil {
			t.Errorf("Validate of significant %q = %v, want nil", h, err)
		}
	}
}
