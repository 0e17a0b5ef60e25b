package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// absoluteGet sends GET path to the server at base in absolute-form
// ("GET http://127.0.0.1:PORT/path HTTP/1.1"), as a Go client sends a
// URL whose opaque part is "//host/path" (a path it escaped itself), and
// returns the status and body.
func absoluteGet(t *testing.T, base, path string) (int, string) {
	t.Helper()
	bu, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u := &url.URL{Scheme: bu.Scheme, Host: bu.Host, Opaque: "//" + bu.Host + path}
	resp, err := http.DefaultClient.Do(&http.Request{Method: "GET", URL: u, Header: http.Header{}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A request in absolute-form for the server's own address is one sent to
// that address, not a proxy request for it: it goes to the Upstream, its
// path joined to the Upstream's, and is named so. It was taken for a
// proxy request for the server itself: replaying, it missed the cassette
// recorded for it; recording, the server forwarded it to itself, and
// stored a cassette under its own address beside the upstream's.
func TestAbsoluteFormForTheServersOwnAddress(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	t.Run("replay", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "api")
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", "https://api.example.com/api/v1/files/a%2Fb", nil)
		if err := lib.Append(nameOf(req, nil), library.Exchange{
			Request:  library.Request{Method: "GET", URL: req.URL.String()},
			Response: library.Response{StatusCode: 200, Body: []byte("recorded")},
		}); err != nil {
			t.Fatal(err)
		}
		if err := lib.Save(); err != nil {
			t.Fatal(err)
		}
		srv := replayserver.New(t, path, replayserver.Upstream("https://api.example.com/api/v1"),
			replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		if status, body := absoluteGet(t, srv.URL, "/files/a%2Fb"); status != 200 || body != "recorded" {
			t.Errorf("GET %s/files/a%%2Fb in absolute-form = %d %.200q, want 200 %q", srv.URL, status, body, "recorded")
		}
	})
	t.Run("record", func(t *testing.T) {
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, r.URL.EscapedPath())
		}))
		defer api.Close()
		path := filepath.Join(t.TempDir(), "api")
		t.Run("server", func(t *testing.T) {
			srv := replayserver.New(t, path, replayserver.Upstream(api.URL+"/api/v1"))
			if status, body := absoluteGet(t, srv.URL, "/files/a%2Fb"); status != 200 || body != "/api/v1/files/a%2Fb" {
				t.Errorf("GET %s/files/a%%2Fb in absolute-form = %d %.200q, want 200 %q", srv.URL, status, body, "/api/v1/files/a%2Fb")
			}
		})
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", api.URL+"/api/v1/files/a%2Fb", nil)
		names, err := lib.Names()
		if want := []string{nameOf(req, nil)}; err != nil || !slices.Equal(names, want) {
			t.Errorf("recorded %q (%v), want %q", names, err, want)
		}
	})
}

// srv.Client() sends a request for an https URL whose opaque part is
// "//host/path" to the server in absolute-form, with the server's scheme
// (http) in it: the request is named with the scheme it was meant for
// (port 443), as one without an opaque part is. It was named with port 80,
// and missed.
func TestAbsoluteFormThroughTheServersTransportKeepsItsScheme(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://api.example.com/v1/files/a%2Fb", nil)
	if err := lib.Append(nameOf(req, nil), library.Exchange{
		Request:  library.Request{Method: "GET", URL: req.URL.String()},
		Response: library.Response{StatusCode: 200, Body: []byte("recorded")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
	u := &url.URL{Scheme: "https", Host: "api.example.com", Opaque: "//api.example.com/v1/files/a%2Fb"}
	resp, err := srv.Client().Do(&http.Request{Method: "GET", URL: u, Header: http.Header{}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || string(b) != "recorded" {
		t.Errorf("srv.Client() GET https://api.example.com/v1/files/a%%2Fb (opaque) = %d %.200q, want 200 %q", resp.StatusCode, b, "recorded")
	}
}
