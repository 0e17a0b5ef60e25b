package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// A request's form was scanned by the rule of a response's form, where
// cassette audit reads a request's form by its own (any value of a field
// the recorder redacts in a form, long values of fields named like secret
// or password): a form's consumer_secret, which no rule redacts, or a
// token=abc stored as sent with the default redaction off, was reported
// by audit but stored without the line that says "cassette audit finds
// them". The recorder reads a request's form as audit does now.
func TestRecordingLogsTheSecretFieldsOfARequestFormAsAuditFindsThem(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(api.Close)
	for _, c := range []struct {
		why, body, fields string
		opts              []recorder.Option
	}{
		{why: "a consumer_secret no rule redacts", body: "oauth_consumer_key=ck1&consumer_secret=Zx8Qw2Er5Ty7Ui9Op1As3Df",
			fields: "consumer_secret"},
		{why: "a short token the default redaction, turned off, would redact", body: "token=abc&channel=C1",
			fields: "token", opts: []recorder.Option{recorder.NoDefaultRedaction()}},
		{why: "a pagination token is none", body: "q=cats&next_page_token=CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA0"},
		{why: "a token the default redaction redacted is none", body: "token=abc&channel=C1"},
	} {
		t.Run(c.why, func(t *testing.T) {
			f := &fakeTB{TB: t}
			client := &http.Client{Transport: recorder.NewTransport(f, t.TempDir(), c.opts...)}
			resp, err := client.Post(api.URL+"/api", "application/x-www-form-urlencoded", strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			f.end()
			if len(f.errors) > 0 {
				t.Fatalf("errors: %q", f.errors)
			}
			var lines []string
			for _, l := range f.logs {
				if strings.Contains(l, "secret field") {
					lines = append(lines, l)
				}
			}
			if c.fields == "" {
				if len(lines) > 0 {
					t.Errorf("POST form %q logged %q, want no line on secret fields", c.body, lines)
				}
				return
			}
			if want := "the request body was stored with the secret field(s) " + c.fields + " as sent"; len(lines) != 1 || !strings.Contains(lines[0], want) {
				t.Errorf("POST form %q logged %q, want one line saying %q", c.body, lines, want)
			}
		})
	}
}
