package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cassette-go/cassette/internal/awschunked"
	"github.com/cassette-go/cassette/internal/har"
	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/library"
)

const showAbout = `
Show prints the cassette NAME of the library at PATH for a reader: for each
exchange, the request line, headers and body, then the response status,
headers, trailers and body. JSON bodies are indented; bodies that are not
text (images, compressed bodies, or text with a carriage return that ends
no line) are summarized as "<N bytes, TYPE>" unless -raw, which writes
every body as stored. Text stored compressed in gzip or deflate (as most
APIs answer) is summarized, then shown decoded, when it decodes to 64 MiB
or less (more, a decompression bomb, would fill memory). So is an
upload framed in aws-chunked (X-Amz-Content-Sha256: STREAMING-..., as
minio-go and the AWS SDKs send it): the payload of its chunks, decoded
from gzip when so encoded, without their signatures. A body file that cannot be read (missing, or not a
file) is shown as of unknown size "?"; with -raw it is an error (exit
status 1) that names it, and nothing is written. A method, URL, header name or value that does not
print (a hand-edited value holding a line break or an escape sequence) is
quoted as Go quotes strings: "one\r\nX-B: two" is one value, not two
headers.

"cassette ls PATH" lists the names. An unknown NAME is an error (exit
status 1) that lists the nearest names, in any case, those that hold it
first: a part of a name ("alerts", "v1_users") finds them.
`

const showExample = `
	cassette show testdata/api GET_api.example.com_443_v1_users
	cassette show -raw testdata/api.yaml GET_api.example.com_443_v1_users
`

// runShow runs "cassette show".
func runShow(_ context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette show", "cassette show [-raw] PATH NAME", showAbout, showExample)
	raw := c.fs.Bool("raw", false, "write bodies as stored: no indentation, no summary of binary bodies")
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case len(pos) == 0:
		return c.fail(stderr, "missing PATH and NAME")
	case len(pos) == 1:
		return c.fail(stderr, "missing NAME")
	case len(pos) > 2:
		return c.fail(stderr, "too many arguments %q", pos[2:])
	}
	path, name := pos[0], pos[1]
	lib, err := openExisting(path)
	if err != nil {
		fmt.Fprintf(stderr, "cassette show: %v\n", err)
		return exitError
	}
	names, err := lib.Names()
	if err != nil {
		fmt.Fprintf(stderr, "cassette show: %v\n", err)
		return exitError
	}
	cs, found, err := lib.Get(name)
	if err == nil && !found {
		// A directory library's file name works too.
		for _, n := range names {
			if lib.File(n) == name {
				cs, found, err = lib.Get(n)
				break
			}
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "cassette show: %v\n", err)
		return exitError
	}
	if !found {
		msg := fmt.Sprintf("cassette show: no cassette %q in %s", name, path)
		if near := nearest(name, names, 3); len(near) > 0 {
			msg += "; nearest: " + strings.Join(near, ", ")
		}
		fmt.Fprintln(stderr, msg)
		return exitError
	}
	if *raw {
		// Before anything is written: a body that cannot be read is an
		// error, not a cassette shown without it.
		if err := checkBodyFiles(cs); err != nil {
			fmt.Fprintf(stderr, "cassette show: %v\n", err)
			return exitError
		}
	}
	if err := writeCassette(stdout, cs, *raw); err != nil {
		fmt.Fprintf(stderr, "cassette show: %v (the output is cut short there)\n", err)
		return exitError
	}
	return exitOK
}

// checkBodyFiles returns an error naming the first body file of cs that
// cannot be opened, and saying what to do.
func checkBodyFiles(cs library.Cassette) error {
	for i := range cs.Exchanges {
		r := &cs.Exchanges[i].Response
		if r.BodyFile == "" {
			continue
		}
		rc, _, err := r.OpenBody()
		if err != nil {
			return bodyFileError(cs, i, err)
		}
		rc.Close()
	}
	return nil
}

// bodyFileError says that the body file of exchange i of cs could not be
// read (err, which names it), and what to do.
func bodyFileError(cs library.Cassette, i int, err error) error {
	return fmt.Errorf("cassette %s, exchange %d: %w; restore the body file (from version control), "+
		"or record the cassette again; without -raw, show prints the rest of the cassette", cs.Name, i+1, err)
}

// writeCassette writes cs for a reader (see showAbout). With raw, it stops
// at a body file that cannot be read and returns the error. (An error
// writing to w is [run]'s to report.)
func writeCassette(w io.Writer, cs library.Cassette, raw bool) error {
	fmt.Fprintf(w, "cassette %s: %d exchange(s)\n", cs.Name, len(cs.Exchanges))
	for i, ex := range cs.Exchanges {
		fmt.Fprintf(w, "\n=== exchange %d of %d", i+1, len(cs.Exchanges))
		if !ex.RecordedAt.IsZero() {
			fmt.Fprintf(w, ", recorded %s", ex.RecordedAt.UTC().Format(time.RFC3339))
		}
		if ex.Latency > 0 {
			fmt.Fprintf(w, ", took %s", ex.Latency)
		}
		fmt.Fprint(w, "\n\n")
		fmt.Fprintf(w, "%s %s\n", printable(ex.Request.Method), printable(ex.Request.URL))
		writeHeader(w, ex.Request.Header)
		writeBody(w, ex.Request.Header, ex.Request.Body, raw)

		fmt.Fprintf(w, "\n%d %s\n", ex.Response.StatusCode, http.StatusText(ex.Response.StatusCode))
		writeHeader(w, ex.Response.Header)
		if ex.Response.BodyFile != "" {
			if err := writeBodyFile(w, &ex.Response, raw); err != nil {
				return bodyFileError(cs, i, err)
			}
		} else {
			writeBody(w, ex.Response.Header, ex.Response.Body, raw)
		}
		if n := len(ex.Response.Chunks); n > 0 {
			fmt.Fprintf(w, "(streamed in %d chunk(s), the last at %s)\n", n, ex.Response.Chunks[n-1].At)
		}
		if len(ex.Response.Trailer) > 0 {
			fmt.Fprint(w, "trailers:\n")
			writeHeader(w, ex.Response.Trailer)
		}
	}
	return nil
}

// writeHeader writes h sorted by name, each value on its own line (a name
// or value that does not print is quoted: see [printable]).
func writeHeader(w io.Writer, h http.Header) {
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			fmt.Fprintf(w, "%s: %s\n", printable(k), printable(v))
		}
	}
}

// writeBody writes a blank line and body, if any, for a reader: decoded
// when it is gzip or deflate text, indented when JSON, summarized when not
// text, unless raw.
func writeBody(w io.Writer, h http.Header, body []byte, raw bool) {
	if len(body) == 0 {
		return
	}
	fmt.Fprintln(w)
	ctype := headerValue(h, "Content-Type")
	var out bytes.Buffer // what is shown, which the line break after depends on
	defer func() {
		w.Write(out.Bytes())
		if raw || out.Len() == 0 || out.Bytes()[out.Len()-1] != '\n' {
			fmt.Fprintln(w)
		}
	}()
	enc := headerValue(h, "Content-Encoding")
	summary := func() {
		// Header values, quoted as the header lines quote them when
		// they do not print.
		ct := printable(ctype)
		if ct == "" {
			ct = http.DetectContentType(body)
		}
		if enc != "" {
			ct += ", " + printable(enc)
		}
		fmt.Fprintf(&out, "<%d bytes, %s>", len(body), ct)
	}
	text := body // the text shown: body, or body decoded from enc
	if raw {
		out.Write(body)
		return
	}
	if plain, label, ok := awsChunkedText(h, body); ok {
		// An upload in aws-chunked (minio-go, the AWS SDKs): its summary,
		// then the payload of its chunks, without their signatures.
		enc = label
		summary()
		if len(plain) == 0 {
			out.WriteString(", an empty payload")
			return
		}
		out.WriteString(", shown decoded:\n")
		text = plain
	} else if plain, whole, ok := har.DecodeContentUpTo(enc, body, maxDecoded); ok && whole && isText(plain) && !hasLoneCR(plain) {
		// Text stored compressed (most APIs answer in gzip): its summary,
		// then the text.
		summary()
		out.WriteString(", shown decoded:\n")
		text = plain
	} else if !isText(body) || hasLoneCR(body) || enc != "" {
		summary()
		return
	}
	var pretty bytes.Buffer
	if isJSON(ctype, text) && json.Indent(&pretty, text, "", "  ") == nil {
		text = pretty.Bytes()
	}
	out.Write(text)
}

// awsChunkedText returns the payload of body, a request body whose header
// is h, when h says it is framed in aws-chunked (X-Amz-Content-Sha256:
// STREAMING-...) and it is: the data of its chunks, decoded from the
// Content-Encoding they are in (gzip, deflate) to at most maxDecoded
// bytes, with the Content-Encoding to summarize it by (its fields, joined,
// aws-chunked among them), and true. ok is false for a body that is not
// well framed, holds more than a trailer after its last chunk, whose
// payload does not decode whole, or is not text: it is shown as any other.
func awsChunkedText(h http.Header, body []byte) (plain []byte, label string, ok bool) {
	f := headerkey.NewFields(h)
	if !awschunked.Streaming(f) {
		return nil, "", false
	}
	payload, rest, framed := awschunked.Split(body)
	if !framed || !awschunked.TrailerOnly(rest) {
		return nil, "", false
	}
	plain = payload
	if enc := awschunked.PayloadEncoding(f); enc != "" {
		var whole bool
		if plain, whole, ok = har.DecodeContentUpTo(enc, payload, maxDecoded); !ok || !whole {
			return nil, "", false
		}
	}
	if !isText(plain) || hasLoneCR(plain) {
		return nil, "", false
	}
	label = strings.Join(f.Values("Content-Encoding"), ",")
	if !strings.Contains(strings.ToLower(label), "aws-chunked") {
		label = strings.Join(slices.DeleteFunc([]string{"aws-chunked", label}, func(s string) bool { return s == "" }), ",")
	}
	return plain, label, true
}

// headerValue returns the first value of the header key, in any case.
func headerValue(h http.Header, key string) string {
	if v := h.Get(key); v != "" {
		return v
	}
	for k, vs := range h {
		if strings.EqualFold(k, key) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// isJSON reports whether a body of type ctype is JSON: a type ending in
// "json" (application/json, application/problem+json), or no type and a
// body that is valid JSON.
func isJSON(ctype string, body []byte) bool {
	if mt, _, err := mime.ParseMediaType(ctype); err == nil {
		return strings.HasSuffix(mt, "json")
	}
	return ctype == "" && json.Valid(body)
}

// isText reports whether body is UTF-8 text without control characters
// other than tab, line feed and carriage return.
func isText(body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	for _, r := range string(body) {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

// hasLoneCR reports whether body holds a carriage return that does not
// end a line: it takes a terminal back to the start of the line, where
// what follows hides what it wrote.
func hasLoneCR(body []byte) bool {
	for i, b := range body {
		if b == '\r' && (i+1 == len(body) || body[i+1] != '\n') {
			return true
		}
	}
	return false
}

// nearest returns up to n names closest to name, compared in any case:
// those it is a prefix of or that are a prefix of it first, then those
// that hold it (a part of a name: "alerts", "v1_users"), then the others,
// each by edit distance.
func nearest(name string, names []string, n int) []string {
	type cand struct {
		name       string
		tier, dist int
	}
	q := strings.ToLower(name)
	var cs []cand
	for _, c := range names {
		l := strings.ToLower(c)
		tier := 2
		switch {
		case strings.HasPrefix(l, q) || strings.HasPrefix(q, l):
			tier = 0
		case strings.Contains(l, q):
			tier = 1
		}
		cs = append(cs, cand{c, tier, levenshtein(q, l)})
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.tier != b.tier {
			return a.tier - b.tier
		}
		return a.dist - b.dist
	})
	var out []string
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.name)
	}
	return out
}

// levenshtein returns the edit distance between a and b, in bytes.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// writeBodyFile writes a response body kept in a body file: its size and
// where it is, or with raw the bytes themselves. It returns the error of
// a body file that cannot be opened or read, which names it.
func writeBodyFile(w io.Writer, r *library.Response, raw bool) error {
	if !raw {
		fmt.Fprintf(w, "\n<%s in body file %s>\n", humanSize(bodySize(r)), printable(r.BodyFile))
		return nil
	}
	rc, _, err := r.OpenBody()
	if err != nil {
		return err
	}
	defer rc.Close()
	fmt.Fprintln(w)
	body := &bodyReader{r: rc, file: r.BodyFile}
	io.Copy(w, body) // an error writing is run's to report
	if body.err != nil {
		return body.err
	}
	fmt.Fprintln(w)
	return nil
}

// A bodyReader reads the body file file through r, and keeps the error of
// reading it, which names the file.
type bodyReader struct {
	r    io.Reader
	file string
	err  error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = fmt.Errorf("read body file %s: %w", b.file, err)
		return n, b.err
	}
	return n, err
}
