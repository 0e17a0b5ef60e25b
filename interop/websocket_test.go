package interop

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
	"github.com/coder/websocket"
)

// echoWS is a WebSocket API: it answers each text message with "echo: "
// and the message, until the client closes.
func echoWS(t *testing.T) *httptest.Server {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, msg, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, append([]byte("echo: "), msg...)); err != nil {
				return
			}
		}
	}))
	t.Cleanup(up.Close)
	return up
}

// chat dials url (through rt, unless nil), sends two messages and returns
// the answers.
func chat(t *testing.T, url string, rt http.RoundTripper) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var opts websocket.DialOptions
	if rt != nil {
		opts.HTTPClient = &http.Client{Transport: rt}
	}
	c, _, err := websocket.Dial(ctx, url, &opts)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	defer c.CloseNow()
	var got []string
	for _, m := range []string{"hello", "héllo again"} {
		if err := c.Write(ctx, websocket.MessageText, []byte(m)); err != nil {
			t.Fatalf("write %q: %v", m, err)
		}
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read the answer to %q: %v", m, err)
		}
		got = append(got, string(b))
	}
	c.Close(websocket.StatusNormalClosure, "")
	return got
}

// TestWebSocketPassesThroughRecording dials a WebSocket API through each
// recording path: the connection is passed through both ways, and
// nothing is stored, as package recorder documents.
func TestWebSocketPassesThroughRecording(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := echoWS(t)
	want := "echo: hello\necho: héllo again"
	for _, c := range []struct {
		name string
		dial func(t *testing.T, lib string) (base string, rt http.RoundTripper)
	}{
		{"replayserver record mode", func(t *testing.T, lib string) (string, http.RoundTripper) {
			return replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL)).URL, nil
		}},
		{"recorder proxy", func(t *testing.T, lib string) (string, http.RoundTripper) {
			return recorder.New(t, up.URL, lib).URL, nil
		}},
		{"recording transport", func(t *testing.T, lib string) (string, http.RoundTripper) {
			return up.URL, recorder.NewTransport(t, lib)
		}},
		{"replayserver transport in record mode", func(t *testing.T, lib string) (string, http.RoundTripper) {
			return up.URL, replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeRecord))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			lib := filepath.Join(t.TempDir(), "ws")
			t.Run("dial", func(t *testing.T) {
				base, rt := c.dial(t, lib)
				if got := strings.Join(chat(t, "ws"+strings.TrimPrefix(base, "http")+"/chat", rt), "\n"); got != want {
					t.Errorf("through %s got\n%s\nwant\n%s", c.name, got, want)
				}
			})
			l, err := library.Open(lib)
			if err != nil {
				t.Fatal(err)
			}
			if names, err := l.Names(); err != nil || len(names) != 0 {
				t.Errorf("library after a WebSocket session: %v, %v; want no cassette", names, err)
			}
		})
	}
}
