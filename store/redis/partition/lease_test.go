package partition

import (
	"context"

	"fmt"
	goredis "github.com/redis/go-redis/v9"
	"sync"
	"testing"
	"time"
)

// recorder is a Handover that remembers what it was told.
type recorder struct {
	mu       sync.Mutex
	acquired map[int]int
	released map[int]int
}

func (r *recorder) Acquired(_ context.Context, ps []int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.acquired == nil {
		r.acquired = map[int]int{}
	}
	for _, p := range ps {
		r.acquired[p]++
	}
	return nil
}

func (r *recorder) Released(_ context.Context, ps []int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.released == nil {
		r.released = map[int]int{}
	}
	for _, p := range ps {
		r.released[p]++
	}
}

func newLeases(t *testing.T, n int, ttl time.Duration) ([]*Leases, func(*Leases) int) {
	t.Helper()
	c, prefix := testClient(t)
	return newLeasesOn(t, c, prefix, n, ttl)
}

func newLeasesOn(t *testing.T, c goredis.UniversalClient, prefix string, n int, ttl time.Duration) ([]*Leases, func(*Leases) int) {
	t.Helper()
	var out []*Leases
	for i := range n {
		l, err := NewLeases(c, prefix, LeaseConfig{Instance: fmt.Sprintf("inst-%d", i), TTL: ttl})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	// holderOf counts the partitions whose lease key names l.
	holders := func(l *Leases) int {
		n := 0
		for p := range Count {
			v, _ := c.Get(context.Background(), l.k.Lease(p)).Result()
			if v == l.Instance() {
				n++
			}
		}
		return n
	}
	return out, holders
}

// steps runs rounds of Step on every live lease set until the owned
// partitions no longer change (or 20 rounds).
func steps(t *testing.T, ls []*Leases, hs []Handover) {
	t.Helper()
	ctx := context.Background()
	prev := ""
	for range 20 {
		for i, l := range ls {
			if err := l.Step(ctx, hs[i]); err != nil {
				t.Fatalf("Step %s: %v", l.Instance(), err)
			}
		}
		cur := ""
		for _, l := range ls {
			cur += fmt.Sprint(l.Owned())
		}
		if cur == prev {
			return
		}
		prev = cur
	}
}

// checkExactlyOnce fails unless every partition is owned by exactly one
// of ls, and each owns at most ceil(Count/len(ls)).
func checkExactlyOnce(t *testing.T, ls []*Leases, holders func(*Leases) int) {
	t.Helper()
	owner := map[int]string{}
	fair := (Count + len(ls) - 1) / len(ls)
	for _, l := range ls {
		for _, p := range l.Owned() {
			if o, ok := owner[p]; ok {
				t.Errorf("partition %d owned by %s and %s", p, o, l.Instance())
			}
			owner[p] = l.Instance()
		}
		if n := l.NumOwned(); n > fair || n != len(l.Owned()) {
			t.Errorf("%s owns %d (listed %d), want at most %d", l.Instance(), n, len(l.Owned()), fair)
		}
		if h := holders(l); h != l.NumOwned() {
			t.Errorf("%s holds %d lease keys, owns %d", l.Instance(), h, l.NumOwned())
		}
	}
	if len(owner) != Count {
		t.Errorf("%d partitions owned, want %d", len(owner), Count)
	}
}

func TestLeasesShareExactlyOnce(t *testing.T) {
	ls, holders := newLeases(t, 3, 5*time.Second)
	testShareExactlyOnce(t, ls, holders)
}

func testShareExactlyOnce(t *testing.T, ls []*Leases, holders func(*Leases) int) {
	hs := []Handover{&recorder{}, &recorder{}, &recorder{}}
	steps(t, ls[:2], hs[:2])
	checkExactlyOnce(t, ls[:2], holders)
	for _, l := range ls[:2] {
		if l.NumOwned() != Count/2 {
			t.Errorf("%s owns %d with 2 live, want %d", l.Instance(), l.NumOwned(), Count/2)
		}
	}

	// A third joins: the two hand partitions over until all three hold a
	// fair share.
	steps(t, ls, hs)
	checkExactlyOnce(t, ls, holders)
	fair := (Count + 2) / 3
	if n := ls[2].NumOwned(); n < Count-2*fair {
		t.Errorf("newcomer owns %d, want at least %d", n, Count-2*fair)
	}
	r0 := hs[0].(*recorder)
	if len(r0.released) == 0 {
		t.Errorf("first instance released nothing when the third joined")
	}
	r2 := hs[2].(*recorder)
	for _, p := range ls[2].Owned() {
		if r2.acquired[p] != 1 {
			t.Errorf("partition %d: Acquired called %d times on the newcomer, want 1", p, r2.acquired[p])
		}
	}

	// One leaves cleanly: the others take its partitions at once.
	ls[1].Leave(context.Background(), hs[1])
	if ls[1].NumOwned() != 0 {
		t.Errorf("after Leave owns %d", ls[1].NumOwned())
	}
	rest := []*Leases{ls[0], ls[2]}
	steps(t, rest, []Handover{hs[0], hs[2]})
	checkExactlyOnce(t, rest, holders)
}

func TestLeasesTakeOverFromDead(t *testing.T) {
	const ttl = 600 * time.Millisecond
	ls, holders := newLeases(t, 2, ttl)
	hs := []Handover{&recorder{}, &recorder{}}
	steps(t, ls, hs)
	checkExactlyOnce(t, ls, holders)
	dead := ls[1].Owned()
	r := hs[0].(*recorder)
	before := map[int]int{}
	for _, p := range dead {
		before[p] = r.acquired[p]
	}

	// ls[1] stops renewing (as if SIGKILLed). Within the ttl its leases
	// and announcement expire; ls[0] then takes every partition.
	ctx := context.Background()
	deadline := time.Now().Add(ttl + ttl/3)
	for ls[0].NumOwned() < Count {
		if err := ls[0].Step(ctx, hs[0]); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline.Add(3 * ttl)) {
			break
		}
		time.Sleep(ttl / 3)
	}
	if n := ls[0].NumOwned(); n != Count {
		t.Fatalf("survivor owns %d, want %d", n, Count)
	}
	for _, p := range dead {
		if n := r.acquired[p] - before[p]; n != 1 {
			t.Errorf("partition %d of the dead instance acquired %d times, want 1", p, n)
		}
	}
	// The dead one, back, finds its leases gone: its next step drops them
	// without deleting the survivor's.
	if err := ls[1].Step(ctx, hs[1]); err != nil {
		t.Fatal(err)
	}
	if ls[1].NumOwned() != 0 {
		t.Errorf("returning instance still owns %d", ls[1].NumOwned())
	}
	if h := holders(ls[0]); h != Count {
		t.Errorf("survivor holds %d lease keys, want %d", h, Count)
	}
}

func TestLeasesReleaseWaitsForWork(t *testing.T) {
	ls, _ := newLeases(t, 2, 5*time.Second)
	ctx := context.Background()
	if err := ls[0].Step(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if ls[0].NumOwned() != Count {
		t.Fatalf("alone owns %d, want %d", ls[0].NumOwned(), Count)
	}
	// Work in flight holds the gate; the hand-over must not tell the
	// Handover before the work is done.
	ls[0].enter()
	var done sync.WaitGroup
	done.Add(1)
	var workDone, releasedAfter bool
	var mu sync.Mutex
	h := handoverFunc(func(ps []int) {
		mu.Lock()
		releasedAfter = workDone
		mu.Unlock()
	})
	go func() {
		defer done.Done()
		ls[1].Step(ctx, nil) // announces a second instance
		ls[0].Step(ctx, h)   // hands half over: blocks on the gate
	}()
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	workDone = true
	mu.Unlock()
	ls[0].leave()
	done.Wait()
	if !releasedAfter {
		t.Errorf("Released ran before the work in flight finished")
	}
	if ls[0].NumOwned() != Count/2 {
		t.Errorf("owns %d after hand-over, want %d", ls[0].NumOwned(), Count/2)
	}
}

type handoverFunc func(ps []int)

func (f handoverFunc) Acquired(context.Context, []int) error { return nil }
func (f handoverFunc) Released(_ context.Context, ps []int)  { f(ps) }

// TestLeasesKeptThroughOutage expires every lease while nobody could take
// them (Redis away longer than the ttl): the next step takes them straight
// back, with no hand-over.
func TestLeasesKeptThroughOutage(t *testing.T) {
	ls, holders := newLeases(t, 1, 5*time.Second)
	ctx := context.Background()
	rec := &recorder{}
	if err := ls[0].Step(ctx, rec); err != nil || ls[0].NumOwned() != Count {
		t.Fatalf("Step = %v, owned %d; want all", err, ls[0].NumOwned())
	}
	for p := range Count {
		ls[0].client.Del(ctx, ls[0].k.Lease(p))
	}
	if err := ls[0].Step(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if ls[0].NumOwned() != Count || holders(ls[0]) != Count {
		t.Errorf("after the leases expired: owns %d, holds %d; want %d", ls[0].NumOwned(), holders(ls[0]), Count)
	}
	if len(rec.released) != 0 {
		t.Errorf("Released called for %d partitions, want none", len(rec.released))
	}
}
