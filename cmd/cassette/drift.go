package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cassette-go/cassette/internal/cmpdiff"
	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/library"
	"github.com/google/go-cmp/cmp"
)

const driftAbout = `
Drift tells whether the API has changed since the library at PATH was
recorded. It sends the request of the first exchange of each cassette to
the live -upstream (same method, path and query, headers and body; the
scheme and host are those of -upstream; hop-by-hop headers, those the
recorded Connection header names, Host and Transfer-Encoding are not
sent) and compares the response with the recorded one:

  - the status;
  - the headers that matter: Content-Type, and those of -headers, less
    those of -ignore-headers;
  - the body: JSON bodies structurally (key order and spacing do not
    matter), ignoring the object keys of -ignore-fields at any depth (ids,
    timestamps); other bodies byte for byte. Compressed (gzip or deflate) bodies are
    compared decoded, when they decode to 64 MiB or less. JSON numbers are compared by value, exactly (1.0 is
    1, and ids beyond 2^53 are told apart).

It prints one block per cassette that drifted, with the differences
(-recorded +live), and exits with status 1 if any did or if a request
failed (the error names the cassette), 0 when everything matches.
Redirects are not followed. Recorded credentials are usually redacted: set
real ones with -H. Each request gets -timeout to be answered, body
included (0: no limit); one that is not fails. On a terminal, stderr shows
how many cassettes were checked.
`

const driftExample = `
	cassette drift -upstream https://api.example.com -ignore-fields id,updated_at testdata/api
	cassette drift -upstream https://api.example.com -H "Authorization: Bearer $TOKEN" \
		-headers Cache-Control -ignore-headers Content-Type testdata/api.yaml
`

// driftClient is the client of drift; tests may replace it.
var driftClient = &http.Client{
	Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// runDrift runs "cassette drift".
func runDrift(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette drift",
		"cassette drift -upstream URL [-ignore-fields F,...] [-headers H,...] [-ignore-headers H,...] [-H 'Name: value'] [-timeout D] PATH",
		driftAbout, driftExample)
	upstream := c.fs.String("upstream", "", "the live API as an absolute `URL` (required)")
	ignoreFields := c.fs.String("ignore-fields", "", "comma-separated JSON object `keys` to ignore at any depth")
	headers := c.fs.String("headers", "", "comma-separated response `headers` to compare, besides Content-Type")
	ignoreHeaders := c.fs.String("ignore-headers", "", "comma-separated response `headers` not to compare")
	timeout := c.fs.Duration("timeout", 30*time.Second, "how long each request may take, its body included (0: no limit)")
	var set []string
	c.fs.Func("H", "set a request `header` (\"Name: value\") on every request, replacing the recorded one; repeatable", func(s string) error {
		if name, _, ok := strings.Cut(s, ":"); !ok || strings.TrimSpace(name) == "" {
			return fmt.Errorf("want \"Name: value\", got %q", s)
		}
		set = append(set, s)
		return nil
	})
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case *upstream == "":
		return c.fail(stderr, "missing -upstream URL")
	case len(pos) == 0:
		return c.fail(stderr, "missing PATH")
	case len(pos) > 1:
		return c.fail(stderr, "too many arguments %q", pos[1:])
	}
	if err := checkUpstream(*upstream); err != nil {
		return c.fail(stderr, "%v", err)
	}
	base, _ := url.Parse(*upstream)
	if *timeout < 0 {
		return c.fail(stderr, "-timeout %v is negative", *timeout)
	}
	d := &drifter{
		base:    base,
		fields:  splitList(*ignoreFields),
		set:     set,
		timeout: *timeout,
	}
	d.headers = []string{"Content-Type"}
	for _, h := range splitList(*headers) {
		d.headers = append(d.headers, http.CanonicalHeaderKey(h))
	}
	d.headers = slices.DeleteFunc(d.headers, func(h string) bool {
		return slices.ContainsFunc(splitList(*ignoreHeaders), func(i string) bool { return strings.EqualFold(i, h) })
	})
	slices.Sort(d.headers)
	d.headers = slices.Compact(d.headers)

	lib, err := openExisting(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "cassette drift: %v\n", err)
		return exitError
	}
	all, err := cassettes(lib, nil)
	if err != nil {
		fmt.Fprintf(stderr, "cassette drift: %v\n", err)
		return exitError
	}
	drifted, failed := 0, 0
	p := newProgress(stderr, "checking")
	defer p.done()
	for i, cs := range all {
		p.step(i, len(all))
		if len(cs.Exchanges) == 0 {
			continue
		}
		ex := cs.Exchanges[0]
		diffs, err := d.check(ctx, ex)
		if err != nil || len(diffs) > 0 {
			p.done() // what follows starts a line of its own
		}
		if err != nil {
			fmt.Fprintf(stderr, "cassette drift: cassette %s: %v\n", cs.Name, err)
			failed++
			continue
		}
		if len(diffs) == 0 {
			continue
		}
		drifted++
		fmt.Fprintf(stdout, "drifted: cassette %s (%s %s)\n", cs.Name, ex.Request.Method, requestURI(ex.Request.URL))
		for _, s := range diffs {
			fmt.Fprintf(stdout, "  %s\n", strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  "))
		}
		fmt.Fprintln(stdout)
	}
	p.step(len(all), len(all))
	p.done()
	fmt.Fprintf(stdout, "cassette drift: %d of %d cassette(s) drifted from %s", drifted, len(all), forwarded.Redacted(base.String()))
	if failed > 0 {
		fmt.Fprintf(stdout, ", %d could not be checked", failed)
	}
	fmt.Fprintln(stdout)
	if drifted > 0 || failed > 0 {
		return exitError
	}
	return exitOK
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// A drifter compares recorded exchanges with the live upstream.
type drifter struct {
	base    *url.URL      // scheme and host of the upstream
	fields  []string      // JSON keys to ignore
	headers []string      // response headers to compare, canonical
	set     []string      // request headers to set, "Name: value"
	timeout time.Duration // for each request, its body included; 0 for none
}

// check sends ex's request upstream and returns the differences of the
// response, each a line or a block.
func (d *drifter) check(ctx context.Context, ex library.Exchange) ([]string, error) {
	ex, err := withBody(ex)
	if err != nil {
		return nil, err
	}
	if d.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	req, err := d.request(ctx, ex.Request)
	if err != nil {
		return nil, err
	}
	late := func(err error) error {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("%s %s: no answer within %v (raise -timeout)", req.Method, forwarded.Redacted(req.URL.String()), d.timeout)
		}
		return err
	}
	resp, err := driftClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			// Its URL hides a password, not a user name alone (the token).
			ue.URL = forwarded.Redacted(ue.URL)
		}
		return nil, late(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, late(fmt.Errorf("%s %s: read body: %w", req.Method, forwarded.Redacted(req.URL.String()), err))
	}

	var diffs []string
	if resp.StatusCode != ex.Response.StatusCode {
		diffs = append(diffs, fmt.Sprintf("status: %d -> %d", ex.Response.StatusCode, resp.StatusCode))
	}
	for _, h := range d.headers {
		was, is := ex.Response.Header.Values(h), resp.Header.Values(h)
		if !slices.Equal(was, is) {
			diffs = append(diffs, fmt.Sprintf("header %s: %s -> %s", h, quoteValues(was), quoteValues(is)))
		}
	}
	if diff := d.bodyDiff(ex.Response.Header, ex.Response.Body, resp.Header, body); diff != "" {
		diffs = append(diffs, "body (-recorded +live):\n"+diff)
	}
	return diffs, nil
}

// request returns the request of r to send upstream.
func (d *drifter) request(ctx context.Context, r library.Request) (*http.Request, error) {
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, fmt.Errorf("recorded URL %q: %w", r.URL, err)
	}
	u.Scheme, u.Host, u.User = d.base.Scheme, d.base.Host, d.base.User
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(r.Body))
	if err != nil {
		return nil, err
	}
	if u.Opaque != "" && req.URL.Host == "" {
		// A URL of an opaque form such as OPTIONS * ("http:*") has no
		// host nor user in its text: the request still goes to the
		// upstream's host, with its credentials.
		req.URL.Host, req.URL.User, req.Host = u.Host, u.User, u.Host
	}
	if len(r.Body) == 0 {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	// Not sent again: the fields that concern one connection (hop-by-hop,
	// and those the recorded Connection field names), Host and
	// Transfer-Encoding (see headerkey.WithoutMoved), and Content-Length,
	// which the client sets from the body.
	for k, vs := range headerkey.WithoutHopByHop(headerkey.WithoutMoved(r.Header)) {
		if strings.EqualFold(k, "Content-Length") {
			continue
		}
		if d.base.User != nil && strings.EqualFold(k, "Authorization") {
			// The -upstream URL's credentials are sent instead (as
			// Basic authentication, by the client): the recorded ones
			// are redacted.
			continue
		}
		req.Header[k] = slices.Clone(vs)
	}
	for _, s := range d.set {
		name, value, _ := strings.Cut(s, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	return req, nil
}

func quoteValues(vs []string) string {
	if len(vs) == 0 {
		return "(none)"
	}
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// bodyDiff returns the difference of the recorded and live bodies, "" if
// none: structural for JSON, else of their lines (text) or sizes.
func (d *drifter) bodyDiff(wasH http.Header, was []byte, isH http.Header, is []byte) string {
	was, is = decoded(wasH, was), decoded(isH, is)
	if isJSON(wasH.Get("Content-Type"), was) || isJSON(isH.Get("Content-Type"), is) {
		a, okA := decodeJSON(was)
		b, okB := decodeJSON(is)
		if okA && okB {
			return cmpdiff.Diff(a, b, ignoreKeys(d.fields), sameNumber)
		}
	}
	if bytes.Equal(was, is) {
		return ""
	}
	if isText(was) && isText(is) {
		return cmpdiff.Diff(lines(was), lines(is))
	}
	return fmt.Sprintf("%d bytes -> %d bytes, not the same", len(was), len(is))
}

// decodeJSON decodes the JSON document b, its numbers as json.Number, so
// that none loses digits (a float64 holds integers exactly only up to
// 2^53, and 64-bit ids go beyond). ok is false when b is not one JSON
// document.
func decodeJSON(b []byte) (v any, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false // more after the document
	}
	return v, true
}

// sameNumber compares JSON numbers by value, exactly: 1, 1.0, 1e0 and
// 10e-1 are one number, 9007199254740993 and 9007199254740992 two.
var sameNumber = cmp.Comparer(func(a, b json.Number) bool {
	if a == b {
		return true
	}
	na, okA := normalNumber(string(a))
	nb, okB := normalNumber(string(b))
	return okA && okB && na == nb
})

// normalNumber returns the JSON number n written one way for each value:
// its sign, its significant digits and the exponent of the last one
// ("12e3" for 12000, 1.2e4 and 0.012e6; "0" for any zero). It works on the
// text, so an exponent of any size costs nothing. ok is false for text
// that is no number.
func normalNumber(n string) (norm string, ok bool) {
	neg := strings.HasPrefix(n, "-")
	n = strings.TrimPrefix(n, "-")
	mant, expText, hasExp := strings.Cut(strings.ToLower(n), "e")
	exp := new(big.Int)
	if hasExp {
		if _, ok := exp.SetString(strings.TrimPrefix(expText, "+"), 10); !ok {
			return "", false
		}
	}
	whole, frac, _ := strings.Cut(mant, ".")
	digits := whole + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	exp.Sub(exp, big.NewInt(int64(len(frac))))
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0", true
	}
	trimmed := strings.TrimRight(digits, "0")
	exp.Add(exp, big.NewInt(int64(len(digits)-len(trimmed))))
	sign := ""
	if neg {
		sign = "-"
	}
	return sign + trimmed + "e" + exp.String(), true
}

// ignoreKeys is a cmp option ignoring the values of the JSON object keys
// names, at any depth.
func ignoreKeys(names []string) cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool {
		mi, ok := p.Last().(cmp.MapIndex)
		return ok && slices.Contains(names, mi.Key().String())
	}, cmp.Ignore())
}

// lines splits text after each line feed.
func lines(text []byte) []string {
	l := strings.SplitAfter(string(text), "\n")
	if l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
}
