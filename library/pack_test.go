package library

import (
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func packable() Exchange {
	return Exchange{
		Request: Request{Method: "POST", URL: "https://api.example.com/v1/users?page=2", Header: http.Header{
			"Accept":       {"application/json"},
			"X-Empty":      nil,
			"X-Blank":      {""},
			"Content-Type": {"application/json"},
		}},
		Response: Response{
			StatusCode: 201,
			Header: http.Header{
				"Content-Type": {"application/json"},
				"Set-Cookie":   {"a=1", "b=2", "c=3"},
				"Vary":         {"Accept", "Origin"},
			},
			Trailer:  http.Header{"X-Checksum": {"abc"}},
			Body:     []byte(`{"id":1}`),
			BodyFile: "",
		},
	}
}

func TestPackKeepsEverything(t *testing.T) {
	ex := packable()
	pack(&ex)
	if diff := cmp.Diff(packable(), ex); diff != "" {
		t.Errorf("pack changed the exchange (-want +got):\n%s", diff)
	}
	// Appending to one list of values never writes into another.
	cookies := ex.Response.Header["Set-Cookie"]
	if len(cookies) != cap(cookies) {
		t.Fatalf("Set-Cookie: len %d, cap %d: want the lists clipped", len(cookies), cap(cookies))
	}
	for _, vv := range ex.Response.Header {
		_ = append(vv, "appended")
	}
	ex.Response.Header.Add("Vary", "Cookie")
	want := packable()
	want.Response.Header.Add("Vary", "Cookie")
	if diff := cmp.Diff(want, ex); diff != "" {
		t.Errorf("after appending (-want +got):\n%s", diff)
	}
}

func TestPackAllocatesPerHeaderNotPerString(t *testing.T) {
	many := func(n int) Exchange {
		h := http.Header{}
		for i := range n {
			h["X-Header-"+string(rune('A'+i))] = []string{"value " + string(rune('a'+i)), "another"}
		}
		return Exchange{Request: Request{Method: "GET", URL: "https://example.com/"}, Response: Response{StatusCode: 200, Header: h}}
	}
	allocs := func(n int) float64 {
		exs := make([]Exchange, 0, 100)
		for range 101 {
			exs = append(exs, many(n))
		}
		i := 0
		return testing.AllocsPerRun(100, func() { pack(&exs[i]); i++ })
	}
	// The strings, the lists of values and the map: as many objects for
	// six headers (twelve values) as for one.
	one, six := allocs(1), allocs(6)
	if six != one {
		t.Errorf("packing 6 headers allocates %v times, 1 header %v times: want the same", six, one)
	}
	if one > 4 {
		t.Errorf("packing an exchange allocates %v times, want at most 4 (strings, values, map)", one)
	}
	ex := many(3)
	pack(&ex)
	if got := slices.Sorted(maps.Keys(ex.Response.Header)); !slices.Equal(got, []string{"X-Header-A", "X-Header-B", "X-Header-C"}) {
		t.Errorf("headers after pack: %q", got)
	}
}
