package headerkey

import (
	"bufio"
	"bytes"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestValues(t *testing.T) {
	for _, c := range []struct {
		why  string
		h    http.Header
		want []string
	}{
		{"the canonical key", http.Header{"Content-Type": {"a"}}, []string{"a"}},
		// Go sends both keys, sorted, and a server reads both values:
		// before, only the canonical key's were seen.
		{"the canonical key and another", http.Header{"Content-Type": {"a"}, "content-type": {"b"}}, []string{"a", "b"}},
		{"the canonical key after another", http.Header{"Content-Type": {"a"}, "CONTENT-TYPE": {"d"}}, []string{"d", "a"}},
		{"a key without values", http.Header{"Content-Type": {}, "content-type": {"b"}}, []string{"b"}},
		{"a key in another case", http.Header{"content-type": {"b"}}, []string{"b"}},
		{"several keys, sorted", http.Header{"content-type": {"c"}, "CONTENT-TYPE": {"d"}}, []string{"d", "c"}},
		{"none", http.Header{"X": {"y"}}, nil},
		{"nil header", nil, nil},
	} {
		if got := Values(c.h, "Content-Type"); !slices.Equal(got, c.want) {
			t.Errorf("%s: Values(%v, Content-Type) = %q, want %q", c.why, c.h, got, c.want)
		}
	}
	// Not a spelling of X-Key, which no server reads as one: the Kelvin
	// sign folds to "k" only in Unicode.
	if h, got := (http.Header{"X-\u212aey": {"x"}}), Values(http.Header{"X-\u212aey": {"x"}}, "X-Key"); got != nil {
		t.Errorf("Values(%+q, X-Key) = %q, want none", h, got)
	}
	if got := Get(http.Header{"content-type": {"b", "c"}}, "Content-Type"); got != "b" {
		t.Errorf("Get(content-type: b, c) = %q, want %q", got, "b")
	}
}

func TestValuesDoesNotAllocateForACanonicalOrAbsentField(t *testing.T) {
	h := http.Header{"Content-Type": {"a"}, "X-Other": {"b"}}
	if n := testing.AllocsPerRun(100, func() {
		Values(h, "Content-Type")
		Values(h, "Range")
	}); n != 0 {
		t.Errorf("Values allocates %v times, want 0", n)
	}
}

func TestMerged(t *testing.T) {
	h := http.Header{"X-Key": {"a"}, "x-key": {"b"}, "X-KEY": {"c"}, "x-kEY": {}, "User-Agent": {"u"}, "user-agent": {"v"}, "range": {"r"}}
	m, merged := Merged(h)
	want := http.Header{"X-Key": {"c", "a", "b"}, "User-Agent": {"u"}, "user-agent": {"v"}, "range": {"r"}}
	if !merged || !reflect.DeepEqual(m, want) {
		t.Errorf("Merged(%v) = %v, %v; want %v, true", h, m, merged, want)
	}
	if len(h) != 7 || h.Get("X-Key") != "a" {
		t.Errorf("Merged modified its header: %v", h)
	}
	for _, h := range []http.Header{nil, {"X-Key": {"a"}}, {"x-key": {"a"}, "X-Key": {}}, {"user-agent": {"a"}, "User-Agent": {"b"}}} {
		if m, merged := Merged(h); merged || !reflect.DeepEqual(m, h) {
			t.Errorf("Merged(%v) = %v, %v; want it unchanged, false", h, m, merged)
		}
	}
	one := http.Header{"Content-Type": {"a"}, "x-other": {"b"}}
	if n := testing.AllocsPerRun(100, func() { Merged(one) }); n != 0 {
		t.Errorf("Merged of a header with no field set twice allocates %v times, want 0", n)
	}
}

// Fields finds what Values finds, for a header whose keys are all in
// canonical form (where it looks a field up) and for any other.
func TestFieldsFindsWhatValuesFinds(t *testing.T) {
	headers := []http.Header{
		nil,
		{},
		{"Content-Type": {"a"}, "X-Other": {"b"}},
		{"Content-Type": {}, "X-Other": {"b"}},
		{"Content-Type": {"a"}, "content-type": {"b"}},
		{"content-type": {"b"}},
		{"CONTENT-TYPE": {"d"}, "Content-Type": {"a"}},
		{"Content-\u212aype": {"k"}, "Content-Type": {"a"}},
		{"Www-Authenticate": {"w"}, "X-Key": {"x"}},
	}
	for _, h := range headers {
		f := NewFields(h)
		for _, k := range []string{"Content-Type", "X-Other", "Range", "Www-Authenticate", "X-Key", "content-type", "X-\u212aey"} {
			if got, want := f.Values(k), Values(h, k); !slices.Equal(got, want) || (got == nil) != (want == nil) {
				t.Errorf("NewFields(%v).Values(%q) = %q, want %q as Values gives", h, k, got, want)
			}
			if got, want := f.Get(k), Get(h, k); got != want {
				t.Errorf("NewFields(%v).Get(%q) = %q, want %q as Get gives", h, k, got, want)
			}
		}
	}
	h := http.Header{"Content-Type": {"a"}, "X-Other": {"b"}}
	if n := testing.AllocsPerRun(100, func() {
		f := NewFields(h)
		f.Values("Content-Type")
		f.Values("Range")
	}); n != 0 {
		t.Errorf("Fields allocates %v times, want 0", n)
	}
}

// userAgentHeaders are headers whose User-Agent Go's client sends in
// every way there is.
var userAgentHeaders = []http.Header{
	{},
	{"User-Agent": {"x"}},
	{"User-Agent": {"x", "y"}},
	{"User-Agent": {" x\t"}},
	{"User-Agent": {""}},
	{"User-Agent": {" "}},
	{"User-Agent": {}},
	{"User-Agent": {"", "y"}},
	{"User-Agent": {GoAgent1}},
	{"User-Agent": {GoAgent2}},
	{"user-agent": {"y"}},
	{"user-agent": {"y", "z"}},
	{"user-agent": {"", "z"}},
	{"user-agent": {GoAgent2}},
	{"user-agent": {GoAgent2, "z"}},
	{"User-Agent": {"x"}, "user-agent": {"y"}},
	{"USER-AGENT": {"w"}, "User-Agent": {"x"}},
	{"USER-AGENT": {"w"}, "user-agent": {"y"}},
	{"User-Agent": {""}, "user-agent": {"y"}},
	{"User-Agent": {}, "user-agent": {"y"}},
	{"User-Agent": {GoAgent1}, "user-agent": {"y"}},
	{"User-Agent": {" "}, "user-agent": {"y"}},
	{"X-Other": {"o"}},
}

// UserAgent gives what it gives of a header as sent by Go's HTTP/1.1
// client as a server reads it (Request.Write is the client's writer).
func TestUserAgentIsWhatAServerReads(t *testing.T) {
	for _, h := range userAgentHeaders {
		req, _ := http.NewRequest("GET", "http://h/", nil)
		req.Header = h
		var b bytes.Buffer
		if err := req.Write(&b); err != nil {
			t.Fatal(err)
		}
		read, err := http.ReadRequest(bufio.NewReader(&b))
		if err != nil {
			t.Fatal(err)
		}
		v, ok := UserAgent(h)
		if rv, rok := UserAgent(read.Header); rv != v || rok != ok {
			t.Errorf("UserAgent(%q) = %q, %v; of what a server reads of it over HTTP/1.1 (%q) %q, %v; want the same", h, v, ok, read.Header["User-Agent"], rv, rok)
		}
		if fv, fok := NewFields(h).UserAgent(); fv != v || fok != ok {
			t.Errorf("NewFields(%q).UserAgent() = %q, %v; want %q, %v as UserAgent gives", h, fv, fok, v, ok)
		}
	}
	for _, c := range []struct {
		h    http.Header
		want string
	}{
		{http.Header{"User-Agent": {" x\t", "y"}}, "x"},
		{http.Header{"USER-AGENT": {"w"}, "User-Agent": {"x"}}, "x"},
		{http.Header{"USER-AGENT": {"w"}, "user-agent": {"y"}}, "w"},
		{http.Header{"user-agent": {"y"}}, "y"},
		{http.Header{"User-Agent": {GoAgent1, "y"}}, "y"},
		{http.Header{}, ""},
		{http.Header{"User-Agent": {GoAgent2}}, ""},
		{http.Header{"User-Agent": {"", "y"}}, ""},
	} {
		v, ok := UserAgent(c.h)
		if v != c.want || ok != (c.want != "") {
			t.Errorf("UserAgent(%q) = %q, %v; want %q, %v", c.h, v, ok, c.want, c.want != "")
		}
	}
	h := http.Header{"User-Agent": {"x"}, "X-Other": {"o"}}
	if n := testing.AllocsPerRun(100, func() {
		UserAgent(h)
		NewFields(h).UserAgent()
	}); n != 0 {
		t.Errorf("UserAgent allocates %v times, want 0", n)
	}
}

// MergedUserAgent sends a User-Agent set under several keys as one
// value, the one UserAgent gives, and leaves any other header as it is.
func TestMergedUserAgent(t *testing.T) {
	for _, h := range userAgentHeaders {
		m, merged := MergedUserAgent(h)
		keys := 0
		for k := range h {
			if strings.EqualFold(k, "User-Agent") {
				keys++
			}
		}
		if keys < 2 {
			if merged || !reflect.DeepEqual(m, h) {
				t.Errorf("MergedUserAgent(%q) = %q, %v; want it unchanged, false", h, m, merged)
			}
			continue
		}
		v, _ := UserAgent(h)
		if !merged || len(m) != 1 || !slices.Equal(m["User-Agent"], []string{v}) {
			t.Errorf("MergedUserAgent(%q) = %q, %v; want User-Agent: %q alone, true", h, m, merged, v)
		}
	}
	h := http.Header{"User-Agent": {"x"}, "user-agent": {"y"}, "X-Key": {"a"}, "x-key": {"b"}}
	m, _ := MergedUserAgent(h)
	if want := (http.Header{"User-Agent": {"x"}, "X-Key": {"a"}, "x-key": {"b"}}); !reflect.DeepEqual(m, want) {
		t.Errorf("MergedUserAgent(%q) = %q, want %q", h, m, want)
	}
	if len(h) != 4 {
		t.Errorf("MergedUserAgent modified its header: %q", h)
	}
	one := http.Header{"user-agent": {"y"}, "X-Other": {"o"}}
	if n := testing.AllocsPerRun(100, func() { MergedUserAgent(one) }); n != 0 {
		t.Errorf("MergedUserAgent of a header with one User-Agent key allocates %v times, want 0", n)
	}
}

// WithoutHopByHop leaves out what httputil.ReverseProxy removes from a
// request, under any spelling of the keys, and nothing else; it returns
// the header itself, without allocating, when there is nothing to leave
// out, and never modifies it.
func TestWithoutHopByHop(t *testing.T) {
	for _, c := range []struct {
		why     string
		h, want http.Header
	}{
		{"none", http.Header{"Accept": {"a"}, "X-Tenant": {"t"}}, nil},
		{"nil header", nil, nil},
		{"the fixed ones", http.Header{"Accept": {"a"}, "Connection": {"close"}, "Keep-Alive": {"timeout=5"}, "Proxy-Authenticate": {"Basic"},
			"Proxy-Authorization": {"Basic x"}, "Proxy-Connection": {"keep-alive"}, "Te": {"trailers"}, "Trailer": {"X-Sum"}, "Upgrade": {"websocket"}},
			http.Header{"Accept": {"a"}}},
		{"in other cases", http.Header{"Accept": {"a"}, "proxy-authorization": {"Basic x"}, "KEEP-ALIVE": {"timeout=5"}, "te": {"gzip"}}, http.Header{"Accept": {"a"}}},
		{"a key without values", http.Header{"Accept": {"a"}, "Upgrade": {}}, http.Header{"Accept": {"a"}}},
		{"those Connection names", http.Header{"Accept": {"a"}, "X-Tenant": {"t"}, "x-hop": {"h"}, "X-Kept": {"k"}, "Connection": {"keep-alive, x-tenant", " X-HOP "}},
			http.Header{"Accept": {"a"}, "X-Kept": {"k"}}},
		{"those a connection key in another case names", http.Header{"X-Tenant": {"t"}, "connection": {"X-Tenant"}}, http.Header{}},
		{"not a field named by a part of a token", http.Header{"X-Tenant": {"t"}, "Connection": {"X-Tenant-Id, X"}}, http.Header{"X-Tenant": {"t"}}},
		{"not a Unicode folding of a field", http.Header{"\u212aeep-Alive": {"t"}}, nil},
	} {
		orig := c.h.Clone()
		got := WithoutHopByHop(c.h)
		want := c.want
		if want == nil {
			want = c.h
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: WithoutHopByHop(%v) = %v, want %v", c.why, c.h, got, want)
		}
		if !reflect.DeepEqual(c.h, orig) {
			t.Errorf("%s: WithoutHopByHop modified its header: %v, was %v", c.why, c.h, orig)
		}
	}
	h := http.Header{"Accept": {"a"}, "X-Tenant": {"t"}, "content-type": {"c"}}
	if n := testing.AllocsPerRun(100, func() { WithoutHopByHop(h) }); n != 0 {
		t.Errorf("WithoutHopByHop of a header without hop-by-hop fields allocates %v times, want 0", n)
	}
	for _, k := range []string{"Connection", "te", "PROXY-AUTHORIZATION", "Trailer", "upgrade"} {
		if !HopByHop(k) {
			t.Errorf("HopByHop(%q) = false, want true", k)
		}
	}
	for _, k := range []string{"Transfer-Encoding", "Host", "Authorization", "Tee", "X-Connection", ""} {
		if HopByHop(k) {
			t.Errorf("HopByHop(%q) = true, want false", k)
		}
	}
}

// Lists finds a field name among comma-separated values, in any case, and
// not a name that only contains it.
func TestLists(t *testing.T) {
	vv := []string{"X-Sum, grpc-status", " Content-Type "}
	for k, want := range map[string]bool{"x-sum": true, "Grpc-Status": true, "CONTENT-TYPE": true, "Sum": false, "X-Sum2": false, "": false} {
		if got := Lists(vv, k); got != want {
			t.Errorf("Lists(%q, %q) = %v, want %v", vv, k, got, want)
		}
	}
}
