package replayserver

import (
	"hash/maphash"
	"slices"
	"strings"

	"github.com/cassette-go/cassette/naming"
)

// A hostIndex finds the cassettes recorded for one request from any host:
// the names that are the same without their host (naming.WithoutHost). A
// request sent to the server's own address, or to a loopback test server
// whose port changes every run, says nothing of the API it stands for and
// gets one of them.
//
// The index is keyed by a hash of the name without host, so that it keeps
// no string of its own: the names it holds are the library's. Built over a
// library of 100,000 cassettes it adds no object to the heap but its maps,
// where a map of strings to lists added two per cassette, for the garbage
// collector to mark on every cycle.
type hostIndex struct {
	seed  maphash.Seed
	first map[uint64]string   // a name of each hash
	more  map[uint64][]string // the others: one request recorded from several hosts, or a collision of hashes
	size  int                 // names held
}

// newHostIndex returns the index of names.
func newHostIndex(names []string) *hostIndex {
	x := &hostIndex{seed: maphash.MakeSeed(), first: make(map[uint64]string, len(names))}
	for _, n := range names {
		x.add(n)
	}
	return x
}

// add adds the cassette called name, if not held already.
func (x *hostIndex) add(name string) {
	k := maphash.String(x.seed, naming.WithoutHost(name))
	first, ok := x.first[k]
	switch {
	case !ok:
		x.first[k] = name
	case first == name || slices.Contains(x.more[k], name):
		return
	default:
		if x.more == nil {
			x.more = make(map[uint64][]string)
		}
		x.more[k] = append(x.more[k], name)
	}
	x.size++
}

// names returns the names whose name without host is hostless, sorted.
func (x *hostIndex) names(hostless string) []string {
	k := maphash.String(x.seed, hostless)
	first, ok := x.first[k]
	if !ok {
		return nil
	}
	var out []string
	for _, n := range append([]string{first}, x.more[k]...) {
		if naming.WithoutHost(n) == hostless {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// hostOf returns the host and port fields of a cassette name
// ("127.0.0.1_46349"), or "" if it has none.
func hostOf(name string) string {
	rest := naming.WithoutHost(name)
	method, _, ok := strings.Cut(name, "_")
	if rest == name || !ok {
		return ""
	}
	return name[len(method)+1 : len(name)-(len(rest)-len(method))]
}

// A hostBinder chooses among the cassettes of one request recorded from
// several hosts, for a request whose host says nothing of its API: the
// server's own address, or a loopback test server whose port changed
// since the recording. Each such host (as named: "127.0.0.1_41523") is
// bound to the recorded host of the cassettes it gets: for sure when only
// one recorded host answers a request of it (the others being bound to
// other hosts, if need be), as a guess otherwise. A host
// bound for sure gets that host's cassettes when several answer; one not
// bound for sure gets a host no other is bound to: two loopback test
// servers recorded together (an auth server and an API, say) are told
// apart by the requests only one of them answers.
type hostBinder struct {
	sure       map[string]string // request host -> recorded host
	sureOwner  map[string]string // recorded host -> request host bound to it for sure
	guess      map[string]string // request host -> recorded host picked among several
	guessOwner map[string]string // recorded host -> request host that guessed it
}

// choose returns which of cands (names of one request recorded from
// several hosts, sorted, at least one) answers a request sent to reqHost.
// guessed reports that nothing bound reqHost to the host chosen; rebound,
// that a new sure binding may have made earlier guesses wrong.
func (b *hostBinder) choose(reqHost string, cands []string) (name string, guessed, rebound bool) {
	if b.sure == nil {
		b.sure, b.sureOwner = map[string]string{}, map[string]string{}
		b.guess, b.guessOwner = map[string]string{}, map[string]string{}
	}
	if rh, ok := b.sure[reqHost]; ok && len(cands) > 1 {
		for _, c := range cands {
			if hostOf(c) == rh {
				return c, false, false
			}
		}
	}
	// The hosts not bound for sure to another request host; all of them
	// if none is left.
	avail := cands
	if len(b.sureOwner) > 0 && len(cands) > 1 {
		avail = make([]string, 0, len(cands))
		for _, c := range cands {
			if o := b.sureOwner[hostOf(c)]; o == "" || o == reqHost {
				avail = append(avail, c)
			}
		}
		if len(avail) == 0 {
			avail = cands
		}
	}
	if len(avail) == 1 {
		// The only one: reqHost stands for its host.
		rh := hostOf(avail[0])
		if _, ok := b.sure[reqHost]; !ok && b.sureOwner[rh] == "" {
			b.sure[reqHost], b.sureOwner[rh] = rh, reqHost
			rebound = len(b.guess) > 0
		}
		return avail[0], false, rebound
	}
	pick := avail[0]
	if g, ok := b.guess[reqHost]; ok {
		for _, c := range avail {
			if hostOf(c) == g {
				return c, true, false
			}
		}
	}
	for _, c := range avail {
		if o := b.guessOwner[hostOf(c)]; o == "" || o == reqHost {
			pick = c
			break
		}
	}
	rh := hostOf(pick)
	if _, ok := b.guess[reqHost]; !ok {
		b.guess[reqHost] = rh
	}
	if b.guessOwner[rh] == "" {
		b.guessOwner[rh] = reqHost
	}
	return pick, true, false
}
