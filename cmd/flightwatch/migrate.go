package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/flightwatch/flightwatch/store/redis/migrate"
	"github.com/flightwatch/flightwatch/store/redis/redisurl"
)

const migrateUsage = `usage: flightwatch migrate-keys --redis URL [--prefix P] [--dry-run]

Moves a Redis store written by a flightwatch whose keys all shared one hash
tag ("{fw}:...", one Redis Cluster slot) to the layout whose keys spread over
a cluster: aircraft keys by a partition of the hex, cell index sets by a
coarse H3 cell, reports and their aggregates by month. Store-wide keys
(legs, plans, alerts, stats) keep their names.

Stop the instances that use the prefix first, migrate, then start the new
version. Each old key is copied and then deleted, so the migration is
idempotent and resumable: after an interruption, run it again. It never
overwrites what the new layout holds; an old key whose new name holds other
content is left in place and listed. It prints what it found and moved.

Flags:
`

// migrateKeys runs "flightwatch migrate-keys".
func migrateKeys(ctx context.Context, args []string) error {
	return runMigrateKeys(ctx, args, os.Stdout, os.Stderr)
}

func runMigrateKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate-keys", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("redis", os.Getenv("FLIGHTWATCH_REDIS_URL"),
		"Redis URL: redis://, rediss://, redis+cluster://h1:p1,h2:p2 (default $FLIGHTWATCH_REDIS_URL)")
	prefix := fs.String("prefix", "fw", "key prefix of the store (redis.prefix in the configuration)")
	dry := fs.Bool("dry-run", false, "count what would move; write nothing")
	fs.Usage = func() {
		fmt.Fprint(stderr, migrateUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate-keys: unexpected argument %q", fs.Arg(0))
	}
	if *url == "" {
		return errors.New("migrate-keys: --redis is required (or FLIGHTWATCH_REDIS_URL)")
	}
	if *prefix == "" {
		return errors.New("migrate-keys: --prefix must not be empty")
	}
	opt, err := redisurl.Parse(*url)
	if err != nil {
		return fmt.Errorf("migrate-keys: %w", err)
	}
	client := opt.Client()
	defer client.Close()
	if err := client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("migrate-keys: connect %s: %w", opt.Addr(), err)
	}
	m, err := migrate.Run(ctx, client, *prefix, *dry)
	report(stdout, opt.Addr(), *prefix, *dry, m)
	if err != nil {
		return fmt.Errorf("migrate-keys: %w", err)
	}
	return nil
}

// report prints what migrate.Run found and did.
func report(w io.Writer, addr, prefix string, dry bool, m migrate.Result) {
	mode := ""
	if dry {
		mode = " (dry run: nothing written)"
	}
	fmt.Fprintf(w, "migrate-keys: prefix %s at %s%s\n", prefix, addr, mode)
	families := make([]string, 0, len(m.Found))
	for f := range m.Found {
		families = append(families, f)
	}
	slices.Sort(families)
	fmt.Fprint(w, "old keys found:")
	if len(families) == 0 {
		fmt.Fprint(w, " none")
	}
	for _, f := range families {
		fmt.Fprintf(w, " %s %d", f, m.Found[f])
	}
	fmt.Fprintln(w)
	verb := "moved"
	if dry {
		verb = "would move"
	}
	fmt.Fprintf(w, "%s %d keys (%d fields and members), kept %d\n", verb, m.Moved, m.Fields, len(m.Kept))
	for _, k := range m.Kept {
		fmt.Fprintf(w, "kept %s: its new key holds other content, or it could not be read\n", k)
	}
}
