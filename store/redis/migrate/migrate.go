package migrate

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store/internal/query"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

// Result counts what Run found and did.
type Result struct {
	// Found counts the old keys found, by family: "ac", "acell", "seen",
	// "rep", "cell", "trk", "rday", "agg", "magg", "lline", "lsrc".
	Found map[string]int
	// Moved counts the old keys whose content is in the new layout and
	// that were deleted (in a dry run: that would be).
	Moved int
	// Fields counts the hash fields, set and sorted set members and
	// whole keys copied to the new layout (read, in a dry run), including
	// fields the new layout held already and kept.
	Fields int
	// Kept lists the old keys left in place: the new layout holds
	// different data under their new name, or their content could not be
	// read. Nothing of them is lost; they are not read by the store.
	Kept []string
}

// migrator moves the keys of one prefix.
type migrator struct {
	client goredis.UniversalClient
	k      keyspace.Keys
}

// migratePage is how many keys, fields or members Run reads per round
// trip.
const migratePage = 500

// Run moves the keys of prefix written by the single-tag layout (all
// keys under "{prefix}", one slot) to the spread layout internal/keyspace
// describes, on a single Redis or a cluster. Each old key is copied, then
// deleted, so that Run is idempotent and resumable: run again, it
// carries on with the keys left. It never overwrites what the new layout
// holds: hash fields and sorted set members already there are kept (they
// are newer), sets and sorted sets are merged, and an aggregate or leg
// line that exists with other content leaves its old key in place, listed
// in Kept. Run it with the instances of the prefix stopped. With dryRun
// it only reads and counts.
func Run(ctx context.Context, client goredis.UniversalClient, prefix string, dryRun bool) (Result, error) {
	mg := &migrator{client: client, k: keyspace.New(prefix)}
	m := Result{Found: map[string]int{}}
	var node goredis.Cmdable = client
	if cc, ok := client.(*goredis.ClusterClient); ok {
		n, err := cc.MasterForKey(ctx, mg.k.Tag())
		if err != nil {
			return m, rediserr.Wrap(ctx, "migrate", mg.k.Tag(), err)
		}
		node = n
	}
	var cursor uint64
	for {
		found, next, err := node.Scan(ctx, cursor, mg.k.OldPattern(), migratePage).Result()
		if err != nil {
			return m, rediserr.Wrap(ctx, "migrate", "scan", err)
		}
		for _, key := range found {
			family, subject, ok := mg.k.OldFamily(key)
			if !ok {
				continue
			}
			m.Found[family]++
			moved, err := mg.migrateKey(ctx, &m, key, family, subject, dryRun)
			if err != nil {
				return m, rediserr.Wrap(ctx, "migrate", key, err)
			}
			if !moved {
				m.Kept = append(m.Kept, key)
				continue
			}
			m.Moved++
			if !dryRun {
				if err := client.Del(ctx, key).Err(); err != nil {
					return m, rediserr.Wrap(ctx, "migrate", key, err)
				}
			}
		}
		if next == 0 {
			return m, nil
		}
		cursor = next
	}
}

// migrateKey copies one old key to the new layout and reports whether it
// may be deleted.
func (mg *migrator) migrateKey(ctx context.Context, m *Result, key, family, subject string, dryRun bool) (bool, error) {
	switch family {
	case "ac":
		return mg.splitHash(ctx, m, key, dryRun, func(hex, _ string) (string, bool) { return mg.k.Aircraft(keyspace.Partition(hex)), true })
	case "acell":
		return mg.splitHash(ctx, m, key, dryRun, func(hex, _ string) (string, bool) { return mg.k.AircraftCell(keyspace.Partition(hex)), true })
	case "rep":
		month := func(v string) (int64, bool) {
			var r struct {
				Time time.Time `json:"time"`
			}
			if json.Unmarshal([]byte(v), &r) != nil || r.Time.IsZero() {
				return 0, false
			}
			return query.Month(query.Day(r.Time)), true
		}
		ok, err := mg.splitHash(ctx, m, key, dryRun, func(_, v string) (string, bool) {
			mo, ok := month(v)
			return mg.k.Reports(mo), ok
		})
		if err != nil || dryRun {
			return ok, err
		}
		// and each id's claim on its month, as the store's AddReports writes it
		return ok, mg.claimMigrated(ctx, key, month)
	case "seen":
		return mg.mergeZSet(ctx, m, key, dryRun, true, func(hex string) string { return mg.k.Seen(keyspace.Partition(hex)) })
	case "trk":
		return mg.mergeZSet(ctx, m, key, dryRun, false, func(string) string { return mg.k.Track(subject) })
	case "rday":
		d, ok := parseDay(subject)
		if !ok {
			return false, nil
		}
		return mg.mergeZSet(ctx, m, key, dryRun, false, func(string) string { return mg.k.ReportDay(d) })
	case "cell":
		c := keyspace.ParseCell(subject)
		if c == 0 {
			return false, nil
		}
		return mg.mergeSet(ctx, m, key, mg.k.Cell(c), dryRun)
	case "lsrc":
		return mg.splitHash(ctx, m, key, dryRun, func(string, string) (string, bool) { return mg.k.LegSources(subject), true })
	case "lline":
		return mg.restore(ctx, m, key, mg.k.LegLine(subject), dryRun)
	case "agg", "magg":
		res, bucket, _ := strings.Cut(subject, ":")
		r, err := strconv.Atoi(res)
		if err != nil {
			return false, nil
		}
		if family == "agg" {
			d, ok := parseDay(bucket)
			if !ok {
				return false, nil
			}
			return mg.restore(ctx, m, key, mg.k.Agg(r, d), dryRun)
		}
		t, err := time.Parse("200601", bucket)
		if err != nil {
			return false, nil
		}
		return mg.restore(ctx, m, key, mg.k.MonthAgg(r, query.Month(query.Day(t))), dryRun)
	}
	return false, fmt.Errorf("unknown family %q", family)
}

// parseDay reads query.DayName's form.
func parseDay(name string) (int64, bool) {
	t, err := time.Parse("20060102", name)
	if err != nil {
		return 0, false
	}
	return query.Day(t), true
}

// splitHash copies the fields of hash key to the hashes dest names, each
// only where the field is not set. A field dest refuses keeps the old key.
func (mg *migrator) splitHash(ctx context.Context, m *Result, key string, dryRun bool, dest func(field, value string) (string, bool)) (bool, error) {
	all := true
	var cursor uint64
	for {
		kv, next, err := mg.client.HScan(ctx, key, cursor, "*", migratePage).Result()
		if err != nil {
			return false, err
		}
		pipe := mg.client.Pipeline()
		for i := 0; i+1 < len(kv); i += 2 {
			to, ok := dest(kv[i], kv[i+1])
			if !ok {
				all = false
				continue
			}
			m.Fields++
			if !dryRun {
				pipe.HSetNX(ctx, to, kv[i], kv[i+1])
			}
		}
		if pipe.Len() > 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				return false, err
			}
		}
		if next == 0 {
			return all, nil
		}
		cursor = next
	}
}

// claimMigrated claims the id of every report in the old report hash key
// for its month (month reads it from the report's JSON).
func (mg *migrator) claimMigrated(ctx context.Context, key string, month func(v string) (int64, bool)) error {
	var cursor uint64
	for {
		kv, next, err := mg.client.HScan(ctx, key, cursor, "*", migratePage).Result()
		if err != nil {
			return err
		}
		pipe := mg.client.Pipeline()
		for i := 0; i+1 < len(kv); i += 2 {
			if mo, ok := month(kv[i+1]); ok {
				pipe.HSetNX(ctx, mg.k.ReportIDs(), kv[i], query.MonthName(mo))
			}
		}
		if pipe.Len() > 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// mergeZSet adds the members of sorted set key to those dest names;
// with nx, members already there keep their score.
func (mg *migrator) mergeZSet(ctx context.Context, m *Result, key string, dryRun, nx bool, dest func(member string) string) (bool, error) {
	var cursor uint64
	for {
		kv, next, err := mg.client.ZScan(ctx, key, cursor, "*", migratePage).Result()
		if err != nil {
			return false, err
		}
		byKey := map[string][]goredis.Z{}
		for i := 0; i+1 < len(kv); i += 2 {
			score, err := strconv.ParseFloat(kv[i+1], 64)
			if err != nil {
				return false, fmt.Errorf("score %q: %w", kv[i+1], err)
			}
			to := dest(kv[i])
			byKey[to] = append(byKey[to], goredis.Z{Score: score, Member: kv[i]})
			m.Fields++
		}
		if !dryRun && len(byKey) > 0 {
			pipe := mg.client.Pipeline()
			for to, zs := range byKey {
				if nx {
					pipe.ZAddNX(ctx, to, zs...)
				} else {
					pipe.ZAdd(ctx, to, zs...)
				}
			}
			if _, err := pipe.Exec(ctx); err != nil {
				return false, err
			}
		}
		if next == 0 {
			return true, nil
		}
		cursor = next
	}
}

// mergeSet adds the members of set key to set to.
func (mg *migrator) mergeSet(ctx context.Context, m *Result, key, to string, dryRun bool) (bool, error) {
	var cursor uint64
	for {
		members, next, err := mg.client.SScan(ctx, key, cursor, "*", migratePage).Result()
		if err != nil {
			return false, err
		}
		m.Fields += len(members)
		if !dryRun && len(members) > 0 {
			args := make([]any, len(members))
			for i, v := range members {
				args[i] = v
			}
			if err := mg.client.SAdd(ctx, to, args...).Err(); err != nil {
				return false, err
			}
		}
		if next == 0 {
			return true, nil
		}
		cursor = next
	}
}

// restore copies key whole to to (DUMP, RESTORE) when to does not exist;
// when it does, the old key may go only if to holds the same content (a
// copy an interrupted run made).
func (mg *migrator) restore(ctx context.Context, m *Result, key, to string, dryRun bool) (bool, error) {
	dump, err := mg.client.Dump(ctx, key).Result()
	if err == goredis.Nil {
		return true, nil // gone since the scan
	}
	if err != nil {
		return false, err
	}
	if dryRun {
		n, err := mg.client.Exists(ctx, to).Result()
		if err != nil {
			return false, err
		}
		if n == 0 {
			m.Fields++
			return true, nil
		}
		return mg.sameDump(ctx, dump, to)
	}
	err = mg.client.Restore(ctx, to, 0, dump).Err()
	if err == nil {
		m.Fields++
		return true, nil
	}
	if !strings.HasPrefix(err.Error(), "BUSYKEY") {
		return false, err
	}
	return mg.sameDump(ctx, dump, to)
}

// sameDump reports whether key's DUMP is dump.
func (mg *migrator) sameDump(ctx context.Context, dump, key string) (bool, error) {
	other, err := mg.client.Dump(ctx, key).Result()
	if err == goredis.Nil {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return other == dump, nil
}
