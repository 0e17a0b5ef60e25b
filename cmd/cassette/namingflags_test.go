package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// A sent is a request a test sends: to base, the server it is sent to.
type sent struct {
	method, path, ctype, body string
	header                    []string // name, value, ...
}

func (s sent) request(t *testing.T, base string) *http.Request {
	t.Helper()
	var body io.Reader
	if s.body != "" {
		body = strings.NewReader(s.body)
	}
	req, err := http.NewRequest(s.method, base+s.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if s.ctype != "" {
		req.Header.Set("Content-Type", s.ctype)
	}
	for i := 0; i+1 < len(s.header); i += 2 {
		req.Header.Set(s.header[i], s.header[i+1])
	}
	return req
}

func (s sent) String() string { return fmt.Sprintf("%s %s %q %v", s.method, s.path, s.body, s.header) }

// send sends s to base with client and returns the status and body.
func send(t *testing.T, client *http.Client, base string, s sent) (int, string) {
	t.Helper()
	resp, err := client.Do(s.request(t, base))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading the body: %v", s, err)
	}
	return resp.StatusCode, string(b)
}

// echoAPI is an upstream that answers each request with what it got.
func echoAPI(t *testing.T) *httptest.Server {
	t.Helper()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s tenant=%q body=%q", r.Method, r.URL.RequestURI(), r.Header.Get("X-Tenant"), body)
	}))
	t.Cleanup(upstream.Close)
	return upstream
}

// multipartBody returns a multipart form of one field, with a random
// boundary, and its Content-Type.
func multipartBody(t *testing.T) (body, ctype string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.WriteField("name", "ada"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), w.FormDataContentType()
}

// writeRules writes a rules file holding content and returns its path.
func writeRules(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(path, []byte(content), 0o666); err != nil {
		t.Fatal(err)
	}
	return path
}

// routesFile holds the routes of namingRoutes, and a top-level header.
const routesFile = `{
  "headers": ["X-Tenant"],
  "routes": [
    {"pattern": "POST /v1/search", "rules": {"bodies": {"*/*": "ignore"}}},
    {"pattern": "GET /v1/items/{id}", "rules": {"ignoreQuery": ["ts"]}}
  ]
}`

// namingRoutes are the rules of routesFile.
var namingRoutes = naming.Rules{Headers: []string{"X-Tenant"}}.
	Route("POST /v1/search", naming.Rules{Bodies: map[string]naming.BodyRule{"*/*": naming.IgnoreBody}}).
	Route("GET /v1/items/{id}", naming.Rules{IgnoreQuery: []string{"ts"}})

// A library recorded in Go with naming rules of each kind is served by
// cassette serve given the same rules by flags: a request those rules
// name as the recorded one is a hit. Serve named every request with the
// default rules, so each was a miss, as it still is without the flags.
func TestServeWithTheNamingRulesALibraryWasRecordedWith(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := echoAPI(t)
	mp1, mpType1 := multipartBody(t)
	mp2, mpType2 := multipartBody(t) // another boundary
	tests := []struct {
		why      string
		rules    naming.Rules // recorded with
		flags    []string     // "RULES" is the path of a file holding file
		file     string
		recorded sent
		replayed sent   // named as recorded under the rules, not under the default ones
		differs  []sent // named otherwise under the rules too: misses
	}{
		{"-header makes a header significant, in any case",
			naming.Rules{Headers: []string{"X-Tenant"}},
			[]string{"-header", "x-tenant"}, "",
			sent{"GET", "/orders", "", "", []string{"X-Tenant", "acme"}},
			sent{"GET", "/orders", "", "", []string{"X-Tenant", "acme"}},
			[]sent{{"GET", "/orders", "", "", []string{"X-Tenant", "globex"}}}},
		{"-ignore-query leaves a parameter out",
			naming.Rules{IgnoreQuery: []string{"_"}},
			[]string{"-ignore-query", "_,cachebuster"}, "",
			sent{"GET", "/items?page=2&_=111", "", "", nil},
			sent{"GET", "/items?_=222&page=2", "", "", nil},
			[]sent{{"GET", "/items?_=222&page=3", "", "", nil}}},
		{"-body json compares JSON",
			naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody}},
			[]string{"-body", "application/json=json"}, "",
			sent{"POST", "/orders", "application/json", `{"a":1,"b":[1,2]}`, nil},
			sent{"POST", "/orders", "application/json; charset=utf-8", `{ "b": [1, 2], "a": 1 }`, nil},
			[]sent{{"POST", "/orders", "application/json", `{"a":1,"b":[2,1]}`, nil}}},
		{"-body with a suffix and a type in upper case",
			naming.Rules{Bodies: map[string]naming.BodyRule{"+json": naming.JSONBody}},
			[]string{"-body", "+JSON=JSON"}, "",
			sent{"POST", "/orders", "application/vnd.api+json", `{"a":1,"b":2}`, nil},
			sent{"POST", "/orders", "application/vnd.api+json", `{"b":2,"a":1}`, nil},
			nil},
		{"-body form compares forms",
			naming.Rules{Bodies: map[string]naming.BodyRule{"application/x-www-form-urlencoded": naming.FormBody}},
			[]string{"-body", "application/x-www-form-urlencoded=form"}, "",
			sent{"POST", "/charges", "application/x-www-form-urlencoded", "a=1&b=2", nil},
			sent{"POST", "/charges", "application/x-www-form-urlencoded", "b=2&a=1", nil},
			[]sent{{"POST", "/charges", "application/x-www-form-urlencoded", "b=3&a=1", nil}}},
		{"-body multipart compares parts whatever the boundary",
			naming.Rules{Bodies: map[string]naming.BodyRule{"multipart/*": naming.MultipartBody}},
			[]string{"-body", "multipart/*=multipart"}, "",
			sent{"POST", "/upload", mpType1, mp1, nil},
			sent{"POST", "/upload", mpType2, mp2, nil},
			nil},
		{"-body ignore leaves bodies out",
			naming.Rules{Bodies: map[string]naming.BodyRule{"*/*": naming.IgnoreBody}},
			[]string{"-body", "*/*=ignore"}, "",
			sent{"POST", "/ping", "text/plain", "nonce=1", nil},
			sent{"POST", "/ping", "text/plain", "nonce=2", nil},
			nil},
		{"-body json-without leaves out the member a JSON Pointer names",
			naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBodyWithout("/id")}},
			[]string{"-body", "application/json=json-without:/id"}, "",
			sent{"POST", "/rpc", "application/json", `{"id":1,"method":"sum","params":{"id":5}}`, nil},
			sent{"POST", "/rpc", "application/json", `{"id":2,"method":"sum","params":{"id":5}}`, nil},
			[]sent{{"POST", "/rpc", "application/json", `{"id":1,"method":"sum","params":{"id":6}}`, nil}}},
		{"-body form-without leaves out fields",
			naming.Rules{Bodies: map[string]naming.BodyRule{"application/x-www-form-urlencoded": naming.FormBodyWithout("nonce", "ts")}},
			[]string{"-body", "application/x-www-form-urlencoded=form-without:nonce,ts"}, "",
			sent{"POST", "/charges", "application/x-www-form-urlencoded", "amount=5&nonce=a&ts=1", nil},
			sent{"POST", "/charges", "application/x-www-form-urlencoded", "ts=2&nonce=b&amount=5", nil},
			[]sent{{"POST", "/charges", "application/x-www-form-urlencoded", "amount=6&nonce=a&ts=1", nil}}},
		{"-rules: a route's rules are used whole, without the top-level header",
			namingRoutes,
			[]string{"-rules", "RULES"}, routesFile,
			sent{"POST", "/v1/search", "text/plain", "q=1", []string{"X-Tenant", "acme"}},
			sent{"POST", "/v1/search", "text/plain", "q=2", []string{"X-Tenant", "globex"}},
			[]sent{{"POST", "/v1/searches", "text/plain", "q=1", []string{"X-Tenant", "acme"}}}},
		{"-rules: a route with a wildcard",
			namingRoutes,
			[]string{"-rules", "RULES"}, routesFile,
			sent{"GET", "/v1/items/42?ts=1", "", "", nil},
			sent{"GET", "/v1/items/42?ts=2", "", "", nil},
			[]sent{{"GET", "/v1/items/42/parts?ts=1", "", "", nil}}},
		{"-rules: outside the routes, the top-level rules",
			namingRoutes,
			[]string{"-rules", "RULES"}, routesFile,
			sent{"GET", "/v1/users", "", "", []string{"X-Tenant", "acme"}},
			sent{"GET", "/v1/users", "", "", []string{"X-Tenant", "acme"}},
			[]sent{{"GET", "/v1/users", "", "", []string{"X-Tenant", "globex"}}}},
		{"flags add to the top level of a rules file",
			naming.Rules{Headers: []string{"X-Tenant"}, IgnoreQuery: []string{"_"}}.
				Route("POST /v1/search", naming.Rules{Bodies: map[string]naming.BodyRule{"*/*": naming.IgnoreBody}}),
			[]string{"-rules", "RULES", "-ignore-query", "_", "-header", "X-Tenant"},
			`{"routes": [{"pattern": "POST /v1/search", "rules": {"bodies": {"*/*": "ignore"}}}]}`,
			sent{"GET", "/v1/users?_=1", "", "", []string{"X-Tenant", "acme"}},
			sent{"GET", "/v1/users?_=2", "", "", []string{"X-Tenant", "acme"}},
			[]sent{{"GET", "/v1/users?_=2", "", "", []string{"X-Tenant", "globex"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api")
			rt := recorder.NewTransport(t, path, recorder.Naming(tt.rules))
			code, live := send(t, &http.Client{Transport: rt}, upstream.URL, tt.recorded)
			if code != http.StatusOK {
				t.Fatalf("recording %s: status %d, want 200", tt.recorded, code)
			}
			if err := rt.(io.Closer).Close(); err != nil {
				t.Fatalf("saving the library: %v", err)
			}
			flags := slices.Clone(tt.flags)
			if i := slices.Index(flags, "RULES"); i >= 0 {
				flags[i] = writeRules(t, tt.file)
			}

			p := start(t, append(append([]string{"serve"}, flags...), path)...)
			base := p.baseURL()
			if code, body := send(t, http.DefaultClient, base, tt.replayed); code != http.StatusOK || body != live {
				t.Errorf("serve %q: %s = %d %q, want the hit 200 %q", flags, tt.replayed, code, body, live)
			}
			for _, d := range tt.differs {
				if code, _ := send(t, http.DefaultClient, base, d); code != http.StatusNotFound {
					t.Errorf("serve %q: %s = %d, want the miss 404 (the rules tell it apart from %s)", flags, d, code, tt.recorded)
				}
			}
			if code := p.stop(); code != exitOK {
				t.Errorf("serve %q exited with %d, want 0; stderr:\n%s", flags, code, p.stderr.String())
			}
			if out := p.stdout.String(); !strings.Contains(out, "\ncassette: naming rules: ") {
				t.Errorf("serve %q printed no line of the naming rules:\n%s", flags, out)
			}

			p = start(t, "serve", path)
			if code, _ := send(t, http.DefaultClient, p.baseURL(), tt.replayed); code != http.StatusNotFound {
				t.Errorf("serve without rules: %s = %d, want the miss 404", tt.replayed, code)
			}
			if code := p.stop(); code != exitOK {
				t.Errorf("serve exited with %d, want 0; stderr:\n%s", code, p.stderr.String())
			}
			if out := p.stdout.String(); strings.Contains(out, "naming rules") {
				t.Errorf("serve without rules printed a line of naming rules:\n%s", out)
			}
		})
	}
}

// cassette record with naming rules names each cassette as the same rules
// name its request in Go, so that replayserver.New with those rules
// answers the requests they name alike. Record named every request with
// the default rules.
func TestRecordWithNamingRulesIsReplayedInGo(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := echoAPI(t)
	rules := naming.Rules{
		Headers:     []string{"X-Tenant"},
		IgnoreQuery: []string{"_"},
		Bodies:      map[string]naming.BodyRule{"application/json": naming.JSONBodyWithout("/id")},
	}.Route("POST /v1/search", naming.Rules{Bodies: map[string]naming.BodyRule{"": naming.IgnoreBody}})
	file := writeRules(t, `{"routes": [{"pattern": "POST /v1/search", "rules": {"bodies": {"*/*": "ignore"}}}]}`)
	flags := []string{"-rules", file, "-header", "X-Tenant", "-ignore-query", "_", "-body", "application/json=json-without:/id"}
	recorded := []sent{
		{"GET", "/orders?page=2&_=1", "", "", []string{"X-Tenant", "acme"}},
		{"POST", "/rpc", "application/json", `{"id":1,"method":"sum"}`, []string{"X-Tenant", "acme"}},
		{"POST", "/v1/search", "text/plain", "q=1", nil},
	}
	replayed := []sent{
		{"GET", "/orders?_=2&page=2", "", "", []string{"X-Tenant", "acme"}},
		{"POST", "/rpc", "application/json", `{"method":"sum","id":7}`, []string{"X-Tenant", "acme"}},
		{"POST", "/v1/search", "text/plain", "q=2", nil},
	}

	path := filepath.Join(t.TempDir(), "api")
	rec := start(t, append(append([]string{"record", "-upstream", upstream.URL}, flags...), path)...)
	_, proxy := rec.announce()
	var want, lives []string
	for _, s := range recorded {
		code, live := send(t, http.DefaultClient, proxy, s)
		if code != http.StatusOK {
			t.Fatalf("recording %s: status %d, want 200", s, code)
		}
		lives = append(lives, live)
		req := s.request(t, upstream.URL)
		want = append(want, naming.Name(req, []byte(s.body), rules))
	}
	if code := rec.stop(); code != exitOK {
		t.Fatalf("record %q exited with %d, want 0; stderr:\n%s", flags, code, rec.stderr.String())
	}
	if out := rec.stdout.String(); !strings.Contains(out, "\ncassette: naming rules: headers X-Tenant; ignoreQuery _; bodies application/json=json-without:/id; routes \"POST /v1/search\"\n") {
		t.Errorf("record %q printed no line of its naming rules, or another:\n%s", flags, out)
	}
	slices.Sort(want)
	if got := cassetteNames(t, path); !slices.Equal(got, want) {
		t.Errorf("record %q stored cassettes\n%q\nwant those the rules name in Go\n%q", flags, got, want)
	}

	t.Setenv("CASSETTE_MODE", "replay")
	srv := replayserver.New(t, path, replayserver.Naming(rules), replayserver.Strict())
	for i, s := range replayed {
		if code, body := send(t, srv.Client(), srv.URL, s); code != http.StatusOK || body != lives[i] {
			t.Errorf("replayserver.New with the rules: %s = %d %q, want the hit 200 %q", s, code, body, lives[i])
		}
	}
}

// A significant header that the recorder redacts tells cassettes apart
// only by whether it is there: record says so.
func TestRecordWarnsOfASignificantHeaderItRedacts(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := echoAPI(t)
	rec, code := recordSession(t, upstream.URL, filepath.Join(t.TempDir(), "api"), []string{"-header", "authorization,X-Tenant"}, "/a")
	if code != exitOK {
		t.Fatalf("record exited with %d, want 0; stderr:\n%s", code, rec.stderr.String())
	}
	errOut := rec.stderr.String()
	if !strings.Contains(errOut, "cassette record: header Authorization is significant but redacted") {
		t.Errorf("record -header authorization did not warn that Authorization is redacted; stderr:\n%s", errOut)
	}
	if strings.Contains(errOut, "X-Tenant is significant but redacted") {
		t.Errorf("record warned of X-Tenant, which is not redacted; stderr:\n%s", errOut)
	}
}

// A rules file gives the rules of Go: each request is named by them as by
// the naming.Rules they stand for.
func TestRulesFileGivesTheRulesOfGo(t *testing.T) {
	file := writeRules(t, "\ufeff"+`{
  "headers": ["X-Tenant", "accept"],
  "ignoreQuery": ["_", "a,b"],
  "bodies": {
    "Application/JSON": "json-without:/id,timestamp",
    "+json": "JSON",
    "application/x-www-form-urlencoded": {"formWithout": ["nonce", "x,y"]},
    "multipart/*": "multipart",
    "text/csv": "exact",
    "*/*": "ignore"
  },
  "routes": [
    {"pattern": "POST /rpc", "rules": {"bodies": {"application/json": {"jsonWithout": ["/a,b"]}}}},
    {"pattern": "/v1/forms/{id...}", "rules": {"headers": null, "bodies": {"application/x-www-form-urlencoded": "form"}}},
    {"pattern": "GET /health"}
  ]
}`)
	got, err := readRulesFile(file)
	if err != nil {
		t.Fatalf("readRulesFile: %v", err)
	}
	want := naming.Rules{
		Headers:     []string{"X-Tenant", "accept"},
		IgnoreQuery: []string{"_", "a,b"},
		Bodies: map[string]naming.BodyRule{
			"application/json":                  naming.JSONBodyWithout("/id", "timestamp"),
			"+json":                             naming.JSONBody,
			"application/x-www-form-urlencoded": naming.FormBodyWithout("nonce", "x,y"),
			"multipart/*":                       naming.MultipartBody,
			"text/csv":                          naming.ExactBody,
			"*/*":                               naming.IgnoreBody,
		},
	}.Route("POST /rpc", naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBodyWithout("/a,b")}}).
		Route("/v1/forms/{id...}", naming.Rules{Bodies: map[string]naming.BodyRule{"application/x-www-form-urlencoded": naming.FormBody}}).
		Route("GET /health", naming.Rules{})
	mp, mpType := multipartBody(t)
	hdr := []string{"X-Tenant", "acme", "Accept", "text/csv"}
	for _, s := range []sent{
		{"GET", "/items?_=1&a,b=2&c=3", "", "", hdr},
		{"POST", "/orders", "application/json", `{"id":1,"timestamp":2,"item":{"timestamp":3,"id":4}}`, hdr},
		{"POST", "/orders", "application/vnd.api+json", `{"b":1,"a":2}`, nil},
		{"POST", "/charges", "application/x-www-form-urlencoded", "x,y=1&nonce=2&amount=3", nil},
		{"POST", "/upload", mpType, mp, nil},
		{"POST", "/report", "text/csv", "a,b\n1,2\n", nil},
		{"POST", "/ping", "text/plain", "hello", nil},
		{"POST", "/rpc", "application/json", `{"a,b":1,"id":2}`, hdr},
		{"POST", "/v1/forms/a/b", "application/x-www-form-urlencoded", "b=1&a=2", hdr},
		{"HEAD", "/health", "", "", hdr},
	} {
		req := s.request(t, "https://api.example.com")
		if g, w := naming.Name(req, []byte(s.body), got.naming()), naming.Name(req, []byte(s.body), want); g != w {
			t.Errorf("Name(%s) under the rules file = %q, want %q as under the rules in Go", s, g, w)
		}
	}
	const line = `headers X-Tenant, accept; ignoreQuery _, "a,b"; bodies application/json=json-without:/id,timestamp, +json=json, ` +
		`application/x-www-form-urlencoded=form-without:nonce,"x,y", multipart/*=multipart, text/csv=exact, */*=ignore; ` +
		`routes "POST /rpc", "/v1/forms/{id...}", "GET /health"`
	if s := got.String(); s != line {
		t.Errorf("the rules read, on one line:\n%s\nwant\n%s", s, line)
	}
}

// Bad naming rules, by flag or in a rules file, are usage errors that say
// what is wrong, where, and what is accepted.
func TestNamingRulesUsageErrors(t *testing.T) {
	const see = " (see cassette serve -h)"
	tests := []struct {
		why  string
		args []string // "RULES" is the path of a file holding file
		file string
		want string // the one line on stderr, "RULES" the file's path
	}{
		{"-header that is no header name", []string{"-header", "X-Tenant,X Region"}, "",
			`cassette serve: invalid value "X-Tenant,X Region" for flag -header: "X Region" is no header name: want a name such as X-Tenant, of letters, digits and !#$%&'*+-.^_` + "`" + `|~`},
		{"-header of the host", []string{"-header", "X-Tenant,host"}, "",
			`cassette serve: invalid value "X-Tenant,host" for flag -header: "host": the host is part of every name already, and no server finds a Host among a request's header fields (Go's server moves it to Request.Host), so names leave it out: remove it from the significant headers`},
		{"-header of Transfer-Encoding", []string{"-header", "Transfer-Encoding"}, "",
			`cassette serve: invalid value "Transfer-Encoding" for flag -header: "Transfer-Encoding" never reaches a server among a request's header fields (Go's server drops it once it has read the body so), so it cannot tell recordings apart and names leave it out: remove it from the significant headers`},
		{"-header without a name", []string{"-header", ","}, "",
			`cassette serve: invalid value "," for flag -header: want a header name such as X-Tenant`},
		{"-ignore-query without a key", []string{"-ignore-query", ""}, "",
			`cassette serve: invalid value "" for flag -ignore-query: want a query parameter key such as _ or timestamp`},
		{"-body without a rule", []string{"-body", "application/json"}, "",
			`cassette serve: invalid value "application/json" for flag -body: want TYPE=RULE, such as application/json=json; RULE is exact, json, form, multipart, ignore, json-without:MEMBER,... or form-without:FIELD,...`},
		{"-body with an unknown rule", []string{"-body", "application/json=jsn"}, "",
			`cassette serve: invalid value "application/json=jsn" for flag -body: unknown body rule "jsn": want exact, json, form, multipart, ignore, json-without:MEMBER,... or form-without:FIELD,...`},
		{"-body of a media type with parameters", []string{"-body", "application/json;charset=utf-8=json"}, "",
			`cassette serve: invalid value "application/json;charset=utf-8=json" for flag -body: media type "application/json;charset": parameters do not choose a rule: give "application/json"`},
		{"-body of no media type", []string{"-body", "json=json"}, "",
			`cassette serve: invalid value "json=json" for flag -body: media type "json": want a media type ("application/json"), a suffix ("+json"), a type ("json/*") or "" for any body`},
		{"-body with a wildcard Bodies does not read", []string{"-body", "application/*+json=json"}, "",
			`cassette serve: invalid value "application/*+json=json" for flag -body: media type "application/*+json": a "*" stands only for a whole subtype ("multipart/*") or for any media type ("*/*"): want a media type ("application/json"), a suffix ("+json"), a type ("multipart/*") or "" for any body`},
		{"-body json-without of nothing", []string{"-body", "application/json=json-without:"}, "",
			`cassette serve: invalid value "application/json=json-without:" for flag -body: json-without needs what to leave out after ":": json-without:/id,timestamp`},
		{"-body json with members", []string{"-body", "application/json=json:/id"}, "",
			`cassette serve: invalid value "application/json=json:/id" for flag -body: body rule json takes nothing after ":" (to leave members out: json-without:/id,timestamp)`},
		{"-body json-without of no JSON Pointer", []string{"-body", "application/json=json-without:/a~2b"}, "",
			`cassette serve: invalid value "application/json=json-without:/a~2b" for flag -body: json-without: JSON Pointer "/a~2b": a "~" must be followed by 0 or 1 (~0 stands for "~", ~1 for "/")`},
		{"-body twice for one media type", []string{"-body", "+json=json", "-body", "+JSON=form"}, "",
			`cassette serve: invalid value "+JSON=form" for flag -body: +json has a rule already (json): give one rule per media type`},
		{"-body of any other body twice, as */* and \"\"", []string{"-body", "*/*=json", "-body", "=ignore"}, "",
			`cassette serve: invalid value "=ignore" for flag -body: */* (or "", the same key) has a rule already (json): give one rule per media type`},
		{"-rules twice", []string{"-rules", "a.json", "-rules", "b.json"}, "",
			`cassette serve: invalid value "b.json" for flag -rules: -rules a.json given already: give one rules file`},
		{"-rules of no file", []string{"-rules", "RULES.missing"}, "",
			`cassette serve: -rules RULES.missing: cannot read it: no such file or directory`},
		{"an unknown field", []string{"-rules", "RULES"}, "{\n  \"headers\": [\"X-Tenant\"],\n  \"heders\": [\"Accept\"]\n}",
			`cassette serve: -rules RULES:3:3: unknown field "heders": want headers, ignoreQuery, bodies or routes`},
		{"an unknown field in a route's rules", []string{"-rules", "RULES"}, "{\"routes\": [\n  {\"pattern\": \"POST /x\", \"rules\": {\"ignoreQuerry\": [\"_\"]}}\n]}",
			`cassette serve: -rules RULES:2:36: routes[0].rules: unknown field "ignoreQuerry": want headers, ignoreQuery or bodies`},
		{"a field named in Go's case", []string{"-rules", "RULES"}, `{"Headers": ["X-Tenant"]}`,
			`cassette serve: -rules RULES:1:2: unknown field "Headers": field names are in lower camel case: headers`},
		{"an unknown field of a route", []string{"-rules", "RULES"}, `{"routes": [{"pattern": "/x", "rule": {}}]}`,
			`cassette serve: -rules RULES:1:31: routes[0]: unknown field "rule": want pattern or rules`},
		{"a field given twice", []string{"-rules", "RULES"}, `{"headers": ["a"], "headers": ["b"]}`,
			`cassette serve: -rules RULES:1:20: field "headers" given twice`},
		{"a value of another type", []string{"-rules", "RULES"}, `{"headers": "X-Tenant"}`,
			`cassette serve: -rules RULES:1:13: headers: want an array of strings, not a string`},
		{"not valid JSON", []string{"-rules", "RULES"}, "{\"headers\": [\"a\",]}",
			`cassette serve: -rules RULES:1:18: not valid JSON: invalid character ']' looking for beginning of value`},
		{"an empty file", []string{"-rules", "RULES"}, "",
			`cassette serve: -rules RULES:1:1: not valid JSON: unexpected end of JSON input`},
		{"a bad body rule", []string{"-rules", "RULES"}, `{"bodies": {"application/json": "json-without"}}`,
			`cassette serve: -rules RULES:1:33: bodies["application/json"]: json-without needs what to leave out after ":": json-without:/id,timestamp`},
		{"a media type given twice", []string{"-rules", "RULES"}, `{"bodies": {"+json": "json", "+JSON": "exact"}}`,
			`cassette serve: -rules RULES:1:30: bodies: +json has a rule already (json): give one rule per media type`},
		{"any other body given twice, as \"\" and */*", []string{"-rules", "RULES"}, `{"bodies": {"": "json", "*/*": "ignore"}}`,
			`cassette serve: -rules RULES:1:25: bodies: */* (or "", the same key) has a rule already (json): give one rule per media type`},
		{"an invalid pattern", []string{"-rules", "RULES"}, `{"routes": [{"pattern": "GET /a/{id}/{id}"}]}`,
			`cassette serve: -rules RULES:1:25: routes[0].pattern "GET /a/{id}/{id}": wildcard name used twice`},
		{"a route without a pattern", []string{"-rules", "RULES"}, `{"routes": [{"rules": {}}]}`,
			`cassette serve: -rules RULES:1:13: routes[0]: no pattern: want {"pattern": "POST /v1/search", "rules": {...}}`},
		{"a pattern given twice", []string{"-rules", "RULES"}, `{"routes": [{"pattern": "/a"}, {"pattern": "/a"}]}`,
			`cassette serve: -rules RULES:1:44: routes[1].pattern "/a": routes[0] has it already, so this route would match nothing`},
		{"routes inside a route", []string{"-rules", "RULES"}, `{"routes": [{"pattern": "/a", "rules": {"routes": []}}]}`,
			`cassette serve: -rules RULES:1:41: routes[0].rules: field "routes": routes inside a route's rules are not consulted (naming.Route): list every route in the top-level routes`},
		{"a media type given a rule by the file and -body", []string{"-rules", "RULES", "-body", "application/json=form"}, `{"bodies": {"application/json": "json"}}`,
			`cassette serve: -body application/json=form: RULES gives application/json the rule json already: give it in one place`},
		{"any other body given a rule by the file as \"\" and by -body as */*", []string{"-rules", "RULES", "-body", "*/*=ignore"}, `{"bodies": {"": "json"}}`,
			`cassette serve: -body */*=ignore: RULES gives */* (or "", the same key) the rule json already: give it in one place`},
		// The flag as given, not as read: a user who wrote "=ignore" or
		// "Application/JSON" finds it in the error.
		{"any other body given a rule by the file as */* and by -body as \"\"", []string{"-rules", "RULES", "-body", "=ignore"}, `{"bodies": {"*/*": "json"}}`,
			`cassette serve: -body =ignore: RULES gives */* (or "", the same key) the rule json already: give it in one place`},
		{"a media type given a rule by the file and by -body in another case", []string{"-rules", "RULES", "-body", "Application/JSON=Form"}, `{"bodies": {"application/json": "json"}}`,
			`cassette serve: -body Application/JSON=Form: RULES gives application/json the rule json already: give it in one place`},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			rules := filepath.Join(t.TempDir(), "rules.json")
			args := []string{"serve"}
			for _, a := range tt.args {
				args = append(args, strings.ReplaceAll(a, "RULES", rules))
			}
			if slices.Contains(tt.args, "RULES") {
				if err := os.WriteFile(rules, []byte(tt.file), 0o666); err != nil {
					t.Fatal(err)
				}
			}
			args = append(args, filepath.Join(t.TempDir(), "api"))
			code, stdout, stderr := runSync(t, args...)
			want := strings.ReplaceAll(tt.want, "RULES", rules) + see + "\n"
			if code != exitUsage || stderr != want || stdout != "" {
				t.Errorf("run(%q) = %d, stdout %q, stderr:\n%s\nwant %d, no stdout and the one line:\n%s", args, code, stdout, stderr, exitUsage, want)
			}
		})
	}

	// record takes the same flags, and reports them alike.
	code, _, stderr := runSync(t, "record", "-upstream", "http://127.0.0.1:1", "-body", "text/*=exact", "-body", "text/*=ignore", "lib")
	if want := "cassette record: invalid value \"text/*=ignore\" for flag -body: text/* has a rule already (exact): give one rule per media type (see cassette record -h)\n"; code != exitUsage || stderr != want {
		t.Errorf("record with -body twice = %d, stderr:\n%s\nwant %d and:\n%s", code, stderr, exitUsage, want)
	}
}

// The media types -body and a rules file take are those that
// naming.Rules.Validate accepts, in any case and with "" the same key as
// "*/*": one rule, in one place, with Validate's reason when one is
// refused. The command line had a check of its own, which accepted keys
// that select no body ("+a+json": a suffix is what follows the last "+";
// "**/*") and "" beside "*/*", whose rule "" then hid.
func TestBodyKeysAreThoseValidateAccepts(t *testing.T) {
	parse := func(args ...string) (rulesSpec, error) {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		nf := addNamingFlags(fs)
		if err := fs.Parse(args); err != nil {
			return rulesSpec{}, err
		}
		return nf.rules()
	}
	for _, tt := range []struct{ typ, want string }{
		{"+a+json", `invalid value "+a+json=json" for flag -body: media type "+a+json": a suffix is "+" and a word without "+", as "+json", matched against what follows the last "+" of a media type: want a media type ("application/json"), a suffix ("+json"), a type ("multipart/*") or "" for any body`},
		{"**/*", `invalid value "**/*=json" for flag -body: media type "**/*": a "*" stands only for a whole subtype ("multipart/*") or for any media type ("*/*"): want`},
		{"*/JSON", `invalid value "*/JSON=json" for flag -body: media type "*/JSON": a "*" stands only for a whole subtype`},
		{"Application/", `invalid value "Application/=json" for flag -body: media type "Application/": a media type is a type and a subtype, each a token`},
		{"+", `invalid value "+=json" for flag -body: media type "+": a suffix is "+" and a word without "+"`},
	} {
		if _, err := parse("-body", tt.typ+"=json"); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("-body %s=json: %v\nwant %s...", tt.typ, err, tt.want)
		}
	}
	for _, tt := range []struct{ typ, key string }{
		{"application/json", "application/json"},
		{" Application/Vnd.API+JSON ", "application/vnd.api+json"},
		{"+JSON", "+json"},
		{"Multipart/*", "multipart/*"},
		{"*/*", "*/*"},
		{"", "*/*"},
	} {
		s, err := parse("-body", tt.typ+"=ignore")
		if err != nil || len(s.bodies) != 1 || s.bodies[0].key != tt.key || s.naming().Validate() != nil {
			t.Errorf("-body %q=ignore: %v, %s; want the key %q", tt.typ, err, s, tt.key)
		}
	}

	// "" and "*/*" are one key, given one rule.
	if _, err := parse("-body", "=json", "-body", "*/*=ignore"); err == nil || err.Error() != `invalid value "*/*=ignore" for flag -body: */* (or "", the same key) has a rule already (json): give one rule per media type` {
		t.Errorf("-body =json -body */*=ignore: %v; want */* given a rule twice", err)
	}
	file := writeRules(t, `{"bodies": {"": "json", "*/*": "ignore"}}`)
	if _, err := parse("-rules", file); err == nil || err.Error() != "-rules "+file+`:1:25: bodies: */* (or "", the same key) has a rule already (json): give one rule per media type` {
		t.Errorf(`-rules with bodies "" and "*/*": %v; want */* given a rule twice`, err)
	}
}
