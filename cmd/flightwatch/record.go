package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/feeds"
)

// record runs the configured feeds and writes every observation they
// receive as NDJSON that the replay feed plays back.
func record(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	path := fs.String("config", "", "configuration file whose feeds are recorded")
	out := fs.String("out", "", "NDJSON file to write (- for standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" || *out == "" {
		return errors.New("record: --config and --out are required")
	}
	idx, err := loadIndexes()
	if err != nil {
		return err
	}
	cfg, err := configs.Load(*path, os.Getenv, idx.countries)
	if err != nil {
		return err
	}
	if len(cfg.Feeds) == 0 {
		return fmt.Errorf("record: %s configures no feeds", *path)
	}
	w := os.Stdout
	if *out != "-" {
		if w, err = os.Create(*out); err != nil {
			return fmt.Errorf("record: %w", err)
		}
		defer w.Close()
	}
	err = feeds.Record(ctx, cfg.Feeds, w, feeds.Options{Logger: newLogger(cfg.LogLevel)})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
