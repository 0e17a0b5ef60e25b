package library

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The wire types are the schema: what is encoded to and decoded from JSON
// and YAML (see the package documentation, "File format"). They hold
// strings where the model holds bytes, durations and times, and are
// converted by toWire and fromWire, which also validate.

// wireFile is a single-file library.
type wireFile struct {
	Version   wireInt       `json:"version" yaml:"version"`
	Cassettes wireCassettes `json:"cassettes" yaml:"cassettes"`
}

// wireCassetteFile is one file of a directory library; the file name is the
// cassette name.
type wireCassetteFile struct {
	Version   wireInt       `json:"version" yaml:"version"`
	Exchanges wireExchanges `json:"exchanges" yaml:"exchanges"`
}

type wireCassette struct {
	Name      string        `json:"name" yaml:"name"`
	Exchanges wireExchanges `json:"exchanges" yaml:"exchanges"`
}

type wireExchange struct {
	Request    wireRequest  `json:"request" yaml:"request"`
	Response   wireResponse `json:"response" yaml:"response"`
	Latency    string       `json:"latency,omitempty" yaml:"latency,omitempty"`
	RecordedAt string       `json:"recorded_at,omitempty" yaml:"recorded_at,omitempty"`
}

type wireRequest struct {
	Method       string      `json:"method" yaml:"method"`
	URL          string      `json:"url" yaml:"url"`
	Headers      wireHeaders `json:"headers,omitempty" yaml:"headers,omitempty"`
	BodyEncoding string      `json:"body_encoding,omitempty" yaml:"body_encoding,omitempty"`
	Body         string      `json:"body,omitempty" yaml:"body,omitempty"`
}

type wireResponse struct {
	Status       wireInt     `json:"status" yaml:"status"`
	Headers      wireHeaders `json:"headers,omitempty" yaml:"headers,omitempty"`
	BodyEncoding string      `json:"body_encoding,omitempty" yaml:"body_encoding,omitempty"`
	Body         string      `json:"body,omitempty" yaml:"body,omitempty"`
	BodyFile     string      `json:"body_file,omitempty" yaml:"body_file,omitempty"`
	Trailers     wireHeaders `json:"trailers,omitempty" yaml:"trailers,omitempty"`
	Chunks       wireChunks  `json:"chunks,omitempty" yaml:"chunks,omitempty"`
}

// encodingBase64 is the body_encoding of a body stored in base64.
const encodingBase64 = "base64"

// toWireExchange converts ex for encoding. ex must have passed
// checkExchange.
func toWireExchange(ex *Exchange) wireExchange {
	w := wireExchange{
		Request: wireRequest{
			Method:  validString(ex.Request.Method),
			URL:     validString(ex.Request.URL),
			Headers: toWireHeader(ex.Request.Header),
		},
		Response: wireResponse{
			Status:   wireInt(ex.Response.StatusCode),
			Headers:  toWireHeader(ex.Response.Header),
			Trailers: toWireHeader(ex.Response.Trailer),
			Chunks:   toWireChunks(ex.Response.Chunks),
		},
	}
	w.Request.Body, w.Request.BodyEncoding = toWireBody(ex.Request.Body)
	w.Response.Body, w.Response.BodyEncoding = toWireBody(ex.Response.Body)
	// A body file is written as the library saving it made it: relative
	// to the folder of the cassette file (see Library.relBodies).
	w.Response.BodyFile = validString(ex.Response.BodyFile)
	if ex.Latency != 0 {
		w.Latency = ex.Latency.String()
	}
	if !ex.RecordedAt.IsZero() {
		w.RecordedAt = ex.RecordedAt.UTC().Format(time.RFC3339Nano)
	}
	return w
}

// toWireBody returns b as stored: itself if it is UTF-8 text, else its
// base64 encoding and the encoding's name.
func toWireBody(b []byte) (body, encoding string) {
	if utf8.Valid(b) {
		return string(b), ""
	}
	return base64.StdEncoding.EncodeToString(b), encodingBase64
}

// toWireHeader returns h with names and values made valid UTF-8 (see
// validHeader).
func toWireHeader(h http.Header) map[string][]string {
	if len(h) == 0 {
		return nil
	}
	return validHeader(h)
}

// validHeader returns h with its names and values made valid UTF-8 (see
// validString): h itself when they are, else a new header, h being left
// as it is. Names that become one have their values merged: first those
// of the name that was valid, then the others' in the byte order of their
// names, so that a header is read, and written, the same every time. A
// name without values keeps a nil list.
func validHeader(h map[string][]string) map[string][]string {
	if headerValid(h) {
		return h
	}
	m := make(map[string][]string, len(h))
	var invalid []string // names that are not UTF-8
	for k, vv := range h {
		if !utf8.ValidString(k) {
			invalid = append(invalid, k)
			continue
		}
		m[k] = validValues(vv)
	}
	slices.Sort(invalid)
	for _, k := range invalid {
		vk := validString(k)
		// Clipped: appending never writes into h's lists.
		m[vk] = append(slices.Clip(m[vk]), validValues(h[k])...)
	}
	return m
}

// headerValid reports whether the names and values of h are valid UTF-8.
func headerValid(h map[string][]string) bool {
	for k, vv := range h {
		if !utf8.ValidString(k) {
			return false
		}
		for _, v := range vv {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}

// validValues returns vv with its values made valid UTF-8: vv itself when
// they are, else a copy; nil for no values.
func validValues(vv []string) []string {
	if len(vv) == 0 {
		return nil
	}
	var out []string
	for i, v := range vv {
		if utf8.ValidString(v) {
			continue
		}
		if out == nil {
			out = slices.Clone(vv)
		}
		out[i] = validString(v)
	}
	if out == nil {
		return vv
	}
	return out
}

// validString returns s with each run of invalid UTF-8 bytes replaced by
// U+FFFD, which is what a JSON encoder would do anyway. Strings other than
// bodies (method, URL, header names and values) are text in both formats:
// they are the only data not stored byte-exact.
func validString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// fromWireExchange converts and validates w. The error says what is wrong
// but not where: the caller adds the file and the exchange.
func fromWireExchange(w *wireExchange) (Exchange, error) {
	ex := Exchange{
		Request: Request{
			Method: validString(w.Request.Method),
			URL:    validString(w.Request.URL),
			Header: fromWireHeader(w.Request.Headers),
		},
		Response: Response{
			StatusCode: int(w.Response.Status),
			Header:     fromWireHeader(w.Response.Headers),
			Trailer:    fromWireHeader(w.Response.Trailers),
		},
	}
	var err error
	if ex.Response.Chunks, err = fromWireChunks(w.Response.Chunks); err != nil {
		return Exchange{}, fmt.Errorf("response: %w", err)
	}
	if ex.Request.Body, err = fromWireBody(w.Request.Body, w.Request.BodyEncoding); err != nil {
		return Exchange{}, fmt.Errorf("request: %w", under("request", err))
	}
	if ex.Response.Body, err = fromWireBody(w.Response.Body, w.Response.BodyEncoding); err != nil {
		return Exchange{}, fmt.Errorf("response: %w", under("response", err))
	}
	if ref := w.Response.BodyFile; ref != "" {
		if w.Response.Body != "" || w.Response.BodyEncoding != "" {
			return Exchange{}, fmt.Errorf("response: both body and body_file: keep one")
		}
		if _, err := resolveBodyFile("", ref); err != nil {
			return Exchange{}, fmt.Errorf("response: %w", err)
		}
		// Made absolute by the library that read the file.
		ex.Response.BodyFile = ref
	}
	if w.Latency != "" {
		if ex.Latency, err = time.ParseDuration(w.Latency); err != nil {
			return Exchange{}, &valueError{field: []string{"latency"}, err: fmt.Errorf("latency %q: not a duration like \"12.5ms\"", w.Latency)}
		}
	}
	if w.RecordedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, w.RecordedAt)
		if err != nil {
			return Exchange{}, &valueError{field: []string{"recorded_at"}, err: fmt.Errorf("recorded_at %q: not an RFC 3339 time like \"2006-01-02T15:04:05Z\"", w.RecordedAt)}
		}
		ex.RecordedAt = t.UTC()
	}
	if err := checkExchange(&ex); err != nil {
		return Exchange{}, err
	}
	pack(&ex)
	return ex, nil
}

func fromWireBody(body, encoding string) ([]byte, error) {
	switch encoding {
	case "":
		if body == "" {
			return nil, nil
		}
		return []byte(body), nil
	case encodingBase64:
		if body == "" {
			// Never written so (an empty body has no encoding): the file
			// was cut short, or its body deleted by hand.
			return nil, fmt.Errorf("body_encoding %q but no body (a truncated file? remove body_encoding for an empty body)", encoding)
		}
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			// Accept what a hand editor may paste: no padding.
			var err2 error
			if b, err2 = base64.RawStdEncoding.DecodeString(body); err2 != nil {
				return nil, &valueError{field: []string{"body"}, err: fmt.Errorf("body: invalid base64: %v", err)}
			}
		}
		if len(b) == 0 {
			return nil, nil
		}
		return b, nil
	default:
		return nil, fmt.Errorf("unknown body_encoding %q (want %q or none)", encoding, encodingBase64)
	}
}

// fromWireHeader returns m as a header: lists without values are nil, and
// names and values are valid UTF-8 (see validHeader), as a YAML "!!binary"
// string may not be.
func fromWireHeader(m map[string][]string) http.Header {
	if len(m) == 0 {
		return nil
	}
	h := http.Header(validHeader(m))
	for k, vv := range h {
		if len(vv) == 0 && vv != nil {
			h[k] = nil
		}
	}
	return h
}

// checkExchange reports what, in ex, cannot be stored and loaded back.
func checkExchange(ex *Exchange) error {
	if ex.Request.Method == "" {
		return errors.New("request: empty method")
	}
	switch s := ex.Response.StatusCode; {
	case s == 0:
		return errors.New("response: missing status")
	case s < 100 || s > 999:
		return fmt.Errorf("response: status %d out of range 100-999", s)
	}
	if ex.Latency < 0 {
		return fmt.Errorf("negative latency %v", ex.Latency)
	}
	if ex.Response.BodyFile != "" && len(ex.Response.Body) > 0 {
		return errors.New("response: both Body and BodyFile are set: keep one")
	}
	for i, c := range ex.Response.Chunks {
		if c.Size <= 0 || c.At < 0 {
			return fmt.Errorf("response: chunk %d: size %d at %v: want a size above 0 at a time not below 0", i+1, c.Size, c.At)
		}
	}
	if !ex.RecordedAt.IsZero() {
		if y := ex.RecordedAt.UTC().Year(); y < 0 || y > 9999 {
			return fmt.Errorf("recorded_at %v: year out of range 0-9999", ex.RecordedAt)
		}
	}
	return nil
}

// checkCassette reports what, in c, cannot be stored and loaded back.
func checkCassette(c *Cassette) error {
	if !ValidName(c.Name) {
		return fmt.Errorf("%w: %q", ErrInvalidName, c.Name)
	}
	for i := range c.Exchanges {
		if err := checkExchange(&c.Exchanges[i]); err != nil {
			return fmt.Errorf("cassette %q, exchange %d: %w", c.Name, i+1, err)
		}
	}
	return nil
}

// sortCassettes sorts cs by name.
func sortCassettes(cs []Cassette) {
	slices.SortFunc(cs, func(a, b Cassette) int { return strings.Compare(a.Name, b.Name) })
}

// toWireChunks writes each chunk as "SIZE@AT", e.g. "128@15ms".
func toWireChunks(cs []Chunk) []string {
	if len(cs) == 0 {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = strconv.Itoa(c.Size) + "@" + c.At.String()
	}
	return out
}

func fromWireChunks(ss []string) ([]Chunk, error) {
	if len(ss) == 0 {
		return nil, nil
	}
	out := make([]Chunk, len(ss))
	for i, s := range ss {
		size, at, ok := strings.Cut(s, "@")
		n, err1 := strconv.Atoi(size)
		d, err2 := time.ParseDuration(at)
		if !ok || err1 != nil || err2 != nil || n <= 0 || d < 0 {
			return nil, fmt.Errorf("chunk %d %q: want SIZE@TIME like \"128@15ms\"", i+1, s)
		}
		out[i] = Chunk{Size: n, At: d}
	}
	return out, nil
}
