package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/naming"
)

// namingAbout explains the naming flags, in the help of serve, record and
// import.
const namingAbout = `
Naming rules say which parts of a request tell cassettes apart, as
naming.Rules does for replayserver.Naming and recorder.Naming in Go. Record
(or import) and replay must use the same rules: give serve those the
library was recorded or imported with, or the requests they concern are
misses. By default no header counts, every query parameter does, and a
body counts byte for byte.

-header NAME makes a request header significant (Headers in naming.Rules),
in any case; -ignore-query KEY leaves a query parameter out of names
(IgnoreQuery), matched exactly against the decoded key. Both are
repeatable and take comma-separated lists (-header X-Tenant,Accept).

-body TYPE=RULE gives the body rule for the requests of a media type
(Bodies), repeatable. TYPE, in any case, is a media type without
parameters (application/json), a structured syntax suffix (+json, for
application/vnd.api+json), a whole type (multipart/*), or */* (or "")
for any other body, a request without Content-Type included: the keys of
Bodies that naming.Rules.Validate accepts, so that a "*" stands only for
a whole subtype or for */*. A request takes the rule of its media type,
else of its suffix, else of its type, else of */*. RULE is one of:

	exact                  the body byte for byte (the default)
	json                   canonical JSON: key order and whitespace ignored
	form                   a URL-encoded form, its fields in sorted order
	multipart              a multipart form, part by part, any boundary
	ignore                 the body does not count
	json-without:M,...     json without the members M: a JSON Pointer
	                       (/id, /params/0) leaves out that place only, a
	                       bare name (timestamp) that member at any depth
	                       (naming.JSONBodyWithout)
	form-without:F,...     form without the fields F (naming.FormBodyWithout)

-rules FILE reads rules from a JSON file: the fields of naming.Rules and
naming.Route in lower camel case (headers, ignoreQuery, bodies, routes;
pattern, rules), body rules as RULE above:

	{
	  "headers": ["X-Tenant"],
	  "ignoreQuery": ["_"],
	  "bodies": {"application/json": "json", "multipart/*": "multipart"},
	  "routes": [
	    {"pattern": "POST /v1/search", "rules": {"bodies": {"*/*": "ignore"}}},
	    {"pattern": "POST /rpc", "rules": {"bodies": {"+json": "json-without:/id"}}}
	  ]
	}

A route's pattern is written as for http.ServeMux, without a host
("POST /v1/items/{id}", "/v1/files/{path...}", "/v1/" for a subtree), and
matches the path the API gets (for serve and record, with the path of
-upstream before it; for import, the path of the recorded URL); the
first route that matches a request gives its rules, used whole instead of
the top-level ones (a route naming no header has none). A body rule may
also be {"jsonWithout": [...]} or {"formWithout": [...]}, for members
whose names hold a comma. An unknown or repeated field, or a key of
bodies given twice ("" and */* are one key, as naming.Rules reads them:
the rule of any other body), is an error naming the file, line and
column.
-header, -ignore-query and -body add to the top-level rules of the file,
not to its routes; a media type given a rule in both is an error. Bad
rules are usage errors (exit status 2).
`

// A rulesSpec is naming rules as the command line gives them: what
// naming.Rules holds, with the body rules as words, so that they can be
// shown.
type rulesSpec struct {
	headers     []string
	ignoreQuery []string
	bodies      []bodySpec // keys unique, in the order given
	routes      []routeSpec
}

// A bodySpec is a body rule for the media type key (a key of
// naming.Rules.Bodies, in lower case).
type bodySpec struct {
	key  string
	rule bodyRule
}

// A routeSpec is a route: its pattern and its rules, which hold no routes.
type routeSpec struct {
	pattern string
	rules   rulesSpec
}

// A bodyRule is a body rule given by name.
type bodyRule struct {
	word    string   // "json", "json-without"
	members []string // of json-without and form-without
	fn      naming.BodyRule
}

func (b bodyRule) String() string {
	if len(b.members) == 0 {
		return b.word
	}
	return b.word + ":" + shownNames(b.members, ",")
}

// bodyRuleWords lists the body rules, for errors.
const bodyRuleWords = "exact, json, form, multipart, ignore, json-without:MEMBER,... or form-without:FIELD,..."

// parseBodyRule returns the body rule that s names, a RULE of -body: a
// word, in any case, and for json-without and form-without a
// comma-separated list after ":".
func parseBodyRule(s string) (bodyRule, error) {
	word, arg, hasArg := strings.Cut(strings.TrimSpace(s), ":")
	word = strings.ToLower(strings.TrimSpace(word))
	var fn naming.BodyRule
	switch word {
	case "exact":
		fn = naming.ExactBody
	case "json":
		fn = naming.JSONBody
	case "form":
		fn = naming.FormBody
	case "multipart":
		fn = naming.MultipartBody
	case "ignore":
		fn = naming.IgnoreBody
	case "json-without", "form-without":
		members := splitList(arg)
		if len(members) == 0 {
			return bodyRule{}, fmt.Errorf("%s needs what to leave out after \":\": %s", word, withoutExample(word))
		}
		return newWithout(word, members)
	case "":
		return bodyRule{}, fmt.Errorf("no rule: want %s", bodyRuleWords)
	default:
		return bodyRule{}, fmt.Errorf("unknown body rule %q: want %s", strings.TrimSpace(s), bodyRuleWords)
	}
	if hasArg {
		hint := ""
		if word == "json" || word == "form" {
			hint = fmt.Sprintf(" (to leave members out: %s)", withoutExample(word+"-without"))
		}
		return bodyRule{}, fmt.Errorf("body rule %s takes nothing after \":\"%s", word, hint)
	}
	return bodyRule{word: word, fn: fn}, nil
}

// withoutExample returns an example of the rule json-without or
// form-without.
func withoutExample(word string) string {
	if word == "json-without" {
		return "json-without:/id,timestamp"
	}
	return "form-without:nonce,timestamp"
}

// newWithout returns the rule json-without or form-without (word) leaving
// out members, or an error saying which member cannot be.
func newWithout(word string, members []string) (bodyRule, error) {
	for _, m := range members {
		if m == "" {
			return bodyRule{}, fmt.Errorf("%s: an empty name: %s", word, withoutExample(word))
		}
		if word == "json-without" && strings.HasPrefix(m, "/") {
			if err := checkPointer(m); err != nil {
				return bodyRule{}, fmt.Errorf("%s: %w", word, err)
			}
		}
	}
	members = slices.Clone(members)
	if word == "json-without" {
		return bodyRule{word: word, members: members, fn: naming.JSONBodyWithout(members...)}, nil
	}
	return bodyRule{word: word, members: members, fn: naming.FormBodyWithout(members...)}, nil
}

// checkPointer returns an error when p, which starts with "/", is not a
// JSON Pointer (RFC 6901): a "~" not followed by 0 or 1.
func checkPointer(p string) error {
	for i := 0; i < len(p); i++ {
		if p[i] == '~' && (i+1 == len(p) || p[i+1] != '0' && p[i+1] != '1') {
			return fmt.Errorf("JSON Pointer %q: a \"~\" must be followed by 0 or 1 (~0 stands for \"~\", ~1 for \"/\")", p)
		}
	}
	return nil
}

// bodyKey returns the key of naming.Rules.Bodies that s, the TYPE of -body
// or a key of "bodies" in a rules file, gives: s in lower case and without
// the spaces around it, as media types are read, and "*/*" for "" (both
// stand for any other body: one key, so that one rule is given them).
// Which keys select bodies is naming.Rules.Validate's to say: the error
// is its reason, and the forms it accepts.
func bodyKey(s string) (string, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexByte(k, ';'); i >= 0 {
		// Validate refuses it too, but asks for lower case, which the
		// command line does not need.
		return "", fmt.Errorf("media type %q: parameters do not choose a rule: give %q", s, strings.TrimSpace(k[:i]))
	}
	if k == "" {
		k = "*/*"
	}
	if err := (naming.Rules{Bodies: map[string]naming.BodyRule{k: nil}}).Validate(); err != nil {
		return "", fmt.Errorf("media type %q: %s", s, strings.TrimPrefix(err.Error(), fmt.Sprintf("body rule key %q: ", k)))
	}
	return k, nil
}

// checkHeaderName returns an error when s is no header name, as
// naming.Rules.Validate says it.
func checkHeaderName(s string) error {
	return naming.Rules{Headers: []string{s}}.Validate()
}

// naming returns the naming.Rules that s gives.
func (s rulesSpec) naming() naming.Rules {
	r := naming.Rules{Headers: s.headers, IgnoreQuery: s.ignoreQuery}
	if len(s.bodies) > 0 {
		r.Bodies = make(map[string]naming.BodyRule, len(s.bodies))
		for _, b := range s.bodies {
			r.Bodies[b.key] = b.rule.fn
		}
	}
	for _, rt := range s.routes {
		r.Routes = append(r.Routes, naming.Route{Pattern: rt.pattern, Rules: rt.rules.naming()})
	}
	return r
}

// isDefault reports whether s gives the default rules.
func (s rulesSpec) isDefault() bool {
	return len(s.headers) == 0 && len(s.ignoreQuery) == 0 && len(s.bodies) == 0 && len(s.routes) == 0
}

// String returns s on one line: "headers X-Tenant; bodies
// application/json=json; routes "POST /v1/search"", a name that would
// not read back as one quoted (see shownName).
func (s rulesSpec) String() string {
	var parts []string
	if len(s.headers) > 0 {
		parts = append(parts, "headers "+shownNames(s.headers, ", "))
	}
	if len(s.ignoreQuery) > 0 {
		parts = append(parts, "ignoreQuery "+shownNames(s.ignoreQuery, ", "))
	}
	if len(s.bodies) > 0 {
		var bs []string
		for _, b := range s.bodies {
			bs = append(bs, b.key+"="+b.rule.String())
		}
		parts = append(parts, "bodies "+strings.Join(bs, ", "))
	}
	if len(s.routes) > 0 {
		var ps []string
		for _, rt := range s.routes {
			ps = append(ps, fmt.Sprintf("%q", rt.pattern))
		}
		parts = append(parts, "routes "+strings.Join(ps, ", "))
	}
	if len(parts) == 0 {
		return "default"
	}
	return printable(strings.Join(parts, "; "))
}

// namingFlags are the flags of serve, record and import that set the naming
// rules: -rules, -header, -ignore-query and -body.
type namingFlags struct {
	file        string     // -rules
	headers     []string   // -header, each
	ignoreQuery []string   // -ignore-query, each
	bodies      []bodySpec // -body, keys unique
	bodyArgs    []string   // -body, each as given, for errors
}

// addNamingFlags defines the naming flags in fs.
func addNamingFlags(fs *flag.FlagSet) *namingFlags {
	f := new(namingFlags)
	fs.Func("rules", "read naming rules from a JSON `FILE` (headers, ignoreQuery, bodies, routes; see above); -header, -ignore-query and -body add to its top-level rules", func(s string) error {
		switch {
		case f.file != "":
			return fmt.Errorf("-rules %s given already: give one rules file", f.file)
		case s == "":
			return errors.New("want a file")
		}
		f.file = s
		return nil
	})
	fs.Func("header", "a significant request header `NAME`, in any case: its values tell cassettes apart; repeatable, or comma-separated (X-Tenant,Accept)", func(s string) error {
		names := splitList(s)
		if len(names) == 0 {
			return errors.New("want a header name such as X-Tenant")
		}
		for _, n := range names {
			if err := checkHeaderName(n); err != nil {
				return err
			}
		}
		f.headers = append(f.headers, names...)
		return nil
	})
	fs.Func("ignore-query", "a query parameter `KEY` left out of names (a cache buster, a timestamp), matched exactly against the decoded key; repeatable, or comma-separated", func(s string) error {
		keys := splitList(s)
		if len(keys) == 0 {
			return errors.New("want a query parameter key such as _ or timestamp")
		}
		f.ignoreQuery = append(f.ignoreQuery, keys...)
		return nil
	})
	fs.Func("body", "the body rule for a media type, `TYPE=RULE` (application/json=json, multipart/*=multipart, */*=ignore); RULE is "+bodyRuleWords+" (see above); repeatable, one rule per TYPE", func(s string) error {
		typ, rule, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("want TYPE=RULE, such as application/json=json; RULE is %s", bodyRuleWords)
		}
		key, err := bodyKey(typ)
		if err != nil {
			return err
		}
		r, err := parseBodyRule(rule)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(f.bodies, func(b bodySpec) bool { return b.key == key }); i >= 0 {
			return fmt.Errorf("%s has a rule already (%s): give one rule per media type", showKey(key), f.bodies[i].rule)
		}
		f.bodies = append(f.bodies, bodySpec{key: key, rule: r})
		f.bodyArgs = append(f.bodyArgs, s)
		return nil
	})
	return f
}

// showKey returns the key k of Bodies as an error that says k has a rule
// already shows it: "*/*" says that "" is the same key (see bodyKey), so
// that a user who wrote one is told why the other counts.
func showKey(k string) string {
	if k == "*/*" {
		return `*/* (or "", the same key)`
	}
	return k
}

// rules returns the naming rules the flags give: those of the -rules
// file, if any, with the other flags added to its top level. The error
// says what is wrong, and where in the file.
func (f *namingFlags) rules() (rulesSpec, error) {
	var s rulesSpec
	if f.file != "" {
		var err error
		if s, err = readRulesFile(f.file); err != nil {
			return rulesSpec{}, fmt.Errorf("-rules %w", err)
		}
	}
	for _, h := range f.headers {
		if !slices.ContainsFunc(s.headers, func(o string) bool { return strings.EqualFold(o, h) }) {
			s.headers = append(s.headers, h)
		}
	}
	for _, k := range f.ignoreQuery {
		if !slices.Contains(s.ignoreQuery, k) {
			s.ignoreQuery = append(s.ignoreQuery, k)
		}
	}
	for j, b := range f.bodies {
		if i := slices.IndexFunc(s.bodies, func(o bodySpec) bool { return o.key == b.key }); i >= 0 {
			// The flag as given ("=ignore", "Application/JSON=form"),
			// the key as read.
			return rulesSpec{}, fmt.Errorf("-body %s: %s gives %s the rule %s already: give it in one place", printable(f.bodyArgs[j]), f.file, showKey(b.key), s.bodies[i].rule)
		}
		s.bodies = append(s.bodies, b)
	}
	if err := s.naming().Validate(); err != nil { // checked above: a safety net
		return rulesSpec{}, fmt.Errorf("naming rules: %w", err)
	}
	return s, nil
}

// significantWarning returns the warning of record and import that the
// significant header name is redacted (see redact.SignificantWarning),
// with the flag that keeps its value.
func significantWarning(name string) string {
	return redact.SignificantWarning(name) + ", or keep its value with -no-redact"
}

// noDefaultRedaction is the option that the replay server's warning of a
// significant header it redacts names (see significantWarning), which
// serve calls -no-redact.
const noDefaultRedaction = "NoDefaultRedaction"
