package recorder_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// An upstream with credentials (user:password@) recorded without them: the
// proxy forwards each client's request as it came, so the API got no
// Authorization and the library kept its 401, silently. It is refused,
// as cassette record refuses such an -upstream, and no error shows the
// password, not even for an upstream that does not parse.
func TestUpstreamWithCredentialsIsRefused(t *testing.T) {
	lib, err := library.Open(filepath.Join(t.TempDir(), "api"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ upstream, want string }{
		{"http://admin:s3cret-pw@127.0.0.1:8080", "holds credentials (user:password@), which are not sent to the API"},
		{"http://ghp_s3cret-token@127.0.0.1:8080", "holds credentials"},
		{"ftp://admin:s3cret-pw@example.com", "must be an absolute http or https URL"},
		{"https://admin:s3cret-pw%@example.com", "must be an absolute http or https URL"},
	} {
		_, err := recorder.NewProxy(c.upstream, lib)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewProxy(%s) = %v, want an error saying it %s", c.upstream, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("NewProxy(%s) = %v: the error shows the credentials", c.upstream, err)
		}
	}
}
