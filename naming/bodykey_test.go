package naming

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Validate refuses the keys of Bodies that select no body: bodyRule looks
// up a request's media type (lower case, without parameters), the
// "+suffix" after its last "+", its "type/*", then "" and "*/*", each
// exactly, so any other key is never the one a request takes. It accepted
// keys with a "*" elsewhere ("application/*+json", "*/json"), suffixes
// holding "+" and empty or non-token types, which then named every
// request of the media types they were meant for with another rule,
// without a word.
func TestValidateRefusesBodyKeysThatSelectNothing(t *testing.T) {
	const forms = `want a media type ("application/json"), a suffix ("+json"), a type ("multipart/*") or "" for any body`
	const star = `a "*" stands only for a whole subtype ("multipart/*") or for any media type ("*/*"): ` + forms
	const suffix = `a suffix is "+" and a word without "+", as "+json", matched against what follows the last "+" of a media type: ` + forms
	const parts = "a media type is a type and a subtype, each a token (letters, digits and !#$%&'+-.^_`|~), around one \"/\": " + forms
	for _, tt := range []struct {
		why, key, want string // want follows `body rule key "KEY": `
	}{
		{"a wildcard before a suffix", "application/*+json", star},
		{"a wildcard type of a subtype", "*/json", star},
		{"a wildcard in a subtype", "application/vnd.*", star},
		{"a wildcard type of any subtype, doubled", "**/*", star},
		{"a wildcard alone", "*", star},
		{"a wildcard suffix", "+*", star},
		{"an empty suffix", "+", suffix},
		{"a suffix of two", "+a+json", suffix},
		{"a suffix with a subtype", "+json/x", suffix},
		{"an empty subtype", "application/", parts},
		{"an empty type", "/json", parts},
		{"two slashes", "application/vnd/json", parts},
		{"two media types", "application/json,text/plain", parts},
		{"a space inside", "application/ json", parts},
		{"a subtype not in ASCII", "text/plaîn", parts},
		{"a subtype without a type, with a suffix", "vnd.api+json", "no media type: " + forms},
		{"a type without a subtype", "json", `want a media type ("application/json"), a suffix ("+json"), a type ("json/*") or "" for any body`},
		{"parameters", "application/json;charset=utf-8", `want a media type in lower case without parameters, like "application/json"`},
		{"upper case", "Application/JSON", `want a media type in lower case without parameters, like "application/json"`},
		{"spaces around", " +json", `want a media type in lower case without parameters, like "+json"`},
	} {
		t.Run(tt.why, func(t *testing.T) {
			for _, rules := range []Rules{
				{Bodies: map[string]BodyRule{tt.key: JSONBody, "application/json": JSONBody}},
				Default().Route("POST /v1/{id}", Rules{Bodies: map[string]BodyRule{tt.key: JSONBody}}),
			} {
				where := ""
				if len(rules.Routes) > 0 {
					where = `route 0 "POST /v1/{id}": `
				}
				want := fmt.Sprintf("%sbody rule key %q: %s", where, tt.key, tt.want)
				if err := rules.Validate(); err == nil || err.Error() != want {
					t.Errorf("Validate(Bodies{%q}) = %v\nwant %s", tt.key, err, want)
				}
			}
		})
	}

	// "" is looked up first: beside it, the rule of "*/*" is never used.
	const both = `body rule keys "" and "*/*" both choose the rule of any other body, and "" is looked up first, so the rule of "*/*" is never used: give one of them`
	for _, bodies := range []map[string]BodyRule{
		{"": JSONBody, "*/*": IgnoreBody},
		{"": nil, "*/*": IgnoreBody},
		{"": IgnoreBody, "*/*": nil},
	} {
		if err := (Rules{Bodies: bodies}).Validate(); err == nil || err.Error() != both {
			t.Errorf("Validate(Bodies with \"\" and \"*/*\") = %v\nwant %s", err, both)
		}
	}
}

// Every form of key that Validate accepts selects the bodies it says: a
// request of such a media type takes its rule (here IgnoreBody, so that
// its name has no "~b").
func TestValidateAcceptsBodyKeysThatSelect(t *testing.T) {
	for _, tt := range []struct {
		key, contentType string // a request of contentType takes the rule of key
	}{
		{"application/json", "application/json; charset=utf-8"},
		{"application/vnd.api+json", "application/vnd.api+json"},
		{"application/x-www-form-urlencoded", "Application/X-WWW-Form-Urlencoded"},
		{"+json", "application/vnd.api+json"},
		{"+xml", "image/svg+xml"},
		{"+json", "application/vnd.a+b+json"},
		{"multipart/*", "multipart/form-data; boundary=x"},
		{"text/*", "TEXT/plain"},
		{"x-my.type/*", "x-my.type/thing"},
		{"", ""},
		{"", "application/octet-stream"},
		{"*/*", ""},
		{"*/*", "application/octet-stream"},
	} {
		rules := Rules{Bodies: map[string]BodyRule{tt.key: IgnoreBody}}
		if err := rules.Validate(); err != nil {
			t.Errorf("Validate(Bodies{%q}) = %v, want nil", tt.key, err)
		}
		req, _ := http.NewRequest("POST", "https://api.example.com/v1/x", nil)
		if tt.contentType != "" {
			req.Header.Set("Content-Type", tt.contentType)
		}
		if name := Name(req, []byte(`{"a":1}`), rules); strings.Contains(name, "~b") {
			t.Errorf("Name(POST with Content-Type %q) under Bodies{%q: IgnoreBody} = %q, want no ~b: the key selects it", tt.contentType, tt.key, name)
		}
	}
	// Both fallbacks, with no rule that one of them would lose.
	if err := (Rules{Bodies: map[string]BodyRule{"": nil, "*/*": nil}}).Validate(); err != nil {
		t.Errorf(`Validate(Bodies{"": nil, "*/*": nil}) = %v, want nil`, err)
	}
}
