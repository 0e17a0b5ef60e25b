package forwarded

import (
	"strings"
	"testing"
)

func TestUpstream(t *testing.T) {
	for _, c := range []struct {
		in, errHas, why string
	}{
		{"https://api.example.com/v1", "", "an absolute URL"},
		{"http://127.0.0.1:8080", "", "loopback, with a port"},
		{"https://admin:s3cret@api.example.com", "upstream https://admin:xxxxx@api.example.com: holds credentials",
			"credentials would not be sent: each client's request goes as it came"},
		{"https://ghp_s3cret@api.example.com", "upstream https://xxxxx@api.example.com: holds credentials",
			"a user name alone is the token"},
		{"ftp://admin:s3cret@h", `upstream "ftp://admin:xxxxx@h": must be an absolute http or https URL`,
			"a scheme of no HTTP, its password still hidden"},
		{"https://admin:s3cr%et@api.example.com", `upstream "https://admin:xxxxx@api.example.com": must be`,
			"a password that does not parse"},
		{"admin:s3cret@api.example.com:8080", `upstream "admin:xxxxx@api.example.com:8080": must be`,
			"no scheme: parsed as an opaque URL"},
		{"/v1", `upstream "/v1": must be`, "no host"},
		{"https://ghp_s3cret@api.example.com:80x", `upstream "https://xxxxx@api.example.com:80x": must be`,
			"a user name alone, in a URL that does not parse (a port mistyped)"},
		{"ghp_s3cret@api.example.com:8080", `upstream "xxxxx@api.example.com:8080": must be`,
			"a user name alone, no scheme"},
		{"ghp_s3cret@api.example.com", `upstream "xxxxx@api.example.com": must be`,
			"a user name alone, no scheme: parsed as a path"},
		{"https://ghp_s3cret@api.example.com:80x/v1?email=me@example.com", `upstream "https://xxxxx@api.example.com:80x/v1?email=me@example.com": must be`,
			"a user name alone, in a URL that does not parse, and an @ in its query after the port's colon"},
		{"ghp_s3cret@api.example.com:8080/v1?email=me@example.com", `upstream "xxxxx@api.example.com:8080/v1?email=me@example.com": must be`,
			"a user name alone, no scheme, and an @ in its query after the port's colon"},
		{"https:/ghp_s3cret@api.example.com", `upstream "https:/xxxxx@api.example.com": must be`,
			"a slash missing: parsed as a path with a scheme and no host"},
		{"https:/admin:s3cret@api.example.com", `upstream "https:/admin:xxxxx@api.example.com": must be`,
			"a slash missing, with a password"},
		{"https:/v1?email=me@example.com", `upstream "https:/v1?email=me@example.com": must be`,
			"a scheme and a path, an @ in the query only: no credentials"},
		{"api.example.com/v1?email=me@example.com", `upstream "api.example.com/v1?email=me@example.com": must be`,
			"no scheme, an @ in the query only: no credentials"},
	} {
		u, err := Upstream(c.in)
		switch {
		case c.errHas == "" && err != nil:
			t.Errorf("Upstream(%q) = %v, want no error (%s)", c.in, err, c.why)
		case c.errHas == "" && u.String() != c.in:
			t.Errorf("Upstream(%q) = %s, want it as given", c.in, u)
		case c.errHas != "" && (err == nil || !strings.Contains(err.Error(), c.errHas)):
			t.Errorf("Upstream(%q) = %v, want an error holding %q (%s)", c.in, err, c.errHas, c.why)
		case err != nil && strings.Contains(err.Error(), "s3cr"):
			t.Errorf("Upstream(%q) = %v: the error shows the credentials", c.in, err)
		}
	}
}
