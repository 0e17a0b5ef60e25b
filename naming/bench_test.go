package naming

import (
	"bytes"
	"net/http"
	"testing"
)

func BenchmarkName(b *testing.B) {
	get, _ := http.NewRequest("GET", "https://api.example.com/v1/users/42/repos?page=2&per_page=100&sort=updated", nil)
	get.Header.Set("Accept", "application/json")
	post, _ := http.NewRequest("POST", "https://api.example.com/v1/orders", nil)
	post.Header.Set("Content-Type", "application/json")
	body := bytes.Repeat([]byte("x"), 1024)
	rules := Rules{Headers: []string{"Accept"}}
	b.Run("GET", func(b *testing.B) {
		for b.Loop() {
			Name(get, nil, rules)
		}
	})
	b.Run("POST_1KiB", func(b *testing.B) {
		for b.Loop() {
			Name(post, body, rules)
		}
	})
}
