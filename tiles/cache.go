package tiles

import (
	"container/list"
	"sync"
)

// encoded is one tile as served: its bytes, gzip-compressed bytes and
// ETag.
type encoded struct {
	raw, gz []byte
	etag    string
}

func (e *encoded) size() int { return len(e.raw) + len(e.gz) + len(e.etag) + 64 }

// cache is a least-recently-used cache of encoded tiles bounded in bytes.
// It is safe for concurrent use.
type cache struct {
	mu     sync.Mutex
	max, n int
	ll     *list.List // front: most recent
	items  map[string]*list.Element
	hits   uint64
	misses uint64
}

type cacheEntry struct {
	key string
	val *encoded
}

func newCache(maxBytes int) *cache {
	return &cache{max: maxBytes, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *cache) get(key string) (*encoded, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		c.hits++
		return el.Value.(*cacheEntry).val, true
	}
	c.misses++
	return nil, false
}

func (c *cache) add(key string, val *encoded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.n -= el.Value.(*cacheEntry).val.size()
		el.Value.(*cacheEntry).val = val
		c.n += val.size()
		c.ll.MoveToFront(el)
	} else {
		c.items[key] = c.ll.PushFront(&cacheEntry{key: key, val: val})
		c.n += val.size()
	}
	for c.n > c.max && c.ll.Len() > 1 {
		el := c.ll.Back()
		e := el.Value.(*cacheEntry)
		c.ll.Remove(el)
		delete(c.items, e.key)
		c.n -= e.val.size()
	}
}

// stats returns the hit and miss counts and the bytes held.
func (c *cache) stats() (hits, misses uint64, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses, c.n
}
