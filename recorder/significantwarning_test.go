package recorder_test

import (
	"bytes"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
)

// recorder.New and recorder.NewTransport warn, as the replay server does,
// of a significant header that they redact, which then tells cassettes
// apart only by what of it is kept; they said nothing. The way out named
// is the one that works for the options given, and a header kept as sent
// is not warned of.
func TestRecordersWarnOfASignificantRedactedHeader(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer api.Close()
	rules := naming.Rules{Headers: []string{"Authorization", "X-Tenant"}}
	for _, c := range []struct {
		name string
		opts []recorder.Option
		want []string // one line each, in order; none if empty
	}{
		{"default redaction", nil, []string{"recorder: naming: header Authorization is significant but redacted: its credentials are REDACTED before a request is named, and its scheme is kept (Bearer, Basic)",
			"or keep its value with NoDefaultRedaction"}},
		{"NoDefaultRedaction", []recorder.Option{recorder.NoDefaultRedaction()}, nil},
		{"RedactHeaders X-Tenant", []recorder.Option{recorder.NoDefaultRedaction(), recorder.RedactHeaders("X-Tenant")},
			[]string{"recorder: naming: header X-Tenant is significant but redacted", "or keep its value by leaving it out of RedactHeaders"}},
	} {
		for _, via := range []string{"New", "NewTransport"} {
			t.Run(c.name+"/"+via, func(t *testing.T) {
				var mu sync.Mutex
				var logged []string
				logf := func(format string, args ...any) {
					mu.Lock()
					defer mu.Unlock()
					if s := fmt.Sprintf(format, args...); strings.Contains(s, "naming:") {
						logged = append(logged, s)
					}
				}
				opts := append([]recorder.Option{recorder.Naming(rules), recorder.Logf(logf)}, c.opts...)
				path := filepath.Join(t.TempDir(), "api")
				if via == "New" {
					recorder.New(t, api.URL, path, opts...)
				} else {
					recorder.NewTransport(t, path, opts...)
				}
				mu.Lock()
				defer mu.Unlock()
				if len(c.want) == 0 {
					if len(logged) != 0 {
						t.Errorf("%s logged %q, want no naming warning", via, logged)
					}
					return
				}
				if len(logged) != 1 {
					t.Fatalf("%s logged %q, want one naming warning", via, logged)
				}
				for _, w := range c.want {
					if !strings.Contains(logged[0], w) {
						t.Errorf("%s logged %q, want it to hold %q", via, logged[0], w)
					}
				}
			})
		}
	}
}

// Logf(nil) sends what the recorder logs to the standard logger (see
// Logf): the warning of a significant redacted header goes there too.
// New and NewTransport called a nil Logf with it, and panicked.
func TestRecordersWarnWithLogfNil(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer api.Close()
	var buf syncBuffer
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	rules := naming.Rules{Headers: []string{"Authorization"}}
	for _, via := range []string{"New", "NewTransport"} {
		t.Run(via, func(t *testing.T) {
			buf.reset()
			path := filepath.Join(t.TempDir(), "api")
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("%s with Logf(nil) and a significant redacted header panicked: %v", via, p)
					}
				}()
				if via == "New" {
					recorder.New(t, api.URL, path, recorder.Naming(rules), recorder.Logf(nil))
				} else {
					recorder.NewTransport(t, path, recorder.Naming(rules), recorder.Logf(nil))
				}
			}()
			if got := buf.String(); strings.Count(got, "recorder: naming: header Authorization is significant but redacted") != 1 {
				t.Errorf("%s with Logf(nil) logged %q to the standard logger, want the warning once", via, got)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the standard logger's writes
// from other goroutines.
type syncBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}
