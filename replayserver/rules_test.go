package replayserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// echoAPI answers every request with its method, path and body.
func echoAPI(t *testing.T) *upstream {
	u := startUpstream(t)
	u.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %d bytes", r.Method, r.URL.Path, len(b))
	})
	return u
}

func multipartBody(boundary, file string) (string, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.SetBoundary(boundary)
	w.WriteField("title", "report")
	fw, _ := w.CreateFormFile("file", "a.txt")
	io.WriteString(fw, file)
	w.Close()
	return b.String(), w.FormDataContentType()
}

func TestBodyRulesDecideWhatMatches(t *testing.T) {
	mp1, mpType1 := multipartBody("boundary-one", "hello")
	mp2, mpType2 := multipartBody("boundary-two", "hello")
	mp3, mpType3 := multipartBody("boundary-three", "other content")
	tests := []struct {
		why                string
		rules              naming.Rules
		recType, recBody   string
		playType, playBody string
		wantHit            bool
	}{
		{"by default bodies must be byte-equal", naming.Default(),
			"application/json", `{"a":1,"b":2}`, "application/json", `{"b":2, "a":1}`, false},
		{"JSON compared canonically ignores key order and whitespace",
			naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody}},
			"application/json", `{"a":1,"b":2}`, "application/json; charset=utf-8", `{ "b": 2, "a": 1 }`, true},
		{"JSON compared canonically still tells values apart",
			naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody}},
			"application/json", `{"a":1}`, "application/json", `{"a":2}`, false},
		{"forms compared as sorted pairs ignore field order",
			naming.Rules{Bodies: map[string]naming.BodyRule{"application/x-www-form-urlencoded": naming.FormBody}},
			"application/x-www-form-urlencoded", "a=1&b=2", "application/x-www-form-urlencoded", "b=2&a=1", true},
		{"multipart compared by parts ignores the boundary",
			naming.Rules{Bodies: map[string]naming.BodyRule{"multipart/form-data": naming.MultipartBody}},
			mpType1, mp1, mpType2, mp2, true},
		{"multipart compared by parts tells file contents apart",
			naming.Rules{Bodies: map[string]naming.BodyRule{"multipart/form-data": naming.MultipartBody}},
			mpType1, mp1, mpType3, mp3, false},
		{"an ignored body matches any body",
			naming.Rules{Bodies: map[string]naming.BodyRule{"": naming.IgnoreBody}},
			"text/plain", "first", "text/plain", "second", true},
		{"a custom rule drops a volatile field",
			naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": dropField("sent_at")}},
			"application/json", `{"q":"x","sent_at":1}`, "application/json", `{"q":"x","sent_at":2}`, true},
		{"a route can ignore bodies while others stay exact",
			naming.Default().Route("POST /v1/search", naming.Rules{Bodies: map[string]naming.BodyRule{"": naming.IgnoreBody}}),
			"text/plain", "first", "text/plain", "second", true},
		{"a route elsewhere does not loosen this one",
			naming.Default().Route("POST /v1/other", naming.Rules{Bodies: map[string]naming.BodyRule{"": naming.IgnoreBody}}),
			"text/plain", "first", "text/plain", "second", false},
	}
	for _, tc := range tests {
		t.Run(tc.why, func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			up := echoAPI(t)
			path := filepath.Join(t.TempDir(), "lib.json")
			post := func(base, ctype, body string) int {
				resp, err := http.Post(base+"/v1/search", ctype, strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, replayserver.Naming(tc.rules), replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
				post(srv.URL, tc.recType, tc.recBody)
			})
			ft.finish()
			if ft.Failed() {
				t.Fatalf("recording: %s", ft.errors())
			}
			ft = newFakeTB(t)
			var status int
			ft.do(func() {
				srv := replayserver.New(ft, path, replayserver.Naming(tc.rules))
				status = post(srv.URL, tc.playType, tc.playBody)
			})
			ft.finish()
			if hit := status == http.StatusOK; hit != tc.wantHit {
				t.Errorf("POST %q after recording %q: status %d, want a hit=%v\n%s", tc.playBody, tc.recBody, status, tc.wantHit, ft.errors())
			}
		})
	}
}

// dropField is a body rule comparing JSON bodies without one field.
func dropField(field string) naming.BodyRule {
	return func(ctype string, body []byte) []byte {
		var v map[string]any
		if json.Unmarshal(body, &v) != nil {
			return body
		}
		delete(v, field)
		return naming.JSONBody(ctype, mustJSON(v))
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestInvalidRulesFailAtOnce(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a")
	ft := newFakeTB(t)
	completed := ft.do(func() {
		replayserver.New(ft, path, replayserver.Naming(naming.Default().Route("GET /a/{", naming.Rules{})))
	})
	if completed || !strings.Contains(ft.errors(), "naming rules") {
		t.Errorf("an invalid route pattern: completed=%v, failure %q", completed, ft.errors())
	}
}

// A key of Bodies that selects no body (a "*" where Bodies reads none)
// fails New and NewTransport at once, naming the key, as an invalid route
// does: it passed, and the requests of the media type it was meant for
// then took another rule, each a miss that named no reason.
func TestBodyKeyThatSelectsNothingFailsAtOnce(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a")
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"application/*+json": naming.JSONBody}}
	for _, c := range []struct {
		name string
		new  func(testing.TB)
	}{
		{"New", func(t testing.TB) { replayserver.New(t, path, replayserver.Naming(rules)) }},
		{"NewTransport", func(t testing.TB) { replayserver.NewTransport(t, path, replayserver.Naming(rules)) }},
	} {
		ft := newFakeTB(t)
		completed := ft.do(func() { c.new(ft) })
		if want := `replayserver: naming rules: body rule key "application/*+json": a "*" stands only for`; completed || !strings.Contains(ft.errors(), want) {
			t.Errorf("%s with Bodies{%q}: completed=%v, failure %q; want it stopped with %q...", c.name, "application/*+json", completed, ft.errors(), want)
		}
	}
}

func TestMissReportParts(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := echoAPI(t)
	path := filepath.Join(t.TempDir(), "api")
	rules := naming.Rules{Headers: []string{"X-Tenant"}}
	record := func(method, p, tenant, body string) {
		ft := newFakeTB(t)
		ft.do(func() {
			srv := replayserver.New(ft, path, replayserver.Naming(rules), replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
			req, _ := http.NewRequest(method, srv.URL+p, strings.NewReader(body))
			req.Header.Set("X-Tenant", tenant)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
		ft.finish()
	}
	record("POST", "/v1/orders?page=1", "acme", `{"item":1,"qty":2}`)
	record("GET", "/v1/orders", "acme", "")
	record("POST", "/v1/invoices", "acme", `{"n":1}`)
	record("DELETE", "/v2/zzz", "acme", "")

	ft := newFakeTB(t)
	var report string
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.Naming(rules))
		req, _ := http.NewRequest("POST", srv.URL+"/v1/orders?page=2", strings.NewReader(`{"item":1,"qty":3}`))
		req.Header.Set("X-Tenant", "globex")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer secret-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		report = string(b)
	})
	ft.finish()

	checks := []struct{ why, want string }{
		{"the request line", "no cassette for POST http://127.0.0.1:"},
		{"the computed name", "name:    POST_127.0.0.1_"},
		{"the headers as received", "X-Tenant: globex"},
		{"secrets stay out of test logs", "Authorization: Bearer REDACTED"},
		{"the body as received", `{"item":1,"qty":3}`},
		{"nearest first: same method and path", "nearest #1: POST_127.0.0.1_"},
		{"a diff labelled (-recorded +got)", "diff (-recorded +got):"},
		{"the query differs", `"page": {"1"}`},
		{"a significant header differs", `"X-Tenant": {"acme"}`},
		{"JSON bodies are diffed as JSON, field by field", `"qty":  float64(2)`},
	}
	for _, c := range checks {
		if !strings.Contains(report, c.want) {
			t.Errorf("%s: report lacks %q:\n%s", c.why, c.want, report)
		}
	}
	if strings.Contains(report, "secret-token") {
		t.Errorf("the report leaks the token:\n%s", report)
	}
	// Nearest are ordered: POST /v1/orders, then GET /v1/orders (same
	// path), then POST /v1/invoices (same method); DELETE /v2/zzz is not
	// among the three.
	near := regexp.MustCompile(`nearest #\d: (\w+)_127\.0\.0\.1_\d+_([a-z0-9_=]+)`).FindAllStringSubmatch(report, -1)
	var order []string
	for _, m := range near {
		order = append(order, m[1]+" "+m[2])
	}
	if want := []string{"POST v1_orders__page=1", "GET v1_orders", "POST v1_invoices"}; strings.Join(order, "; ") != strings.Join(want, "; ") {
		t.Errorf("nearest cassettes: %q, want %q", order, want)
	}
	if strings.Contains(report, "v2_zzz") {
		t.Errorf("nearest cassettes are not in the expected order:\n%s", report)
	}
	if !strings.Contains(ft.errors(), report) {
		t.Errorf("the test failure is not the same report")
	}
}

// A significant header that is also redacted tells cassettes apart only by
// its presence: the server says so when it starts, rather than let two
// users' answers share a cassette silently.
func TestASignificantRedactedHeaderIsReported(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/me")
	for _, tc := range []struct {
		name string
		opts []replayserver.Option
		want bool
	}{
		{"default redaction", nil, true},
		{"no default redaction", []replayserver.Option{replayserver.NoDefaultRedaction()}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs []string
			opts := append([]replayserver.Option{
				replayserver.Naming(naming.Rules{Headers: []string{"authorization", "X-Tenant"}}),
				replayserver.Logf(func(format string, args ...any) { logs = append(logs, fmt.Sprintf(format, args...)) }),
			}, tc.opts...)
			replayserver.New(t, path, opts...)
			said := strings.Contains(strings.Join(logs, "\n"), "header Authorization is significant but redacted")
			if said != tc.want {
				t.Errorf("logged %q; want a warning about Authorization: %v", logs, tc.want)
			}
		})
	}
}

// The warning for a significant header that is redacted said of each
// that cassettes were told apart only by whether it was present: of a
// Cookie the cookies' names are kept, of an Authorization its scheme,
// which then tell cassettes apart. It says what is kept of each.
func TestASignificantRedactedHeaderSaysWhatIsKept(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/me")
	var logs []string
	replayserver.New(t, path,
		replayserver.Naming(naming.Rules{Headers: []string{"cookie", "Authorization", "X-Api-Key"}}),
		replayserver.Logf(func(format string, args ...any) { logs = append(logs, fmt.Sprintf(format, args...)) }))
	for header, want := range map[string]string{
		"Cookie":        "their names are kept, so cassettes are told apart by the names of the cookies a request sends",
		"Authorization": "its scheme is kept (Bearer, Basic), so cassettes are told apart by the scheme a request uses",
		"X-Api-Key":     "cassettes are told apart only by whether it is present",
	} {
		var line string
		for _, l := range logs {
			if strings.Contains(l, "header "+header+" is significant but redacted") {
				line = l
			}
		}
		if !strings.Contains(line, want) || !strings.HasSuffix(line, "or keep its value with NoDefaultRedaction") {
			t.Errorf("the warning for %s is %q, want it to say %q", header, line, want)
		}
	}
}

// The warning for a significant header that is redacted ended, for every
// header, "or keep its value with NoDefaultRedaction", which keeps none
// that RedactHeaders names (a User-Agent is redacted only so):
// NoDefaultRedaction drops the defaults alone. It gives the way that
// keeps the value under the options given.
func TestASignificantRedactedHeaderSaysHowToKeepIt(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/me")
	for _, tc := range []struct {
		name   string
		opts   []replayserver.Option
		header string
		want   string // the end of its warning
	}{
		{"default", nil, "Authorization", "or keep its value with NoDefaultRedaction"},
		{"named like a credential", nil, "X-Vault-Token", "or keep its value with NoDefaultRedaction"},
		{"RedactHeaders", []replayserver.Option{replayserver.RedactHeaders("x-tenant")}, "X-Tenant",
			"or keep its value by leaving it out of RedactHeaders"},
		{"RedactHeaders of a User-Agent", []replayserver.Option{replayserver.RedactHeaders("User-Agent")}, "User-Agent",
			"or keep its value by leaving it out of RedactHeaders"},
		{"RedactHeaders without the defaults", []replayserver.Option{replayserver.NoDefaultRedaction(), replayserver.RedactHeaders("Authorization")}, "Authorization",
			"or keep its value by leaving it out of RedactHeaders"},
		{"RedactHeaders and the defaults", []replayserver.Option{replayserver.RedactHeaders("authorization")}, "Authorization",
			"or keep its value with NoDefaultRedaction, leaving it out of RedactHeaders"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs logBook
			opts := append([]replayserver.Option{
				replayserver.Naming(naming.Rules{Headers: []string{tc.header}}),
				logs.option(),
			}, tc.opts...)
			replayserver.New(t, path, opts...)
			var line string
			for _, l := range logs.Lines() {
				if strings.Contains(l, "header "+tc.header+" is significant but redacted") {
					line = l
				}
			}
			if !strings.HasSuffix(line, tc.want) {
				t.Errorf("with %s, the warning for %s is %q, want it to end %q", tc.name, tc.header, line, tc.want)
			}
		})
	}
}

// NewHandler, which has no test to stop, returns the error of rules that
// naming.Rules.Validate refuses, naming each key, as Naming says.
func TestNewHandlerReturnsTheErrorOfInvalidRules(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/me")
	rules := naming.Rules{
		Headers: []string{"X Tenant"},
		Bodies:  map[string]naming.BodyRule{"application/*+json": naming.JSONBody},
	}
	h, err := replayserver.NewHandler(path, replayserver.Naming(rules))
	if err == nil {
		h.Close()
		t.Fatalf("NewHandler with rules %+v: no error", rules)
	}
	for _, want := range []string{`"X Tenant" is no header name`, `body rule key "application/*+json"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("NewHandler with invalid rules: %v, want it to say %s", err, want)
		}
	}
}
