package replayserver_test

import (
	"bufio"
	"crypto/md5"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// An upload signed chunk by chunk (SigV4's STREAMING-AWS4-HMAC-SHA256-PAYLOAD,
// as minio-go sends one over plain HTTP) holds signatures of the signing
// time and key in its body: its name hashed them, so it missed on every
// later run, whoever replayed it. It is named by its payload: replayed
// with another key and time, through the server and in process, it hits;
// another payload still misses.
func TestAnUploadSignedChunkByChunkReplaysWithAnotherKeyAndTime(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A tiny S3: it reads the chunks and answers the MD5 of what they hold.
		br := bufio.NewReader(r.Body)
		var payload []byte
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				http.Error(w, "bad chunk", http.StatusBadRequest)
				return
			}
			size, _, _ := strings.Cut(strings.TrimSpace(line), ";")
			n, err := strconv.ParseInt(size, 16, 32)
			if err != nil {
				http.Error(w, "bad chunk size", http.StatusBadRequest)
				return
			}
			if n == 0 {
				break
			}
			chunk := make([]byte, n+2)
			if _, err := io.ReadFull(br, chunk); err != nil {
				http.Error(w, "short chunk", http.StatusBadRequest)
				return
			}
			payload = append(payload, chunk[:n]...)
		}
		w.Header().Set("ETag", fmt.Sprintf(`"%x"`, md5.Sum(payload)))
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "s3")
	put := func(t *testing.T, client *http.Client, base, object, payload, key string) string {
		t.Helper()
		var body strings.Builder
		for i, chunk := range []string{payload[:len(payload)/2], payload[len(payload)/2:], ""} {
			sig := fmt.Sprintf("%x", md5.Sum([]byte(fmt.Sprint(key, i, chunk))))
			fmt.Fprintf(&body, "%x;chunk-signature=%s\r\n%s\r\n", len(chunk), sig, chunk)
		}
		req, err := http.NewRequest("PUT", base+"/bkt/"+object, strings.NewReader(body.String()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+key+"/20260101/us-east-1/s3/aws4_request")
		req.Header.Set("Content-Encoding", "aws-chunked")
		req.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
		req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(payload)))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return fmt.Sprintf("%d %s", resp.StatusCode, resp.Header.Get("ETag"))
	}
	want := map[string]string{}
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
		for _, o := range []string{"a.txt", "b.txt"} {
			want[o] = put(t, http.DefaultClient, srv.URL, o, "the content of "+o, "AKIARECORDING")
		}
	})
	api.Close()
	t.Run("replay", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		for _, o := range []string{"b.txt", "a.txt"} {
			if got := put(t, http.DefaultClient, srv.URL, o, "the content of "+o, "AKIAANOTHERKEY"); got != want[o] {
				t.Errorf("PUT /bkt/%s with another key replayed %q, want %q", o, got, want[o])
			}
		}
	})
	t.Run("replay in process", func(t *testing.T) {
		client := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())}
		for _, o := range []string{"a.txt", "b.txt"} {
			if got := put(t, client, api.URL, o, "the content of "+o, "AKIATHIRDKEY"); got != want[o] {
				t.Errorf("PUT /bkt/%s in process with another key replayed %q, want %q", o, got, want[o])
			}
		}
	})
	t.Run("another payload misses", func(t *testing.T) {
		h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.ModeReplay))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		if got := put(t, http.DefaultClient, srv.URL, "a.txt", "other content", "AKIAANOTHERKEY"); !strings.HasPrefix(got, "404") {
			t.Errorf("PUT /bkt/a.txt of another payload = %q, want a 404 miss", got)
		}
	})
}
