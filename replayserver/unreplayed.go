package replayserver

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// unreplayed returns, in replay mode, a line for each cassette that
// answered requests but not from all of its recorded exchanges, sorted by
// name: "NAME: exchange 3 of 3 never replayed". Such a cassette is used,
// so [Strict] does not fail on it, but its last exchanges are stale as an
// unused cassette is (a polled endpoint the test now asks fewer times).
// An exchange given back by a request whose body broke off counts as not
// replayed.
func (h *Handler) unreplayed() []string {
	if h.mode != ModeReplay {
		return nil // recording modes add exchanges as they go
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
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
			out = append(out, name+": "+missed)
		}
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
