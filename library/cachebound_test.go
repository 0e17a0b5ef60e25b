package library

import (
	"fmt"
	"io/fs"
	"testing"
	"time"
)

// sizedInfo is a fs.FileInfo of a given size, for the cache's bounds.
type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (s sizedInfo) Size() int64        { return s.size }
func (s sizedInfo) ModTime() time.Time { return time.Unix(1, 0) }
func (s sizedInfo) Sys() any           { return nil }

func TestProcessCacheIsBounded(t *testing.T) {
	cache.mu.Lock()
	saved := cache.m
	savedOrder, savedBytes := cache.order, cache.bytes
	cache.m, cache.order, cache.bytes = nil, nil, 0
	cache.mu.Unlock()
	t.Cleanup(func() {
		cache.mu.Lock()
		cache.m, cache.order, cache.bytes = saved, savedOrder, savedBytes
		cache.mu.Unlock()
	})

	// Files of half the largest cached size: the budget holds only the newest of them.
	const size = cacheMaxFile / 2
	n := 3 * cacheBudget / size
	for i := range n {
		cacheStore(fmt.Sprintf("/lib/f%d.json", i), sizedInfo{size: size}, decoded{one: Cassette{Name: fmt.Sprint(i)}})
	}
	cache.mu.Lock()
	total, entries := cache.bytes, len(cache.m)
	cache.mu.Unlock()
	if total > cacheBudget || int64(entries)*size != total {
		t.Errorf("after %d files of %d bytes the cache holds %d entries, %d bytes; want at most %d bytes, counted right", n, size, entries, total, cacheBudget)
	}
	if _, ok := cacheLookup(fmt.Sprintf("/lib/f%d.json", n-1), sizedInfo{size: size}); !ok {
		t.Errorf("the newest file was evicted")
	}
	if _, ok := cacheLookup("/lib/f0.json", sizedInfo{size: size}); ok {
		t.Errorf("the oldest file is still cached")
	}
	cacheStore("/lib/huge.json", sizedInfo{size: cacheMaxFile + 1}, decoded{one: Cassette{Name: "huge"}})
	if _, ok := cacheLookup("/lib/huge.json", sizedInfo{size: cacheMaxFile + 1}); ok {
		t.Errorf("a file larger than cacheMaxFile was cached")
	}
	cacheForget(fmt.Sprintf("/lib/f%d.json", n-1))
	cache.mu.Lock()
	after := cache.bytes
	cache.mu.Unlock()
	if after != total-size {
		t.Errorf("cacheForget left %d bytes counted, want %d", after, total-size)
	}
}
