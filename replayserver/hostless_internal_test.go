package replayserver

import (
	"hash/maphash"
	"slices"
	"testing"
)

func TestHostIndex(t *testing.T) {
	x := newHostIndex([]string{
		"GET_b.example_443_v1_users",
		"GET_a.example_443_v1_users",
		"GET_a.example_443_v1_items",
		"POST_a.example_443_v1_users",
	})
	x.add("GET_c.example_80_v1_users")
	x.add("GET_a.example_443_v1_users") // again: held once
	if x.size != 5 {
		t.Errorf("size = %d, want 5", x.size)
	}
	for _, tc := range []struct {
		hostless string
		want     []string
	}{
		{"GET_v1_users", []string{"GET_a.example_443_v1_users", "GET_b.example_443_v1_users", "GET_c.example_80_v1_users"}},
		{"GET_v1_items", []string{"GET_a.example_443_v1_items"}},
		{"POST_v1_users", []string{"POST_a.example_443_v1_users"}},
		{"DELETE_v1_users", nil},
	} {
		if got := x.names(tc.hostless); !slices.Equal(got, tc.want) {
			t.Errorf("names(%q) = %q, want %q", tc.hostless, got, tc.want)
		}
	}

	// Two hostless names of one hash (forced here): each gets its own.
	k := maphash.String(x.seed, "GET_v1_items")
	x.more[k] = append(x.more[k], "GET_a.example_443_v1_orders")
	if got, want := x.names("GET_v1_items"), []string{"GET_a.example_443_v1_items"}; !slices.Equal(got, want) {
		t.Errorf("with a collision, names = %q, want %q", got, want)
	}
}
