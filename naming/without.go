package naming

import (
	"net/url"
	"slices"
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
// a timestamp, a nonce. A body that is not valid JSON is returned as it
// is.
func JSONBodyWithout(members ...string) BodyRule {
	members = slices.Clone(members)
	return func(contentType string, body []byte) []byte {
		v, ok := decodeJSON(body)
		if !ok {
			return body
		}
		return appendJSON(make([]byte, 0, len(body)), without(v, members))
	}
}

// without removes the members named from the objects of v, at any depth.
func without(v any, members []string) any {
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
