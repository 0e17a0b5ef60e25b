package naming

import (
	"net/http"

	"github.com/cassette-go/cassette/internal/headerkey"
)

// For the tests of package naming_test, which may import the recorder and
// the replay server (this package may not: they import it).

// CheckFileName is checkFileName.
var CheckFileName = checkFileName

// BodyHash returns the 8 hex digits of the "~b" suffix of a name whose
// canonical body is body.
func BodyHash(body []byte) string { return string(appendBodyHash(nil, body)) }

// ChoosesBodyRule reports whether r.For(req) has a body rule for req's
// media type (else the body is hashed as sent).
func ChoosesBodyRule(r Rules, req *http.Request) bool {
	r = r.For(req)
	return len(r.Bodies) > 0 && r.bodyRule(mediaType(headerkey.Get(req.Header, "Content-Type"))) != nil
}
