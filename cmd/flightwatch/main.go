// Command flightwatch watches removal flights and enforcement activity: it
// ingests flight positions and enforcement reports, tracks flights and
// raises alerts, and serves a live map, GeoJSON and OGC API Features.
//
//	flightwatch serve  [--config FILE]   run the service
//	flightwatch record --config FILE --out FILE   record what the feeds receive
//	flightwatch migrate-keys --redis URL [--prefix P] [--dry-run]   move a Redis store to the spread key layout
//	flightwatch version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, os.Args[2:])
	case "record":
		err = record(ctx, os.Args[2:])
	case "migrate-keys":
		err = migrateKeys(ctx, os.Args[2:])
	case "version":
		fmt.Println(versionString())
	case "-h", "--help", "help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "flightwatch: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if errors.Is(err, flag.ErrHelp) {
		return // the flag set has printed its usage
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "flightwatch:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  flightwatch serve  [--config FILE]            run the service (env: FLIGHTWATCH_LISTEN,
                                                FLIGHTWATCH_REDIS_URL, FLIGHTWATCH_INGEST_TOKENS,
                                                FLIGHTWATCH_DEMO=1)
  flightwatch record --config FILE --out FILE   write what the configured feeds receive as NDJSON
  flightwatch migrate-keys --redis URL [--prefix P] [--dry-run]
                                                move a Redis store written with every key under
                                                one {prefix} tag to the layout that spreads over a
                                                Redis Cluster (stop the instances first)
  flightwatch version
`)
}
