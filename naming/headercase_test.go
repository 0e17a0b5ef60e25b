package naming_test

import (
	"net/http"
	"testing"

	"github.com/cassette-go/cassette/naming"
)

// A significant header set under a key not in canonical form
// (req.Header["x-ms-version"] = ..., as Azure's SDK does; Go sends it as
// is, and a server reads it canonical) names the request as the canonical
// key does: before, it was not seen, and two versions shared a cassette.
func TestSignificantHeaderUnderANonCanonicalKey(t *testing.T) {
	rules := naming.Rules{Headers: []string{"X-Ms-Version"}}
	name := func(h http.Header) string {
		req, _ := http.NewRequest("GET", "https://acct.blob.core.windows.net/c/b", nil)
		req.Header = h
		return naming.Name(req, nil, rules)
	}
	canonical := name(http.Header{"X-Ms-Version": {"2020-01-01"}})
	lower := name(http.Header{"x-ms-version": {"2020-01-01"}})
	other := name(http.Header{"x-ms-version": {"2023-11-03"}})
	none := name(http.Header{})
	if lower != canonical {
		t.Errorf("Name(x-ms-version: 2020-01-01) = %q, want %q as for X-Ms-Version", lower, canonical)
	}
	if other == lower || lower == none {
		t.Errorf("Name(x-ms-version: 2023-11-03) = %q, Name(x-ms-version: 2020-01-01) = %q, Name(none) = %q; want three names", other, lower, none)
	}
}
