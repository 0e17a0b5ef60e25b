package replayserver

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// A match is the outcome of looking a request up.
type match struct {
	name     string           // the name computed for the request
	found    string           // the cassette that answers it; "" for a miss
	cassette library.Cassette // the cassette found
	served   *served          // its state, to count the hit
	taken    bool             // the hit was counted by lookup: ex and ok are take's answer
	ex       *library.Exchange
	ok       bool
	place    int      // where ex is in the cassette's order, as take counts it (see untake)
	reply    *reply   // ex made ready to write, when the cassette's state has one
	target   *url.URL // the URL the request stands for
	loadErr  error    // the cassette of the request's name exists but cannot be read
}

// lookup finds the cassette for r, whose body is body. The request is named
// as it was sent to the API it stands for: a request sent to the server's
// own address is named with the upstream's host when one is given. When
// the exact name is missing and the request's host says nothing about the
// API (the server's own address or a loopback test server, whose port
// changes every run), cassettes recorded from any host are considered.
func (h *Handler) lookup(r *http.Request, body []byte) match {
	var m match
	var anyHost bool
	key, memo := h.nameKey(r, body)
	if memo {
		h.mu.Lock()
		if n, ok := h.names[key]; ok {
			// Named before: one critical section for the whole hit.
			h.namesUse++
			m.name, m.target = n.name, n.target
			if s := n.served; s != nil && s.kept {
				// And found before: not even a look in the hits.
				m.found, m.cassette, m.served = s.c.Name, s.c, s
				h.takeEarly(&m)
				h.mu.Unlock()
				return m
			}
			pick := h.findLocked(&m, n.anyHost)
			n.served = m.served
			h.mu.Unlock()
			return h.findSlow(m, pick, n.anyHost, n)
		}
		h.mu.Unlock()
	}
	u, own := h.target(r)
	// The host says nothing about the API: the server's own address, or a
	// loopback test server, whose port changes every run.
	anyHost = own || isLoopback(u.Hostname())
	nr := *r
	nr.URL = u
	nr.Host = u.Host
	named := &nr
	if h.namesReadHeaders || len(body) > 0 {
		named = h.redact.Request(&nr)
	} else {
		// The name reads no header (a body rule would read Content-Type):
		// only the URL needs redacting.
		nr.URL = h.redact.URL(u)
	}
	m = match{name: naming.Name(named, h.redact.Body(r.Header, body), h.cfg.rules), target: u}
	var n *namedRequest
	if memo {
		if u == r.URL {
			// The caller's URL, which it may change for its next
			// request: the memory keeps a copy.
			c := *u
			u = &c
		}
		n = &namedRequest{name: m.name, target: u, anyHost: anyHost}
		h.mu.Lock()
		h.remember(key, n)
		h.mu.Unlock()
	}
	return h.find(m, anyHost, n)
}

// find looks up the cassette for the request named in m; with anyHost,
// one recorded from another host will do. The cassette found is noted in
// n, the request's entry in the memory of names, if any.
func (h *Handler) find(m match, anyHost bool, n *namedRequest) match {
	h.mu.Lock()
	pick := h.findLocked(&m, anyHost)
	if n != nil {
		n.served = m.served
	}
	h.mu.Unlock()
	return h.findSlow(m, pick, anyHost, n)
}

// findLocked finds the cassette of m among those served before, and
// otherwise returns the name to ask the library for ("" for none). h.mu
// is held. The cassette of the request's own name comes first, even when
// any host will do: looking for one recorded from another host needs an
// index of the whole library (see pickAnyHost), which findSlow builds only
// when that name is missing.
func (h *Handler) findLocked(m *match, anyHost bool) (pick string) {
	pick = m.name
	var s *served
	p, ok := picked{}, false
	if anyHost { // else no look in the picks: with a large library, one more cache miss
		p, ok = h.picks[pick]
	}
	if ok {
		// Another host's cassette, or none, picked before.
		pick, s = p.name, p.served
	} else {
		s = h.hits[pick]
	}
	if s != nil && s.kept {
		// Served before: no look in the library.
		m.found, m.cassette, m.served = s.c.Name, s.c, s
		h.takeEarly(m)
		return ""
	}
	return pick
}

// findSlow asks the library for the cassette called pick, if any, when
// findLocked did not find it among those served before; with anyHost and
// no such cassette, for the same request recorded from another host.
func (h *Handler) findSlow(m match, pick string, anyHost bool, n *namedRequest) match {
	if pick == "" {
		return m
	}
	c, ok, err := h.lib.Get(pick)
	if err != nil {
		m.loadErr = err
		return m
	}
	var p picked
	picking := !ok && anyHost && pick == m.name
	if picking {
		h.mu.Lock()
		var note string
		p, note = h.pickAnyHost(m.name)
		h.mu.Unlock()
		if note != "" {
			h.logf("%s", note)
		}
		if p.name != "" && p.name != m.name {
			c, ok, err = h.lib.Get(p.name)
			if err != nil {
				m.loadErr = err
				return m
			}
		}
	}
	if !ok {
		return m
	}
	h.mu.Lock()
	// The library's string: hit tracking keeps it, not the request's.
	s := h.servedOf(c.Name)
	s.exchanges = len(c.Exchanges)
	var key string // of the pick, if any
	if picking && p.name == c.Name {
		key = m.name
	}
	if small(c) {
		key = h.keep(s, c, key)
	}
	if _, still := h.picks[m.name]; key != "" && still {
		// The next time, no look in the hits; keyed by the copy of the
		// name beside the cassette's replies, if any, which a hit reads.
		delete(h.picks, m.name)
		h.picks[key] = picked{p.name, s}
	}
	m.found, m.cassette, m.served = c.Name, c, s
	if n != nil {
		n.served = s
	}
	h.takeEarly(&m)
	h.mu.Unlock()
	return m
}

// takeEarly counts the hit of m while lookup holds h.mu, saving take a
// second lock, unless the mode may forward the request instead (record
// mode forwards the cassettes it recorded).
func (h *Handler) takeEarly(m *match) {
	if h.mode != ModeRecord {
		m.ex, m.ok = h.takeLocked(m)
		m.taken = true
	}
}

// keptBytes is the most body bytes of a cassette that the handler keeps
// for its next hits: a larger one the library may drop from memory, and
// reads again when asked (see package library), which a copy here would
// prevent.
const keptBytes = 256 << 10

// small reports whether c's bodies add up to less than keptBytes.
func small(c library.Cassette) bool {
	n := 0
	for i := range c.Exchanges {
		n += len(c.Exchanges[i].Request.Body) + len(c.Exchanges[i].Response.Body)
		if n >= keptBytes {
			return false
		}
	}
	return true
}

// readsHeaders reports whether naming with rules reads request headers
// other than Content-Type, which only a body's rule reads.
func readsHeaders(rules naming.Rules) bool {
	if len(rules.Headers) > 0 {
		return true
	}
	for _, r := range rules.Routes {
		if len(r.Rules.Headers) > 0 {
			return true
		}
	}
	return false
}

// maxPicks bounds the memory of pickAnyHost, unless the library holds
// more cassettes: requests that walk a large library would then find it
// full again and again, and work their picks out anew.
const maxPicks = 1 << 16

// A picked is the cassette a request to any host gets when no cassette has
// its own name: the name ("" for none) and, once served, its state.
type picked struct {
	name   string
	served *served
}

// pickAnyHost returns the cassette for the request called name when any
// host will do and no cassette has that name: the same request recorded
// from another host, if any; from several, the one h.hosts chooses, with
// a note to log when that was a guess. The answers are remembered (a test
// sends the same requests again and again), with the state of the
// cassette once served, so that the next time costs one map lookup as a
// request of the cassette's own name does. h.mu is held.
func (h *Handler) pickAnyHost(name string) (p picked, note string) {
	if p, ok := h.picks[name]; ok {
		return p, ""
	}
	cands := h.hostlessNames(naming.WithoutHost(name))
	switch i := sort.SearchStrings(cands, name); {
	case i < len(cands) && cands[i] == name:
		p.name = name // recorded by this handler, not in the library yet
	case len(cands) > 0:
		var guessed, rebound bool
		p.name, guessed, rebound = h.hosts.choose(hostOf(name), cands)
		if rebound {
			// Requests picked by a guess may now get another host's
			// cassette.
			h.picks, h.names = nil, nil
		}
		if guessed {
			hosts := make([]string, len(cands))
			for i, c := range cands {
				hosts[i] = hostOf(c)
			}
			note = fmt.Sprintf("replayserver: %s: recorded from several hosts (%s), and nothing tells which one %s stands for (the server's own address, or a loopback test server whose port changed); answered from %s. "+
				"To choose, give the test servers fixed ports, set replayserver.Upstream, or make the requests differ",
				name, strings.Join(hosts, ", "), hostOf(name), hostOf(p.name))
		}
	}
	if h.picks == nil || len(h.picks) >= max(maxPicks, 2*h.hostless.size) {
		h.picks = make(map[string]picked)
	}
	h.picks[name] = p
	return p, note
}

// take returns the next exchange of the cassette m found and counts the
// hit: exchanges are served in order, then the last one repeats (with
// NoRepeat, ok is false once they are all served).
func (h *Handler) take(m *match) (*library.Exchange, bool) {
	if m.taken {
		return m.ex, m.ok
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.takeLocked(m)
}

// takeLocked is take with h.mu held.
func (h *Handler) takeLocked(m *match) (*library.Exchange, bool) {
	c := m.cassette
	if len(c.Exchanges) == 0 {
		return nil, false
	}
	var i int
	if h.untaken > 0 && len(m.served.back) > 0 {
		// The first place given back: an exchange taken for a request
		// that was not answered after all.
		i = m.served.back[0]
		m.served.back = m.served.back[1:]
		h.untaken--
	} else {
		if h.cfg.noRepeat && m.served.n >= len(c.Exchanges) {
			return nil, false
		}
		i = m.served.n
		m.served.n++
	}
	m.place = i
	if i >= len(c.Exchanges) {
		i = len(c.Exchanges) - 1
	}
	if reps := m.served.replies; len(reps) == len(c.Exchanges) && m.served.c.Exchanges != nil && &m.served.c.Exchanges[0] == &c.Exchanges[0] {
		m.reply = &reps[i]
	}
	return &c.Exchanges[i], true
}

// untake gives back the exchange that take took for m, of a request not
// answered after all (its body, over [MaxBodySize], broke off as it was
// read to its end): the next request of the cassette gets it, and a
// cassette no request was answered from stays unused. Requests of one
// cassette may be taken from and given back in any order (two of them
// over the limit, named without their body, the first breaking off after
// the second was answered): the place given back is kept, and served
// before the places no request took yet, so that the cassette's
// exchanges are all served, in their order as far as the requests allow.
func (h *Handler) untake(m *match) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, p := m.served, m.place
	if p < s.n-1 && p < len(m.cassette.Exchanges)-1 {
		// Taken before a place still out: kept, in order.
		i, _ := slices.BinarySearch(s.back, p)
		s.back = slices.Insert(s.back, i, p)
		h.untaken++
		return
	}
	// The last place taken, or one of those that repeat the last
	// exchange (all alike): take counts one less, and then fewer still for
	// the places given back just below it.
	s.n--
	for k := len(s.back); k > 0 && s.back[k-1] == s.n-1; k-- {
		s.back = s.back[:k-1]
		s.n--
		h.untaken--
	}
}

// target returns the URL r stands for, and whether r was sent to the
// server's own address (so its host says nothing about the API).
func (h *Handler) target(r *http.Request) (*url.URL, bool) {
	// A request in absolute-form names its host in its URL, which the
	// server takes as its Host (a Go client sends a URL whose opaque part
	// is "//host/path" so): one for another host is a proxy request for
	// that URL; one for the server's own address is sent to it as any
	// other.
	own := h.isOwnAddress(r)
	if r.URL.Host != "" && !own { // absolute-form: a proxy request for that URL
		if _, ok := r.Header[schemeHeader]; ok {
			// Server.Transport sent it, with the server's scheme in
			// its URL: the header has the one it was meant for.
			u := *r.URL
			u.Scheme = schemeOf(r)
			return &u, false
		}
		if r.URL.Scheme != "" {
			return r.URL, false // not modified: no copy needed
		}
		u := *r.URL
		if u.Scheme == "" {
			u.Scheme = "http"
		}
		return &u, false
	}
	if own && h.upstream != nil {
		return forwarded.Target(h.upstream, r.URL), true
	}
	u := *r.URL
	u.Host = r.Host
	u.Scheme = schemeOf(r)
	if forwarded.Asterisk(&u) {
		// OPTIONS *, whose URL a server reads as the path "*": the URL a
		// client sends it with (Opaque "*"), which NewTransport and the
		// recorders store, and which goes upstream as "*".
		u.Opaque, u.Path, u.RawPath = "*", "", ""
	}
	return &u, own
}

// schemeOf returns the scheme r was meant for.
func schemeOf(r *http.Request) string {
	var s string
	if v := r.Header[schemeHeader]; len(v) > 0 { // as Get: the name is canonical
		s = v[0]
	}
	switch s {
	case "http", "https":
		return s
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// An ownAddr is a Host header that named the server's own address, and
// the port of the listener it came to.
type ownAddr struct {
	host string
	port int
}

// isOwnAddress is isOwnAddress with a memory of the last Host header that
// named the server's own address: every request of a test sends the same
// one, which then costs a string comparison.
func (h *Handler) isOwnAddress(r *http.Request) bool {
	la, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	if !ok {
		return false
	}
	if o := h.own.Load(); o != nil && o.host == r.Host && o.port == la.Port {
		return true
	}
	if !isOwnAddress(r) {
		return false
	}
	h.own.Store(&ownAddr{host: r.Host, port: la.Port})
	return true
}

// isOwnAddress reports whether r was sent to the address of the listener
// that accepted it (the replay server's own, whose port changes every run).
func isOwnAddress(r *http.Request) bool {
	la, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	if !ok {
		return false
	}
	if r.Host == "" {
		return true // no Host (HTTP/1.0): it names no other host than the one it came to
	}
	host, port := r.Host, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host, port = host[:i], host[i+1:]
	}
	p, err := strconv.Atoi(port)
	if err != nil || p != la.Port {
		return false
	}
	return isLoopback(host) || underLocalhost(host) || net.ParseIP(strings.Trim(host, "[]")).Equal(la.IP)
}

// underLocalhost reports whether host is a name under .localhost, which
// resolves to loopback (RFC 6761; curl and browsers resolve such names
// without asking DNS). Sent with the server's own port, it names the
// server; otherwise it names a host of its own (several behind a dev
// proxy), unlike a loopback address, whose test server's port changes
// every run (see isLoopback).
func underLocalhost(host string) bool {
	const suffix = ".localhost"
	return len(host) > len(suffix) && strings.EqualFold(host[len(host)-len(suffix):], suffix)
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if last := len(host) - 1; last < 0 || !strings.ContainsRune(host, ':') && !isDigit(host[last]) && host[last] != ']' {
		return false // a name, not an address (one of IPv4 ends with a digit or, bracketed, "]"; of IPv6, has colons)
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
