package main

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// driftLibrary writes a library recorded from https://api.example.com and
// returns its path.
func driftLibrary(t *testing.T) string {
	t.Helper()
	users := exchange("GET", "https://api.example.com/v1/users?page=1", "", 200, "application/json",
		[]byte(`{"users":[{"id":1,"name":"Ada","updated_at":"2024-01-01T00:00:00Z"}],"total":1}`), fixedNow)
	users.Request.Header.Set("X-Client", "drift-test")
	users.Request.Header.Set("Connection", "keep-alive")
	order := exchange("POST", "https://api.example.com/v1/orders", `{"item":2}`, 201, "application/json",
		[]byte(`{"id":"ord_1","status":"new"}`), fixedNow)
	logo := exchange("GET", "https://api.example.com/logo.png", "", 200, "image/png", pngBytes, fixedNow)
	news := exchange("GET", "https://api.example.com/news", "", 200, "text/plain", []byte("line 1\nline 2\n"), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, users, order, logo, news)
	return path
}

// A fakeAPI is the live API drift is tested against: changed says
// whether it differs from the recording in more than ids and timestamps.
type fakeAPI struct {
	changed bool
	n       atomic.Int64 // makes ids and timestamps change on every call

	mu       sync.Mutex // guards the fields below
	seenHdr  []string   // X-Client and Authorization of GET /v1/users
	seenBody string     // the body of POST /v1/orders
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.n.Add(1)
	switch r.Method + " " + r.URL.RequestURI() {
	case "GET /v1/users?page=1":
		f.mu.Lock()
		f.seenHdr = []string{r.Header.Get("X-Client"), r.Header.Get("Authorization"), r.Header.Get("Connection")}
		f.mu.Unlock()
		name := "Ada"
		if f.changed {
			name = "Ada Lovelace"
		}
		w.Header().Set("Content-Type", "application/json")
		// Other key order and spacing: the same JSON.
		fmt.Fprintf(w, `{"total": 1, "users": [{"name": %q, "updated_at": "2026-05-%02dT00:00:00Z", "id": %d}]}`, name, n%28+1, 100+n)
	case "POST /v1/orders":
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.seenBody = string(b)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if !f.changed {
			w.WriteHeader(http.StatusCreated)
		}
		fmt.Fprintf(w, `{"id":"ord_%d","status":"new"}`, n)
	case "GET /logo.png":
		w.Header().Set("Content-Type", "image/png")
		if f.changed {
			w.Write(append(pngBytes, 0))
			return
		}
		w.Write(pngBytes)
	case "GET /news":
		if f.changed {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "line 1\nline two\n")
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "line 1\nline 2\n")
	default:
		http.NotFound(w, r)
	}
}

func TestDriftNone(t *testing.T) {
	path := driftLibrary(t)
	api := &fakeAPI{}
	up := httptest.NewServer(api)
	defer up.Close()

	code, stdout, stderr := runSync(t, "drift", "-upstream", up.URL, "-ignore-fields", "id,updated_at",
		"-H", "Authorization: Bearer live-token", path)
	if code != exitOK || stderr != "" {
		t.Fatalf("drift against an API that changed only ids and times = %d, stderr %q\nstdout:\n%s", code, stderr, stdout)
	}
	if want := "cassette drift: 0 of 4 cassette(s) drifted from " + up.URL + "\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	api.mu.Lock()
	seenHdr, seenBody := strings.Join(api.seenHdr, "|"), api.seenBody
	api.mu.Unlock()
	if seenHdr != "drift-test|Bearer live-token|" {
		t.Errorf("upstream saw X-Client|Authorization|Connection = %q, want the recorded header, the -H one and no hop-by-hop header", seenHdr)
	}
	if seenBody != `{"item":2}` {
		t.Errorf("upstream saw POST body %q, want the recorded one", seenBody)
	}

	// Without -ignore-fields, ids and times are drift.
	code, stdout, _ = runSync(t, "drift", "-upstream", up.URL, path)
	if code != exitError || !strings.Contains(stdout, "2 of 4 cassette(s) drifted") {
		t.Errorf("drift without -ignore-fields = %d, want 1 and 2 drifted:\n%s", code, stdout)
	}
}

func TestDriftChanged(t *testing.T) {
	path := driftLibrary(t)
	up := httptest.NewServer(&fakeAPI{changed: true})
	defer up.Close()

	code, stdout, stderr := runSync(t, "drift", "-upstream", up.URL, "-ignore-fields", "id,updated_at", path)
	if code != exitError || stderr != "" {
		t.Fatalf("drift against a changed API = %d, stderr %q; want 1", code, stderr)
	}
	blocks := map[string]string{}
	for _, b := range strings.Split(stdout, "\n\n") {
		first, _, _ := strings.Cut(b, "\n")
		blocks[first] = b
	}
	want := map[string][]string{
		"drifted: cassette GET_api.example.com_443_v1_users__page=1 (GET /v1/users?page=1)": {
			"body (-recorded +live):", `-`, `"Ada"`, `+`, `"Ada Lovelace"`},
		"drifted: cassette " + nameOf(exchange("POST", "https://api.example.com/v1/orders", `{"item":2}`, 0, "", nil, fixedNow)) + " (POST /v1/orders)": {
			"status: 201 -> 200"},
		"drifted: cassette GET_api.example.com_443_logo.png (GET /logo.png)": {
			"body (-recorded +live):", "22 bytes -> 23 bytes, not the same"},
		"drifted: cassette GET_api.example.com_443_news (GET /news)": {
			`header Content-Type: "text/plain" -> "text/html"`, `-`, `"line 2\n"`, `+`, `"line two\n"`},
	}
	for head, parts := range want {
		b, ok := blocks[head]
		if !ok {
			t.Errorf("no block %q in:\n%s", head, stdout)
			continue
		}
		rest := b
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				t.Errorf("block %q lacks %q (in order):\n%s", head, p, b)
				break
			}
			rest = rest[i+len(p):]
		}
	}
	if strings.Contains(blocks["drifted: cassette "+nameOf(exchange("POST", "https://api.example.com/v1/orders", `{"item":2}`, 0, "", nil, fixedNow))+" (POST /v1/orders)"], "body") {
		t.Errorf("POST block reports a body change, but only the ignored id changed:\n%s", stdout)
	}
	if !strings.HasSuffix(stdout, "cassette drift: 4 of 4 cassette(s) drifted from "+up.URL+"\n") {
		t.Errorf("stdout does not end in the summary:\n%s", stdout)
	}

	// -ignore-headers drops Content-Type from the comparison.
	_, stdout, _ = runSync(t, "drift", "-upstream", up.URL, "-ignore-headers", "content-type", path)
	if strings.Contains(stdout, "header Content-Type") {
		t.Errorf("drift -ignore-headers content-type compared it:\n%s", stdout)
	}
}

func TestDriftNetworkError(t *testing.T) {
	path := driftLibrary(t)
	up := httptest.NewServer(http.NotFoundHandler())
	url := up.URL
	up.Close() // nothing listens there any more

	code, stdout, stderr := runSync(t, "drift", "-upstream", url, path)
	if code != exitError {
		t.Errorf("drift against a closed upstream = %d, want 1", code)
	}
	if !strings.Contains(stderr, "cassette drift: cassette GET_api.example.com_443_news: ") || strings.Count(stderr, "\n") != 4 {
		t.Errorf("stderr = %q, want one error per cassette naming it", stderr)
	}
	if !strings.Contains(stdout, "4 could not be checked") {
		t.Errorf("stdout = %q, want a summary counting the failures", stdout)
	}
}

func TestDriftUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"drift", "lib"}, "cassette drift: missing -upstream URL (see cassette drift -h)"},
		{[]string{"drift", "-upstream", "http://127.0.0.1:1"}, "cassette drift: missing PATH (see cassette drift -h)"},
		{[]string{"drift", "-upstream", "localhost:80", "lib"}, `cassette drift: -upstream "localhost:80": want an absolute http or https URL such as https://api.example.com (see cassette drift -h)`},
		{[]string{"drift", "-upstream", "http://127.0.0.1:1", "-H", "novalue", "lib"}, `cassette drift: invalid value "novalue" for flag -H: want "Name: value", got "novalue" (see cassette drift -h)`},
	}
	for _, tt := range tests {
		code, stdout, stderr := runSync(t, tt.args...)
		if code != exitUsage || stderr != tt.want+"\n" || stdout != "" {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2 and the line %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

// drift compares JSON numbers by value, exactly: an id beyond 2^53 that
// changed by one drifted (as float64 they were equal), 1.0 against 1 did
// not.
func TestDriftComparesJSONNumbersExactly(t *testing.T) {
	order := exchange("GET", "https://api.example.com/v1/order", "", 200, "application/json",
		[]byte(`{"order_id": 9007199254740992, "price": 1.0, "rate": 2.5e3, "big": 9007199254740992, "huge": 1e400, "far": 1e20000}`), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, order)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"order_id": 9007199254740993, "price": 1, "rate": 2500, "big": 9007199254740993e0, "huge": 1E400, "far": 1E20000}`)
	}))
	defer up.Close()
	code, stdout, stderr := runSync(t, "drift", "-upstream", up.URL, path)
	changed := map[string]bool{}
	for _, l := range strings.Split(stdout, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+") {
			for _, k := range []string{"order_id", "price", "rate", "big", "huge", "far"} {
				if strings.Contains(l, `"`+k+`"`) {
					changed[k] = true
				}
			}
		}
	}
	if code != exitError || !changed["order_id"] || !changed["big"] {
		t.Errorf("drift = %d, stdout %q, stderr %q; want exit 1 and order_id's and big's changes (the same number in float64)", code, stdout, stderr)
	}
	for _, l := range strings.Split(stdout, "\n") {
		if l = strings.TrimSpace(l); (strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+")) && (strings.Contains(l, "price") || strings.Contains(l, "rate") || strings.Contains(l, "huge") || strings.Contains(l, "far")) {
			t.Errorf("drift reported numbers equal in value as changed: %q in\n%s", l, stdout)
		}
	}
}

// drift gives each request -timeout to be answered: an upstream that
// never answers fails that cassette, where drift used to wait forever.
func TestDriftTimeout(t *testing.T) {
	order := exchange("GET", "https://api.example.com/v1/order", "", 200, "application/json", []byte(`{}`), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, order)
	end := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-end:
		case <-r.Context().Done():
		}
	}))
	defer up.Close()
	defer close(end)
	code, stdout, stderr := runSync(t, "drift", "-upstream", up.URL, "-timeout", "50ms", path)
	if code != exitError || !strings.Contains(stderr, "no answer within 50ms (raise -timeout)") || !strings.Contains(stdout, "1 could not be checked") {
		t.Errorf("drift against an upstream that never answers = %d, stdout %q, stderr %q; want exit 1 and the cassette failed for -timeout", code, stdout, stderr)
	}
	if code, _, stderr := runSync(t, "drift", "-upstream", up.URL, "-timeout", "-1s", path); code != exitUsage || !strings.Contains(stderr, "negative") {
		t.Errorf("drift -timeout -1s = %d, %q; want a usage error", code, stderr)
	}
}

// normalNumber writes one value one way, whatever its size: numbers are
// compared on it.
func TestNormalNumber(t *testing.T) {
	same := [][]string{
		{"1", "1.0", "1e0", "10e-1", "0.1e1", "1E+0", "1.000"},
		{"12000", "1.2e4", "0.012e6", "12e3"},
		{"0", "-0", "0.0", "0e99999", "-0.0e0", "00"},
		{"1e10001", "1e+10001", "10e10000", "0.1e10002"},
		{"-2.5", "-25e-1"},
		{"9007199254740993", "9007199254740993e0", "90071992547409930e-1"},
	}
	for _, group := range same {
		want, ok := normalNumber(group[0])
		if !ok {
			t.Fatalf("normalNumber(%q) failed", group[0])
		}
		for _, n := range group[1:] {
			if got, ok := normalNumber(n); !ok || got != want {
				t.Errorf("normalNumber(%q) = %q, %v; want %q, as for %q", n, got, ok, want, group[0])
			}
		}
	}
	for _, pair := range [][2]string{{"9007199254740993", "9007199254740992"}, {"1", "-1"}, {"1e10001", "1e10002"}, {"0.1", "0.01"}} {
		a, _ := normalNumber(pair[0])
		b, _ := normalNumber(pair[1])
		if a == b {
			t.Errorf("normalNumber(%q) = normalNumber(%q) = %q; want them apart", pair[0], pair[1], a)
		}
	}
	for _, bad := range []string{"", "-", "e5", "1e", "1x", "1.2.3", "--1"} {
		if got, ok := normalNumber(bad); ok {
			t.Errorf("normalNumber(%q) = %q, true; want it refused", bad, got)
		}
	}
}

// go-cmp writes a non-breaking space after the marker of each diff line in
// about half of the processes, at random: drift's report is the same text in
// every run, so that a nightly job's log can be searched and compared.
func TestDriftDiffIsWrittenWithPlainSpaces(t *testing.T) {
	path := driftLibrary(t)
	up := httptest.NewServer(&fakeAPI{changed: true})
	defer up.Close()

	_, stdout, _ := runSync(t, "drift", "-upstream", up.URL, "-ignore-fields", "id,updated_at", path)
	for _, want := range []string{
		"  - \t\t\t\"name\": string(\"Ada\"),\n",
		"  + \t\t\t\"name\": string(\"Ada Lovelace\"),\n",
		"  - \t\"line 2\\n\",\n",
		"  + \t\"line two\\n\",\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("drift's report lacks the line %q:\n%q", want, stdout)
		}
	}
	if strings.Contains(stdout, "\u00a0") {
		t.Errorf("drift's report holds a non-breaking space:\n%q", stdout)
	}
}

// A body recorded in deflate is compared decoded, as a gzip one is, so that
// the same JSON answered now in gzip is no drift.
func TestDriftComparesDeflateBodiesDecoded(t *testing.T) {
	var zl bytes.Buffer
	zw := zlib.NewWriter(&zl)
	io.WriteString(zw, `{"id":1,"name":"Ada"}`)
	zw.Close()
	ex := exchange("GET", "https://api.example.com/v1/users/1", "", 200, "application/json", zl.Bytes(), fixedNow)
	ex.Response.Header.Set("Content-Encoding", "deflate")
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, ex)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipped(t, `{"name": "Ada", "id": 1}`))
	}))
	defer up.Close()
	code, stdout, stderr := runSync(t, "drift", "-upstream", up.URL, path)
	if code != exitOK {
		t.Errorf("drift of a deflate recording against the same JSON in gzip = %d, stderr %q:\n%s", code, stderr, stdout)
	}
}

// drift sends a recorded request again without the fields that concerned
// the recorded connection under any spelling: the hop-by-hop ones, those
// the recorded Connection field names, Host, Transfer-Encoding and
// Content-Length; every other field goes as recorded.
func TestDriftSendsNoFieldOfTheRecordedConnection(t *testing.T) {
	ex := exchange("GET", "https://api.example.com/v1/users?page=1", "", 200, "application/json", []byte(`{"total":1}`), fixedNow)
	ex.Request.Header = http.Header{
		"connection":        {"close, X-Tenant"},
		"X-Tenant":          {"acme"},
		"keep-alive":        {"timeout=5"},
		"Proxy-Connection":  {"keep-alive"},
		"TE":                {"gzip"},
		"upgrade":           {"websocket"},
		"host":              {"old.example.com"},
		"transfer-encoding": {"chunked"},
		"content-length":    {"0"},
		"X-Kept":            {"yes"},
	}
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, ex)
	var mu sync.Mutex
	var seen http.Header
	var host string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen, host = r.Header.Clone(), r.Host
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"total":1}`)
	}))
	defer up.Close()
	code, stdout, stderr := runSync(t, "drift", "-upstream", up.URL, path)
	if code != exitOK {
		t.Fatalf("drift = %d, stderr %q\nstdout:\n%s", code, stderr, stdout)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen.Get("X-Kept") != "yes" {
		t.Errorf("upstream saw X-Kept %q, want the recorded %q", seen.Get("X-Kept"), "yes")
	}
	for _, k := range []string{"X-Tenant", "Keep-Alive", "Proxy-Connection", "Te", "Upgrade", "Transfer-Encoding"} {
		if vs, ok := seen[k]; ok {
			t.Errorf("upstream saw %s: %q, a field of the recorded connection", k, vs)
		}
	}
	if c := seen.Get("Connection"); c != "" {
		t.Errorf("upstream saw Connection: %q, want none", c)
	}
	if up := strings.TrimPrefix(up.URL, "http://"); host != up {
		t.Errorf("upstream saw Host %q, want its own %q", host, up)
	}
}
