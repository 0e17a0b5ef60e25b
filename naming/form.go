package naming

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"slices"
	"strconv"
)

// FormBody is the body rule of URL-encoded forms
// (application/x-www-form-urlencoded): it returns the fields as pairs
// sorted by key, then by value, so that the order of fields (and of the
// values of a repeated field) does not tell cassettes apart. Keys and
// values are decoded, then written escaped as url.QueryEscape does,
// "k=v" joined by "&"; empty pairs are dropped, and a form without fields
// is no body. A body that does not parse (a bad escape, a ";") is
// returned as it is.
//
//	b=2&a=x+y&a=%41  =>  a=A&a=x+y&b=2
func FormBody(contentType string, body []byte) []byte {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return body
	}
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range form {
		for _, v := range vs {
			pairs = append(pairs, pair{k, v})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.k, b.k), cmp.Compare(a.v, b.v))
	})
	out := make([]byte, 0, len(body))
	for i, p := range pairs {
		if i > 0 {
			out = append(out, '&')
		}
		out = append(out, url.QueryEscape(p.k)...)
		out = append(out, '=')
		out = append(out, url.QueryEscape(p.v)...)
	}
	return out
}

// MultipartBody is the body rule of multipart forms (multipart/form-data):
// it compares their parts, each by its form name, file name, Content-Type
// and content (as sent: no transfer encoding is undone), with the parts
// sorted by form name (parts of one name keep their order). The boundary,
// the preamble, the epilogue and other part headers do not tell cassettes
// apart. It returns one line per part, then its content and a newline:
//
//	part name="file" filename="a.txt" type="text/plain" size=5
//	hello
//
// where the names are quoted as strconv.QuoteToASCII does, filename and
// type are left out when the part has none, and size is the length of
// the content in bytes, so that two different forms never give the same
// bytes. Parts without Content-Disposition (the parts of a
// multipart/related or multipart/mixed body, such as the metadata and
// media of a Google API upload) have the name "" and keep their order. A
// form without parts is no body. A body that does not parse (no boundary
// in contentType, a malformed Content-Disposition, a missing closing
// boundary) is returned as it is.
func MultipartBody(contentType string, body []byte) []byte {
	parts, err := readParts(contentType, body)
	if err != nil {
		return body
	}
	slices.SortStableFunc(parts, func(a, b formPart) int { return cmp.Compare(a.name, b.name) })
	var out []byte
	for _, p := range parts {
		out = append(out, "part name="...)
		out = strconv.AppendQuoteToASCII(out, p.name)
		if p.hasFile {
			out = append(out, " filename="...)
			out = strconv.AppendQuoteToASCII(out, p.filename)
		}
		if p.contentType != "" {
			out = append(out, " type="...)
			out = strconv.AppendQuoteToASCII(out, p.contentType)
		}
		out = append(out, " size="...)
		out = strconv.AppendInt(out, int64(len(p.content)), 10)
		out = append(out, '\n')
		out = append(out, p.content...)
		out = append(out, '\n')
	}
	return out
}

// A formPart is what MultipartBody compares of a part.
type formPart struct {
	name, filename, contentType string
	hasFile                     bool
	content                     []byte
}

// readParts parses a multipart body.
func readParts(contentType string, body []byte) ([]formPart, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, err
	}
	boundary := params["boundary"]
	if boundary == "" {
		return nil, errors.New("no boundary")
	}
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	var parts []formPart
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return parts, nil
		}
		if err != nil {
			return nil, err
		}
		// Not p.FormName and p.FileName: FileName keeps only the base
		// name, as the host's path/filepath sees it. A part of a body
		// that is not a form (multipart/related, multipart/mixed) has
		// no Content-Disposition: it has no name, and keeps its place.
		var disp map[string]string
		if cd := p.Header.Get("Content-Disposition"); cd != "" {
			if _, disp, err = mime.ParseMediaType(cd); err != nil {
				return nil, err
			}
		}
		content, err := io.ReadAll(p)
		if err != nil {
			return nil, err
		}
		filename, hasFile := disp["filename"]
		parts = append(parts, formPart{
			name:        disp["name"],
			filename:    filename,
			hasFile:     hasFile,
			contentType: p.Header.Get("Content-Type"),
			content:     content,
		})
	}
}
