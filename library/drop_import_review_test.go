package library

import (
	"os"
	"testing"
)

// A cassette that refers to the body file of another library, appended to
// here while another writer saved it, refers after the Save that merged
// the two to the copy the Save made in this library's body folder (see
// adoptImports), as it did before DropExchanges: the other library may
// remove its file.
func TestReviewMergedCassetteAdoptsImportedBodies(t *testing.T) {
	for _, s := range stores {
		if s.dir {
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			src := s.open(t, t.TempDir())
			foreign := exchange(5)
			foreign.Response.Body, foreign.Response.BodyFile = nil, writeBody(t, src, []byte("foreign"))

			a := s.open(t, root)
			mustAppend(t, a, "GET_token", exchange(1))
			mustSave(t, a)
			b := s.open(t, root)
			mustAppend(t, b, "GET_token", exchange(2))
			mustSave(t, b)

			mustAppend(t, a, "GET_token", foreign)
			mustSave(t, a)
			// The other library removes its body file: this one still
			// answers with the body.
			if err := os.Remove(foreign.Response.BodyFile); err != nil {
				t.Fatal(err)
			}
			c, _, err := a.Get("GET_token")
			if err != nil {
				t.Fatal(err)
			}
			r := c.Exchanges[len(c.Exchanges)-1].Response
			if body, err := r.ReadBody(); err != nil || string(body) != "foreign" {
				t.Errorf("the merged cassette's last body = %q, %v; want foreign (it refers to %s, not to the copy in %s)", body, err, r.BodyFile, a.bodyFolder())
			}
		})
	}
}
