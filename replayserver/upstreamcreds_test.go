package replayserver_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// An Upstream with credentials (user:password@) recorded without them: the
// server forwards each client's request as it came, so the API got no
// Authorization, answered 401 and the library kept that, silently. It is
// refused, as cassette record and serve refuse such an -upstream, and no
// error shows the password, not even for an upstream that does not parse.
func TestUpstreamWithCredentialsIsRefused(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv(replayserver.EnvCI, "")
	up := startUpstream(t)
	withCreds := strings.Replace(up.URL, "://", "://admin:s3cret-pw@", 1)
	for _, c := range []struct{ upstream, want string }{
		{withCreds, "holds credentials (user:password@), which are not sent to the API"},
		{strings.Replace(up.URL, "://", "://ghp_s3cret-token@", 1), "holds credentials"},
		{"ftp://admin:s3cret-pw@example.com", "must be an absolute http or https URL"},
		{"https://admin:s3cret-pw%@example.com", "must be an absolute http or https URL"},
	} {
		_, err := replayserver.NewHandler(filepath.Join(t.TempDir(), "api"), replayserver.Upstream(c.upstream))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewHandler(Upstream(%s)) = %v, want an error saying it %s", c.upstream, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("NewHandler(Upstream(%s)) = %v: the error shows the credentials", c.upstream, err)
		}
	}
}
