package replayserver

import "testing"

func TestMissedPlaces(t *testing.T) {
	for _, tc := range []struct {
		n     int
		back  []int
		total int
		want  string
	}{
		{0, nil, 3, "exchanges 1-3 of 3 never replayed"},
		{1, nil, 3, "exchanges 2-3 of 3 never replayed"},
		{2, nil, 3, "exchange 3 of 3 never replayed"},
		{3, nil, 3, ""},
		{7, nil, 3, ""},
		{3, []int{1}, 3, "exchange 2 of 3 never replayed"},
		{4, []int{1, 3}, 5, "exchanges 2 and 4-5 of 5 never replayed"},
		{5, []int{1, 3}, 7, "exchanges 2, 4 and 6-7 of 7 never replayed"},
		{4, []int{0}, 3, "exchange 1 of 3 never replayed"},
		{2, nil, 0, ""},
	} {
		if got := missedPlaces(tc.n, tc.back, tc.total); got != tc.want {
			t.Errorf("missedPlaces(%d, %v, %d) = %q, want %q", tc.n, tc.back, tc.total, got, tc.want)
		}
	}
}
