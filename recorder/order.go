package recorder

import (
	"fmt"
	"sort"
	"time"

	"github.com/cassette-go/cassette/library"
)

// The exchanges of a cassette are stored in the order their answers (the
// response headers) arrived, whatever order their bodies end in: a client
// polling an endpoint that closes each body with defer (last first), or
// stops decoding before a body's end, ends them in another. Each answer
// gets a place in the line of its cassette when it arrives; once complete,
// it is appended only when every earlier place of that line is settled
// (stored, or abandoned: not stored at all). The lines of different
// cassettes do not wait for each other.

// A line holds the places of the answers of one cassette. rt.mu guards it.
type line struct {
	name  string                // the cassette's
	next  int                   // the place the next answer gets
	head  int                   // the first place not yet settled
	ready map[int]*waitingStore // settled places after head: the exchange to append, nil if abandoned
}

// A place is one answer's place in the line of its cassette. rt.mu guards
// settled.
type place struct {
	line    *line
	n       int
	settled bool
}

// A waitingStore is an exchange complete and ready to be appended to its
// cassette, with what roundTripper.stored needs once it is.
type waitingStore struct {
	name      string
	ex        library.Exchange
	note      string    // ends the log line
	sent      time.Time // when its request was sent
	committed string    // the body file committed for it, released unless stored
	err       error     // what Append returned
}

// placeFor gives the answer arriving now for the cassette name the next
// place in its line.
func (rt *roundTripper) placeFor(name string) *place {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	l := rt.lines[name]
	if l == nil {
		if rt.lines == nil {
			rt.lines = map[string]*line{}
		}
		l = &line{name: name}
		rt.lines[name] = l
	}
	p := &place{line: l, n: l.next}
	l.next++
	return p
}

// settle settles p with w, the exchange to store in it (nil: the answer
// is abandoned, not stored). What is appended then (w, and the exchanges
// that waited for p) is appended in place order, then reported in that
// order by stored. A place already settled is not settled again.
func (rt *roundTripper) settle(p *place, w *waitingStore) {
	rt.mu.Lock()
	if p.settled {
		rt.mu.Unlock()
		return
	}
	p.settled = true
	var out []*waitingStore
	switch l := p.line; {
	case p.n < l.head:
		// Passed over when the recording ended (see release): stored
		// after those that came after it.
		out = rt.appendAll(out, w)
	case p.n > l.head:
		if l.ready == nil {
			l.ready = map[int]*waitingStore{}
		}
		l.ready[p.n] = w
	default:
		out = rt.appendAll(out, w)
		l.head++
		for {
			next, ok := l.ready[l.head]
			if !ok {
				break
			}
			delete(l.ready, l.head)
			out = rt.appendAll(out, next)
			l.head++
		}
		rt.dropIfDone(l)
	}
	rt.mu.Unlock()
	for _, w := range out {
		rt.stored(w)
	}
}

// appendAll appends w, if not nil, to its cassette and adds it to out.
// rt.mu is held.
func (rt *roundTripper) appendAll(out []*waitingStore, w *waitingStore) []*waitingStore {
	if w == nil {
		return out
	}
	w.err = rt.lib.Append(w.name, w.ex)
	return append(out, w)
}

// dropIfDone forgets l, the line just settled, once no place of it is
// open: the next answer of its cassette starts a new one. rt.mu is held.
func (rt *roundTripper) dropIfDone(l *line) {
	if l.head == l.next && len(l.ready) == 0 && rt.lines[l.name] == l {
		delete(rt.lines, l.name)
	}
}

// release stores the exchanges that wait for an earlier answer whose body
// is still open, as the recording ends: they are not held back for a
// body that may never end (one a caller of NewRoundTripper never
// closes). Such an answer is stored after them when it ends, and the log
// says so. A line with nothing waiting is left as it is.
func (rt *roundTripper) release() {
	type passed struct {
		name  string
		open  int // the open places before the last of ahead: those it is stored ahead of
		ahead []*waitingStore
	}
	var all []passed
	rt.mu.Lock()
	for name, l := range rt.lines {
		if len(l.ready) == 0 {
			continue
		}
		pa := passed{name: name}
		open := 0 // the open places met so far
		for n := l.head; n < l.next; n++ {
			w, ok := l.ready[n]
			switch {
			case !ok:
				open++
			case w != nil:
				pa.ahead = rt.appendAll(pa.ahead, w)
				pa.open = open // an open place after the last is no earlier answer
			}
		}
		l.ready = nil
		l.head = l.next
		delete(rt.lines, name) // its open places are passed: see settle
		all = append(all, pa)
	}
	rt.mu.Unlock()
	for _, pa := range all {
		if len(pa.ahead) > 0 {
			rt.cfg.logError("recorder: %s: %d exchange(s) stored ahead of %d earlier answer(s) of the cassette whose body is still open (neither read to its end nor closed): each of those is stored, after them, when its body ends",
				pa.name, len(pa.ahead), pa.open)
		}
		for _, w := range pa.ahead {
			rt.stored(w)
		}
	}
}

// logWaiting logs, for a save while the recording goes on, the exchanges
// of each cassette that wait for an earlier answer whose body is still
// open: they are not in this save, and are stored in their place when
// that body ends (then the next save has them).
func (rt *roundTripper) logWaiting() {
	type waiting struct {
		name       string
		n, earlier int
	}
	var all []waiting
	rt.mu.Lock()
	for name, l := range rt.lines {
		w := waiting{name: name}
		open := 0 // the open places met so far
		for n := l.head; n < l.next; n++ {
			switch s, ok := l.ready[n]; {
			case !ok:
				open++
			case s != nil:
				w.n++
				w.earlier = open // an open place after the last waiting is no earlier answer
			}
		}
		if w.n > 0 {
			all = append(all, w)
		}
	}
	rt.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	for _, w := range all {
		rt.cfg.logError("recorder: %s: %d exchange(s) wait for %d earlier answer(s) of the cassette whose body is still open (neither read to its end nor closed), so they are not in this save: each is stored in its place once those end",
			w.name, w.n, w.earlier)
	}
}

// stored ends the storing of w, appended: it has the library saved in the
// background, then logs and reports it; or it reports the error of its
// Append. The body file committed for it is released unless stored.
func (rt *roundTripper) stored(w *waitingStore) {
	if w.err != nil {
		rt.cfg.storeFailed(fmt.Errorf("recorder: store %s %s as %s: %w", w.ex.Request.Method, w.ex.Request.URL, w.name, w.err))
		rt.releaseBody(w.committed)
		return
	}
	rt.saver.request()
	rt.cfg.logRecorded(w.name, &w.ex, w.note)
	rt.lost.Stored(w.name, w.sent)
	if rt.cfg.onRecord != nil {
		rt.cfg.onRecord(w.name, w.ex)
	}
	rt.cfg.logSecretFields(w.name, &w.ex, rt.firstSecretLog)
	if w.ex.Response.BodyFile != w.committed {
		// A hook put the body elsewhere (inline, redacted): the body file
		// committed is no exchange's.
		rt.releaseBody(w.committed)
	}
}

// firstSecretLog reports whether key, a cassette's name and the secret
// fields of a response body stored in it (see config.logSecretFields), is
// logged for the first time, and notes it.
func (rt *roundTripper) firstSecretLog(key string) bool {
	rt.secretsMu.Lock()
	defer rt.secretsMu.Unlock()
	if rt.secretsLogged[key] {
		return false
	}
	if rt.secretsLogged == nil {
		rt.secretsLogged = make(map[string]bool)
	}
	rt.secretsLogged[key] = true
	return true
}
