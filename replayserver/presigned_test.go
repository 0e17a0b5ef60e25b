package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// OAuth token requests (a refresh token, a JWT bearer assertion, PKCE's
// verifier) and presigned URLs (AWS SigV4 and GCS V4: a signature, and a
// signing time that changes on every run) are stored without their
// secrets, and replay with another developer's, and another run's, values.
func TestOAuthFormsAndPresignedURLsReplayWithOtherValues(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "answer for "+r.URL.Path)
	}))
	path := filepath.Join(t.TempDir(), "api")
	type run struct{ refresh, assertion, verifier, date, sig string }
	calls := func(t *testing.T, base string, v run) []string {
		var out []string
		forms := []url.Values{
			{"grant_type": {"refresh_token"}, "refresh_token": {v.refresh}},
			{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {v.assertion}},
			{"grant_type": {"authorization_code"}, "code_verifier": {v.verifier}, "client_assertion": {v.assertion}},
		}
		for _, f := range forms {
			resp, err := http.PostForm(base+"/token", f)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			out = append(out, resp.Status)
		}
		for _, q := range []string{
			"/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=" + v.date + "&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" + v.sig,
			"/bucket/object?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=robot%40example.iam.gserviceaccount.com%2F20260101%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=" + v.date + "&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=" + v.sig,
		} {
			resp, err := http.Get(base + q)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			out = append(out, resp.Status)
		}
		return out
	}
	alice := run{"1//ALICE-REFRESH", "eyJALICE.ASSERTION.sig", "ALICE-VERIFIER", "20260101T000000Z", "a1ice5ignature"}
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.Upstream(api.URL))
		calls(t, srv.URL, alice)
	})
	api.Close()
	var stored strings.Builder
	filepath.Walk(path, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			stored.Write(b)
			stored.WriteString(p)
		}
		return nil
	})
	for _, secret := range []string{"ALICE", "a1ice5ignature"} {
		if strings.Contains(stored.String(), secret) {
			t.Errorf("the library holds %q:\n%s", secret, stored.String())
		}
	}
	t.Run("replay", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.Strict())
		got := calls(t, srv.URL, run{"1//BOB-REFRESH", "eyJBOB.ASSERTION.sig", "BOB-VERIFIER", "20260102T101010Z", "b0b5ignature"})
		for i, s := range got {
			if s != "200 OK" {
				t.Errorf("call %d replayed %s with other values, want 200 OK", i, s)
			}
		}
	})
}
