package redact_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/library"
)

func mustParse(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestURL(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		why      string
	}{
		{"https://api.example.com/v1?page=2&sort=name", "https://api.example.com/v1?page=2&sort=name",
			"no credential in the query"},
		{"https://api.example.com/v1", "https://api.example.com/v1",
			"no query at all"},
		{"https://h/v1?access_token=s3cr3t", "https://h/v1?access_token=REDACTED",
			"a lone credential"},
		{"https://h/v1?b=2&api_key=s3cr3t&a=1&signature=abc%2Fdef", "https://h/v1?b=2&api_key=REDACTED&a=1&signature=REDACTED",
			"order and the other pairs kept as sent"},
		{"https://h/v1?q=caf%C3%A9+au+lait&token=x", "https://h/v1?q=caf%C3%A9+au+lait&token=REDACTED",
			"escapes of other pairs kept byte for byte"},
		{"https://h/v1?ACCESS_TOKEN=s&Api_Key=k", "https://h/v1?ACCESS_TOKEN=REDACTED&Api_Key=REDACTED",
			"names match in any case"},
		{"https://h/v1?access%5Ftoken=s3cr3t", "https://h/v1?access%5Ftoken=REDACTED",
			"names match decoded, and keep their escapes"},
		{"https://h/v1?token=a&token=b", "https://h/v1?token=REDACTED&token=REDACTED",
			"every value of a repeated name"},
		{"https://gitlab.example/api/v4/projects?private_token=glpat-s3cr3t", "https://gitlab.example/api/v4/projects?private_token=REDACTED",
			"GitLab's private_token"},
		{"https://h/data?q=London&appid=0123abcd&units=metric", "https://h/data?q=London&appid=REDACTED&units=metric",
			"OpenWeatherMap's appid"},
		{"https://h/v1?access_key=a&api-key=b&auth_token=c", "https://h/v1?access_key=REDACTED&api-key=REDACTED&auth_token=REDACTED",
			"other API keys of well-known APIs"},
		{"https://demo.firebaseio.com/users/ada.json?auth=eyJhbGciOiJSUzI1NiJ9.e30.c2ln&print=pretty", "https://demo.firebaseio.com/users/ada.json?auth=REDACTED&print=pretty",
			"the Firebase Realtime Database's auth (an ID token or the database secret)"},
		{"https://api.steampowered.com/ISteamNews/GetNewsForApp/v2/?appid=440&count=3", "https://api.steampowered.com/ISteamNews/GetNewsForApp/v2/?appid=440&count=3",
			"a number in appid is an application's id (Steam's game), no key: redacted, two games shared a cassette"},
		{"https://h/v1?AppID=123456&appid=12ab", "https://h/v1?AppID=123456&appid=REDACTED",
			"appid in any case: a number kept, a key redacted"},
		{"https://h/v1?token&key=", "https://h/v1?token&key=",
			"no value or an empty one hides nothing"},
		{"https://app/cb#access_token=s3cr3t&state=xyz", "https://app/cb#access_token=REDACTED&state=xyz",
			"a fragment of parameters, as OAuth's implicit grant sends its token"},
		{"https://app/#/items?page=2", "https://app/#/items?page=2",
			"a fragment of no secret parameter is kept"},
		{"https://app/#/welcome?token=s3cr3t", "https://app/#/welcome?token=REDACTED",
			"the parameters of a hash-routed app's route"},
		{"https://app/cb#access_token=s3cr3t&token_type=bearer&state=/home?tab=1", "https://app/cb#access_token=REDACTED&token_type=bearer&state=/home?tab=1",
			"parameters whose last value holds a \"?\""},
		{"https://h/v1?token=REDACTED", "https://h/v1?token=REDACTED",
			"already redacted: unchanged"},
		{"https://h/v1?tokens=1&my_key=2&keyring=3", "https://h/v1?tokens=1&my_key=2&keyring=3",
			"names match whole, not as parts"},
		{"https://h/v1?&&token=x&", "https://h/v1?&&token=REDACTED&",
			"empty pairs kept"},
		{"https://s3.example.com/b/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F2024&X-Amz-Signature=ff00",
			"https://s3.example.com/b/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED",
			"a presigned S3 URL keeps its algorithm"},
		{"https://me:pa55@h/v1", "https://me:REDACTED@h/v1",
			"the password of the user information is a credential"},
		{"https://ghp_s3cr3t@h/v1", "https://REDACTED@h/v1",
			"a user name without a password is the token (GitHub's https://TOKEN@host), sent as Basic credentials"},
		{"https://sk_test_s3cr3t:@h/v1", "https://REDACTED:@h/v1",
			"a user name with an empty password too (Stripe's key, curl -u sk_test_...:)"},
		{"https://REDACTED@h/v1", "https://REDACTED@h/v1",
			"already redacted: unchanged"},
		{"https://h/v1?%E2%84%AAey=x", "https://h/v1?%E2%84%AAey=x",
			"names match in ASCII case only: the Kelvin sign is not a K"},
	} {
		u := mustParse(t, tc.in)
		got := redact.Default().URL(u)
		if got.String() != tc.want {
			t.Errorf("URL(%s) = %s, want %s (%s)", tc.in, got, tc.want, tc.why)
		}
		if u.String() != tc.in {
			t.Errorf("URL(%s) changed its argument to %s", tc.in, u)
		}
		if (tc.in == tc.want) != (got == u) {
			t.Errorf("URL(%s) returned the same pointer: %v, want %v (%s)", tc.in, got == u, tc.in == tc.want, tc.why)
		}
	}
}

func TestURLWithOtherRules(t *testing.T) {
	for _, tc := range []struct {
		rules    redact.Rules
		in, want string
		why      string
	}{
		{redact.Rules{}, "https://me:pw@h/v1?token=x", "https://me:pw@h/v1?token=x",
			"the zero Rules redacts nothing"},
		{redact.Rules{Query: []string{"code"}}, "https://me:pw@h/cb?code=x&token=y", "https://me:pw@h/cb?code=REDACTED&token=y",
			"only the names given; the password only when Authorization is redacted"},
		{redact.Rules{Headers: []string{"authorization"}}, "https://me:pw@h/", "https://me:REDACTED@h/",
			"Authorization redacted in any case covers the user information"},
	} {
		if got := tc.rules.URL(mustParse(t, tc.in)).String(); got != tc.want {
			t.Errorf("%+v.URL(%s) = %s, want %s (%s)", tc.rules, tc.in, got, tc.want, tc.why)
		}
	}
}

func TestHeader(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in, want []string
		why      string
	}{
		{"Authorization", []string{"Bearer eyJhbGciOi.s3cr3t"}, []string{"Bearer REDACTED"},
			"the scheme tells a reader what kind of credential it was"},
		{"Authorization", []string{"AWS4-HMAC-SHA256 Credential=AKIA/2024, SignedHeaders=host, Signature=ff00"}, []string{"AWS4-HMAC-SHA256 REDACTED"},
			"a scheme with digits and dashes"},
		{"Authorization", []string{"s3cr3t"}, []string{"REDACTED"},
			"a bare token has no scheme"},
		{"Authorization", []string{"Sk-0123456789abcdef0123456789abcdef0123 rest"}, []string{"REDACTED"},
			"a first word too long to be a scheme may be the secret"},
		{"Authorization", []string{"ab:cd ef"}, []string{"REDACTED"},
			"a first word that is not a token is not a scheme"},
		{"Authorization", []string{"Bearer REDACTED"}, []string{"Bearer REDACTED"},
			"already redacted: unchanged"},
		{"Proxy-Authorization", []string{"Basic dXNlcjpwYXNz"}, []string{"Basic REDACTED"},
			"the proxy's credentials keep their scheme too"},
		{"authorization", []string{"Bearer x"}, []string{"Bearer REDACTED"},
			"a key set by hand, not canonical, still matches"},
		{"Cookie", []string{"a=1; b=s3cr3t"}, []string{"a=REDACTED; b=REDACTED"},
			"cookie names kept, every value replaced"},
		{"Cookie", []string{"a=1;b=2", "c=3"}, []string{"a=REDACTED;b=REDACTED", "c=REDACTED"},
			"separators kept, every value of the header"},
		{"Cookie", []string{"lone; a="}, []string{"REDACTED; a="},
			"a cookie without name is all value; an empty value hides nothing"},
		{"Set-Cookie", []string{"session=s3cr3t; Path=/; HttpOnly"}, []string{"session=REDACTED; Path=/; HttpOnly"},
			"the name and attributes kept, the value replaced"},
		{"Set-Cookie", []string{"b=2; Path=/", "a=1", "c=3; HttpOnly"}, []string{"b=REDACTED; Path=/", "a=REDACTED", "c=REDACTED; HttpOnly"},
			"several cookies keep their order"},
		{"Set-Cookie", []string{"id=; Max-Age=0"}, []string{"id=; Max-Age=0"},
			"deleting a cookie shows no secret"},
		{"X-Api-Key", []string{"s3cr3t"}, []string{"REDACTED"},
			"other headers: the whole value"},
		{"X-Amz-Security-Token", []string{"FwoGZX"}, []string{"REDACTED"},
			"an AWS session token"},
		{"X-Api-Key", []string{""}, []string{""},
			"an empty value hides nothing"},
		{"Location", []string{"/login?next=/a&token=s3cr3t"}, []string{"/login?next=/a&token=REDACTED"},
			"a URL-valued header has its query redacted"},
		{"Referer", []string{"https://app/?page=1#token=x"}, []string{"https://app/?page=1#token=REDACTED"},
			"a fragment of parameters is redacted as a query"},
		{"Location", []string{"https://app/cb#access_token=s3cr3t&token_type=bearer&expires_in=3600"}, []string{"https://app/cb#access_token=REDACTED&token_type=bearer&expires_in=3600"},
			"OAuth's implicit grant sends its token in the fragment"},
		{"Location", []string{"https://app/docs#section-2"}, []string{"https://app/docs#section-2"},
			"a fragment of no parameter is kept"},
		{"Location", []string{"https://app/#/welcome?token=s3cr3t&x=1"}, []string{"https://app/#/welcome?token=REDACTED&x=1"},
			"the parameters of a hash-routed app's route"},
		{"Link", []string{`<https://api.example.com/items?page=2&access_token=s3cr3t>; rel="next", <https://api.example.com/items?page=9&access_token=s3cr3t>; rel="last"`},
			[]string{`<https://api.example.com/items?page=2&access_token=REDACTED>; rel="next", <https://api.example.com/items?page=9&access_token=REDACTED>; rel="last"`},
			"each URL of a Link: an API authenticated by a query parameter repeats it in its page links"},
		{"Link", []string{`</items?page=2>; rel="next"; title="a<b>"`}, []string{`</items?page=2>; rel="next"; title="a<b>"`},
			"links of no secret are kept"},
		{"Content-Type", []string{"application/json"}, []string{"application/json"},
			"other headers are kept"},
	} {
		in := http.Header{tc.name: slices.Clone(tc.in), "Accept": {"*/*"}}
		got := redact.Default().Header(in)
		if !slices.Equal(got[tc.name], tc.want) || !slices.Equal(got["Accept"], []string{"*/*"}) {
			t.Errorf("Header(%s: %q) = %q, want %q (%s)", tc.name, tc.in, got[tc.name], tc.want, tc.why)
		}
		if !slices.Equal(in[tc.name], tc.in) {
			t.Errorf("Header(%s: %q) changed its argument to %q", tc.name, tc.in, in[tc.name])
		}
		same := len(got) > 0 && &got[tc.name][0] == &in[tc.name][0]
		if unchanged := slices.Equal(tc.in, tc.want); same != unchanged {
			t.Errorf("Header(%s: %q) returned its argument: %v, want %v (%s)", tc.name, tc.in, same, unchanged, tc.why)
		}
	}
}

// A User-Agent redacted by name is replaced whole, but for Go's own
// agents, which Go's client sends for a request that sets none: a server
// read Go-http-client/1.1 and redacted it, while in process there was no
// User-Agent to redact, and a significant User-Agent named the request
// apart.
func TestAUserAgentOfGosOwnIsKept(t *testing.T) {
	rules := redact.Rules{Headers: []string{"user-agent"}}
	for _, c := range []struct{ in, want string }{
		{"Go-http-client/1.1", "Go-http-client/1.1"},
		{"Go-http-client/2.0", "Go-http-client/2.0"},
		{"my-sdk/1.2 (key s3cr3t)", "REDACTED"},
		{"Go-http-client/1.1 s3cr3t", "REDACTED"},
		{" ", " "},
	} {
		if got := rules.Header(http.Header{"User-Agent": {c.in}}).Get("User-Agent"); got != c.want {
			t.Errorf("Header(User-Agent: %q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHeaderNil(t *testing.T) {
	if got := redact.Default().Header(nil); got != nil {
		t.Errorf("Header(nil) = %v, want nil", got)
	}
}

func TestRequest(t *testing.T) {
	rules := redact.Default()
	clean, _ := http.NewRequest("GET", "https://api.example.com/v1/users?page=2", nil)
	clean.Header.Set("Accept", "application/json")
	if got := rules.Request(clean); got != clean {
		t.Errorf("Request(GET /v1/users?page=2) returned a copy, want the request itself: nothing to redact")
	}

	req, _ := http.NewRequest("GET", "https://api.example.com/v1/users?page=2&access_token=s3cr3t", nil)
	req.Header.Set("Authorization", "Bearer s3cr3t")
	req.Header.Set("Accept", "application/json")
	req.RequestURI = "/v1/users?page=2&access_token=s3cr3t"
	got := rules.Request(req)
	if got == req {
		t.Fatalf("Request(GET ?access_token=...) returned the request itself, want a redacted copy")
	}
	if want := "https://api.example.com/v1/users?page=2&access_token=REDACTED"; got.URL.String() != want {
		t.Errorf("Request(...).URL = %s, want %s", got.URL, want)
	}
	if want := "/v1/users?page=2&access_token=REDACTED"; got.RequestURI != want {
		t.Errorf("Request(...).RequestURI = %s, want %s", got.RequestURI, want)
	}
	if got.Header.Get("Authorization") != "Bearer REDACTED" || got.Header.Get("Accept") != "application/json" {
		t.Errorf("Request(...).Header = %v, want Authorization redacted and Accept kept", got.Header)
	}
	if got.Method != "GET" || got.Host != "api.example.com" || got.Context() != req.Context() {
		t.Errorf("Request(...) = %s %s, want the other fields of the request", got.Method, got.Host)
	}
	if req.URL.RawQuery != "page=2&access_token=s3cr3t" || req.Header.Get("Authorization") != "Bearer s3cr3t" || req.RequestURI != "/v1/users?page=2&access_token=s3cr3t" {
		t.Errorf("Request(...) changed its argument: %s %v", req.URL, req.Header)
	}
	if again := rules.Request(got); again != got {
		t.Errorf("Request of a redacted request returned a copy, want the request itself: redaction is idempotent")
	}
	if rules.Request(nil) != nil {
		t.Errorf("Request(nil) != nil")
	}
}

func TestExchange(t *testing.T) {
	var calls []string
	rules := redact.Default().With(redact.Rules{Hooks: []func(*library.Exchange) error{
		func(ex *library.Exchange) error {
			calls = append(calls, "first sees "+ex.Request.URL)
			ex.Response.Body = []byte("rewritten")
			return nil
		},
		func(ex *library.Exchange) error { calls = append(calls, "second"); return nil },
	}})
	ex := &library.Exchange{
		Request: library.Request{
			Method: "POST",
			URL:    "https://me:pw@h/login?sig=abc&x=1#frag",
			Header: http.Header{"Cookie": {"sid=1"}, "X-Auth-Token": {"t"}},
			Body:   []byte("secret body"),
		},
		Response: library.Response{
			StatusCode: 302,
			Header:     http.Header{"Set-Cookie": {"sid=2; Secure"}, "Location": {"/home?token=t2"}},
			Trailer:    http.Header{"X-Api-Key": {"k"}},
			Body:       []byte("body"),
		},
	}
	if err := rules.Exchange(ex); err != nil {
		t.Fatalf("Exchange = %v, want nil", err)
	}
	for _, c := range []struct{ what, got, want string }{
		{"request URL", ex.Request.URL, "https://me:REDACTED@h/login?sig=REDACTED&x=1#frag"},
		{"Cookie", ex.Request.Header.Get("Cookie"), "sid=REDACTED"},
		{"X-Auth-Token", ex.Request.Header.Get("X-Auth-Token"), "REDACTED"},
		{"request body (only hooks change bodies)", string(ex.Request.Body), "secret body"},
		{"Set-Cookie", ex.Response.Header.Get("Set-Cookie"), "sid=REDACTED; Secure"},
		{"Location", ex.Response.Header.Get("Location"), "/home?token=REDACTED"},
		{"trailer X-Api-Key", ex.Response.Trailer.Get("X-Api-Key"), "REDACTED"},
		{"response body, rewritten by a hook", string(ex.Response.Body), "rewritten"},
	} {
		if c.got != c.want {
			t.Errorf("after Exchange, %s = %q, want %q", c.what, c.got, c.want)
		}
	}
	want := []string{"first sees https://me:REDACTED@h/login?sig=REDACTED&x=1#frag", "second"}
	if !slices.Equal(calls, want) {
		t.Errorf("hooks ran as %q, want %q: in order, after the URL is redacted", calls, want)
	}
}

func TestExchangeStopsAtTheFirstHookError(t *testing.T) {
	errBad := errors.New("bad body")
	ran := 0
	rules := redact.Rules{Hooks: []func(*library.Exchange) error{
		func(*library.Exchange) error { ran++; return nil },
		func(*library.Exchange) error { ran++; return errBad },
		func(*library.Exchange) error { ran++; return errors.New("not reached") },
	}}
	if err := rules.Exchange(&library.Exchange{}); err != errBad || ran != 2 {
		t.Errorf("Exchange = %v after %d hooks, want %v after 2", err, ran, errBad)
	}
}

func TestWith(t *testing.T) {
	a := redact.Rules{Headers: []string{"X-A", "X-B"}, Query: []string{"a"}}
	a.Headers = a.Headers[:1] // spare capacity that With must not write into
	b := redact.Rules{Headers: []string{"x-a", "X-C"}, Query: []string{"b", "A"}}
	got := a.With(b)
	if want := []string{"X-A", "X-C"}; !slices.Equal(got.Headers, want) {
		t.Errorf("With: Headers = %q, want %q (each name once, in any case)", got.Headers, want)
	}
	if want := []string{"a", "b"}; !slices.Equal(got.Query, want) {
		t.Errorf("With: Query = %q, want %q", got.Query, want)
	}
	if a.Headers[:2][1] != "X-B" {
		t.Errorf("With wrote into its receiver's slice")
	}
	if n := len(redact.Default().With(redact.Default()).Headers); n != len(redact.Default().Headers) {
		t.Errorf("Default().With(Default()) has %d headers, want %d", n, len(redact.Default().Headers))
	}
}

func TestDefaultReturnsNewSlices(t *testing.T) {
	d := redact.Default()
	d.Headers[0] = "changed"
	if redact.Default().Headers[0] == "changed" {
		t.Errorf("Default() shares its slices between calls")
	}
}

// noSecrets is a URL of the kind replayed most: a query without
// credentials.
const noSecrets = "https://api.example.com/v1/search?q=caf%C3%A9&page=2&per_page=50&sort=name&order=asc&fields=id,name,tags"

func TestURLNoSecretsDoesNotAllocate(t *testing.T) {
	u := mustParse(t, noSecrets)
	rules := redact.Default()
	if n := testing.AllocsPerRun(100, func() { rules.URL(u) }); n != 0 {
		t.Errorf("URL(%s) allocates %v times, want 0", noSecrets, n)
	}
	h := http.Header{"Accept": {"application/json"}, "User-Agent": {"go"}}
	if n := testing.AllocsPerRun(100, func() { rules.Header(h) }); n != 0 {
		t.Errorf("Header(%v) allocates %v times, want 0", h, n)
	}
}

func BenchmarkURLNoSecrets(b *testing.B) {
	u := mustParse(b, noSecrets)
	rules := redact.Default()
	b.ReportAllocs()
	for b.Loop() {
		if rules.URL(u) != u {
			b.Fatal("URL copied a URL without secrets")
		}
	}
}

func BenchmarkURLSecret(b *testing.B) {
	u := mustParse(b, noSecrets+"&access_token=s3cr3t")
	rules := redact.Default()
	b.ReportAllocs()
	for b.Loop() {
		rules.URL(u)
	}
}

func TestBodyRedactsSecretFormFields(t *testing.T) {
	r := redact.Default()
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	body := []byte("grant_type=client_credentials&client_id=app&client_secret=s3cr3t&token=xoxb-1")
	got := r.Body(form, body)
	if string(got) != "grant_type=client_credentials&client_id=app&client_secret=REDACTED&token=REDACTED" {
		t.Errorf("Body(form) = %q", got)
	}
	if string(body) != "grant_type=client_credentials&client_id=app&client_secret=s3cr3t&token=xoxb-1" {
		t.Errorf("Body modified its argument: %q", body)
	}
	json := []byte(`{"client_secret":"s3cr3t"}`)
	if got := r.Body(http.Header{"Content-Type": {"application/json"}}, json); &got[0] != &json[0] {
		t.Errorf("Body changed a JSON body: %q", got)
	}
	if got := (redact.Rules{}).Body(form, body); &got[0] != &body[0] {
		t.Errorf("Body without rules changed the body: %q", got)
	}
}

func TestBodyRedactsAGzipEncodedForm(t *testing.T) {
	enc := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Content-Encoding": {"gzip"}}
	got := redact.Default().Body(h, enc("grant_type=x&client_secret=SUPERSECRET1"))
	zr, err := gzip.NewReader(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("the redacted body is not gzip: %v", err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != "grant_type=x&client_secret=REDACTED" {
		t.Errorf("decoded redacted body = %q", plain)
	}
	if other := redact.Default().Body(h, enc("grant_type=x&client_secret=OTHER")); !bytes.Equal(other, got) {
		t.Errorf("two secrets give different redacted bodies: they would be named apart")
	}
}

// A form whose Content-Type (and Content-Encoding) a client set under a key
// not in canonical form (req.Header["content-type"], which Go sends as it
// is) is redacted too: it was stored with its secrets, and named apart
// from the same request read by a server.
func TestBodyRedactsAFormUnderNonCanonicalKeys(t *testing.T) {
	body := []byte("grant_type=x&client_secret=s3cr3t")
	h := http.Header{"content-type": {"application/x-www-form-urlencoded"}}
	if got := redact.Default().Body(h, body); string(got) != "grant_type=x&client_secret=REDACTED" {
		t.Errorf("Body(content-type: form) = %q", got)
	}
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(body)
	w.Close()
	h = http.Header{"content-type": {"application/x-www-form-urlencoded"}, "content-encoding": {"gzip"}}
	zr, err := gzip.NewReader(bytes.NewReader(redact.Default().Body(h, b.Bytes())))
	if err != nil {
		t.Fatalf("the redacted body is not gzip: %v", err)
	}
	if plain, _ := io.ReadAll(zr); string(plain) != "grant_type=x&client_secret=REDACTED" {
		t.Errorf("Body(content-encoding: gzip) decoded = %q", plain)
	}
}

// A form whose secret fields are redacted gets a Content-Length, when the
// stored request has one, saying the length of its stored body: a
// cassette stays consistent (exported to HAR, read by a reviewer).
func TestExchangeFixesTheContentLengthOfARedactedForm(t *testing.T) {
	body := "user=bob&client_secret=s"
	ex := &library.Exchange{Request: library.Request{
		Method: "POST", URL: "https://h/token",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Content-Length": {strconv.Itoa(len(body))}},
		Body:   []byte(body),
	}}
	if err := redact.Default().Exchange(ex); err != nil {
		t.Fatal(err)
	}
	if got := string(ex.Request.Body); got != "user=bob&client_secret=REDACTED" {
		t.Fatalf("body = %q; want client_secret redacted", got)
	}
	if got, want := ex.Request.Header.Get("Content-Length"), strconv.Itoa(len(ex.Request.Body)); got != want {
		t.Errorf("Content-Length = %s; want %s, the stored body's", got, want)
	}
}

// A URL given as a string (a stored request's, a Location) loses a user
// name that has no password, which is then the token Go's client sends as
// Basic credentials, as a parsed URL does.
func TestExchangeRedactsAUserNameWithoutPassword(t *testing.T) {
	for _, tc := range []struct{ in, want, why string }{
		{"https://ghp_s3cr3t@h/v1/user", "https://REDACTED@h/v1/user", "GitHub's https://TOKEN@host"},
		{"https://sk_test_s3cr3t:@h/v1/charges", "https://REDACTED:@h/v1/charges", "Stripe's key, with an empty password"},
		{"https://me:pw@h/", "https://me:REDACTED@h/", "with a password, the password only"},
		{"https://h/next?u=a@b", "https://h/next?u=a@b", "an @ in the query is no user information"},
	} {
		ex := &library.Exchange{
			Request:  library.Request{Method: "GET", URL: tc.in},
			Response: library.Response{StatusCode: 302, Header: http.Header{"Location": {tc.in}}},
		}
		if err := redact.Default().Exchange(ex); err != nil {
			t.Fatalf("Exchange = %v, want nil", err)
		}
		if ex.Request.URL != tc.want {
			t.Errorf("Exchange(GET %s): request URL %s, want %s (%s)", tc.in, ex.Request.URL, tc.want, tc.why)
		}
		if got := ex.Response.Header.Get("Location"); got != tc.want {
			t.Errorf("Exchange(GET %s): Location %s, want %s (%s)", tc.in, got, tc.want, tc.why)
		}
	}
}

// A number in appid is kept by the defaults (Steam's game ids), but not
// when the user asks for appid by name.
func TestAppIDAskedForByNameIsRedactedWhole(t *testing.T) {
	u, err := url.Parse("https://h/v1?appid=440")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rules redact.Rules
		want  string
	}{
		{redact.Default(), "https://h/v1?appid=440"},
		{redact.Default().With(redact.Rules{Query: []string{"page_key"}}), "https://h/v1?appid=440"},
		{redact.Default().With(redact.Rules{Query: []string{"AppID"}}), "https://h/v1?appid=REDACTED"},
		{redact.Rules{}.With(redact.Rules{Query: []string{"appid"}}), "https://h/v1?appid=REDACTED"},
		// With is a union: the defaults added to, or to themselves, still
		// keep the number; a name given by hand wins on either side.
		{redact.Rules{}.With(redact.Default()), "https://h/v1?appid=440"},
		{redact.Default().With(redact.Default()), "https://h/v1?appid=440"},
		{redact.Rules{Headers: []string{"X-Other"}}.With(redact.Default()), "https://h/v1?appid=440"},
		{redact.Rules{Query: []string{"appid"}}.With(redact.Default()), "https://h/v1?appid=REDACTED"},
		{redact.Default().With(redact.Rules{Query: []string{"appid"}}).With(redact.Default()), "https://h/v1?appid=REDACTED"},
		{redact.Default().With(redact.Rules{Query: []string{"appid"}, KeepNumericAppIDs: true}), "https://h/v1?appid=440"},
	} {
		if got := tc.rules.URL(u).String(); got != tc.want {
			t.Errorf("with Query %q: URL = %s, want %s", tc.rules.Query, got, tc.want)
		}
	}
}
