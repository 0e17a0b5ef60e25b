package replayserver_test

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// writeRequests stores one cassette per request (method, URL, JSON body)
// under rules.
func writeRequests(t *testing.T, path string, rules naming.Rules, reqs [][3]string) {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		req := httptest.NewRequest(r[0], r[1], strings.NewReader(r[2]))
		hdr := http.Header{}
		if r[2] != "" {
			req.Header.Set("Content-Type", "application/json")
			hdr.Set("Content-Type", "application/json")
		}
		ex := library.Exchange{
			Request:  library.Request{Method: r[0], URL: r[1], Header: hdr, Body: []byte(r[2])},
			Response: library.Response{StatusCode: 200, Body: []byte("ok")},
		}
		if err := lib.Append(naming.Name(req, []byte(r[2]), rules), ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
}

// missReport sends a request no cassette answers to a server with opts
// and returns the report.
func missReport(t *testing.T, path string, rules naming.Rules, method, target, body string, opts ...replayserver.Option) string {
	t.Helper()
	ft := newFakeTB(t)
	var report string
	ft.do(func() {
		srv := replayserver.New(ft, path, append([]replayserver.Option{replayserver.Naming(rules), replayserver.WithMode(replayserver.ModeReplay)}, opts...)...)
		req, _ := http.NewRequest(method, srv.URL+target, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		report = string(b)
	})
	ft.finish()
	if !ft.Failed() {
		t.Fatalf("the request %s %s was not a miss", method, target)
	}
	return report
}

// nearestURLs returns the "recorded:" lines of a report, nearest first.
func nearestURLs(report string) []string {
	var out []string
	for _, l := range strings.Split(report, "\n") {
		if s, ok := strings.CutPrefix(strings.TrimSpace(l), "recorded: "); ok {
			out = append(out, s)
		}
	}
	return out
}

// Among cassettes of the same method and path, the nearest is the one the
// request differs from in the fewest parts: GraphQL queries to one path
// that differ in one variable, and queries that differ in one parameter.
func TestNearestIsTheCassetteThatDiffersLeast(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody}}
	ops := []string{"users", "reviews", "orders", "items", "carts", "tags", "shops", "notes"}
	var reqs [][3]string
	for _, op := range ops {
		reqs = append(reqs, [3]string{"POST", "https://api.example.com/graphql",
			fmt.Sprintf(`{"query":"query { %s(first: $first) { id } }","variables":{"first":10}}`, op)})
	}
	path := filepath.Join(t.TempDir(), "gql.json")
	writeRequests(t, path, rules, reqs)
	for _, op := range ops {
		body := fmt.Sprintf(`{"query":"query { %s(first: $first) { id } }","variables":{"first":11}}`, op)
		report := missReport(t, path, rules, "POST", "/graphql", body)
		_, first, _ := strings.Cut(report, "nearest #1")
		first, _, _ = strings.Cut(first, "nearest #2")
		if !strings.Contains(first, op+"(first") {
			t.Errorf("the %s query with one variable changed: nearest #1 is not the %s cassette:\n%s", op, op, report)
		}
	}

	qpath := filepath.Join(t.TempDir(), "q.json")
	writeRequests(t, qpath, rules, [][3]string{
		{"GET", "https://api.example.com/v1/s?a=0&b=0&c=0", ""},
		{"GET", "https://api.example.com/v1/s?a=1&b=7&c=7", ""},
		{"GET", "https://api.example.com/v1/s?a=1&b=8&c=8", ""},
		{"GET", "https://api.example.com/v1/s?a=9&b=1&c=1", ""},
	})
	got := nearestURLs(missReport(t, qpath, rules, "GET", "/v1/s?a=1&b=1&c=1", ""))
	if len(got) == 0 || got[0] != "GET https://api.example.com/v1/s?a=9&b=1&c=1" {
		t.Errorf("nearest to ?a=1&b=1&c=1: %q; want ?a=9&b=1&c=1 (one parameter differs) first", got)
	}
}

// A query Go cannot parse still shows in the diff.
func TestMissReportDiffShowsAQueryThatDoesNotParse(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "q.json")
	writeRequests(t, path, naming.Rules{}, [][3]string{{"GET", "https://api.example.com/q?x=%zz", ""}})
	report := missReport(t, path, naming.Rules{}, "GET", "/q?x=%yy", "")
	if !strings.Contains(report, `"x=%zz"`) || !strings.Contains(report, `"x=%yy"`) || strings.Contains(report, "no difference") {
		t.Errorf("the diff does not show the two queries:\n%s", report)
	}
}

// Forms are compared field by field: the nearest cassette is the one
// that differs in the fewest fields, the diff names the field, and the
// report says how to leave a per-run field out of names.
func TestMissReportComparesFormsFieldByField(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer up.Close()
	path := filepath.Join(t.TempDir(), "forms.json")
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
		for _, email := range []string{"ann", "bob", "cyd", "dee"} {
			resp, err := srv.Client().PostForm(srv.URL+"/v1/customers", url.Values{"email": {email + "@example.com"}, "metadata[run_id]": {"run-1"}, "plan": {"basic"}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	})
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay))
		resp, err := srv.Client().PostForm(srv.URL+"/v1/customers", url.Values{"email": {"cyd@example.com"}, "metadata[run_id]": {"run-2"}, "plan": {"basic"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	ft.finish()
	report := ft.errors()
	_, first, _ := strings.Cut(report, "nearest #1")
	first, _, _ = strings.Cut(first, "nearest #2")
	var changed []string // the fields on the diff's - and + lines
	for _, l := range strings.Split(first, "\n") {
		// go-cmp varies its spaces (a no-break space at times) on purpose.
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+") {
			field, _, _ := strings.Cut(strings.TrimLeftFunc(l[1:], unicode.IsSpace), ":")
			changed = append(changed, field)
		}
	}
	if !strings.Contains(first, "cyd@example.com") || strings.Join(changed, " ") != `"metadata[run_id]" "metadata[run_id]"` {
		t.Errorf("nearest #1 is not cyd's cassette with a diff of metadata[run_id] alone (changed %q):\n%s", changed, report)
	}
	if !strings.Contains(report, "naming.FormBodyWithout") {
		t.Errorf("the report does not say how to leave a per-run field out:\n%s", report)
	}
	// Not that a new rule spares recording: the cassettes keep the names
	// they were recorded under (found by a probe that followed the advice).
	if !strings.Contains(report, "then record once\nmore (CASSETTE_MODE=rerecord)") {
		t.Errorf("the report does not say to record again under the new rules:\n%s", report)
	}
}

// When the nearest cassette's values equal the request's (the report's
// diff compares decoded JSON, form fields and query parameters) but the
// bytes the name hashes do not, the report says where the bytes differ
// and which rule compares values, instead of "no difference".
func TestMissReportExplainsBytesThatDifferWhereValuesDoNot(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	for _, tc := range []struct {
		name          string
		rules         naming.Rules
		recorded, got [3]string // method, URL, body
		want          []string
	}{
		{
			name:     "JSON keys in another order, default rules",
			recorded: [3]string{"POST", "https://api.example.com/v1/search", `{"a":1,"b":2}`},
			got:      [3]string{"POST", "/v1/search", `{"b":2,"a":1}`},
			want:     []string{"the bodies differ in their bytes", `from byte 2`, `"{\"a\":1,\"b\":2}"`, "naming.JSONBody compares JSON values"},
		},
		{
			name:     "a number written otherwise, JSONBody",
			rules:    naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody}},
			recorded: [3]string{"POST", "https://api.example.com/v1/pay", `{"amount":1}`},
			got:      [3]string{"POST", "/v1/pay", `{"amount":1.0}`},
			want:     []string{"the bodies differ in their bytes", `"{\"amount\":1.0}"`},
		},
		{
			name:     "a space written + or %20",
			recorded: [3]string{"GET", "https://api.example.com/v1/find?q=new+york", ""},
			got:      [3]string{"GET", "/v1/find?q=new%20york", ""},
			want:     []string{"the query holds the same parameters, written differently", `"q=new+york"`, `"q=new%20york"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api")
			writeRequests(t, path, tc.rules, [][3]string{tc.recorded})
			report := missReport(t, path, tc.rules, tc.got[0], tc.got[1], tc.got[2])
			if strings.Contains(report, "the host or port differs") {
				t.Errorf("the report blames the host or the rules:\n%s", report)
			}
			for _, w := range tc.want {
				if !strings.Contains(report, w) {
					t.Errorf("report lacks %q:\n%s", w, report)
				}
			}
		})
	}
}

// Two JSON numbers that one float64 holds (64-bit ids past 2^53, as a
// GraphQL variable or a snowflake id) are two values: the report diffs
// them, where it said "no difference in the values" (found by a probe
// with a GraphQL client).
func TestMissReportDiffsNumbersAFloat64CannotTellApart(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody}}
	path := filepath.Join(t.TempDir(), "api")
	writeRequests(t, path, rules, [][3]string{{"POST", "https://api.example.com/graphql", `{"query":"q","variables":{"id":9007199254740993}}`}})
	report := missReport(t, path, rules, "POST", "/graphql", `{"query":"q","variables":{"id":9007199254740992}}`)
	if strings.Contains(report, "no difference in the values") || !strings.Contains(report, "diff (-recorded +got)") ||
		!strings.Contains(report, `"9007199254740993"`) {
		t.Errorf("the report does not diff the ids:\n%s", report)
	}
}

// A request that differs from the nearest cassette in thousands of JSON
// fields gets a report of a few kilobytes, not megabytes: the diff of each
// cassette is cut, saying how much was left out.
func TestMissReportDiffIsBounded(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody}}
	var rec, got strings.Builder
	rec.WriteString("{")
	got.WriteString("{")
	for i := range 5000 {
		if i > 0 {
			rec.WriteString(",")
			got.WriteString(",")
		}
		fmt.Fprintf(&rec, `"f%d":%d`, i, i)
		fmt.Fprintf(&got, `"f%d":%d`, i, i+1)
	}
	rec.WriteString("}")
	got.WriteString("}")
	path := filepath.Join(t.TempDir(), "api")
	writeRequests(t, path, rules, [][3]string{{"POST", "https://api.example.com/v1/bulk", rec.String()}})
	report := missReport(t, path, rules, "POST", "/v1/bulk", got.String())
	if len(report) > 32<<10 || !strings.Contains(report, "more lines of diff left out") {
		t.Errorf("report of %d bytes; want at most 32 KiB, saying the diff was cut:\n%.2000s", len(report), report)
	}
}

// In a library with more cassettes of the request's method and path than a
// report ranks, the report says so: a nearer one may be among the others.
func TestMissReportSaysWhenNotEveryCassetteWasRanked(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	var reqs [][3]string
	for i := range 1005 {
		reqs = append(reqs, [3]string{"GET", fmt.Sprintf("https://api.example.com/v1/items?id=%d", i), ""})
	}
	path := filepath.Join(t.TempDir(), "api.json")
	writeRequests(t, path, naming.Rules{}, reqs)
	report := missReport(t, path, naming.Rules{}, "GET", "/v1/items?id=x", "")
	if want := "ranked among the first 1000 of the 1005 cassettes of GET /v1/items, by name: a nearer one may be among the 5 others"; !strings.Contains(report, want) {
		t.Errorf("report lacks %q:\n%.3000s", want, report)
	}
	small := filepath.Join(t.TempDir(), "small.json")
	writeRequests(t, small, naming.Rules{}, reqs[:10])
	if report := missReport(t, small, naming.Rules{}, "GET", "/v1/items?id=x", ""); strings.Contains(report, "ranked among") {
		t.Errorf("a report ranking every cassette says it did not:\n%s", report)
	}
}

// A multipart body misses on every run under the default rules, its
// boundary being new each time: the report names the body rule that
// compares its parts (it named only the JSON and form ones).
func TestMissReportOfAMultipartBodyNamesItsRule(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer up.Close()
	path := filepath.Join(t.TempDir(), "upload.json")
	post := func(c *http.Client, base string) {
		t.Helper()
		var b strings.Builder
		w := multipart.NewWriter(&b) // a random boundary, as every client makes
		w.WriteField("name", "report.csv")
		w.Close()
		resp, err := c.Post(base+"/v1/upload", w.FormDataContentType(), strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// Rules for JSON bodies, which multipart bodies do not take.
	rules := replayserver.Naming(naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody}})
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL), rules)
		post(srv.Client(), srv.URL)
	})
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay), rules)
		post(srv.Client(), srv.URL)
	})
	ft.finish()
	if report := ft.errors(); !strings.Contains(report, "naming.MultipartBody") || !strings.Contains(report, "boundary") {
		t.Errorf("the miss report of a multipart body does not name naming.MultipartBody:\n%s", report)
	}
}

// A request body with control characters (a gRPC message's NULs, an
// escape sequence) is quoted in the report, not written to the test log
// and the terminal as it is (found by a probe with gRPC clients).
func TestMissReportQuotesControlCharacters(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	writeRequests(t, path, naming.Default(), [][3]string{{"POST", "https://api.example.com/ping.v1.PingService/Ping", "\x00\x00\x00\x00\x07\n\x05other"}})
	body := "\x00\x00\x00\x00\x07\n\x05alpha\x1b[31m"
	report := missReport(t, path, naming.Default(), "POST", "/ping.v1.PingService/Ping", body)
	if strings.ContainsAny(report, "\x00\x1b\x07") {
		t.Errorf("the report holds control characters as they are:\n%q", report)
	}
	if !strings.Contains(report, fmt.Sprintf("request body (%d bytes with control characters, quoted; first %[1]d shown):", len(body))) || !strings.Contains(report, strconv.Quote(body)) {
		t.Errorf("the report does not quote the body:\n%s", report)
	}
}

// The method and URL of a hand-edited cassette (one from a pull request)
// that hold a line break or an escape sequence are quoted where the report
// names the nearest cassettes, as cassette show quotes them (found by a
// review of cassette serve, which logs the report).
func TestMissReportQuotesARecordedRequestWithControlCharacters(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	const cassette = `{"version": 1, "exchanges": [{"request": {"method": "GET\u001b[2K", "url": "https://api.example.com/a\n\u001b[1Afake"}, "response": {"status": 200}}]}`
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "GET_api.example.com_443_a.json"), []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	report := missReport(t, path, naming.Default(), "GET", "/zzz", "")
	if strings.ContainsAny(report, "\x1b") || strings.Contains(report, "\nfake") {
		t.Errorf("the report holds the recorded request's control characters as they are:\n%q", report)
	}
	if want := `recorded: "GET\x1b[2K" "https://api.example.com/a\n\x1b[1Afake"`; !strings.Contains(report, want) {
		t.Errorf("the report lacks %q:\n%s", want, report)
	}
}

// A request whose path differs from a cassette's only in a trailing or
// doubled slash is told of that cassette first, not of one that merely
// shares its leading segments.
func TestNearestOfAPathThatDiffersInASlash(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "slash.json")
	writeRequests(t, path, naming.Default(), [][3]string{
		{"GET", "https://api.example.com/v1/users", ""},
		{"GET", "https://api.example.com/v1/users/1", ""},
		{"GET", "https://api.example.com/v1/users/2", ""},
		{"GET", "https://api.example.com/v1/orders/", ""},
		{"DELETE", "https://api.example.com/v1/users/", ""},
	})
	for _, c := range []struct{ target, want string }{
		{"/v1/users/", "GET https://api.example.com/v1/users"},
		{"/v1//users", "GET https://api.example.com/v1/users"},
		{"/v1/orders", "GET https://api.example.com/v1/orders/"},
	} {
		got := nearestURLs(missReport(t, path, naming.Default(), "GET", c.target, ""))
		if len(got) == 0 || got[0] != c.want {
			t.Errorf("nearest to GET %s: %q; want %s first", c.target, got, c.want)
		}
	}
}
