package recorder_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
)

// Naming rules that naming.Rules.Validate refuses record nothing, and say
// why at once: New and NewTransport stop the test with the error, naming
// what is wrong, NewProxy returns it, and a RoundTripper of
// NewRoundTripper returns it from RoundTrip. The recorder did not check
// them: it recorded cassettes under names that the replay server, which
// refuses such rules, never serves (a key of Bodies that selects no body
// named those bodies with another rule; an invalid route pattern matched
// nothing).
func TestInvalidNamingRulesRecordNothing(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	var got atomic.Int32 // requests the upstream got
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		w.Write([]byte("ok"))
	}))
	defer upstream.Close()
	for _, tt := range []struct {
		why   string
		rules naming.Rules
		want  string
	}{
		{"a body key that selects no body", naming.Rules{Bodies: map[string]naming.BodyRule{"*/json": naming.JSONBody}},
			`recorder: naming rules: body rule key "*/json": a "*" stands only for a whole subtype ("multipart/*") or for any media type ("*/*")`},
		{"an invalid route pattern", naming.Default().Route("POST /v1/{id", naming.Rules{}),
			`recorder: naming rules: route 0 "POST /v1/{id": wildcard must be a whole segment`},
		// A proxy recorded such a request without it, and named it so;
		// replayed, it was named with it, and missed.
		{"a significant hop-by-hop header", naming.Rules{Headers: []string{"Proxy-Authorization"}},
			`recorder: naming rules: "Proxy-Authorization" is a hop-by-hop header: it never reaches the API`},
		// Named in process with the Host a caller set in the header,
		// which no server finds there.
		{"a significant Host", naming.Rules{Headers: []string{"X-Tenant", "Host"}},
			`recorder: naming rules: "Host": the host is part of every name already`},
	} {
		t.Run(tt.why, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api")
			post := func(t *testing.T, client *http.Client, url string) error {
				t.Helper()
				resp, err := client.Post(url+"/v1/items", "application/json", strings.NewReader(`{"a":1}`))
				if err == nil {
					resp.Body.Close()
				}
				return err
			}

			ft := &fakeTB{TB: t}
			if rec := recorder.New(ft, upstream.URL, path, recorder.Naming(tt.rules)); rec != nil {
				post(t, rec.Client(), rec.URL)
			}
			ft.end()
			if errs := strings.Join(ft.errors, "\n"); !strings.HasPrefix(errs, tt.want) {
				t.Errorf("New with the rules: failures %q, want %q...", errs, tt.want)
			}

			ft = &fakeTB{TB: t}
			if rt := recorder.NewTransport(ft, path, recorder.Naming(tt.rules)); rt != nil {
				post(t, &http.Client{Transport: rt}, upstream.URL)
			}
			ft.end()
			if errs := strings.Join(ft.errors, "\n"); !strings.HasPrefix(errs, tt.want) {
				t.Errorf("NewTransport with the rules: failures %q, want %q...", errs, tt.want)
			}

			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := recorder.NewProxy(upstream.URL, lib, recorder.Naming(tt.rules)); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("NewProxy with the rules = %v, want %q...", err, tt.want)
			}
			rt := recorder.NewRoundTripper(lib, recorder.Naming(tt.rules))
			if err := post(t, &http.Client{Transport: rt}, upstream.URL); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("RoundTrip of NewRoundTripper with the rules = %v, want %q...", err, tt.want)
			}

			if n := got.Load(); n != 0 {
				t.Errorf("the upstream got %d request(s), want none", n)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("a library was written at %s (%v), want none", path, err)
			}
		})
	}
}
