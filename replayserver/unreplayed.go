package replayserver

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// ReportUnreplayed writes, in replay mode, one line per cassette that
// answered requests but not from all of its recorded exchanges, sorted:
// the cassette as [Handler.ReportUnused] names it (for a directory library
// its file relative to the library folder, for a file library its name),
// a colon, and the exchanges never replayed, counted from 1:
//
//	GET_api.example.com_443_v1_job.json: exchange 3 of 3 never replayed
//
// Such a cassette is used, so it is not in [Handler.Unused], but its last
// exchanges are stale as an unused cassette is (a polled endpoint the
// test now asks fewer times than when it was recorded): record the
// cassette again, or delete those exchanges. An exchange given back by a
// request whose body broke off counts as not replayed. In the recording
// modes, which add exchanges as they go, and in passthrough, it writes
// nothing. [Strict] and cassette serve -strict log these lines; they do
// not fail on them.
func (h *Handler) ReportUnreplayed(w io.Writer) error {
	var buf bytes.Buffer
	for _, l := range h.unreplayed() {
		buf.WriteString(l)
		buf.WriteByte('\n')
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// unreplayed returns the lines of [Handler.ReportUnreplayed], sorted.
func (h *Handler) unreplayed() []string {
	if h.mode != ModeReplay {
		return nil // recording modes add exchanges as they go
	}
	type line struct{ name, missed string }
	var found []line
	h.mu.Lock()
	for name, s := range h.hits {
		if !s.used() {
			continue // an unused cassette, which Unused lists
		}
		total := s.exchanges
		if s.kept {
			total = len(s.c.Exchanges)
		}
		if len(s.back) == 0 && s.n >= total {
			continue // every exchange served (the last one perhaps again)
		}
		if missed := missedPlaces(s.n, s.back, total); missed != "" {
			found = append(found, line{name, missed})
		}
	}
	h.mu.Unlock()
	// The files are looked up outside h.mu: the library has its own lock.
	out := make([]string, len(found))
	for i, l := range found {
		out[i] = h.lib.File(l.name) + ": " + l.missed
	}
	sort.Strings(out)
	return out
}

// missedPlaces says which of total exchanges no place below n but those
// in back (sorted) served, places past the last serving the last, as
// "exchanges 2-3 and 5 of 5 never replayed", or "" when each was served.
func missedPlaces(n int, back []int, total int) string {
	hit := make([]bool, total)
	j := 0
	for p := 0; p < n && total > 0; p++ {
		if p >= total {
			// Repeats of the last (places given back are all below it):
			// one look for them all, however many a long poll made.
			hit[total-1] = true
			break
		}
		if j < len(back) && back[j] == p {
			j++
			continue
		}
		hit[min(p, total-1)] = true
	}
	var ranges []string
	count := 0
	for i := 0; i < total; i++ {
		if hit[i] {
			continue
		}
		k := i
		for k+1 < total && !hit[k+1] {
			k++
		}
		count += k - i + 1
		if k == i {
			ranges = append(ranges, strconv.Itoa(i+1))
		} else {
			ranges = append(ranges, fmt.Sprintf("%d-%d", i+1, k+1))
		}
		i = k
	}
	if count == 0 {
		return ""
	}
	word := "exchanges"
	if count == 1 {
		word = "exchange"
	}
	list := strings.Join(ranges, ", ")
	if len(ranges) > 1 {
		list = strings.Join(ranges[:len(ranges)-1], ", ") + " and " + ranges[len(ranges)-1]
	}
	return fmt.Sprintf("%s %s of %d never replayed", word, list, total)
}
