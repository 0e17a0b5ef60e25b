package naming_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
)

// A significant header whose name is no HTTP token is carried by no
// request, so it would tell none apart: Validate refuses it, naming it,
// at the top level and in a route, and accepts every token.
func TestValidateRefusesHeaderNamesNoRequestCarries(t *testing.T) {
	for _, h := range []string{"", "X Tenant", "X-Tenant:", "X-Ténant", "X-Tenant\r\n", "(x)"} {
		err := naming.Rules{Headers: []string{"X-Ok", h}}.Validate()
		if err == nil || !strings.Contains(err.Error(), strconv.Quote(h)) || !strings.Contains(err.Error(), "is no header name") {
			t.Errorf("Validate of Headers %q = %v; want an error naming it as no header name", h, err)
		}
		err = naming.Rules{Routes: []naming.Route{{Pattern: "GET /x", Rules: naming.Rules{Headers: []string{h}}}}}.Validate()
		if err == nil || !strings.Contains(err.Error(), `route 0 "GET /x": `) || !strings.Contains(err.Error(), "is no header name") {
			t.Errorf("Validate of a route's Headers %q = %v; want an error naming the route and the header", h, err)
		}
	}
	for _, h := range []string{"X-Tenant", "x-tenant", "User-Agent", "Cookie", "X!#$%&'*+-.^_`|~1"} {
		if err := (naming.Rules{Headers: []string{h}}).Validate(); err != nil {
			t.Errorf("Validate of Headers %q = %v; want nil", h, err)
		}
	}
}
