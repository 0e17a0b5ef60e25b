package forwarded_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/google/go-cmp/cmp"
)

// Behind a ReverseProxy whose Rewrite calls Keep, the upstream gets the
// forwarding headers the client sent, and no others.
func TestKeepGivesTheUpstreamWhatTheClientSent(t *testing.T) {
	got := make(chan http.Header, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
	}))
	defer api.Close()
	u, _ := url.Parse(api.URL)
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		forwarded.Keep(pr)
	}})
	defer proxy.Close()

	for _, sent := range []http.Header{
		{
			"Forwarded":         {"for=203.0.113.7;proto=https"},
			"X-Forwarded-For":   {"203.0.113.7", "198.51.100.2"},
			"X-Forwarded-Host":  {"public.example"},
			"X-Forwarded-Proto": {"https"},
		},
		{}, // none sent: none added
	} {
		req, _ := http.NewRequest("GET", proxy.URL+"/x", nil)
		req.Header = sent.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		h := <-got
		for _, name := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"} {
			if diff := cmp.Diff(sent[name], h[name]); diff != "" {
				t.Errorf("%s (-sent +got upstream):\n%s", name, diff)
			}
		}
	}
}

// A forwarding header the client named in its Connection header is for
// the recorder only, and is removed as any other so named.
func TestKeepLeavesOutWhatTheClientMadeHopByHop(t *testing.T) {
	got := make(chan http.Header, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
	}))
	defer api.Close()
	u, _ := url.Parse(api.URL)
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		forwarded.Keep(pr)
	}})
	defer proxy.Close()
	req, _ := http.NewRequest("GET", proxy.URL+"/x", nil)
	req.Header.Set("Connection", "x-other, X-FORWARDED-FOR")
	req.Header.Set("X-Other", "1")
	req.Header.Set("X-Forwarded-For", "10.0.0.1")
	req.Header.Set("X-Forwarded-Host", "public.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	h := <-got
	if v, ok := h["X-Forwarded-For"]; ok {
		t.Errorf("upstream got X-Forwarded-For %q, which the client made hop-by-hop; want none", v)
	}
	if v := h["X-Forwarded-Host"]; len(v) != 1 || v[0] != "public.example" {
		t.Errorf("upstream got X-Forwarded-Host %q, want %q", v, "public.example")
	}
}
