package secretscan

import (
	"bytes"
	"compress/gzip"
	"slices"
	"strings"
	"testing"
)

// The byte pre-check must let every secret field through: each name
// secretMembers and genericMembers hold has a word of nameWords.
func TestEveryMemberHasANameWord(t *testing.T) {
	for _, set := range []map[string]bool{secretMembers, genericMembers} {
		for k := range set {
			if !mayName([]byte(k)) || !mayName([]byte(strings.ToUpper(k))) {
				t.Errorf("mayName(%q) = false: the pre-check would skip a body whose only secret is %s", k, k)
			}
		}
	}
}

func TestFields(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"access_token":"abc123def456"}`))
	zw.Close()
	for _, c := range []struct {
		why, ct, enc, body string
		want               []string
	}{
		{"an OAuth token response", "application/json", "", `{"access_token":"a1","refresh_token":"r1","id_token":"i1","token_type":"Bearer"}`, []string{"access_token", "id_token", "refresh_token"}},
		{"gzip is decoded", "application/json", "gzip", gz.String(), []string{"access_token"}},
		{"a form", "application/x-www-form-urlencoded", "", "access_token=gho_x1&scope=repo", []string{"access_token"}},
		{"JSON as text/plain", "text/plain; charset=utf-8", "", `{"client_secret":"s1"}`, []string{"client_secret"}},
		{"JSON with no type", "", "", `{"Password":"p1"}`, []string{"Password"}},
		{"nested, twice, once", "application/vnd.api+json", "", `{"a":{"secret":"x1"},"b":[{"secret":"x2"}]}`, []string{"secret"}},
		{"empty, REDACTED and masked values", "application/json", "", `{"access_token":"","refresh_token":"REDACTED","client_secret":"****"}`, nil},
		{"a form's secrets, by whole name", "application/x-www-form-urlencoded", "", "Refresh-Token=r1&client_secret=s1&password=p1&token=tok_9f8e7d6c5b4a3f2e1d", []string{"Refresh-Token", "client_secret", "password", "token"}},
		{"Firebase's auth when shaped like a token, not a scheme's name", "application/json", "", `{"a":{"auth":"basic"},"b":{"auth":"AIzaSyD3kQ9xW2vB7nM4pL8rT1"}}`, []string{"auth"}},
		{"a form's pagination tokens", "application/x-www-form-urlencoded", "", "next_page_token=CiAKGjBpNDd2Nmp2bW1hZGVmZw&pageToken=Q2lBS0dqQnBORGQy&continuation_token=eyJvZmZzZXQiOjUwfQ&key=color", nil},
		{"other tools' placeholders", "application/json", "", `{"access_token":"[FILTERED]","refresh_token":"<REDACTED>","id_token":"[REDACTED]","client_secret":"***FILTERED***","api_key":"<API_KEY>","token":"{{token}}","password":"FILTERED","secret":"redacted","session_token":"xxxx","auth_token":"{{ TOKEN }}","private_key":"(hidden)"}`, nil},
		{"placeholders in a form", "application/x-www-form-urlencoded", "", "access_token=%5BFILTERED%5D&client_secret=%3CCLIENT_SECRET%3E&password=xxxxxxxx", nil},
		{"secrets beside placeholders", "application/json", "", `{"access_token":"[FILTERED]","refresh_token":"1//0gLrT8Zq2wXy","password":"<hunter2>","secret":"[sk9f8e7d6c]"}`, []string{"password", "refresh_token", "secret"}},
		{"JSON after a byte order mark", "application/json; charset=utf-8", "", "\uFEFF" + `{"access_token":"a1"}`, []string{"access_token"}},
		{"an event stream's data", "text/event-stream", "", "event: token\nid: 1\ndata: {\"access_token\":\"a1\"}\n\n: comment\ndata: {\"session\":\ndata: {\"refresh_token\":\"r1\"}}\r\n\r\ndata: [DONE]\n", []string{"access_token", "refresh_token"}},
		{"NDJSON", "application/x-ndjson", "", "{\"id\":1}\n{\"client_secret\":\"s1\"}\r\n{\"password\":\"p1\"}", []string{"client_secret", "password"}},
		{"JSON lines", "application/jsonl", "", "{\"api_key\":\"k1\"}\n", []string{"api_key"}},
		{"a JSON text sequence", "application/json-seq", "", "\x1e{\"id_token\":\"i1\"}\n\x1e{\"secret\":\"s1\"}\n", []string{"id_token", "secret"}},
		{"pagination tokens", "application/json", "", `{"next_page_token":"CiAKGjBpNDd2Nmp2","pageToken":"x"}`, nil},
		{"a generic name with a word", "application/json", "", `{"key":"color","token":"IDENT"}`, nil},
		{"HTML is not scanned", "text/html", "", `{"access_token":"a1"}`, nil},
		{"br is not decoded", "application/json", "br", `{"access_token":"a1"}`, nil},
		{"gzip that is not", "application/json", "gzip", `{"access_token":"a1"}`, nil},
		{"no name word: not decoded", "application/json", "", `{"id":1,"name":"x"}`, nil},
		{"a body over the bound", "application/json", "", `{"access_token":"a1","pad":"` + strings.Repeat("x", MaxFieldsBody) + `"}`, nil},
	} {
		if got := Fields(c.ct, c.enc, []byte(c.body)); !slices.Equal(got, c.want) {
			t.Errorf("%s: Fields(%q, %q, ...) = %q, want %q", c.why, c.ct, c.enc, got, c.want)
		}
	}
}

// BenchmarkFields measures the cost on the recording path of a 1 KiB
// JSON answer that holds no secret (the pre-check), and of a token
// endpoint's answer (decoded).
func BenchmarkFields(b *testing.B) {
	plain := []byte(`{"items":[` + strings.Repeat(`{"id":12345,"name":"octocat","url":"https://api.example.com/u/1"},`, 15) + `{"id":0}]}`)
	token := []byte(`{"access_token":"ya29.a0AfH6SMBx3kQ9","token_type":"Bearer","expires_in":3599,"refresh_token":"1//0gLrT8Zq2wXy"}`)
	b.Run("no-secret-1KiB", func(b *testing.B) {
		b.SetBytes(int64(len(plain)))
		b.ReportAllocs()
		for b.Loop() {
			Fields("application/json", "", plain)
		}
	})
	b.Run("token-response", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Fields("application/json", "", token)
		}
	})
}

func TestPlaceholder(t *testing.T) {
	for _, v := range []string{"", "REDACTED", "****", "[FILTERED]", "<REDACTED>", "[REDACTED]", "***FILTERED***", "<API_KEY>", "{{token}}", "{{ TOKEN }}", "{API_KEY}", "FILTERED", "redacted", "Scrubbed", "(omitted)", "*masked*", "xxxx", "XXXXXXXX"} {
		if !Placeholder(v) {
			t.Errorf("Placeholder(%q) = false, want true", v)
		}
	}
	// Secrets, however written.
	for _, v := range []string{"hunter2", "ya29.a0AfH6SMBx3kQ9", "<hunter2>", "[sk9f8e7d6c]", "(Abc123xyz)", "<api_key>", "xoxb-1234", "filtered1", "{{a b}}", "x1", "x"} {
		if Placeholder(v) {
			t.Errorf("Placeholder(%q) = true, want false", v)
		}
	}
}

// A query parameter (and a request's form field) holding a placeholder is
// no finding.
func TestURLSkipsPlaceholders(t *testing.T) {
	if got := URL("https://api.example.com/v1?access_token=%5BFILTERED%5D&api_key=%3CAPI_KEY%3E&password=xxxx", "request"); len(got) != 0 {
		t.Errorf("URL(...placeholders...) = %+v, want none", got)
	}
	if got := URL("https://api.example.com/v1?access_token=at-1", "request"); len(got) != 1 {
		t.Errorf("URL(...access_token=at-1) = %+v, want one finding", got)
	}
}

// A request's form was scanned by the rule of a query, which took a long
// value of any field holding "token" for a secret: a pagination token
// sent back in a form (next_page_token=...) was reported, though the
// recorder never redacts it and the same in a response's form is not.
// RequestForm reads it as Form does, and keeps what the recorder
// redacts in a request's form, however short, and fields named secret
// or password.
func TestRequestForm(t *testing.T) {
	for _, c := range []struct {
		why, body string
		want      []string
	}{
		{"pagination tokens are none", "next_page_token=CiAKGjBpNDd2Nmp2bW1hZGVmZw&pageToken=Q2lBS0dqQnBORGQy&sync_token=c3luY190b2tlbl92YWx1ZQ", nil},
		{"the fields the recorder redacts, however short", "token=abc&key=k1&password=hunter2&access_token=a1&client_secret=s1", []string{"token", "key", "password", "access_token", "client_secret"}},
		{"the members of Form", "secret_id=6a174c20f6dea53c&client_token=c1", []string{"secret_id", "client_token"}},
		{"fields named secret or password, long values", "consumer_secret=9f8e7d6c5b4a3f2e1d0c&new_password=Tr0ub4dor3xK9mQ2z&app_secret=short", []string{"consumer_secret", "new_password"}},
		{"a number in appid, placeholders and a signing time", "appid=440&password=REDACTED&token=[FILTERED]&X-Amz-Date=20260101T000000Z", nil},
	} {
		var got []string
		for _, f := range RequestForm([]byte(c.body)) {
			got = append(got, f.Name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: RequestForm(%q) names %q, want %q", c.why, c.body, got, c.want)
		}
	}
}

// Another tool's placeholder in a URL's user information was reported
// as a password or a token (only REDACTED was none), and one written
// there unescaped, which does not parse, hid any real password beside
// it. A placeholder is no finding there now, and a URL that does not
// parse is read as the recorder redacts it.
func TestURLUserInformation(t *testing.T) {
	for _, c := range []struct {
		url  string
		want []string // the secrets found
	}{
		{"https://[FILTERED]@host/x", nil},
		{"https://%5BFILTERED%5D@host/x", nil},
		{"https://user:<PASSWORD>@host/x", nil},
		{"https://user:%3CPASSWORD%3E@host/x", nil},
		{"https://%7B%7Btoken%7D%7D@host/", nil},
		{"https://user:xxxx@host/", nil},
		{"https://user:REDACTED@host/", nil},
		{"https://REDACTED:@host/", nil},
		{"https://user:hunter2@host/", []string{"hunter2"}},
		{"https://tok_9f8e7d6c@host/", []string{"tok_9f8e7d6c"}},
		{"https://user:pa{ss<word@host/x?q=1", []string{"pa{ss<word"}}, // does not parse
		{"https://[FILTERED]:s3cr3t@host/x", []string{"s3cr3t"}},
	} {
		var got []string
		for _, f := range URL(c.url, "request") {
			got = append(got, f.Secret)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("URL(%q) found %q, want %q", c.url, got, c.want)
		}
	}
}

// A JSON text sequence (RFC 7464) printed indented holds a record over
// several lines: it was split by line, no line was JSON, and its secret
// members went unfound. Its records are split by RS now.
func TestStreamReadsJSONSeqRecords(t *testing.T) {
	body := "\x1e{\n  \"access_token\": \"at-9f8e7d6c5b4a\",\n  \"n\": 1\n}\n\x1e{\"client_secret\":\"s3cr3tValue42\"}\n"
	var got []string
	for _, f := range Stream("application/json-seq", []byte(body)) {
		got = append(got, f.Name)
	}
	if want := []string{"access_token", "client_secret"}; !slices.Equal(got, want) {
		t.Errorf("Stream(json-seq, indented records) names %q, want %q", got, want)
	}
	if got := Fields("application/json-seq; charset=utf-8", "", []byte(body)); !slices.Equal(got, []string{"access_token", "client_secret"}) {
		t.Errorf("Fields(json-seq, indented records) = %q, want access_token and client_secret", got)
	}
	// Without RS, a body labelled json-seq is still read by line, as NDJSON.
	if got := Stream("application/json-seq", []byte("{\"password\":\"hunter2\"}\n{\"id\":1}\n")); len(got) != 1 {
		t.Errorf("Stream(json-seq without RS) = %+v, want the password", got)
	}
	// NDJSON is still read by line.
	if got := Stream("application/x-ndjson", []byte("{\"password\":\"hunter2\"}\n{\"id\":1}\n")); len(got) != 1 {
		t.Errorf("Stream(NDJSON) = %+v, want the password", got)
	}
}

// A json-seq body that mixes NDJSON lines with RS records (lines before
// the first RS, or after a record's text) was read record by record, and
// a record of several JSON lines is no JSON text: the secrets of its
// lines, found when the body was read by line, went unfound. Such a
// record is read by line again; a record that is JSON whole is read whole.
func TestStreamReadsJSONSeqMixedWithLines(t *testing.T) {
	for _, c := range []struct {
		why, body string
		want      []string
	}{
		{"lines before the first RS", "{\"password\":\"hunter1\"}\n{\"access_token\":\"at-9f8e7d6c5b4a\"}\n\x1e{\n \"client_secret\": \"s3cr3tValue42\"\n}\n",
			[]string{"password", "access_token", "client_secret"}},
		{"lines after a record's text", "\x1e{\"password\":\"hunter1\"}\n{\"access_token\":\"at-9f8e7d6c5b4a\"}\n",
			[]string{"password", "access_token"}},
		{"an indented record alone", "\x1e{\n \"password\": \"hunter1\"\n}\n", []string{"password"}},
		{"RS and no record", "\x1e\x1e\n\x1e", nil},
		{"a truncated record", "\x1e{\"id\":1}\n\x1e{\"password\": \"hun", nil},
	} {
		var got []string
		for _, f := range Stream("application/json-seq", []byte(c.body)) {
			got = append(got, f.Name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: Stream(json-seq, %q) names %q, want %q", c.why, c.body, got, c.want)
		}
	}
}

// RequestFields reads a request's form as cassette audit does (see
// RequestForm), where Fields reads it as a response's: a consumer_secret
// and a token=abc that no rule redacted are named, a pagination token and
// a REDACTED field are not; other bodies are read as Fields reads them.
func TestRequestFieldsReadsAFormAsAuditDoes(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	for _, c := range []struct {
		ct, body string
		want     []string
	}{
		{form, "consumer_secret=Zx8Qw2Er5Ty7Ui9Op1As3Df&token=abc&password=REDACTED&next_page_token=CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA0", []string{"consumer_secret", "token"}},
		{form, "appid=12345&q=cats", nil},
		{"application/json", `{"password":"hunter2","token":"abc"}`, []string{"password"}},
	} {
		if got := RequestFields(c.ct, "", []byte(c.body)); !slices.Equal(got, c.want) {
			t.Errorf("RequestFields(%q, %q) = %q, want %q", c.ct, c.body, got, c.want)
		}
	}
}
