package main

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// replayed is a request sent to a library, and the status it was
// recorded with.
type replayed struct {
	sent
	status int
}

// hit sends r to base with client and reports whether a cassette answered
// it with the status it was recorded with, and the cassette name of a miss.
func hit(t *testing.T, client *http.Client, base string, r replayed) (ok bool, miss string) {
	t.Helper()
	resp, err := client.Do(r.request(t, base))
	if err != nil {
		t.Fatalf("%s: %v", r.sent, err)
	}
	resp.Body.Close()
	miss = resp.Header.Get("X-Cassette-Miss")
	return miss == "" && resp.StatusCode == r.status, miss
}

// cassette import names the cassettes it writes with the naming rules it
// is given (-rules, -header, -ignore-query, -body), as record does: a HAR
// or go-vcr import is then replayed, each request a hit and every
// cassette used, by cassette serve with the same flags and by
// replayserver.New with the same naming.Rules. Import named every
// exchange with the default rules, and took no rules: the requests that
// rules about headers or bodies concern all missed.
func TestImportWithNamingRulesIsReplayed(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	lang := []string{"Accept-Language", "en-US,en;q=0.9"} // as Chromium sent it
	tests := []struct {
		from, src string
		flags     []string // "RULES" is the path of a file holding file
		file      string
		rules     naming.Rules // in Go
		replayed  []replayed   // every request of src, as the rules match it
		differs   []sent       // requests the rules tell apart from those of src
	}{
		{
			from: "har", src: chromiumHAR,
			flags: []string{"-rules", "RULES", "-ignore-query", "days"},
			file:  `{"headers": ["accept-language"], "bodies": {"application/json": "json"}}`,
			rules: naming.Rules{
				Headers:     []string{"Accept-Language"},
				IgnoreQuery: []string{"days"},
				Bodies:      map[string]naming.BodyRule{"application/json": naming.JSONBody},
			},
			replayed: []replayed{
				{sent{"GET", "/", "", "", lang}, 200},
				{sent{"GET", "/v2/cities", "", "", lang}, 200},
				{sent{"GET", "/v2/forecast?days=5&city=Lyon", "", "", lang}, 200},
				{sent{"POST", "/v2/alerts", "application/json", `{ "qty": 3, "item": 2 }`, lang}, 201},
				{sent{"GET", "/v2/map.png", "", "", lang}, 200},
				{sent{"GET", "/v2/bulletin", "", "", lang}, 200},
			},
			differs: []sent{
				{"GET", "/v2/cities", "", "", []string{"Accept-Language", "fr-FR"}},
				{"POST", "/v2/alerts", "application/json", `{"item":2,"qty":4}`, lang},
			},
		},
		{
			from: "go-vcr", src: govcrSample,
			flags: []string{"-header", "Content-Type", "-body", "Application/*=json"},
			rules: naming.Rules{
				Headers: []string{"Content-Type"},
				Bodies:  map[string]naming.BodyRule{"application/*": naming.JSONBody},
			},
			replayed: []replayed{
				{sent{"GET", "/v1/users", "", "", nil}, 200},
				{sent{"POST", "/v1/orders", "application/json", "{\"qty\":3,\n \"item\":2}", nil}, 201},
				{sent{"GET", "/logo.png", "", "", nil}, 200},
				{sent{"GET", "/v1/nothing", "", "", nil}, 404},
			},
			differs: []sent{
				{"POST", "/v1/orders", "application/json; charset=utf-8", `{"item":2,"qty":3}`, nil},
				{"POST", "/v1/orders", "application/json", `{"item":3,"qty":3}`, nil},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			flags := slices.Clone(tt.flags)
			if i := slices.Index(flags, "RULES"); i >= 0 {
				flags[i] = writeRules(t, tt.file)
			}
			dst := filepath.Join(t.TempDir(), "api")
			args := append(append([]string{"import", "-from", tt.from}, flags...), tt.src, dst)
			code, stdout, stderr := runSync(t, args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("%q = %d, stderr %q", args, code, stderr)
			}
			if !strings.Contains(stdout, "\nnamed with the naming rules ") {
				t.Errorf("%q printed no line of its naming rules:\n%s", args, stdout)
			}

			unused := filepath.Join(t.TempDir(), "unused.log")
			p := start(t, append(append([]string{"serve", "-unused", unused}, flags...), dst)...)
			base := p.baseURL()
			for _, r := range tt.replayed {
				if ok, miss := hit(t, http.DefaultClient, base, r); !ok {
					t.Errorf("serve %q: %s missed (named %s) or got another status than %d", flags, r.sent, miss, r.status)
				}
			}
			for _, d := range tt.differs {
				if _, miss := hit(t, http.DefaultClient, base, replayed{sent: d}); miss == "" {
					t.Errorf("serve %q: %s hit, want a miss (the rules tell it apart)", flags, d)
				}
			}
			if code := p.stop(); code != exitOK {
				t.Errorf("serve %q exited with %d, want 0; stderr:\n%s", flags, code, p.stderr.String())
			}
			if data, err := os.ReadFile(unused); err != nil || len(data) != 0 {
				t.Errorf("serve %q left unused: %q (%v), want none", flags, data, err)
			}

			t.Run("in Go", func(t *testing.T) {
				t.Setenv("CASSETTE_MODE", "replay")
				srv := replayserver.New(t, dst, replayserver.Naming(tt.rules), replayserver.Strict())
				for _, r := range tt.replayed {
					if ok, miss := hit(t, srv.Client(), srv.URL, r); !ok {
						t.Errorf("replayserver.New with the rules: %s missed (named %s) or got another status than %d", r.sent, miss, r.status)
					}
				}
			})
		})
	}
}

// A significant header that import redacts tells cassettes apart only by
// whether it is there: import says so, as record does, unless -no-redact
// keeps its values.
func TestImportWarnsOfASignificantHeaderItRedacts(t *testing.T) {
	for _, noRedact := range []bool{false, true} {
		args := []string{"import", "-from", "har", "-header", "authorization,Accept"}
		if noRedact {
			args = append(args, "-no-redact")
		}
		args = append(args, chromiumHAR, filepath.Join(t.TempDir(), "api"))
		code, _, stderr := runSync(t, args...)
		if code != exitOK {
			t.Fatalf("%q = %d, stderr %q", args, code, stderr)
		}
		warned := strings.Contains(stderr, "cassette import: warning: header Authorization is significant but redacted")
		if warned == noRedact || strings.Contains(stderr, "Accept is significant") {
			t.Errorf("%q wrote to stderr %q; want a warning of Authorization only, and only when redacting", args, stderr)
		}
	}
}

// Bad naming rules are usage errors of import, as of serve and record.
func TestImportNamingRulesUsageError(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "api")
	code, stdout, stderr := runSync(t, "import", "-from", "har", "-body", "json=json", chromiumHAR, dst)
	if want := `cassette import: invalid value "json=json" for flag -body: `; code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, want) || !strings.HasSuffix(stderr, " (see cassette import -h)\n") {
		t.Errorf("import -body json=json = %d, stdout %q, stderr %q; want %d and %q...", code, stdout, stderr, exitUsage, want)
	}
	file := writeRules(t, `{"heders": ["X-Tenant"]}`)
	code, _, stderr = runSync(t, "import", "-from", "har", "-rules", file, chromiumHAR, dst)
	if want := "cassette import: -rules " + file + `:1:2: unknown field "heders"`; code != exitUsage || !strings.HasPrefix(stderr, want) {
		t.Errorf("import -rules with an unknown field = %d, stderr %q; want %d and %q...", code, stderr, exitUsage, want)
	}
}
