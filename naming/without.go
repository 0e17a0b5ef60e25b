package naming

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// FormBodyWithout returns a body rule that compares forms as [FormBody]
// does, leaving out the fields named (decoded names, matched exactly):
// values that change on every run, such as a nonce, a timestamp or
// Stripe's metadata[run_id], which would otherwise give every run a new
// name. A form left without fields is no body. A body that does not parse
// is returned as it is.
func FormBodyWithout(fields ...string) BodyRule {
	fields = slices.Clone(fields)
	return func(contentType string, body []byte) []byte {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return body
		}
		for _, f := range fields {
			form.Del(f)
		}
		return FormBody(contentType, []byte(form.Encode()))
	}
}

// JSONBodyWithout returns a body rule that compares JSON as [JSONBody]
// does, leaving out the object members named, at any depth: a request id,
// a timestamp, a nonce. A member given as a JSON Pointer (RFC 6901: it
// starts with "/") is left out at that place only: "/id" is the top-level
// id of a JSON-RPC call and not params.id, which "id" would leave out too
// (two calls differing only there would then share a cassette); "/params/0"
// is the first element of params. Pointers name places in the body as
// sent, in any order ("/params/0" and "/params/1" leave out the first two
// elements). A pointer to nothing in a body leaves it as it is. A body that is not valid JSON is returned as it is.
func JSONBodyWithout(members ...string) BodyRule {
	var names []string
	var pointers [][]string
	for _, m := range members {
		if strings.HasPrefix(m, "/") {
			pointers = append(pointers, pointerTokens(m))
		} else {
			names = append(names, m)
		}
	}
	return func(contentType string, body []byte) []byte {
		v, ok := decodeJSON(body)
		if !ok {
			return body
		}
		if len(pointers) > 0 {
			// Every pointer is resolved against the body as sent, then
			// what they reach is removed: indexes do not shift meanwhile.
			for _, p := range pointers {
				v = removeAt(v, p)
			}
			v = sweepRemoved(v)
		}
		return appendJSON(make([]byte, 0, len(body)), without(v, names))
	}
}

// without removes the members named from the objects of v, at any depth.
func without(v any, members []string) any {
	if len(members) == 0 {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		for _, m := range members {
			delete(x, m)
		}
		for k, e := range x {
			x[k] = without(e, members)
		}
	case []any:
		for i, e := range x {
			x[i] = without(e, members)
		}
	}
	return v
}

// pointerTokens returns the reference tokens of the JSON Pointer p, which
// starts with "/", unescaped ("~1" is "/", "~0" is "~").
func pointerTokens(p string) []string {
	tokens := strings.Split(p[1:], "/")
	for i, t := range tokens {
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return tokens
}

// removeAt returns v without the value the pointer tokens p lead to: an
// object member, or an array element (the later ones move up), if there is
// one.
func removeAt(v any, p []string) any {
	if len(p) == 0 {
		return v
	}
	t := p[0]
	switch x := v.(type) {
	case map[string]any:
		e, ok := x[t]
		switch {
		case !ok:
		case len(p) == 1:
			delete(x, t)
		default:
			x[t] = removeAt(e, p[1:])
		}
	case []any:
		n, err := strconv.Atoi(t)
		switch {
		case err != nil || n < 0 || n >= len(x) || t != strconv.Itoa(n): // "01", "+1" are no index
		case len(p) == 1:
			x[n] = removed{}
		default:
			x[n] = removeAt(x[n], p[1:])
		}
	}
	return v
}

// removed marks an array element a pointer reached (see removeAt).
type removed struct{}

// sweepRemoved returns v without the array elements marked removed.
func sweepRemoved(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = sweepRemoved(e)
		}
	case []any:
		out := x[:0]
		for _, e := range x {
			if _, ok := e.(removed); !ok {
				out = append(out, sweepRemoved(e))
			}
		}
		return out
	}
	return v
}
