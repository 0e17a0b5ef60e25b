package replayserver_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// A body file decoded for a client that refuses gzip is measured and sent
// from one opening of the file: replaced (a library saved again, which
// renames a new file over the old) or removed between the two, the answer
// is the body measured, whole and of the length it was given, through the
// server and NewTransport. The file was opened twice, once to be measured
// and once to be sent: removed, the answer was a 500 and a failed test
// after a measure that had succeeded; replaced, the new body went out
// under the old one's length.
func TestBodyFileDecodedIsSentAsMeasured(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	plain := strings.Repeat("the body measured, then sent; ", 4000)
	other := strings.Repeat("a body saved over it in between, longer; ", 8000)
	for _, change := range []string{"replaced", "removed"} {
		for _, via := range []string{"server", "NewTransport"} {
			t.Run(change+"/"+via, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "api")
				lib, err := library.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				appendInlineAndFile(t, lib, "/export", library.Exchange{
					Request:  library.Request{Method: "GET"},
					Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: gz([]byte(plain))},
				})
				if err := lib.Save(); err != nil {
					t.Fatal(err)
				}
				replayserver.SetMeasured(t, func(file string) {
					if change == "removed" {
						os.Remove(file)
						return
					}
					tmp := file + ".new"
					if err := os.WriteFile(tmp, gz([]byte(other)), 0o644); err != nil {
						t.Error(err)
					}
					if err := os.Rename(tmp, file); err != nil {
						t.Error(err)
					}
				})
				ftb := newFakeTB(t)
				defer ftb.finish()
				var c *http.Client
				base := "http://api.example"
				if via == "server" {
					h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Logf(t.Logf))
					if err != nil {
						t.Fatal(err)
					}
					srv := httptest.NewServer(h)
					defer srv.Close()
					c, base = rawClient(), srv.URL
					defer c.CloseIdleConnections()
				} else {
					c = &http.Client{Transport: replayserver.NewTransport(ftb, path, replayserver.WithMode(replayserver.ModeReplay))}
				}
				req, _ := http.NewRequest("GET", base+"/file/export", nil)
				req.Header.Set("Accept-Encoding", "identity")
				resp, err := c.Do(req)
				if err != nil {
					t.Fatalf("GET /file/export, the body file %s between its measure and its send: %v", change, err)
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				if resp.StatusCode != 200 || err != nil || !bytes.Equal(b, []byte(plain)) || resp.ContentLength != int64(len(plain)) {
					t.Errorf("GET /file/export, the body file %s between its measure and its send: %d, %d bytes of Content-Length %d (%q...), error %v; want 200 and the %d bytes measured",
						change, resp.StatusCode, len(b), resp.ContentLength, b[:min(len(b), 20)], err, len(plain))
				}
				if ftb.Failed() {
					t.Errorf("GET /file/export, the body file %s between its measure and its send failed the test: %s", change, strings.Join(ftb.errs, "; "))
				}
			})
		}
	}
}
