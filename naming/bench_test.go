package naming

import (
	"bytes"
	"net/http"
	"testing"
)

func BenchmarkName(b *testing.B) {
	get, _ := http.NewRequest("GET", "https://api.example.com/v1/users/42/repos?page=2&per_page=100&sort=updated", nil)
	get.Header.Set("Accept", "application/json")
	plain, _ := http.NewRequest("GET", "https://api.example.com/v1/users/42/repos?page=2&sort=updated", nil)
	post, _ := http.NewRequest("POST", "https://api.example.com/v1/orders", nil)
	post.Header.Set("Content-Type", "application/json")
	body := bytes.Repeat([]byte("x"), 1024)
	rules := Rules{Headers: []string{"Accept"}}
	b.Run("GET", func(b *testing.B) { // with "~h" and "~u" suffixes
		for b.Loop() {
			Name(get, nil, rules)
		}
	})
	b.Run("GET_default", func(b *testing.B) { // no hash at all
		for b.Loop() {
			Name(plain, nil, Default())
		}
	})
	b.Run("POST_1KiB", func(b *testing.B) {
		for b.Loop() {
			Name(post, body, rules)
		}
	})
	routes := rules.
		Route("POST /v1/search", Rules{Bodies: map[string]BodyRule{"": IgnoreBody}}).
		Route("/v1/items/{id}", Rules{}).
		Route("GET /v1/users/{id}/repos", rules)
	b.Run("GET_routes", func(b *testing.B) { // the third route matches
		for b.Loop() {
			Name(get, nil, routes)
		}
	})
}

func BenchmarkNameJSONBody(b *testing.B) {
	post, _ := http.NewRequest("POST", "https://api.example.com/v1/orders", nil)
	post.Header.Set("Content-Type", "application/json; charset=utf-8")
	body := []byte(`{"customer": {"id": 42, "name": "Ada Lovelace", "email": "ada@example.com"},
		"items": [{"sku": "A-1", "qty": 2, "price": 9.99}, {"sku": "B-7", "qty": 1, "price": 24.50}],
		"note": "leave at the door", "express": true, "coupon": null}`)
	rules := Rules{Bodies: map[string]BodyRule{"application/json": JSONBody}}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		Name(post, body, rules)
	}
}
