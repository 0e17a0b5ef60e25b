package interop

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

const (
	secretToken  = "Bearer s3cr3t-t0ken-abcdef0123456789"
	secretCookie = "session=c00kie-v4lue-0123456789abcdef"
)

// variedAPI answers the requests of variedCalls: a counter that changes
// with each call, echoes of JSON and form bodies, binary and gzip bodies,
// repeated headers, a redirect, a 204, HEAD and queries.
func variedAPI() http.Handler {
	var n atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"n":%d}`, n.Add(1))
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Got-Type", r.Header.Get("Content-Type"))
		fmt.Fprintf(w, "got %q", body)
	})
	mux.HandleFunc("GET /bin", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		b := make([]byte, 300)
		for i := range b {
			b[i] = byte(i * 7)
		}
		w.Write(b)
	})
	mux.HandleFunc("GET /gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, strings.Repeat("compressed text ", 20))
		zw.Close()
	})
	mux.HandleFunc("GET /multi", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("X-Multi", "one")
		w.Header().Add("X-Multi", "two")
		w.Header().Add("Link", `</a>; rel="next"`)
		w.Header().Add("Link", `</b>; rel="last"`)
		io.WriteString(w, "multi")
	})
	mux.HandleFunc("GET /old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new?from=old", http.StatusFound)
	})
	mux.HandleFunc("GET /new", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "new place "+r.URL.RawQuery)
	})
	mux.HandleFunc("DELETE /item/7", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("HEAD /head", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Head", "yes")
	})
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		fmt.Fprintf(w, "%q %q %q", q["q"], q["tag"], q["path"])
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Cookie("session")
		w.Header().Set("Content-Type", "application/json")
		ok := r.Header.Get("Authorization") == secretToken && c != nil
		fmt.Fprintf(w, `{"ok":%t}`, ok)
	})
	return mux
}

type vcall struct {
	method, path, body, ctype string
	header                    http.Header
}

func variedCalls() []vcall {
	return []vcall{
		{method: "GET", path: "/count"},
		{method: "GET", path: "/count"},
		{method: "GET", path: "/count"},
		{method: "POST", path: "/echo", body: `{"a":1,"b":[true,null]}`, ctype: "application/json"},
		{method: "POST", path: "/echo", body: url.Values{"name": {"Zoë & co"}, "x": {"1", "2"}}.Encode(), ctype: "application/x-www-form-urlencoded"},
		{method: "GET", path: "/bin"},
		{method: "GET", path: "/gz", header: http.Header{"Accept-Encoding": {"gzip"}}},
		{method: "GET", path: "/gz"},
		{method: "GET", path: "/multi"},
		{method: "GET", path: "/old"},
		{method: "DELETE", path: "/item/7"},
		{method: "HEAD", path: "/head"},
		{method: "GET", path: "/search?q=a%20b&tag=x&tag=y&tag=x&path=%2Fetc%2Fp%3Fw"},
		{method: "GET", path: "/me", header: http.Header{"Authorization": {secretToken}, "Cookie": {secretCookie}}},
		{method: "GET", path: "/search?api_key=k3y-0123456789abcdef&q=1"},
		{method: "GET", path: "/count"},
	}
}

type vresult struct {
	status int
	header http.Header
	body   []byte
}

func (r vresult) String() string {
	return fmt.Sprintf("%d %v %q", r.status, r.header, r.body)
}

func doVaried(t *testing.T, c *http.Client, base string, cl vcall) vresult {
	t.Helper()
	var body io.Reader
	if cl.body != "" {
		body = strings.NewReader(cl.body)
	}
	req, err := http.NewRequest(cl.method, base+cl.path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range cl.header {
		req.Header[k] = v
	}
	if cl.ctype != "" {
		req.Header.Set("Content-Type", cl.ctype)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", cl.method, cl.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", cl.method, cl.path, err)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	if resp.Uncompressed || cl.method == "GET" && cl.path == "/gz" && cl.header == nil {
		// Live, http.Transport drops the Content-Length of the gzip it
		// decoded; replayed, the decoded body go-vcr stored has its own.
		h.Del("Content-Length")
	}
	return vresult{resp.StatusCode, h, b}
}

// cassetteBin builds cmd/cassette into a temporary directory.
func cassetteBin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cassette")
	if runtime.GOOS == "windows" {
		bin += ".exe" // which go build -o does not add, and Windows runs only with it
	}
	out, err := exec.Command("go", "build", "-o", bin, "github.com/cassette-go/cassette/cmd/cassette").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func runCassette(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	return string(out), err
}

// recordVaried records variedCalls with go-vcr and returns the cassette
// file, the upstream's URL and the results the calls got live.
func recordVaried(t *testing.T) (string, string, []vresult) {
	t.Helper()
	upstream := httptest.NewServer(variedAPI())
	t.Cleanup(upstream.Close)
	name := filepath.Join(t.TempDir(), "varied")
	rec, err := recorder.New(name, recorder.WithMode(recorder.ModeRecordOnly))
	if err != nil {
		t.Fatal(err)
	}
	client := rec.GetDefaultClient()
	var live []vresult
	for _, cl := range variedCalls() {
		live = append(live, doVaried(t, client, upstream.URL, cl))
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	upstream.Close()
	return name + ".yaml", upstream.URL, live
}

func TestGoVCRImportVaried(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	bin := cassetteBin(t)
	file, base, live := recordVaried(t)
	data, _ := os.ReadFile(file)
	if !bytes.Contains(data, []byte("c00kie-v4lue")) {
		t.Fatalf("go-vcr did not record the cookie:\n%s", data)
	}
	dir := t.TempDir()
	for _, dst := range []struct{ path, format string }{
		{filepath.Join(dir, "yamllib"), "yaml"},
		{filepath.Join(dir, "lib.json"), ""},
	} {
		t.Run(filepath.Base(dst.path), func(t *testing.T) {
			args := []string{"import", "-from", "go-vcr"}
			if dst.format != "" {
				args = append(args, "-format", dst.format)
			}
			out, err := runCassette(t, bin, append(args, file, dst.path)...)
			if err != nil {
				t.Fatalf("import: %v\n%s", err, out)
			}
			var disk []byte
			filepath.WalkDir(dst.path, func(p string, d os.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					b, _ := os.ReadFile(p)
					disk = append(disk, b...)
				}
				return nil
			})
			for _, s := range []string{"s3cr3t", "c00kie", "k3y-0123"} {
				if bytes.Contains(disk, []byte(s)) {
					t.Errorf("secret %q on disk after import", s)
				}
			}
			check := func(t *testing.T, c *http.Client, base string) {
				for i, cl := range variedCalls() {
					got := doVaried(t, c, base, cl)
					if got.String() != live[i].String() {
						t.Errorf("call %d %s %s replayed\n%v\nwant\n%v", i, cl.method, cl.path, got, live[i])
					}
				}
			}
			t.Run("server", func(t *testing.T) {
				srv := replayserver.New(t, dst.path, replayserver.Strict())
				check(t, srv.Client(), srv.URL)
			})
			t.Run("transport", func(t *testing.T) {
				c := &http.Client{Transport: replayserver.NewTransport(t, dst.path, replayserver.Strict())}
				check(t, c, base)
			})
		})
	}
	t.Run("no-redact", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "lib.yaml")
		if out, err := runCassette(t, bin, "import", "-from", "go-vcr", "-no-redact", file, dst); err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		disk, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{secretToken, secretCookie, "api_key=k3y-0123456789abcdef"} {
			if !bytes.Contains(disk, []byte(s)) {
				t.Errorf("-no-redact: %q not kept on disk:\n%s", s, disk)
			}
		}
		srv := replayserver.New(t, dst, replayserver.Strict(), replayserver.NoDefaultRedaction())
		for i, cl := range variedCalls() {
			got := doVaried(t, srv.Client(), srv.URL, cl)
			if got.String() != live[i].String() {
				t.Errorf("call %d %s %s replayed\n%v\nwant\n%v", i, cl.method, cl.path, got, live[i])
			}
		}
	})
}
