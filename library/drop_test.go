package library_test

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// poll is an exchange of the cassette "poll" whose body is body.
func poll(body string) library.Exchange {
	return library.Exchange{
		Request:  library.Request{Method: "GET", URL: "http://api.example/poll"},
		Response: library.Response{StatusCode: 200, Body: []byte(body)},
	}
}

// bodiesOf returns the response bodies of the cassette called name in lib.
func bodiesOf(t *testing.T, lib *library.Library, name string) []string {
	t.Helper()
	c, ok, err := lib.Get(name)
	if err != nil || !ok {
		t.Fatalf("Get(%q) = %v, %v", name, ok, err)
	}
	var got []string
	for _, ex := range c.Exchanges {
		got = append(got, string(ex.Response.Body))
	}
	return got
}

func bodyIs(want string) func(library.Exchange) bool {
	return func(ex library.Exchange) bool { return string(ex.Response.Body) == want }
}

func TestDropExchanges(t *testing.T) {
	for _, name := range []string{"api.json", "api.yaml", "api"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := lib.Append("poll", poll("a"), poll("b"), poll("a")); err != nil {
				t.Fatal(err)
			}
			if err := lib.Append("once", poll("a")); err != nil {
				t.Fatal(err)
			}
			if err := lib.Save(); err != nil {
				t.Fatal(err)
			}
			if n, err := lib.DropExchanges("poll", bodyIs("a")); n != 2 || err != nil {
				t.Fatalf("DropExchanges(poll) = %d, %v; want 2, nil", n, err)
			}
			if n, err := lib.DropExchanges("once", bodyIs("a")); n != 1 || err != nil {
				t.Fatalf("DropExchanges(once) = %d, %v; want 1, nil", n, err)
			}
			if n, err := lib.DropExchanges("poll", bodyIs("z")); n != 0 || err != nil {
				t.Fatalf("DropExchanges dropping nothing = %d, %v; want 0, nil", n, err)
			}
			if n, err := lib.DropExchanges("missing", bodyIs("a")); n != 0 || err != nil {
				t.Fatalf("DropExchanges(missing) = %d, %v; want 0, nil", n, err)
			}
			if _, err := lib.DropExchanges("../x", bodyIs("a")); !errors.Is(err, library.ErrInvalidName) {
				t.Fatalf("DropExchanges(../x) error = %v; want ErrInvalidName", err)
			}
			if _, err := lib.DropExchanges("poll", nil); err == nil {
				t.Fatal("DropExchanges with a nil function did not fail")
			}
			if got := bodiesOf(t, lib, "poll"); !slices.Equal(got, []string{"b"}) {
				t.Errorf("before Save, poll holds %q; want [b]", got)
			}
			if err := lib.Save(); err != nil {
				t.Fatal(err)
			}
			after, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := bodiesOf(t, after, "poll"); !slices.Equal(got, []string{"b"}) {
				t.Errorf("saved, poll holds %q; want [b]", got)
			}
			if got := bodiesOf(t, after, "once"); len(got) != 0 {
				t.Errorf("saved, once holds %q; want it kept, empty", got)
			}
		})
	}
}

// A drop is merged with what another writer saved of the cassette since
// this library read it: their exchanges stay (less those dropped), and
// this library's appended exchanges follow them, where Get and Put would
// have replaced the cassette whole.
func TestDropExchangesKeepsAnotherWritersExchanges(t *testing.T) {
	for _, name := range []string{"api.json", "api.yaml", "api"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			first, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := first.Append("poll", poll("old"), poll("kept")); err != nil {
				t.Fatal(err)
			}
			if err := first.Save(); err != nil {
				t.Fatal(err)
			}
			mine, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := mine.Append("poll", poll("mine"), poll("old")); err != nil {
				t.Fatal(err)
			}
			other, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := other.Append("poll", poll("theirs"), poll("old")); err != nil {
				t.Fatal(err)
			}
			if err := other.Save(); err != nil {
				t.Fatal(err)
			}
			if n, err := mine.DropExchanges("poll", bodyIs("old")); n != 2 || err != nil {
				t.Fatalf("DropExchanges = %d, %v; want 2, nil", n, err)
			}
			if err := mine.Save(); err != nil {
				t.Fatal(err)
			}
			want := []string{"kept", "theirs", "mine"}
			if got := bodiesOf(t, mine, "poll"); !slices.Equal(got, want) {
				t.Errorf("after Save, the library holds %q; want %q", got, want)
			}
			after, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := bodiesOf(t, after, "poll"); !slices.Equal(got, want) {
				t.Errorf("saved, poll holds %q; want %q", got, want)
			}
		})
	}
}
