package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// A multipart form sent again (with a new boundary, as curl -F, Python's
// requests and every browser send one) misses a library recorded without
// the multipart body rule, and serve's miss report names the flags that
// give the rules it advises, not only their Go names: the report said
// naming.MultipartBody and replayserver.Naming alone, which a client of
// the command line cannot set.
func TestServeMissOfMultipartNamesFlags(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "uploaded")
	}))
	defer api.Close()
	post := func(base string) (int, string) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body) // a new random boundary
		mw.WriteField("name", "report.txt")
		mw.Close()
		resp, err := http.Post(base+"/upload", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	lib := filepath.Join(t.TempDir(), "api")
	rec := start(t, "record", "-upstream", api.URL, lib)
	if code, body := post(rec.baseURL()); code != 200 {
		t.Fatalf("POST /upload recording = %d %q", code, body)
	}
	rec.stop()

	p := start(t, "serve", lib)
	code, report := post(p.baseURL())
	p.stop()
	if code != http.StatusNotFound {
		t.Fatalf("POST /upload with a new boundary = %d, want a miss (404); body:\n%s", code, report)
	}
	for _, flag := range []string{"-body 'multipart/*=multipart'", "-ignore-query KEY, -header NAME, -body TYPE=json-without:NAME"} {
		if !strings.Contains(report, flag) {
			t.Errorf("the miss report does not name the flag %s:\n%s", flag, report)
		}
	}
}
