package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

// receiver is a webhook endpoint failing the first fail POSTs.
type receiver struct {
	mu    sync.Mutex
	fail  int
	posts []http.Header
	ok    map[string]int // delivery id -> successful POSTs
	srv   *httptest.Server
}

func newReceiver(t *testing.T, fail int) *receiver {
	r := &receiver{fail: fail, ok: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.posts = append(r.posts, req.Header.Clone())
		if req.Header.Get(HeaderSignature) != Sign("s3cret", body) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.fail > 0 {
			r.fail--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		r.ok[req.Header.Get(HeaderDelivery)]++
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) delivered(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ok[id]
}

func encode(a *flight.Alert) []byte { b, _ := json.Marshal(a); return b }

func addAlert(t *testing.T, st *memory.Store, id string) {
	t.Helper()
	a := flight.Alert{ID: id, Key: id + "/departed", Type: flight.AlertDeparted, Time: time.Now()}
	if _, err := st.Write(context.Background(), &store.Batch{Alerts: []flight.Alert{a}}); err != nil {
		t.Fatal(err)
	}
}

func start(t *testing.T, st *memory.Store, hooks []Webhook, consumer string) *Notifier {
	t.Helper()
	n, err := New(st, hooks, Options{Consumer: consumer, Encode: encode, Backoff: 10 * time.Millisecond,
		Takeover: 200 * time.Millisecond, Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return n
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRetriesCarryOneDeliveryID(t *testing.T) {
	st := memory.New(store.Config{})
	r := newReceiver(t, 3)
	start(t, st, []Webhook{{Name: "news", URL: r.srv.URL, Secret: "s3cret"}}, "i1")
	addAlert(t, st, "00000000000000aa")
	waitFor(t, "delivery", func() bool { return r.delivered("00000000000000aa") == 1 })
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.posts) != 4 {
		t.Errorf("%d POSTs, want 4 (3 failed, 1 delivered)", len(r.posts))
	}
	for _, h := range r.posts {
		if h.Get(HeaderDelivery) != "00000000000000aa" || h.Get(HeaderEvent) != "alert" {
			t.Errorf("headers %v, want delivery id 00000000000000aa on every try", h)
		}
	}
}

func TestGiveUpThenRetryOnDemand(t *testing.T) {
	ctx := context.Background()
	st := memory.New(store.Config{})
	r := newReceiver(t, 2)
	n := start(t, st, []Webhook{{Name: "news", URL: r.srv.URL, Secret: "s3cret", Attempts: 2}}, "i1")
	addAlert(t, st, "00000000000000bb")
	var failed []Failed
	waitFor(t, "a failed delivery", func() bool {
		failed, _ = n.Failed(ctx)
		return len(failed) == 1
	})
	if f := failed[0]; f.Webhook != "news" || f.Attempts != 2 || f.Alert.ID != "00000000000000bb" || f.Error == "" {
		t.Errorf("failed = %+v", f)
	}
	if _, err := n.Retry(ctx, "nope", ""); err == nil {
		t.Error("Retry(unknown) = nil, want an error")
	}
	got, err := n.Retry(ctx, failed[0].ID, "")
	if err != nil || got != 1 || r.delivered("00000000000000bb") != 1 {
		t.Fatalf("Retry = %d, %v; want delivered once", got, err)
	}
	if failed, _ := n.Failed(ctx); len(failed) != 0 {
		t.Errorf("still failed after the retry: %+v", failed)
	}
}

func TestTakeoverOfADeadInstance(t *testing.T) {
	ctx := context.Background()
	st := memory.New(store.Config{})
	r := newReceiver(t, 0)
	hooks := []Webhook{{Name: "news", URL: r.srv.URL, Secret: "s3cret"}}
	// Instance "dead" took the alert and died before delivering it.
	if _, err := st.Pending(ctx, "webhook:news", 1); err != nil {
		t.Fatal(err)
	}
	addAlert(t, st, "00000000000000cc")
	if ds, err := st.Next(ctx, "webhook:news", "dead", 10, 0); err != nil || len(ds) != 1 {
		t.Fatalf("Next = %v, %v", ds, err)
	}
	start(t, st, hooks, "alive")
	waitFor(t, "takeover", func() bool { return r.delivered("00000000000000cc") == 1 })
}

func TestRelayPublishesFromTheLog(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := memory.New(store.Config{})
	bus := memory.NewBus()
	events, err := bus.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rl := NewRelay(st, bus, "i1", 100*time.Millisecond, nil)
	if err := rl.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	// A dead instance's relay took the first alert and never published it.
	addAlert(t, st, "00000000000000d1")
	if _, err := st.Next(ctx, RelayGroup, "dead", 10, 0); err != nil {
		t.Fatal(err)
	}
	addAlert(t, st, "00000000000000d2")
	go rl.Run(ctx)
	got := map[string]bool{}
	timeout := time.After(5 * time.Second)
	for len(got) < 2 {
		select {
		case e := <-events:
			if e.Kind == store.EventAlert {
				got[e.Alert.ID] = true
			}
		case <-timeout:
			t.Fatalf("relayed %v, want both alerts", got)
		}
	}
}
