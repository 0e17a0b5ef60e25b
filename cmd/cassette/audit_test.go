package main

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/base64"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
)

// jwt is a JWT whose header is {"alg":"HS256","typ":"JWT"}.
var jwt = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
	base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"1234567890"}`)) + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

func TestAuditFindsSecrets(t *testing.T) {
	useClock(t)
	clean := exchange("GET", "https://api.example.com/v1/clean?page=2&token=REDACTED", "", 200, "application/json", []byte(`{"ok":true}`), fixedNow)
	clean.Request.Header = http.Header{
		"Authorization": {"Bearer REDACTED"},
		"Cookie":        {"a=REDACTED; b=REDACTED"},
		"X-Api-Key":     {"REDACTED"},
	}
	clean.Response.Header["Set-Cookie"] = []string{"session=REDACTED; Path=/; HttpOnly", "gone=; Max-Age=0"}

	leaky := exchange("POST", "https://api.example.com/v1/login?api_key=0123456789abcdef0123456789abcdef&page=3", `{"aws":"AKIAIOSFODNN7EXAMPLE"}`, 200,
		"application/json", []byte(`{"token":"`+jwt+`","gh":"ghp_abcdefghijklmnopqrstuvwxyz0123456789"}`), fixedNow)
	leaky.Request.Header["Authorization"] = []string{"Bearer s3cr3t-t0ken"}
	leaky.Response.Header["Set-Cookie"] = []string{"session=abc123; Path=/"}

	keys := exchange("GET", "https://api.example.com/v1/keys", "", 200, "text/plain",
		gzipped(t, "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n"), fixedNow)
	keys.Response.Header.Set("Content-Encoding", "gzip")
	keys.Request.Header["Proxy-Authorization"] = []string{"Basic dXNlcjpwYXNz"}
	keys.Request.Header["X-Slack"] = []string{"xoxb-1234567890-abcdefghij"}

	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, clean, leaky, keys)

	code, stdout, stderr := runSync(t, "audit", path)
	if code != exitError {
		t.Errorf("audit of a leaky library = %d, want 1", code)
	}
	leakyFile := filepath.Join(path, nameOf(leaky)+".json")
	keysFile := filepath.Join(path, nameOf(keys)+".json")
	want := []string{
		leakyFile + ": cassette " + nameOf(leaky) + " exchange 1: bearer token in request header Authorization (s3cr…)",
		leakyFile + ": cassette " + nameOf(leaky) + " exchange 1: token in request query parameter api_key (0123…)",
		leakyFile + ": cassette " + nameOf(leaky) + " exchange 1: AWS access key id in request body (AKIA…)",
		leakyFile + ": cassette " + nameOf(leaky) + " exchange 1: unredacted cookie in response header Set-Cookie (sess…)",
		leakyFile + ": cassette " + nameOf(leaky) + " exchange 1: GitHub token in response body (ghp_…)",
		leakyFile + ": cassette " + nameOf(leaky) + " exchange 1: JWT in response body (eyJh…)",
		keysFile + ": cassette " + nameOf(keys) + " exchange 1: unredacted Proxy-Authorization credentials in request header Proxy-Authorization (dXNl…)",
		keysFile + ": cassette " + nameOf(keys) + " exchange 1: Slack token in request header X-Slack (xoxb…)",
		keysFile + ": cassette " + nameOf(keys) + " exchange 1: private key in response body (----…)",
	}
	got := strings.Split(strings.TrimSpace(stdout), "\n")
	for _, w := range want {
		if !containsLine(stdout, w) {
			t.Errorf("audit output lacks\n\t%s", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("audit reported %d findings, want %d:\n%s", len(got), len(want), stdout)
	}
	if strings.Contains(stdout, nameOf(clean)) {
		t.Errorf("audit reported the redacted exchange:\n%s", stdout)
	}
	// (The api_key is in the cassette name, a finding of its own.)
	for _, secret := range []string{"s3cr3t", "abc123", "IOSFODNN7", "ghp_abcdefgh", "RSA PRIVATE"} {
		if strings.Contains(stdout, secret) {
			t.Errorf("audit output shows the secret %q unmasked", secret)
		}
	}
	if !strings.HasPrefix(stderr, "cassette audit: 9 finding(s) in 3 cassette(s)\n") || !strings.Contains(stderr, "RedactQuery") {
		t.Errorf("stderr = %q", stderr)
	}
}

// writeClean writes the sample exchanges without their (unredacted)
// cookies to a new library at path, and returns the library's path.
func writeClean(t *testing.T, path string) string {
	t.Helper()
	exs := sampleExchanges(t)
	for _, ex := range exs {
		ex.Response.Header.Del("Set-Cookie")
	}
	path = filepath.Join(t.TempDir(), path)
	writeExchanges(t, path, exs...)
	return path
}

func TestAuditClean(t *testing.T) {
	useClock(t)
	path := writeClean(t, "api.yaml")
	code, stdout, stderr := runSync(t, "audit", path)
	if code != exitOK || stderr != "" || stdout != "cassette audit: nothing found in 5 cassette(s)\n" {
		t.Errorf("audit of a clean library = %d, stdout %q, stderr %q; want 0", code, stdout, stderr)
	}
}

func TestAuditMaxAge(t *testing.T) {
	useClock(t)
	path := writeClean(t, "api.yaml") // cassettes 5h, 40d, 100d, 1m old and one of unknown age
	ex := sampleExchanges(t)
	tests := []struct {
		maxAge string
		stale  []string
	}{
		{"90d", []string{nameOf(ex[3]) + ": recorded 100d ago, older than -max-age 90d"}},
		{"720h", []string{nameOf(ex[2]) + ": recorded 40d ago", nameOf(ex[3]) + ": recorded 100d ago"}},
		{"365d", nil},
		// The cassette of 90 s is older than 1m, though its age in its
		// largest unit, 1m, reads as the limit itself.
		{"1m", []string{nameOf(ex[5]) + ": recorded 1m30s ago, older than -max-age 1m", nameOf(ex[0]) + ": recorded 5h ago",
			nameOf(ex[2]) + ": recorded 40d ago", nameOf(ex[3]) + ": recorded 100d ago"}},
	}
	for _, tt := range tests {
		code, stdout, _ := runSync(t, "audit", "-max-age", tt.maxAge, path)
		if want := map[bool]int{true: exitError, false: exitOK}[len(tt.stale) > 0]; code != want {
			t.Errorf("audit -max-age %s = %d, want %d", tt.maxAge, code, want)
		}
		for _, s := range tt.stale {
			if !strings.Contains(stdout, path+": cassette "+s) {
				t.Errorf("audit -max-age %s output lacks %q:\n%s", tt.maxAge, s, stdout)
			}
		}
		if n := strings.Count(stdout, "older than"); n != len(tt.stale) {
			t.Errorf("audit -max-age %s reported %d stale cassettes, want %d:\n%s", tt.maxAge, n, len(tt.stale), stdout)
		}
	}
}

func TestAuditUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"audit"}, "cassette audit: missing PATH (see cassette audit -h)"},
		{[]string{"audit", "-max-age", "soon", "lib"}, `cassette audit: -max-age "soon": want a positive number of days such as 90d, or a duration such as 12h (see cassette audit -h)`},
		{[]string{"audit", "-max-age", "-3d", "lib"}, `cassette audit: -max-age "-3d": want a positive number of days such as 90d, or a duration such as 12h (see cassette audit -h)`},
	}
	for _, tt := range tests {
		code, stdout, stderr := runSync(t, tt.args...)
		if code != exitUsage || stderr != tt.want+"\n" || stdout != "" {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2 and the line %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	if d, err := parseAge("90d"); err != nil || d != 90*24*time.Hour {
		t.Errorf("parseAge(90d) = %v, %v", d, err)
	}
	if d, err := parseAge("1h30m"); err != nil || d != 90*time.Minute {
		t.Errorf("parseAge(1h30m) = %v, %v", d, err)
	}
}

func TestUnredacted(t *testing.T) {
	tests := []struct {
		k, v string
		want bool
	}{
		{"Authorization", "Bearer REDACTED", false},
		{"authorization", "REDACTED", false},
		{"Authorization", "AWS4-HMAC-SHA256 REDACTED", false},
		{"Authorization", "Bearer abc", true},
		{"Authorization", "token", true},
		{"Cookie", "a=REDACTED; b=REDACTED", false},
		{"Cookie", "a=REDACTED; b=2", true},
		{"Set-Cookie", "session=REDACTED; Path=/", false},
		{"Set-Cookie", "session=; Max-Age=0", false},
		{"Set-Cookie", "session=x; Path=/", true},
		{"X-Auth-Token", "REDACTED", false},
		{"X-Auth-Token", "abc", true},
		{"Content-Type", "text/plain", false},
		{"X-Api-Key", "", false},
		{"X-Amz-Security-Token", "FwoGZXIvYXdzEJr", true},
		{"X-Vault-Token", "s.Xk3dLq9pW2", true},
		{"x-vault-token", "REDACTED", false},
		{"Private-Token", "glpat-abc", true},
		{"Ocp-Apim-Subscription-Key", "0123abcd", true},
		{"X-Next-Page-Token", "cGFnZT0y", false},
		{"X-Ratelimit-Remaining-Tokens", "149984", false},
		{"X-Csrf-Token", "abc", false},
	}
	for _, tt := range tests {
		if _, _, got := unredacted(tt.k, tt.v); got != tt.want {
			t.Errorf("unredacted(%s: %s) = %v, want %v", tt.k, tt.v, got, tt.want)
		}
	}
	if !isJWT(jwt) || isJWT("api.example.com.something") {
		t.Errorf("isJWT misjudges")
	}
}

// Secrets the recorder would have redacted are found however short, in
// the request URL's query and user information and in URLs of response
// headers, their fragment of parameters included (OAuth's implicit grant).
func TestAuditFindsShortAndURLSecrets(t *testing.T) {
	shortPw := exchange("GET", "https://api.example.com/v1/a?password=hunter2&token=short1&page=2", "", 200, "text/plain", []byte("ok"), fixedNow)
	userinfo := exchange("GET", "https://me:hunter2secretpw@a.example.com/v1/b", "", 200, "text/plain", []byte("ok"), fixedNow)
	location := exchange("GET", "https://api.example.com/v1/c", "", 302, "text/plain", nil, fixedNow)
	location.Response.Header.Set("Location", "https://api.example.com/done?access_token=tok123&x=1")
	implicit := exchange("GET", "https://auth.example.com/authorize", "", 302, "text/plain", nil, fixedNow)
	implicit.Response.Header.Set("Location", "https://app.example.com/cb#access_token=frag42&token_type=bearer")
	hashRoute := exchange("GET", "https://auth.example.com/magic", "", 302, "text/plain", nil, fixedNow)
	hashRoute.Response.Header.Set("Location", "https://app.example.com/#/welcome?token=magic9")
	stateRoute := exchange("GET", "https://auth.example.com/authorize2", "", 302, "text/plain", nil, fixedNow)
	stateRoute.Response.Header.Set("Location", "https://app.example.com/cb#access_token=st8te1&state=/home?tab=1")
	link := exchange("GET", "https://api.example.com/v1/items", "", 200, "text/plain", nil, fixedNow)
	link.Response.Header.Set("Link", `<https://api.example.com/v1/items?page=2&access_token=l1nk99>; rel="next", <https://api.example.com/v1/items?page=9&access_token=l1nk99>; rel="last"`)
	clean := exchange("GET", "https://api.example.com/v1/d?password=REDACTED&page=1", "", 302, "text/plain", nil, fixedNow)
	clean.Response.Header.Set("Location", "https://api.example.com/done?access_token=REDACTED#access_token=REDACTED&token_type=bearer")

	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, shortPw, userinfo, location, implicit, hashRoute, stateRoute, link, clean)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError {
		t.Errorf("audit = %d, want 1", code)
	}
	for _, w := range []string{
		"token in request query parameter password (hu…)",
		"token in request query parameter token (sh…)",
		"password in request URL user information (hunt…)",
		"token in response header Location query parameter access_token (to…)",
		nameOf(implicit) + " exchange 1: token in response header Location query parameter access_token (fr…)",
		nameOf(hashRoute) + " exchange 1: token in response header Location query parameter token (ma…)",
		nameOf(stateRoute) + " exchange 1: token in response header Location query parameter access_token (st…)",
		nameOf(link) + " exchange 1: token in response header Link query parameter access_token (l1…)",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("audit output lacks %q:\n%s", w, stdout)
		}
	}
	if strings.Contains(stdout, nameOf(clean)) {
		t.Errorf("audit reports the redacted cassette:\n%s", stdout)
	}
}

// What the recorder redacts since 1e7c20a and e86b6b7 is found in the
// cassettes recorded before, which kept it: a URL's user name without a
// password (the token: https://TOKEN@host, Stripe's https://sk_...:@host)
// and the query secrets of each URL of a Link header (page links of an
// API authenticated by ?access_token=). Audit looked at a password only,
// and at the URLs of Location, Content-Location and Referer only.
func TestAuditFindsUserNameTokensAndLinkSecrets(t *testing.T) {
	user := exchange("GET", "https://tok123short@api.example.com/v1/a", "", 200, "text/plain", []byte("ok"), fixedNow)
	stripe := exchange("GET", "https://rk9key42:@api.example.com/v1/b", "", 200, "text/plain", []byte("ok"), fixedNow)
	link := exchange("GET", "https://api.example.com/v1/items?access_token=REDACTED", "", 200, "text/plain", []byte("ok"), fixedNow)
	link.Response.Header.Set("Link", `<https://api.example.com/v1/items?page=2&access_token=pg2tok>; rel="next", <https://api.example.com/v1/items?page=9&access_token=pg2tok>; rel="last"`)
	clean := exchange("GET", "https://REDACTED@api.example.com/v1/c?access_token=REDACTED", "", 200, "text/plain", []byte("ok"), fixedNow)
	clean.Response.Header.Set("Link", `<https://api.example.com/v1/c?page=2&access_token=REDACTED>; rel="next"`)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, user, stripe, link, clean)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError {
		t.Errorf("audit = %d, want 1", code)
	}
	for _, w := range []string{
		nameOf(user) + " exchange 1: token in request URL user information (tok…)",
		nameOf(stripe) + " exchange 1: token in request URL user information (rk…)",
		nameOf(link) + " exchange 1: token in response header Link query parameter access_token (pg…)",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("audit output lacks %q:\n%s", w, stdout)
		}
	}
	if strings.Contains(stdout, nameOf(clean)) {
		t.Errorf("audit reports the redacted cassette:\n%s", stdout)
	}
}

// appid is redacted as OpenWeatherMap's key, but a number in it is an
// application's id (Steam's game), which the recorder keeps: audit does
// not report it, nor an appId member naming an application in JSON
// (com.example.app, Algolia's and Firebase's ids), as it did since appid
// became a redacted parameter (6de5315). A key is still found.
func TestAuditAppidsThatAreNoKeys(t *testing.T) {
	steam := exchange("GET", "https://api.steampowered.com/ISteamNews/GetNewsForApp/v2/?appid=440&count=3", "", 200, "application/json",
		[]byte(`{"appnews":{"appid":440,"newsitems":[]},"app":{"appId":"com.example.app","app_id":"1234567890"}}`), fixedNow)
	owm := exchange("GET", "https://api.openweathermap.org/data/2.5/weather?q=Lyon&appid=0123abcd", "", 200, "application/json",
		[]byte(`{"appid":"b1b15e88fa797225412429c1c50c122a"}`), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, steam, owm)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError {
		t.Errorf("audit = %d, want 1", code)
	}
	for _, w := range []string{
		nameOf(owm) + " exchange 1: token in request query parameter appid (01…)",
		nameOf(owm) + " exchange 1: secret JSON member appid in response body (b1b1…)",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("audit output lacks %q:\n%s", w, stdout)
		}
	}
	if strings.Contains(stdout, nameOf(steam)) {
		t.Errorf("audit reports Steam's appid, a game's number, or an application's id in JSON:\n%s", stdout)
	}
}

func TestAuditFindsSecretFormFields(t *testing.T) {
	form := exchange("POST", "https://auth.example.com/oauth/token", "grant_type=client_credentials&client_secret=abc123", 200, "application/json", []byte(`{}`), fixedNow)
	form.Request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, form)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError || !strings.Contains(stdout, "token in request body form field client_secret (ab…)") {
		t.Errorf("audit = %d:\n%s\nwant 1 and the client_secret form field", code, stdout)
	}
}

// A token response in a form (GitHub's OAuth answers so by default) is
// scanned as a form too; it used to be scanned as text only, and a token
// without a known shape went unreported.
func TestAuditFindsSecretFormFieldsInAResponse(t *testing.T) {
	tok := exchange("POST", "https://github.com/login/oauth/access_token", "", 200, "application/x-www-form-urlencoded",
		[]byte("access_token=e72e16c7e42f292c6912e7710c838347ae178b4a&scope=repo&token_type=bearer"), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, tok)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError || !strings.Contains(stdout, "token in response body form field access_token (e72e…)") {
		t.Errorf("audit = %d:\n%s\nwant 1 and the access_token form field of the response", code, stdout)
	}
}

// A response's form holds members, as a JSON body does: a pagination
// token there is no secret (as in JSON, and as the recorder's log says),
// though the URL rule for queries would take a long value of a name
// holding "token" for one.
func TestAuditIgnoresPaginationTokensInAResponseForm(t *testing.T) {
	page := exchange("GET", "https://api.example.com/v1/items", "", 200, "application/x-www-form-urlencoded",
		[]byte("items=a,b&next_page_token=CiAKGjBpNDd2Nmp2bW1hZGVmZw&pageToken=Q2lBS0dqQnBORGQy"), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, page)
	if code, stdout, _ := runSync(t, "audit", path); code != 0 {
		t.Errorf("audit = %d:\n%s\nwant 0: pagination tokens are no secrets", code, stdout)
	}
}

// The JSON values of an event stream's data and of NDJSON lines are
// scanned for secret members, as a JSON body is.
func TestAuditFindsSecretMembersInStreams(t *testing.T) {
	sse := exchange("GET", "https://api.example.com/v1/events", "", 200, "text/event-stream",
		[]byte("event: login\ndata: {\"refresh_token\":\"rt-456\"}\n\n"), fixedNow)
	nd := exchange("GET", "https://api.example.com/v1/export", "", 200, "application/x-ndjson",
		[]byte("{\"id\":1}\n{\"client_secret\":\"cs-789\"}\n"), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, sse, nd)
	code, stdout, _ := runSync(t, "audit", path)
	for _, w := range []string{"secret JSON member refresh_token in response body (rt…)", "secret JSON member client_secret in response body (cs…)"} {
		if code != exitError || !strings.Contains(stdout, w) {
			t.Errorf("audit = %d:\n%s\nwant 1 and %q", code, stdout, w)
		}
	}
}

func TestAuditFindsSecretJSONMembers(t *testing.T) {
	tok := exchange("POST", "https://auth.example.com/oauth/token", `{"grant_type":"password","password":"pw-1"}`, 200, "application/json",
		[]byte(`{"token_type":"bearer","access_token":"at-123","refresh_token":"rt-456","expires_in":3600}`), fixedNow)
	// Members of generic names that are no secrets here: Consul's KV
	// Key, an Elasticsearch bucket's key (found by a reviewer).
	clean := exchange("POST", "https://auth.example.com/oauth/other", `{"password":"REDACTED"}`, 200, "application/json",
		[]byte(`{"token_type":"bearer","password":["REDACTED"],"Key":"config/app","buckets":[{"key":["quux","bar"]}],"token":"EOF"}`), fixedNow)
	// A form echoed as JSON, its values in arrays (Python's parse_qs).
	echo := exchange("POST", "https://httpbin.example/post", "", 200, "application/json",
		[]byte(`{"form":{"password":["hunter2"],"token":["sekrit0123456789abcdef","other0123456789abcdef"]},"args":{"page":["1"]}}`), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, tok, clean, echo)
	code, stdout, _ := runSync(t, "audit", path)
	for _, w := range []string{
		"secret JSON member password in request body (p…)",
		"secret JSON member access_token in response body (at…)",
		"secret JSON member refresh_token in response body (rt…)",
		"secret JSON member password in response body (hu…)",
		"secret JSON member token in response body (sekr…)",
		"secret JSON member token in response body (othe…)",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("audit output lacks %q:\n%s", w, stdout)
		}
	}
	if code != exitError || strings.Contains(stdout, "token_type") || strings.Contains(stdout, nameOf(clean)) {
		t.Errorf("audit = %d, or it reports token_type or the clean cassette:\n%s", code, stdout)
	}
}

// Vault's client sends its token in X-Vault-Token and gets it in the
// client_token member of a login response; other APIs name their
// credential headers and members alike. Pagination tokens are no secret.
func TestAuditFindsCredentialHeadersAndMembers(t *testing.T) {
	login := exchange("POST", "https://vault.example.com/v1/auth/approle/login", `{"role_id":"r","secret_id":"x"}`, 200, "application/json",
		[]byte(`{"auth":{"client_token":"s.Xk3dLq9pW2mN","accessor":"a1","policies":["default"]},"next_page_token":"cGFnZT0yMDAwMDAwMDA="}`), fixedNow)
	read := exchange("GET", "https://vault.example.com/v1/secret/data/app", "", 200, "application/json",
		[]byte(`{"data":{"nextPageToken":"bmV4dHBhZ2UyMzQ1Njc4OQ","page_token":"cGFnZTM0NTY3ODkwMTIz"}}`), fixedNow)
	read.Request.Header.Set("X-Vault-Token", "s.Xk3dLq9pW2mN")
	read.Request.Header.Set("X-Ratelimit-Remaining-Tokens", "149984")
	gitlab := exchange("GET", "https://gitlab.example.com/api/v4/projects", "", 200, "application/json", []byte(`[]`), fixedNow)
	gitlab.Request.Header.Set("Private-Token", "glpat-0123456789")
	gitlab.Response.Header.Set("X-Subject-Token", "gAAAAABkeystone")
	aws := exchange("GET", "http://169.254.170.2/v2/credentials", "", 200, "application/json",
		[]byte(`{"RoleArn":"arn:aws:iam::1:role/r","SecretAccessKey":"wJalrXUtnFEMI","Token":"FwoGZXIvYXdzEJr//////////wEaDM","sessionToken":"IQoJb3JpZ2lu"}`), fixedNow)
	vault := exchange("GET", "https://vault.example.com/v1/auth/token/lookup-self", "", 200, "application/json",
		[]byte(`{"data":{"id":"hvs.CAESIJ0123456789abcdefghijklmnopqrstuv"}}`), fixedNow)
	clean := exchange("GET", "https://vault.example.com/v1/secret/data/other", "", 200, "application/json",
		[]byte(`{"auth":{"client_token":"REDACTED"},"next_page_token":"cGFnZT0yMDAwMDAwMDA=","config":{"secret":"********"},"hook":{"secret":"••••"}}`), fixedNow)
	clean.Request.Header.Set("X-Vault-Token", "REDACTED")
	clean.Request.Header.Set("X-Csrf-Token", "abc123")
	clean.Response.Header.Set("X-Next-Page-Token", "cGFnZT0yMDAwMDAwMDA=")

	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, login, read, gitlab, aws, vault, clean)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError {
		t.Errorf("audit = %d, want 1", code)
	}
	for _, w := range []string{
		nameOf(login) + " exchange 1: secret JSON member client_token in response body (s.Xk…)",
		nameOf(login) + " exchange 1: secret JSON member secret_id in request body (…)",
		nameOf(read) + " exchange 1: unredacted X-Vault-Token header in request header X-Vault-Token (s.Xk…)",
		nameOf(gitlab) + " exchange 1: unredacted Private-Token header in request header Private-Token (glpa…)",
		nameOf(gitlab) + " exchange 1: unredacted X-Subject-Token header in response header X-Subject-Token (gAAA…)",
		nameOf(aws) + " exchange 1: secret JSON member SecretAccessKey in response body (wJal…)",
		nameOf(aws) + " exchange 1: secret JSON member sessionToken in response body (IQoJ…)",
		nameOf(aws) + " exchange 1: secret JSON member Token in response body (FwoG…)",
		nameOf(vault) + " exchange 1: Vault token in response body (hvs.…)",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("audit output lacks %q:\n%s", w, stdout)
		}
	}
	if n := strings.Count(stdout, "\n"); n != 9 {
		t.Errorf("audit reported %d findings, want 9:\n%s", n, stdout)
	}
	for _, fp := range []string{"page_token", "nextPageToken", "Page-Token", "Tokens", "Csrf", "accessor", "RoleArn", nameOf(clean)} {
		if strings.Contains(stdout, fp) {
			t.Errorf("audit reports %s, which is no secret:\n%s", fp, stdout)
		}
	}
}

// Members of generic names hold no secret in these APIs' answers, though
// long: a Consul KV path, an Elasticsearch bucket of host names (a
// reviewer found them reported as long as their length made them look
// like tokens).
func TestAuditGenericMembersOfRealAPIsAreNoSecrets(t *testing.T) {
	consul := exchange("GET", "http://127.0.0.1:8500/v1/kv/service/web?recurse=true", "", 200, "application/json",
		[]byte(`[{"LockIndex":0,"Key":"service/web/config/max_conns","Flags":0,"Value":"MTAw","CreateIndex":12,"ModifyIndex":12},`+
			`{"Key":"service/web1/config/max_conns","Value":"MTAw"}]`), fixedNow)
	es := exchange("POST", "http://127.0.0.1:9200/logs/_search", `{"size":0}`, 200, "application/json",
		[]byte(`{"aggregations":{"hosts":{"buckets":[{"key":"api-gateway.prod.internal","doc_count":12},`+
			`{"key":"ip-10-0-1-23.ec2.internal","doc_count":3},{"key":"web-01.prod.example.com","doc_count":1}]}}}`), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, consul, es)
	code, stdout, _ := runSync(t, "audit", path)
	if code != 0 || strings.Contains(stdout, "secret JSON member") {
		t.Errorf("exit %d; want 0, no finding for a KV path or a bucket's host name:\n%s", code, stdout)
	}
}

// An Azure AD client secret (...8Q~...) under "key" is a secret ("~" is a
// character of tokens too; found by a reviewer).
func TestAuditGenericMemberHoldingAnAzureSecret(t *testing.T) {
	ex := exchange("POST", "https://api.example.com/v1/credentials", "", 200, "application/json",
		[]byte(`{"id":"c1","key":"Xy78Q~aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"}`), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, ex)
	code, stdout, _ := runSync(t, "audit", path)
	if code != 1 || !strings.Contains(stdout, "secret JSON member key") {
		t.Errorf("exit %d; want 1 and the key reported:\n%s", code, stdout)
	}
}

// A request's form was read by the rule of a query, which takes a long
// value of a field holding "token" for a secret: a pagination token sent
// back in a form was reported, though the recorder never redacts it and
// the same in a response's form is not. It is read as a response's form
// now, but for the fields the recorder redacts in a request's form,
// reported however short (an old cassette's token=abc).
func TestAuditReadsARequestFormAsAResponseForm(t *testing.T) {
	page := exchange("POST", "https://api.example.com/v1/items:search", "items=a,b&next_page_token=CiAKGjBpNDd2Nmp2bW1hZGVmZw&pageToken=Q2lBS0dqQnBORGQy", 200, "application/json", []byte(`{}`), fixedNow)
	page.Request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	clean := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, clean, page)
	if code, stdout, _ := runSync(t, "audit", clean); code != 0 {
		t.Errorf("audit = %d:\n%s\nwant 0: pagination tokens are no secrets", code, stdout)
	}
	old := exchange("POST", "https://slack.example.com/api/chat.postMessage", "token=abc&channel=C1&next_page_token=CiAKGjBpNDd2Nmp2bW1hZGVmZw", 200, "application/json", []byte(`{}`), fixedNow)
	old.Request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, old)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError || !strings.Contains(stdout, "token in request body form field token (a…)") || strings.Contains(stdout, "next_page_token") {
		t.Errorf("audit = %d:\n%s\nwant 1 and the token form field alone", code, stdout)
	}
}

// The secrets of OAuth token requests and of presigned URLs, stored by a
// recorder older than their redaction, are findings; the signing time of
// a presigned URL, redacted only so that its cassette keeps its name, is
// not.
func TestAuditFindsOAuthAndPresignedSecretsButNotStamps(t *testing.T) {
	form := exchange("POST", "https://auth.example.com/oauth/token", "grant_type=refresh_token&refresh_token=rt9", 200, "application/json", []byte(`{}`), fixedNow)
	form.Request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	gcs := exchange("GET", "https://storage.googleapis.com/b/o?X-Goog-Date=20260101T000000Z&X-Goog-Signature=5ig", "", 200, "text/plain", []byte("ok"), fixedNow)
	aws := exchange("GET", "https://b.s3.amazonaws.com/k?X-Amz-Date=20260101T000000Z&X-Amz-Signature=REDACTED", "", 200, "text/plain", []byte("ok"), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, form, gcs, aws)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError {
		t.Errorf("audit = %d, want 1", code)
	}
	for _, w := range []string{
		"token in request body form field refresh_token (r…)",
		"token in request query parameter X-Goog-Signature (5…)",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("audit output lacks %q:\n%s", w, stdout)
		}
	}
	if strings.Contains(stdout, "Date") || strings.Contains(stdout, nameOf(aws)) {
		t.Errorf("audit reports a signing time:\n%s", stdout)
	}
}

// An API that echoes the request's headers (httpbin's /headers, a debug
// page, an error that quotes the request) puts the Authorization value in
// its body: audit finds Bearer, Token and Basic credentials in text and
// JSON bodies, and not the words of prose nor a redacted value.
func TestAuditFindsCredentialsInBodies(t *testing.T) {
	echo := exchange("GET", "https://httpbin.example.com/headers", "", 200, "application/json",
		[]byte(`{"headers":{"Authorization":"Bearer 9fQ2xLm0Vb7TzK4wRy1c","Proxy-Authorization":"Basic dXNlcjpodW50ZXIy"}}`), fixedNow)
	text := exchange("GET", "https://api.example.com/debug", "", 500, "text/plain",
		[]byte("request failed\nAuthorization: token ghx0A1b2C3d4E5f6G7h8\n"), fixedNow)
	prose := exchange("GET", "https://api.example.com/docs", "", 200, "text/plain",
		[]byte("Use Bearer authentication, or Basic authentication on the Basic plan. Bearer REDACTED; Basic REDACTED.\n"+
			`WWW-Authenticate: Bearer realm="api", error="invalid_token"; Basic realm="api"`), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, echo, text, prose)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError {
		t.Errorf("audit = %d, want 1", code)
	}
	for _, w := range []string{
		nameOf(echo) + " exchange 1: bearer token in response body (9fQ2…)",
		nameOf(echo) + " exchange 1: Basic credentials in response body (dXNl…)",
		nameOf(text) + " exchange 1: bearer token in response body (ghx0…)",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("audit output lacks %q:\n%s", w, stdout)
		}
	}
	if strings.Contains(stdout, nameOf(prose)) {
		t.Errorf("audit reports prose and redacted values as credentials:\n%s", stdout)
	}
}

// The search for Authorization values in bodies takes no word of prose or
// code followed by an identifier for a scheme and its credentials (a
// GraphQL login selecting "token refreshTokenExpiresAt", an OpenAPI spec's
// "scheme: bearer" before a scheme's name on the next line, Go and Java
// source, a token contract's address), and finds the credentials of
// other common shapes: Laravel Sanctum's ID|secret, Rails' Token
// token="...", a Basic value ending a sentence (found by a review).
func TestAuditCredentialsInBodiesOfOtherShapes(t *testing.T) {
	gql := exchange("POST", "https://api.example.com/graphql",
		`{"query":"mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token refreshTokenExpiresAt user { id } } }","variables":{"email":"a@example.com","password":"REDACTED"}}`,
		200, "application/json", []byte(`{}`), fixedNow)
	openapi := exchange("GET", "https://api.example.com/openapi.yaml", "", 200, "application/yaml",
		[]byte("components:\n  securitySchemes:\n    bearerAuth:\n      type: http\n      scheme: bearer\n    OAuth2ClientCredentials:\n      type: oauth2\n"), fixedNow)
	goSrc := exchange("GET", "https://raw.example.com/auth.go", "", 200, "text/plain",
		[]byte("func NewClient(ctx context.Context, token oauth2.TokenSource) *http.Client {\n\treturn oauth2.NewClient(ctx, token)\n}\n"), fixedNow)
	javaSrc := exchange("GET", "https://raw.example.com/Auth.java", "", 200, "text/plain",
		[]byte("public class Auth {\n    private final Token refreshTokenResponse;\n}\n"), fixedNow)
	erc20 := exchange("GET", "https://explorer.example.com/token/usdt", "", 200, "text/html",
		[]byte("<title>Token 0xdAC17F958D2ee523a2206206994597C13D831ec7 | Explorer</title>"), fixedNow)
	sanctum := exchange("GET", "https://httpbin.example.com/headers", "", 200, "application/json",
		[]byte(`{"headers":{"Authorization":"Bearer 12|XqZ9pLmN3oPqRsTuVwXyZ0aBcDeFgHiJkLmNoPqR"}}`), fixedNow)
	rails := exchange("GET", "https://httpbin.example.com/anything", "", 200, "application/json",
		[]byte(`{"headers":{"Authorization":"Token token=\"9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b\""}}`), fixedNow)
	sentence := exchange("GET", "https://api.example.com/debug", "", 401, "text/plain",
		[]byte("the server refused the credentials Basic dXNlcjpodW50ZXIy."), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, gql, openapi, goSrc, javaSrc, erc20, sanctum, rails, sentence)
	_, stdout, _ := runSync(t, "audit", path)
	for _, ex := range []library.Exchange{gql, openapi, goSrc, javaSrc, erc20} {
		if strings.Contains(stdout, nameOf(ex)) {
			t.Errorf("audit reports %s, which holds no credential:\n%s", nameOf(ex), stdout)
		}
	}
	for _, w := range []string{
		nameOf(sanctum) + " exchange 1: bearer token in response body (12|X…)",
		nameOf(rails) + " exchange 1: bearer token in response body (9944…)",
		nameOf(sentence) + " exchange 1: Basic credentials in response body (dXNl…)",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("audit output lacks %q:\n%s", w, stdout)
		}
	}
}

// Bearer tokens in HTML, XML and Go's printed http.Header, where the value
// stands shortly after the word Authorization, are found (found by a
// review: tightening the search had lost them).
func TestAuditFindsBearerInHTMLXMLAndGoHeaderDumps(t *testing.T) {
	const tok = "Zk3pQ9rT7vX2mN8bL4cD6fG1hJ5kM0nP"
	html := exchange("GET", "https://api.example.com/debug/html", "", 500, "text/html",
		[]byte("<table><tr><th>Authorization</th><td>Bearer "+tok+"</td></tr></table>"), fixedNow)
	xml := exchange("GET", "https://api.example.com/echo.xml", "", 200, "application/xml",
		[]byte("<headers><Authorization>Bearer "+tok+"</Authorization></headers>"), fixedNow)
	goDump := exchange("GET", "https://api.example.com/debug/go", "", 500, "text/plain",
		[]byte("request headers: map[Accept:[*/*] Authorization:[Bearer "+tok+"]]"), fixedNow)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, html, xml, goDump)
	code, stdout, _ := runSync(t, "audit", path)
	for _, ex := range []library.Exchange{html, xml, goDump} {
		if !strings.Contains(stdout, nameOf(ex)+" exchange 1: bearer token in response body (Zk3p…)") {
			t.Errorf("audit misses the bearer token in %s (%q):\n%s", nameOf(ex), ex.Response.Body, stdout)
		}
	}
	if code != exitError {
		t.Errorf("audit exited %d; want %d", code, exitError)
	}
}

// A Link header is scanned for secrets of known shapes as any other
// header is, besides the query of each of its URLs: one outside the
// URLs (in a link's parameters, or in a value that is no list of <URL>s)
// is reported as it was before Link's URLs were scanned.
func TestAuditScansAllOfALinkHeader(t *testing.T) {
	const gh = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
	param := exchange("GET", "https://api.example.com/v1/items", "", 200, "text/plain", nil, fixedNow)
	param.Response.Header.Set("Link", `<https://api.example.com/v1/items?page=2>; rel="next"; title="`+gh+`"`)
	bare := exchange("GET", "https://api.example.com/v1/things", "", 200, "text/plain", nil, fixedNow)
	bare.Response.Header.Set("Link", "https://api.example.com/v1/things?page=2&key="+gh)
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, param, bare)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError {
		t.Errorf("audit = %d, want 1", code)
	}
	for _, ex := range []library.Exchange{param, bare} {
		if w := nameOf(ex) + " exchange 1: GitHub token in response header Link (ghp_…)"; !strings.Contains(stdout, w) {
			t.Errorf("audit output lacks %q:\n%s", w, stdout)
		}
	}
}

func TestAgeOver(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		age, limit time.Duration
		want       string
	}{
		{100 * day, 90 * day, "100d"},                              // reads as older than the limit
		{90*day + 5*time.Hour, 90 * day, "90d5h"},                  // "90d" would read as the limit
		{day + 20*time.Hour, 36 * time.Hour, "1d20h"},              // a limit that is no whole unit
		{90*day + 500*time.Millisecond, 90 * day, "just over 90d"}, // over by less than a second
		{800 * time.Millisecond, 500 * time.Millisecond, "800ms"},  // a limit under a second
		{1500 * time.Millisecond, time.Second, "1.5s"},
	}
	for _, tt := range tests {
		if got := ageOver(fixedNow, fixedNow.Add(-tt.age), tt.limit); got != tt.want {
			t.Errorf("ageOver(%v old, limit %v) = %q, want %q", tt.age, tt.limit, got, tt.want)
		}
	}
}

// A body stored in deflate (an API answering curl --compressed, or any
// client asking for it) hides its secrets from a scan of its bytes as
// much as gzip does: audit reads both decoded.
func TestAuditFindsSecretsInDeflateBodies(t *testing.T) {
	var zl bytes.Buffer
	zw := zlib.NewWriter(&zl)
	io.WriteString(zw, `{"token_type":"bearer","access_token":"at-1234567890abcdef","expires_in":3600}`)
	zw.Close()
	tok := exchange("POST", "https://auth.example.com/oauth/token", "", 200, "application/json", zl.Bytes(), fixedNow)
	tok.Response.Header.Set("Content-Encoding", "deflate")
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, tok)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError || !strings.Contains(stdout, "secret JSON member access_token in response body (at-1…)") {
		t.Errorf("audit of a deflate body holding a token = %d:\n%s\nwant 1 and the access_token member", code, stdout)
	}
}

// HTTP's deflate is meant zlib-wrapped, but some servers send it raw (RFC
// 1951 alone), and curl --compressed, like browsers, reads both; the
// recorder takes both for deflate. audit decoded only the zlib-wrapped
// one, so a token in an answer stored in raw deflate went unseen (and
// show summarized it, and drift compared its bytes).
func TestAuditFindsSecretsInRawDeflateBodies(t *testing.T) {
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.DefaultCompression)
	io.WriteString(fw, `{"token_type":"bearer","access_token":"at-1234567890abcdef","expires_in":3600}`)
	fw.Close()
	tok := exchange("POST", "https://auth.example.com/oauth/token", "", 200, "application/json", raw.Bytes(), fixedNow)
	tok.Response.Header.Set("Content-Encoding", "deflate")
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, tok)
	code, stdout, _ := runSync(t, "audit", path)
	if code != exitError || !strings.Contains(stdout, "secret JSON member access_token in response body (at-1…)") {
		t.Errorf("audit of a raw deflate body holding a token = %d:\n%s\nwant 1 and the access_token member", code, stdout)
	}
	var out bytes.Buffer
	writeBody(&out, tok.Response.Header, tok.Response.Body, false)
	if want := "deflate>, shown decoded:\n{\n  \"token_type\": \"bearer\","; !strings.Contains(out.String(), want) {
		t.Errorf("show of a raw deflate JSON body:\n%s\nwant it decoded: %q", out.String(), want)
	}
}

// Cassettes that another tool filtered (vcrpy's and Rails' [FILTERED],
// a template's {{token}}, <TOKEN>) were reported for their placeholders
// in credential headers and in a URL's user information, where only
// REDACTED was taken for one: they are no findings now, and a real
// credential beside them still is.
func TestAuditSkipsOtherToolsPlaceholdersInHeadersAndUserInformation(t *testing.T) {
	var filtered []library.Exchange
	for i, v := range []string{"Bearer <TOKEN>", "Bearer {{token}}", "Bearer [FILTERED]", "Basic <BASE64>", "<API_KEY>"} {
		ex := exchange("GET", "https://api.example.com/v1/"+strconv.Itoa(i), "", 200, "text/plain", []byte("ok"), fixedNow)
		ex.Request.Header.Set("Authorization", v)
		ex.Request.Header.Set("X-Api-Key", "[FILTERED]")
		ex.Request.Header.Set("Cookie", "session=[FILTERED]; theme=<REDACTED>")
		ex.Response.Header.Set("Set-Cookie", "session={{session}}; Path=/")
		filtered = append(filtered, ex)
	}
	// A request URL that does not parse is never stored; a Location can be.
	for i, u := range []string{"https://[FILTERED]@git.example.com/a", "https://user:<PASSWORD>@git.example.com/b"} {
		ex := exchange("GET", "https://git.example.com/"+strconv.Itoa(i), "", 302, "text/plain", []byte("ok"), fixedNow)
		ex.Response.Header.Set("Location", u)
		filtered = append(filtered, ex)
	}
	for _, u := range []string{"https://%5BFILTERED%5D@git.example.com/c", "https://user:%3CPASSWORD%3E@git.example.com/d"} {
		ex := exchange("GET", u, "", 302, "text/plain", []byte("ok"), fixedNow)
		ex.Response.Header.Set("Location", u)
		filtered = append(filtered, ex)
	}
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, filtered...)
	if code, stdout, _ := runSync(t, "audit", path); code != 0 {
		t.Errorf("audit = %d:\n%s\nwant 0: placeholders are no secrets", code, stdout)
	}
	real := exchange("GET", "https://user:hunter2@git.example.com/d", "", 200, "text/plain", []byte("ok"), fixedNow)
	real.Request.Header.Set("Authorization", "Bearer 9fQ2xLm0Vb7TzK4wRy1c")
	path = filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, real)
	code, stdout, _ := runSync(t, "audit", path)
	for _, w := range []string{"bearer token in request header Authorization", "password in request URL user information"} {
		if code != exitError || !strings.Contains(stdout, w) {
			t.Errorf("audit = %d:\n%s\nwant 1 and %q", code, stdout, w)
		}
	}
}
