package secretscan

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/cassette-go/cassette/internal/har"
)

// MaxFieldsBody is the largest body, as stored and decoded, that [Fields]
// scans: a token endpoint's answer is small, and a larger body is left to
// cassette audit, off the recording path.
const MaxFieldsBody = 1 << 20

// Fields returns the names, sorted and each once, of the secret fields
// that a body of the given Content-Type and Content-Encoding holds with a
// value: the secret members of a JSON body, at any depth (see [JSON]), of
// each event's data in an event stream (text/event-stream), of each
// line of NDJSON (application/x-ndjson, application/jsonl, ...) and of
// each record of a JSON text sequence (application/json-seq, see
// [Stream]), or the secret fields of a form
// (application/x-www-form-urlencoded, found by the same rule, see [Form]:
// a pagination token is none), with a value that is no placeholder
// (empty, "REDACTED", masked "********", "[FILTERED]", "<API_KEY>": see
// [Placeholder]). It is what cassette audit reports of such a body, but
// for secrets found by their shape alone, and never returns the values.
// It is meant for the recording path, so it is cheap for the bodies that
// hold none: it scans only form bodies, event streams, JSON lines and
// those that may be JSON (a JSON type, text/plain, or none), of at most
// [MaxFieldsBody] bytes as stored and decoded (gzip or deflate, when the
// encoding says so; a body in another encoding is not scanned), and only
// those whose bytes hold a word of a secret's name (token, key, secret,
// sig, pass, ...) are decoded as JSON or as a form.
func Fields(contentType, contentEncoding string, body []byte) []string {
	return fields(contentType, contentEncoding, body, Form)
}

// RequestFields returns the secret fields of a request body, as [Fields]
// returns those of a response body, but for a form, whose fields it finds
// as cassette audit finds a request's (see [RequestForm]): also any value
// but a placeholder of a field the recorder redacts in a form (token=abc,
// stored as sent with the default redaction turned off), and long values
// of fields named like secret or password (consumer_secret, new_password),
// which no redaction rule names.
func RequestFields(contentType, contentEncoding string, body []byte) []string {
	return fields(contentType, contentEncoding, body, RequestForm)
}

// fields is [Fields], finding the secret fields of a form with form.
func fields(contentType, contentEncoding string, body []byte, form func([]byte) []Finding) []string {
	if len(body) == 0 || len(body) > MaxFieldsBody {
		return nil
	}
	kind, ok := scannedType(contentType)
	if !ok {
		return nil
	}
	if strings.TrimSpace(contentEncoding) != "" && !strings.EqualFold(strings.TrimSpace(contentEncoding), "identity") {
		plain, whole, ok := har.DecodeContentUpTo(contentEncoding, body, MaxFieldsBody)
		if !ok || !whole {
			return nil
		}
		body = plain
	}
	if !mayName(body) {
		return nil
	}
	var names []string
	addJSON := func(b []byte) {
		for _, f := range JSON(b) {
			names = append(names, f.Name)
		}
	}
	switch kind {
	case formBody:
		for _, f := range form(body) {
			names = append(names, f.Name)
		}
		addJSON(body)
	case eventStream, jsonLines:
		for _, f := range Stream(contentType, body) {
			names = append(names, f.Name)
		}
	default:
		addJSON(body)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// The kinds of body Fields scans.
const (
	jsonBody    = iota
	formBody    // application/x-www-form-urlencoded
	eventStream // text/event-stream: JSON in data fields
	jsonLines   // NDJSON, JSON Lines, JSON text sequences: JSON on each line (in each record for json-seq)
)

// scannedType reports whether Fields scans a body of Content-Type ct, and
// as what kind of body.
func scannedType(ct string) (kind int, ok bool) {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	switch {
	case mt == "":
		return jsonBody, true
	case strings.EqualFold(mt, "application/x-www-form-urlencoded"):
		return formBody, true
	case strings.EqualFold(mt, "text/event-stream"):
		return eventStream, true
	case slices.ContainsFunc(jsonLinesTypes, func(t string) bool { return strings.EqualFold(mt, t) }):
		return jsonLines, true
	case strings.EqualFold(mt, "text/plain"), hasSuffixFold(mt, "/json"), hasSuffixFold(mt, "+json"):
		return jsonBody, true
	}
	return 0, false
}

// jsonLinesTypes are the types of bodies that hold a JSON value on each
// line, or, for json-seq, in each record, which starts with an RS byte
// and may span lines.
var jsonLinesTypes = []string{"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines", "application/json-seq"}

// Stream returns the secret members (see [JSON]) of the JSON values a
// body of Content-Type contentType holds one after another: the data of
// each event of an event stream (text/event-stream, data fields joined by
// line breaks), each line of NDJSON or JSON Lines (application/x-ndjson,
// application/jsonl, ...), each record of a JSON text sequence
// (application/json-seq: what follows each RS byte, over as many lines
// as it takes; a body of that type without RS, and a record that is no
// JSON text whole, lines of NDJSON in it, are read by line).
// It returns nil for a body of another type.
func Stream(contentType string, body []byte) []Finding {
	var out []Finding
	switch kind, _ := scannedType(contentType); kind {
	case eventStream:
		events(body, func(b []byte) { out = append(out, JSON(b)...) })
	case jsonLines:
		if jsonSeq(contentType) && bytes.IndexByte(body, 0x1E) >= 0 {
			// RFC 7464: each record starts with RS, and its JSON text
			// may span lines (printed indented). A record that is no
			// JSON text whole (NDJSON lines before the first RS, or
			// after a record's text) is read by line, as it was before.
			for rec := range bytes.SplitSeq(body, []byte{0x1E}) {
				if json.Valid(bytes.TrimPrefix(rec, []byte("\uFEFF"))) {
					out = append(out, JSON(rec)...)
				} else {
					out = append(out, lines(rec)...)
				}
			}
			break
		}
		out = append(out, lines(body)...)
	}
	return out
}

// lines returns the secret members (see [JSON]) of each line of b that
// is JSON, RS bytes taken for line breaks.
func lines(b []byte) []Finding {
	var out []Finding
	for line := range bytes.FieldsFuncSeq(b, func(r rune) bool { return r == '\n' || r == '\r' || r == 0x1E }) {
		out = append(out, JSON(line)...)
	}
	return out
}

// jsonSeq reports whether ct is that of a JSON text sequence
// (application/json-seq, RFC 7464).
func jsonSeq(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/json-seq")
}

// events calls f with the data of each event of the event stream b: its
// data fields' values, joined by line breaks.
func events(b []byte, f func([]byte)) {
	var data []byte
	for line := range bytes.Lines(b) {
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			if len(data) > 0 {
				f(data)
				data = data[:0]
			}
			continue
		}
		v, ok := bytes.CutPrefix(line, []byte("data:"))
		if !ok {
			continue
		}
		v = bytes.TrimPrefix(v, []byte(" "))
		if len(data) > 0 {
			data = append(data, '\n')
		}
		data = append(data, v...)
	}
	if len(data) > 0 {
		f(data)
	}
}

// hasSuffixFold reports whether s ends with suffix, in any ASCII case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// nameWords are words of which each secret member name (see
// secretMembers and genericMembers) holds one, in lower case: a body
// that holds none, in any case, has no secret field.
var nameWords = []string{"token", "key", "secret", "sig", "passw", "assertion", "verifier", "credential", "appid", "auth"}

// wordsAt lists, for each byte in either case, the words of nameWords
// that start with it.
var wordsAt = func() (t [256][]string) {
	for _, w := range nameWords {
		t[w[0]] = append(t[w[0]], w)
		t[w[0]-'a'+'A'] = append(t[w[0]-'a'+'A'], w)
	}
	return t
}()

// mayName reports whether b holds a word of nameWords, in any case: the
// cheap test before b is decoded. It does not allocate.
func mayName(b []byte) bool {
	for i, c := range b {
		for _, w := range wordsAt[c] {
			if len(b)-i >= len(w) && equalFoldLower(b[i+1:i+len(w)], w[1:]) {
				return true
			}
		}
	}
	return false
}

// equalFoldLower reports whether b is lower, a lower-case ASCII word, in
// any ASCII case.
func equalFoldLower(b []byte, lower string) bool {
	for i := range len(lower) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
