package replayserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cassette-go/cassette/internal/bytesize"
	"github.com/cassette-go/cassette/internal/cmpdiff"
	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/cassette-go/cassette/internal/gunzip"
	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/internal/ownheader"
	"github.com/cassette-go/cassette/naming"
)

// nearestCount is how many recorded cassettes a miss report shows.
const nearestCount = 3

// A MissError reports a request that no cassette answers. It unwraps to
// [ErrNoMatch]. Its Error text is the report that the replay server also
// sends as the body of its 404 answer and fails the test with.
type MissError struct {
	Method string   // the request's method
	URL    string   // the request's URL as received
	Name   string   // the cassette name computed for it; "" when its body, part of the name, is over MaxBodySize (not read whole)
	Near   []string // the nearest recorded cassettes, nearest first
	Report string   // the whole plain-text report
}

// Error returns the report.
func (e *MissError) Error() string { return e.Report }

// Unwrap returns [ErrNoMatch].
func (e *MissError) Unwrap() error { return ErrNoMatch }

// missError builds the report for a request r (body body) named name.
// over tells that the body is over [MaxBodySize]: body is what was read of
// it, and m.name is "" when the body is part of the name.
func (h *Handler) missError(r *http.Request, body []byte, over bool, m match) *MissError {
	h.misses.Add(1)
	name := m.name
	// The report goes to test logs, 404 bodies and serve's log: it shows
	// the request redacted, without the headers Server.Transport adds.
	rr := h.redact.Request(r)
	if ownheader.Has(rr.Header) {
		if rr == r {
			c := *r
			rr = &c
		}
		rr.Header = rr.Header.Clone()
		ownheader.Delete(rr.Header)
	}
	e := &MissError{Method: r.Method, URL: requestURL(r, rr), Name: name}
	var b strings.Builder
	if m.loadErr != nil {
		fmt.Fprintf(&b, "cassette: the cassette for %s %s cannot be read: %v\n", e.Method, e.URL, m.loadErr)
		b.WriteString("  fix the file (it may have been edited by hand, or cut short), or delete it and record it again\n")
	} else {
		fmt.Fprintf(&b, "cassette: no cassette for %s %s\n", e.Method, e.URL)
	}
	if h.testName != "" {
		fmt.Fprintf(&b, "  test:    %s\n", h.testName)
	}
	mode := string(h.mode)
	if h.asked == ModeOnce && h.mode == ModeReplay {
		mode = "once, replaying: the library exists"
	}
	fmt.Fprintf(&b, "  library: %s (mode %s)\n", h.lib.Path(), mode)
	// A cassette of the request's name answers no tunnel (see
	// serveCassette), and is said so below.
	tunnel := m.found == "" && h.tunnel(r)
	if name == "" && over {
		b.WriteString("  name:    unknown: its body is part of it, and over the limit (see below)\n")
	} else {
		fmt.Fprintf(&b, "  name:    %s\n", name)
		if u, own := h.target(r); !tunnel && (own || isLoopback(u.Hostname())) {
			// The name shows a host that is not part of the match (see
			// lookup): say so, or the reader takes it for the one to record.
			switch {
			case own && h.upstream != nil:
				// Named with the upstream's host, which is not the
				// server's own address.
				fmt.Fprintf(&b, "           (its host, %s, is the upstream's: the request came to the server's own address, which says nothing about the API, so a cassette recorded from any host, named so but for the host, answers it too)\n", u.Host)
			case own:
				fmt.Fprintf(&b, "           (its host, %s, is the server's own address, which says nothing about the API: a cassette recorded from any host, named so but for the host, answers it)\n", u.Host)
			default:
				fmt.Fprintf(&b, "           (its host, %s, is a loopback address, whose port changes every run, which says nothing about the API: a cassette recorded from any host, named so but for the host, answers it)\n", u.Host)
			}
		}
	}
	sent := body // as received: what another redaction would redact (see otherRedaction)
	body = h.redact.Body(r.Header, body)
	if over {
		writeRequest(&b, rr, body, h.bodyLimit)
		writeOverLimit(&b, h.bodyLimit, name != "")
		if name == "" {
			// No cassette holds it: there are none nearer than others.
			e.Report = b.String()
			return e
		}
	} else {
		writeRequest(&b, rr, gunzip.RequestBody(r.Header, body), 0)
	}
	if m.found != "" {
		if n := len(m.cassette.Exchanges); n == 0 {
			fmt.Fprintf(&b, "  cassette %s matches, but it holds no exchanges: add one, or delete it and record it again\n", h.lib.File(m.found))
		} else {
			fmt.Fprintf(&b, "  cassette %s matches, but its %d exchange(s) were all served and replayserver.NoRepeat is set:\n"+
				"  the test makes more of these requests than were recorded; record the cassette again whole\n"+
				"  (%s=rerecord) rather than add to it, or drop NoRepeat to repeat the last answer\n", h.lib.File(m.found), n, EnvMode)
		}
	}
	got := viewOf(r.Method, h.redact.URL(m.target).String(), rr.Header, body, h.cfg.rules)
	names, err := h.lib.Names()
	if err != nil {
		fmt.Fprintf(&b, "  (the library cannot be read: %v)\n", err)
	}
	var left int
	// The cassette found is not one of the nearest: it matches, and was
	// said above why it did not answer.
	exclude := m.found
	if tunnel {
		exclude = name
	}
	e.Near, left = h.nearest(name, names, exclude, got, nearestCount)
	if len(names) == 0 {
		b.WriteString("  the library holds no cassettes.\n")
		if h.asked == ModeOnce && h.lib.Exists() {
			what := "an empty file"
			if h.lib.IsDir() {
				what = "an empty folder, or one holding only a .gitkeep"
			}
			fmt.Fprintf(&b, "  the default mode, once, records only a library that does not exist, and this one exists\n"+
				"  (%s): to record into it, run with %s=record.\n", what, EnvMode)
		}
	}
	if left > 0 {
		fmt.Fprintf(&b, "  (the nearest are ranked among the first %d of the %d cassettes of %s %s, by name: a nearer one may be among the %d others)\n",
			refineLimit, refineLimit+left, got.Method, got.Path, left)
	}
	samePath := false    // the nearest cassette is of the request's method and path
	otherRedact := false // the nearest cassette differs only as the other setting of NoDefaultRedaction makes it
	prefix := ""         // what the nearest cassette's path has before the request's
	for i, n := range e.Near {
		fmt.Fprintf(&b, "\nnearest #%d: %s\n", i+1, h.lib.File(n))
		c, ok, err := h.lib.Get(n)
		switch {
		case err != nil:
			fmt.Fprintf(&b, "  (cannot be read: %v)\n", err)
			continue
		case !ok:
			b.WriteString("  (gone from the library since it was listed)\n")
			continue
		case len(c.Exchanges) == 0:
			b.WriteString("  (holds no exchanges)\n")
			continue
		}
		req := c.Exchanges[0].Request
		rec := viewOf(req.Method, req.URL, req.Header, req.Body, h.cfg.rules)
		// What the report shows of it is redacted as this server redacts
		// the request: a library recorded with NoDefaultRedaction holds
		// credentials as sent, which the report is no place to print.
		shownURL := h.redact.URLString(req.URL)
		shownHdr, shownBody := h.redact.Header(req.Header), h.redact.Body(req.Header, req.Body)
		shown := viewOf(req.Method, shownURL, shownHdr, shownBody, h.cfg.rules)
		if i == 0 && rec.Method == got.Method && rec.Path == got.Path {
			samePath = true
		}
		if i == 0 && rec.Method == got.Method && rec.Path != got.Path {
			switch {
			case got.Path == "/":
				prefix = rec.Path // the root goes to the upstream's path as it is
			case strings.HasSuffix(rec.Path, got.Path):
				prefix = strings.TrimSuffix(rec.Path, got.Path)
			}
			if prefix != "" && !h.allUnder(names, prefix) {
				prefix = "" // a nested resource, another version: not an upstream's path
			}
		}
		fmt.Fprintf(&b, "  recorded: %s %s\n", quotedIfControl(req.Method), quotedIfControl(shownURL))
		if cmpdiff.Diff(rec, got) != "" {
			if cmpdiff.Diff(rec, shown) != "" {
				b.WriteString("  (it holds credentials as sent where this server redacts them, which tell it apart from this\n" +
					"  request, named with REDACTED: shown REDACTED here)\n")
			}
			if d := cmpdiff.Diff(shown, got); d != "" {
				fmt.Fprintf(&b, "  diff (-recorded +got):\n%s", indent(clipDiff(d), "    "))
			}
			if i == 0 && !over {
				otherRedact = h.otherRedaction(r, m.target, sent, rec)
			}
		} else if same := sameViewDifferences(rawSide{req.Method, shownURL, shownHdr, shownBody},
			rawSide{r.Method, h.redact.URL(m.target).String(), rr.Header, body}, h.cfg.rules); same != "" {
			b.WriteString("  no difference in the values of method, path, query, significant headers or body, but:\n" + same)
		} else {
			b.WriteString("  no difference in method, path, query, significant headers or body under the rules in use:\n" +
				"  the host or port differs, or the cassette was named under other naming rules\n" +
				"  (record and replay must use the same replayserver.Naming / recorder.Naming)\n")
		}
	}
	if prefix != "" && m.found == "" && !tunnel {
		fmt.Fprintf(&b, "\nthe nearest cassette's path is this request's under %s: it was recorded through an upstream URL\n"+
			"ending in %[1]s (replayserver.Upstream, cassette record -upstream), and requests are named that way\n"+
			"only when the same URL is given: give it to this server too (cassette serve -upstream URL).\n", prefix)
	}
	switch {
	case samePath && m.found == "" && !tunnel && otherRedact && h.cfg.noDefaultRedaction:
		b.WriteString("\nthe nearest cassette differs from this request only where it holds REDACTED for a credential this\n" +
			"request sends as it is: the library seems recorded (or imported) with redaction, the default, and this\n" +
			"server replays it without (replayserver.NoDefaultRedaction; cassette serve: -no-redact). Replay it without\n" +
			"NoDefaultRedaction (cassette serve: without -no-redact).\n")
	case samePath && m.found == "" && !tunnel && otherRedact:
		b.WriteString("\nthe nearest cassette differs from this request only where this server redacts a credential (REDACTED):\n" +
			"the library seems recorded (or imported) without redaction, its cassettes named by the credentials as\n" +
			"sent (replayserver.NoDefaultRedaction, recorder.NoDefaultRedaction, cassette import or record -no-redact),\n" +
			"or recorded before this parameter or header joined the credentials redacted by default (README:\n" +
			"Security). Replay a library recorded without redaction with replayserver.NoDefaultRedaction()\n" +
			"(cassette serve: -no-redact); either way, record it again with redaction (CASSETTE_MODE=rerecord)\n" +
			"to keep credentials out of the library.\n")
	case samePath && m.found == "" && !tunnel:
		b.WriteString("\nif what differs changes on every run (a timestamp, a nonce, a request id), leave it out of the\n" +
			"name: replayserver.Naming with naming.Rules IgnoreQuery, Headers, or a body rule such as\n" +
			"naming.JSONBodyWithout or naming.FormBodyWithout (and the same rules recording; cassette serve\n" +
			"and record: -ignore-query KEY, -header NAME, -body TYPE=json-without:NAME or -body\n" +
			"TYPE=form-without:NAME), then record once\n" +
			"more (CASSETTE_MODE=rerecord): a cassette keeps the name it was recorded under.\n")
		if multipartWithoutRule(r, h.cfg.rules.For(r)) {
			b.WriteString("a multipart body's boundary is new on every run: name it by its parts with the body rule\n" +
				"naming.MultipartBody (naming.Rules{Bodies: map[string]naming.BodyRule{\"multipart/*\": naming.MultipartBody}};\n" +
				"cassette serve and record: -body 'multipart/*=multipart').\n")
		}
	}
	if tunnel && forwarded.HandOver(r) != "" {
		// No mode forwards it (see serveCassette): recording would not help.
		fmt.Fprintf(&b, "\nthis CONNECT names a path, not a host and port: it asks the server to hand the connection over\n"+
			"to another protocol (%s), as net/rpc's DialHTTP does, or HTTP/2's extended CONNECT for a\n"+
			"WebSocket. That is no request answered, so no mode forwards, records or replays it: serve it\n"+
			"from a handler of the test's own (srv.Router()), or run the test against the real server.\n", forwarded.HandOver(r))
	} else if tunnel {
		// No mode forwards it (see serveCassette): recording would not help.
		b.WriteString("\nthis asks this server for a tunnel (CONNECT), as a client does of the HTTPS proxy it was given\n" +
			"(HTTPS_PROXY, or its transport's Proxy, set to the server's URL). The server answers requests: it\n" +
			"opens no tunnels, and what would pass through one is encrypted, so no mode forwards, records or\n" +
			"replays it. Send the client's requests through srv.Client() or srv.Transport(), which bring any\n" +
			"URL to the server, or point the client's base URL at the server's address.\n")
		if slices.Contains(names, name) {
			fmt.Fprintf(&b, "(cassette %s, of this name, answers a CONNECT the test's code sent itself through\n"+
				"srv.Client() or replayserver.NewTransport, never a tunnel.)\n", h.lib.File(name))
		}
	} else if m.found == "" {
		if up := upgradeOf(r); up != "" {
			// Recording helps only if the API declines the upgrade: one
			// it accepts is passed through, never stored.
			own := "a handler of the test's own (srv.Router())"
			if h.forTransport {
				own = "a RoundTripper of the test's own, in front of this one"
			}
			fmt.Fprintf(&b, "\nthis asks for a protocol upgrade (Upgrade: %s). An upgrade the API accepts (101 Switching\n"+
				"Protocols) is passed through while recording and never stored, so no mode replays it: serve it\n"+
				"from %s, or run the test against the real server.\n"+
				"One the API declines is recorded as any other request:", up, own)
		}
		hint := h.hint
		if !h.forTransport && !h.isOwnAddress(r) {
			hint = otherHostHint
		}
		fmt.Fprintf(&b, "\nto record it, %s.\n", hint)
	}
	e.Report = b.String()
	return e
}

// otherRedaction reports whether rec, the view of the nearest cassette's
// request, is the view of r, sent for target with body, as received,
// under the other setting of [NoDefaultRedaction] than h's: the library
// seems recorded (or imported) under that one, its cassettes named by a
// credential as sent where h names the request by REDACTED, or the
// reverse.
func (h *Handler) otherRedaction(r *http.Request, target *url.URL, body []byte, rec reqView) bool {
	alt := h.cfg.redactionWith(h.cfg.noDefaultRedaction)
	hdr := ownheader.Without(alt.Header(r.Header))
	got := viewOf(r.Method, alt.URL(target).String(), hdr, alt.Body(r.Header, body), h.cfg.rules)
	return cmpdiff.Diff(rec, got) == ""
}

// bodyPreview is how much of a body a report shows.
const bodyPreview = 512

// writeRequest writes the request as received: its headers, sorted
// ("none" without any value), and the start of its body. A body over limit (when limit > 0) is body, what
// was read of it, as sent (gzip is not decoded from a part).
func writeRequest(b *strings.Builder, r *http.Request, body []byte, limit int64) {
	if !hasValues(r.Header) {
		// As "request body: none": a heading followed by nothing reads
		// as a report cut short (also for keys without values, which
		// http.Transport sends as no field).
		b.WriteString("  request headers: none\n")
	} else {
		b.WriteString("  request headers:\n")
	}
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range r.Header[k] {
			fmt.Fprintf(b, "    %s: %s\n", k, v)
		}
	}
	size := fmt.Sprintf("%d bytes", len(body))
	if limit > 0 {
		size = fmt.Sprintf("more than the %s limit; %d bytes read", bytesize.Format(limit), len(body))
		for cut := 1; cut <= utf8.UTFMax-1 && cut < len(body) && !utf8.Valid(body); cut++ {
			if utf8.Valid(body[:len(body)-cut]) {
				body = body[:len(body)-cut] // text, cut inside a character where reading stopped
			}
		}
	}
	switch {
	case limit > 0 && len(body) == 0:
		fmt.Fprintf(b, "  request body: %d bytes (its Content-Length), over the %s limit, not read\n", r.ContentLength, bytesize.Format(limit))
	case len(body) == 0:
		b.WriteString("  request body: none\n")
	case !utf8.Valid(body):
		fmt.Fprintf(b, "  request body: %s, not text\n", size)
	case bytes.ContainsFunc(body, controlChar):
		// Quoted: a protobuf's NULs, or an escape sequence, would go to
		// the test log (and a terminal) as they are.
		shown := body[:min(len(body), bodyPreview)]
		fmt.Fprintf(b, "  request body (%s with control characters, quoted; first %d shown):\n    %s\n", size, len(shown), strconv.Quote(string(shown)))
	case len(body) > bodyPreview:
		fmt.Fprintf(b, "  request body (%s, first %d shown):\n%s\n", size, bodyPreview, indent(string(body[:bodyPreview]), "    "))
	case limit > 0:
		fmt.Fprintf(b, "  request body (%s):\n%s", size, indent(string(body), "    "))
	default:
		fmt.Fprintf(b, "  request body:\n%s", indent(string(body), "    "))
	}
}

// hasValues reports whether h holds a value under any key.
func hasValues(h http.Header) bool {
	for _, vv := range h {
		if len(vv) > 0 {
			return true
		}
	}
	return false
}

// quotedIfControl returns s, quoted when it holds a control character, a
// tab or a line break: the method or URL of a hand-edited cassette, which
// would go to the test log and a terminal as it is (a line break passing
// for another line of the report, an escape sequence driving the
// terminal).
func quotedIfControl(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return r == '\t' || r == '\n' || r == '\r' || controlChar(r) }) {
		return strconv.Quote(s)
	}
	return s
}

// controlChar reports whether r is a control character other than a tab
// or a line break.
func controlChar(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

// requestURL returns the URL of r as the client meant it (its scheme as
// sent by Server.Transport), with the URL of rr, r redacted.
func requestURL(r, rr *http.Request) string {
	if rr.URL.IsAbs() {
		return rr.URL.String()
	}
	return schemeOf(r) + "://" + r.Host + rr.URL.RequestURI()
}

// reqView is what a miss report compares: the parts of a request that
// tell cassettes apart, under the rules that apply to it.
type reqView struct {
	Method  string
	Path    string
	Query   url.Values
	Headers map[string][]string
	Body    any // "", a JSON value, text, or a summary of a binary body
}

// viewOf returns the view of a request under rules (narrowed to the route
// it matches).
func viewOf(method, rawURL string, hdr http.Header, body []byte, rules naming.Rules) reqView {
	v := reqView{Method: method}
	req := &http.Request{Method: method, Header: hdr, URL: &url.URL{}}
	if u, err := url.Parse(rawURL); err == nil {
		req.URL = u
		v.Path = u.EscapedPath()
	} else {
		v.Path = rawURL
	}
	rules = rules.For(req)
	if _, err := url.ParseQuery(req.URL.RawQuery); err != nil {
		// Shown, and compared, as it is.
		v.Query = url.Values{"<unparsed>": {req.URL.RawQuery}}
	} else if q := req.URL.Query(); len(q) > 0 {
		for _, k := range rules.IgnoreQuery {
			q.Del(k)
		}
		if len(q) > 0 {
			v.Query = q
		}
	}
	for _, k := range append(slices.Clip(rules.Headers), "Range") { // Range always counts (see naming.Rules)
		vals := hdr.Values(k)
		for hk, hv := range hdr {
			if len(vals) == 0 && strings.EqualFold(hk, k) { // a key not in canonical form, as naming reads it
				vals = hv
			}
		}
		if strings.EqualFold(k, "User-Agent") {
			// The one value naming counts: none for Go's own agent,
			// which a client that sets none sends (see Headers in
			// naming.Rules).
			vals = nil
			if ua, ok := headerkey.UserAgent(hdr); ok {
				vals = []string{ua}
			}
		}
		if len(vals) > 0 {
			if v.Headers == nil {
				v.Headers = map[string][]string{}
			}
			v.Headers[http.CanonicalHeaderKey(k)] = vals
		}
	}
	switch canon := rules.CanonicalBody(req, body); {
	case len(body) > 0 && canon == nil:
		v.Body = "(ignored by the naming rules)"
	default:
		mt, _, _ := strings.Cut(hdr.Get("Content-Type"), ";")
		form := strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded")
		v.Body = bodyView(gunzip.RequestBody(hdr, canon), form) // a gzip body shown decoded
	}
	return v
}

// bodyView is what a report shows and compares of a body: a JSON value,
// a form's fields (when form is true: the request says it sends one), text,
// or a summary of bytes that are not text.
func bodyView(body []byte, form bool) any {
	if len(body) == 0 {
		return ""
	}
	if q, err := url.ParseQuery(string(body)); form && err == nil {
		// Field by field, as a query: a diff names the field that differs.
		m := make(map[string]any, len(q))
		for k, vs := range q {
			l := make([]any, len(vs))
			for i, v := range vs {
				l[i] = v
			}
			m[k] = l
		}
		return m
	}
	var j any
	if json.Valid(body) {
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if d.Decode(&j) == nil {
			return numbersOf(j)
		}
	}
	if utf8.Valid(body) {
		return string(body)
	}
	return fmt.Sprintf("<%d bytes, not text>", len(body))
}

// Bounds of the diff a report shows of one cassette: a request that
// differs in thousands of JSON fields must not make a report of
// megabytes, which nobody reads in one look.
const (
	diffLines = 80
	diffBytes = 8 << 10
)

// clipDiff returns d cut after diffLines lines or diffBytes bytes, saying
// how much was left out.
func clipDiff(d string) string {
	lines := strings.SplitAfter(d, "\n")
	n, size := 0, 0
	for n < len(lines) && n < diffLines && size+len(lines[n]) <= diffBytes {
		size += len(lines[n])
		n++
	}
	if n == len(lines) || (n == len(lines)-1 && lines[n] == "") {
		return d
	}
	return strings.Join(lines[:n], "") + fmt.Sprintf("… (%d more lines of diff left out)\n", len(lines)-n)
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			continue
		}
		b.WriteString(prefix)
		b.WriteString(l)
	}
	if !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
	return b.String()
}

// upgradeOf returns the protocol r asks to switch to (its Upgrade header,
// with "upgrade" among its Connection options, as http.Transport sends a
// WebSocket handshake), or "".
func upgradeOf(r *http.Request) string {
	up := r.Header.Get("Upgrade")
	if up == "" {
		return ""
	}
	for _, v := range r.Header["Connection"] {
		for opt := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(opt), "upgrade") {
				return up
			}
		}
	}
	return ""
}

// multipartWithoutRule reports whether r's body is multipart and no body
// rule of rules applies to it: its boundary, new on every run, then
// counts in the name. The keys looked up are those a multipart media type
// takes (see naming.Rules.Bodies: no structured syntax suffix).
func multipartWithoutRule(r *http.Request, rules naming.Rules) bool {
	mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if !strings.HasPrefix(mt, "multipart/") {
		return false
	}
	for _, key := range []string{mt, "multipart/*", "", "*/*"} {
		if rule, ok := rules.Bodies[key]; ok {
			return rule == nil // the first key present decides; nil is ExactBody
		}
	}
	return true
}

// allUnder reports whether every cassette of names was recorded at
// prefix or under it, as a library recorded through an upstream URL with
// that path is. Of a large library it reads the first allUnderLimit
// cassettes only: a miss report reads no library whole.
func (h *Handler) allUnder(names []string, prefix string) bool {
	for _, n := range names[:min(len(names), allUnderLimit)] {
		c, ok, err := h.lib.Get(n)
		if err != nil || !ok {
			return false
		}
		for _, ex := range c.Exchanges {
			u, err := url.Parse(ex.Request.URL)
			if err != nil {
				return false
			}
			if p := u.EscapedPath(); p != prefix && !strings.HasPrefix(p, prefix+"/") {
				return false
			}
		}
	}
	return true
}

// allUnderLimit is the most cassettes allUnder reads.
const allUnderLimit = 200
