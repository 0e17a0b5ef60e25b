package recorder_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
)

// creds are one developer's credentials, each a string found nowhere else.
type creds struct {
	bearer, apiKey, session, theme      string // headers
	accessToken, apiKeyParam, signature string // query
	user, pass                          string // user information of the URL, sent as Basic credentials
	userToken                           string // a user name without password, the token (https://TOKEN@host)
	password                            string // a field of a JSON body
	setCookie                           string // the session the upstream hands out
}

func credsOf(who string) creds {
	s := func(what string) string { return "s3cr3t-" + who + "-" + what }
	return creds{
		bearer: s("bearer"), apiKey: s("apikey"), session: s("session"), theme: s("theme"),
		accessToken: s("accesstoken"), apiKeyParam: s("apikeyparam"), signature: s("signature"),
		user: "user-" + who, pass: s("pass"), password: s("password"), setCookie: s("setcookie"),
		userToken: s("usertoken"),
	}
}

// secrets returns every secret of c, in the forms in which it could leak.
func (c creds) secrets() []string {
	return []string{
		c.bearer, c.apiKey, c.session, c.theme, c.accessToken, c.apiKeyParam, c.signature,
		c.pass, base64.StdEncoding.EncodeToString([]byte(c.user + ":" + c.pass)), c.password, c.setCookie,
		c.userToken, base64.StdEncoding.EncodeToString([]byte(c.userToken + ":")),
	}
}

// A secretCall is a request carrying credentials.
type secretCall struct {
	method, path string
	header       http.Header
	user         *url.Userinfo
	body         string
}

func secretCalls(c creds) []secretCall {
	return []secretCall{
		{method: "GET", path: "/v1/me", header: http.Header{
			"Authorization": {"Bearer " + c.bearer},
			"X-Api-Key":     {c.apiKey},
			"Cookie":        {"session=" + c.session + "; theme=" + c.theme},
		}},
		{method: "GET", path: "/v1/items?access_token=" + c.accessToken + "&page=2&api_key=" + c.apiKeyParam + "&signature=" + c.signature},
		{method: "GET", path: "/v1/basic", user: url.UserPassword(c.user, c.pass)},
		{method: "GET", path: "/v1/token-as-user", user: url.User(c.userToken)},
		{method: "POST", path: "/v1/login", header: http.Header{"Content-Type": {"application/json"}},
			body: `{"user":"ann","password":"` + c.password + `"}`},
	}
}

// request returns the request of call to base.
func (call secretCall) request(t *testing.T, base string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(call.method, base+call.path, strings.NewReader(call.body))
	if err != nil {
		t.Fatal(err)
	}
	if call.body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	req.URL.User = call.user
	for k, v := range call.header {
		req.Header[k] = slices.Clone(v)
	}
	return req
}

// redactPassword is a BeforeSave hook as a user writes it: it replaces the
// "password" field of a JSON request body.
func redactPassword(ex *library.Exchange) error {
	if ex.Request.Header.Get("Content-Type") != "application/json" {
		return nil
	}
	var fields map[string]any
	if err := json.Unmarshal(ex.Request.Body, &fields); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	if _, ok := fields["password"]; !ok {
		return nil
	}
	fields["password"] = "REDACTED"
	b, err := json.Marshal(fields)
	ex.Request.Body = b
	return err
}

// secretNaming makes the credential headers significant, so that names
// would differ with the credentials if they were not redacted first.
var secretNaming = naming.Rules{Headers: []string{"Authorization", "Cookie", "X-Api-Key"}}

func TestSecretsAreNeverWrittenToDisk(t *testing.T) {
	mine := credsOf("ann")
	for _, rc := range recordings {
		for _, kind := range libraryKinds {
			t.Run(rc.name+"/"+kind.name, func(t *testing.T) {
				var mu sync.Mutex
				var received bytes.Buffer // everything the upstream got
				api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					r.Write(&received)
					mu.Unlock()
					if r.URL.Path == "/v1/me" {
						w.Header().Set("Set-Cookie", "session="+mine.setCookie+"; Path=/; HttpOnly")
					}
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprint(w, `{"ok":true}`)
				}))
				defer api.Close()
				root := t.TempDir()
				path := filepath.Join(root, kind.file)
				var recorded, logs names
				client, base, wait := rc.start(t, api.URL, path, recorded.add,
					recorder.Naming(secretNaming),
					recorder.BeforeSave(redactPassword),
					recorder.Logf(func(format string, args ...any) { logs.add(fmt.Sprintf(format, args...)) }))

				for _, call := range secretCalls(mine) {
					resp, err := client.Do(call.request(t, base))
					if err != nil {
						t.Fatalf("%s %s: %v", call.method, call.path, err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if want := "session=" + mine.setCookie + "; Path=/; HttpOnly"; call.path == "/v1/me" && resp.Header.Get("Set-Cookie") != want {
						t.Errorf("client got Set-Cookie %q, want the real one %q", resp.Header.Get("Set-Cookie"), want)
					}
				}
				wait()

				// The upstream got the real credentials (a user name in
				// the URL as Basic credentials only).
				for _, s := range mine.secrets() {
					if s != mine.setCookie && s != mine.userToken && !strings.Contains(received.String(), s) {
						t.Errorf("the upstream did not get %q; requests are sent as the client made them:\n%s", s, received.String())
					}
				}

				// No secret on disk: not in any file, nor in a file name.
				var all strings.Builder
				files := 0
				err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
					if err != nil {
						return err
					}
					rel, _ := filepath.Rel(root, p)
					all.WriteString(rel + "\n")
					if d.Type().IsRegular() {
						b, err := os.ReadFile(p)
						if err != nil {
							return err
						}
						all.Write(b)
						files++
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if files == 0 {
					t.Fatalf("no file under %s, want the library", root)
				}
				var leaked []string
				for _, s := range mine.secrets() {
					if strings.Contains(all.String(), s) {
						leaked = append(leaked, s)
					}
					for _, l := range logs.list() {
						if strings.Contains(l, s) {
							t.Errorf("the log line %q holds the secret %q", l, s)
						}
					}
				}
				if len(leaked) > 0 {
					t.Errorf("the library holds the secrets %q:\n%s", leaked, all.String())
				}
				if n := strings.Count(all.String(), redact.Placeholder); n < 9 {
					t.Errorf("the library holds %q %d times, want it in place of each of the 9 secrets:\n%s", redact.Placeholder, n, all.String())
				}

				// Another developer's credentials give the same names. A
				// request body is hashed into its name before hooks run, so
				// the login call keeps its password here.
				other := credsOf("bob")
				other.password = mine.password
				var want []string
				for _, call := range secretCalls(other) {
					req := call.request(t, api.URL)
					if call.user != nil {
						req.SetBasicAuth(other.user, other.pass) // as http.Client does
					}
					want = append(want, naming.Name(redact.Default().Request(req), []byte(call.body), secretNaming))
				}
				slices.Sort(want)
				got := slices.Sorted(slices.Values(recorded.list()))
				if !slices.Equal(got, want) {
					t.Errorf("recorded names %q, want those of the same calls with other credentials %q", got, want)
				}
				if stored := slices.Sorted(mapsKeys(readLibrary(t, path))); !slices.Equal(stored, want) {
					t.Errorf("library names %q, want %q", stored, want)
				}
			})
		}
	}
}

func TestRedactionOptions(t *testing.T) {
	for _, tc := range []struct {
		name       string
		opts       []recorder.Option
		wantAuth   string // stored Authorization
		wantCustom string // stored X-Custom
		wantQuery  string // stored query
	}{
		{"the defaults apply without options", nil,
			"Bearer REDACTED", "c", "code=c&token=REDACTED"},
		{"RedactHeaders and RedactQuery add to the defaults",
			[]recorder.Option{recorder.RedactHeaders("x-custom"), recorder.RedactQuery("CODE")},
			"Bearer REDACTED", "REDACTED", "code=REDACTED&token=REDACTED"},
		{"NoDefaultRedaction keeps only the names given",
			[]recorder.Option{recorder.RedactHeaders("X-Custom"), recorder.NoDefaultRedaction(), recorder.RedactQuery("code")},
			"Bearer a", "REDACTED", "code=REDACTED&token=t"},
		{"NoDefaultRedaction alone redacts nothing",
			[]recorder.Option{recorder.NoDefaultRedaction()},
			"Bearer a", "c", "code=c&token=t"},
	} {
		for _, rc := range recordings {
			t.Run(rc.name+"/"+tc.name, func(t *testing.T) {
				api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
				defer api.Close()
				path := t.TempDir()
				client, base, wait := rc.start(t, api.URL, path, func(string) {}, tc.opts...)
				req, _ := http.NewRequest("GET", base+"/cb?code=c&token=t", nil)
				req.Header.Set("Authorization", "Bearer a")
				req.Header.Set("X-Custom", "c")
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				wait()
				_, ex := onlyExchange(t, path)
				if ex.Request.URL != api.URL+"/cb?"+tc.wantQuery ||
					ex.Request.Header.Get("Authorization") != tc.wantAuth || ex.Request.Header.Get("X-Custom") != tc.wantCustom {
					t.Errorf("stored %s with Authorization %q, X-Custom %q; want %s, %q, %q", ex.Request.URL,
						ex.Request.Header.Get("Authorization"), ex.Request.Header.Get("X-Custom"),
						api.URL+"/cb?"+tc.wantQuery, tc.wantAuth, tc.wantCustom)
				}
			})
		}
	}
}

func TestBeforeSaveErrorStoresNothing(t *testing.T) {
	for _, rc := range recordings {
		t.Run(rc.name, func(t *testing.T) {
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, "answer")
			}))
			defer api.Close()
			path := t.TempDir()
			errRefused := errors.New("refused by the hook")
			var reported names
			var order []string
			client, base, wait := rc.start(t, api.URL, path, func(string) {},
				recorder.BeforeSave(func(*library.Exchange) error { order = append(order, "first"); return nil }),
				recorder.BeforeSave(func(*library.Exchange) error { order = append(order, "second"); return errRefused }),
				recorder.BeforeSave(func(*library.Exchange) error { order = append(order, "third"); return nil }),
				recorder.OnError(func(err error) { reported.add(err.Error()) }))
			resp, err := client.Get(base + "/x?token=s3cr3t")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			wait()
			if string(b) != "answer" {
				t.Errorf("client got %q, want %q: the response is handed on even when it is not stored", b, "answer")
			}
			if got := readLibrary(t, path); len(got) != 0 {
				t.Errorf("library holds %d cassettes, want none", len(got))
			}
			want := fmt.Sprintf("recorder: store GET %s/x?token=REDACTED as ", api.URL)
			if got := reported.list(); len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.HasSuffix(got[0], ": before save: refused by the hook") {
				t.Errorf("OnError got %q, want one error starting %q and ending with the hook's error", got, want)
			}
			if !slices.Equal(order, []string{"first", "second"}) {
				t.Errorf("hooks ran %q, want first and second, in order, and none after the error", order)
			}
		})
	}
}

func TestProxyErrorsHoldNoSecret(t *testing.T) {
	upstream := "http://" + refusedAddr(t)
	lib, err := library.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var logs names
	p, err := recorder.NewProxy(upstream, lib, recorder.Logf(func(format string, args ...any) {
		logs.add(fmt.Sprintf(format, args...))
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close() // waits for the background save before the folder goes
	srv := httptest.NewServer(p)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/x?page=1&access_token=s3cr3t")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || strings.Contains(string(body), "s3cr3t") ||
		!strings.Contains(string(body), "/v1/x?page=1&access_token=REDACTED") {
		t.Errorf("GET ?access_token=... through a proxy to a closed port = %d %q, want 502 naming the redacted request", resp.StatusCode, body)
	}
	for _, l := range logs.list() {
		if strings.Contains(l, "s3cr3t") {
			t.Errorf("logged %q, which holds the secret", l)
		}
	}
}

// A secret RedactPath finds in a path a client gave in its URL's opaque
// part ("//host/path", how a Go client sends a path it escaped itself)
// is in neither the cassette's name nor its file: the name was made from
// the opaque part, which was not redacted.
func TestRedactPathInAnOpaquePath(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"ok":true}`)
	}))
	defer api.Close()
	host := strings.TrimPrefix(api.URL, "http://")
	path := filepath.Join(t.TempDir(), "api")
	t.Run("record", func(t *testing.T) {
		c := &http.Client{Transport: recorder.NewTransport(t, path, recorder.RedactPath(regexp.MustCompile(`^/bot([^/]+)/`)))}
		u := &url.URL{Scheme: "http", Host: host, Opaque: "//" + host + "/bot123:SECRET/getMe"}
		resp, err := c.Do(&http.Request{Method: "GET", URL: u, Header: http.Header{}})
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	})
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil || len(names) != 1 {
		t.Fatalf("Names() = %q, %v; want one", names, err)
	}
	if strings.Contains(strings.ToLower(names[0]), "secret") {
		t.Errorf("cassette name %q holds the token of the path", names[0])
	}
	b, err := os.ReadFile(filepath.Join(path, lib.File(names[0])))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ToLower(b), []byte("secret")) {
		t.Errorf("cassette file holds the token of the path:\n%s", b)
	}
}

func TestBeforeSavePanicIsAnError(t *testing.T) {
	for _, rc := range recordings {
		t.Run(rc.name, func(t *testing.T) {
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, "answer")
			}))
			defer api.Close()
			path := t.TempDir()
			var reported names
			client, base, wait := rc.start(t, api.URL, path, func(string) {},
				recorder.BeforeSave(func(ex *library.Exchange) error {
					if strings.HasSuffix(ex.Request.URL, "/bad") {
						panic("hook bug")
					}
					return nil
				}),
				recorder.OnError(func(err error) { reported.add(err.Error()) }))
			for _, p := range []string{"/bad", "/good"} {
				resp, err := client.Get(base + p)
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != "answer" || err != nil {
					t.Errorf("GET %s: client got %q, %v; want %q: the response is handed on when a hook panics", p, b, err, "answer")
				}
			}
			wait()
			if got := readLibrary(t, path); len(got) != 1 {
				t.Errorf("library holds %d cassettes, want the one of /good", len(got))
			}
			want := fmt.Sprintf("recorder: store GET %s/bad as ", api.URL)
			if got := reported.list(); len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.Contains(got[0], ": before save: panic: hook bug\n") {
				t.Errorf("OnError got %q, want one error starting %q and saying the hook panicked", got, want)
			}
		})
	}
}

func TestBeforeSaveGzipBody(t *testing.T) {
	const secret = `{"password":"hunter2"}`
	// ungzip decodes a hook's body, failing the hook when it is no gzip.
	ungzip := func(b []byte) ([]byte, error) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
	redactPlain := func(ex *library.Exchange) error {
		ex.Response.Body = bytes.ReplaceAll(ex.Response.Body, []byte("hunter2"), []byte("REDACTED"))
		return nil
	}
	tests := []struct {
		name     string
		sent     []byte // gzip-encoded or not, always with Content-Encoding: gzip
		hook     func(*library.Exchange) error
		wantBody string // decoded, stored; "" for nothing stored
		wantErr  string // in what OnError got
	}{
		{"a hook that decodes and encodes again is stored", gzipped([]byte(secret)), func(ex *library.Exchange) error {
			b, err := ungzip(ex.Response.Body)
			if err != nil {
				return err
			}
			ex.Response.Body = gzipped(bytes.ReplaceAll(b, []byte("hunter2"), []byte("REDACTED")))
			return nil
		}, `{"password":"REDACTED"}`, ""},
		{"a hook that leaves plain text under gzip fails, saying what to do", gzipped([]byte(secret)), func(ex *library.Exchange) error {
			ex.Response.Body = []byte(`{"password":"REDACTED"}`)
			return nil
		}, "", "its Content-Encoding still says so, and it would not replay: a hook that rewrites a gzip-encoded body decodes it, then encodes it again"},
		{"a hook that writes plain text in place, under gzip, fails", gzipped([]byte(secret)), func(ex *library.Exchange) error {
			// The body's own array, reused (append to [:0]): what the
			// upstream sent is not kept in it.
			b, err := ungzip(ex.Response.Body)
			if err != nil {
				return err
			}
			ex.Response.Body = append(ex.Response.Body[:0], bytes.ReplaceAll(b, []byte("hunter2"), []byte("x"))...)
			return nil
		}, "", "its Content-Encoding still says so, and it would not replay"},
		{"a hook that drops Content-Encoding with the gzip is stored", gzipped([]byte(secret)), func(ex *library.Exchange) error {
			ex.Response.Body = []byte(`{"password":"REDACTED"}`)
			ex.Response.Header.Del("Content-Encoding")
			return nil
		}, `{"password":"REDACTED"}`, ""},
		{"an upstream's gzip that does not decode is stored as sent", []byte("not gzip " + secret), redactPlain, "not gzip " + `{"password":"REDACTED"}`, ""},
	}
	for _, rc := range recordings {
		for _, tc := range tests {
			t.Run(rc.name+"/"+tc.name, func(t *testing.T) {
				api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Encoding", "gzip")
					w.Write(tc.sent)
				}))
				defer api.Close()
				path := t.TempDir()
				var reported names
				client, base, wait := rc.start(t, api.URL, path, func(string) {},
					recorder.BeforeSave(tc.hook), recorder.OnError(func(err error) { reported.add(err.Error()) }))
				// The client asks for identity, so that both recordings
				// hand it the body as sent.
				req, _ := http.NewRequest(http.MethodGet, base+"/login", nil)
				req.Header.Set("Accept-Encoding", "identity")
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				wait()
				if !bytes.Equal(b, tc.sent) {
					t.Errorf("client got %q, want %q as the upstream sent it", b, tc.sent)
				}
				lib := readLibrary(t, path)
				switch {
				case tc.wantBody == "":
					if len(lib) != 0 {
						t.Errorf("library holds %d cassettes, want none", len(lib))
					}
				case len(lib) != 1:
					t.Errorf("library holds %d cassettes, want 1", len(lib))
				default:
					for _, exs := range lib {
						body := exs[0].Response.Body
						if d, err := ungzip(body); err == nil {
							body = d
						}
						if string(body) != tc.wantBody {
							t.Errorf("stored body %q, want %q", body, tc.wantBody)
						}
					}
				}
				got := reported.list()
				if tc.wantErr == "" && len(got) != 0 || tc.wantErr != "" && (len(got) != 1 || !strings.Contains(got[0], tc.wantErr)) {
					t.Errorf("OnError got %q, want %q", got, tc.wantErr)
				}
			})
		}
	}
}
