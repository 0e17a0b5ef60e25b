package replayserver

import (
	"hash/maphash"
	"slices"

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
