// Command ferretdb runs an embedded FerretDB v1 (MongoDB wire protocol) for local development,
// without Docker. Default backend: SQLite files in -sqlite-dir (pure Go, no CGO).
//
//	go build -o bin/ferretdb . && bin/ferretdb -listen 127.0.0.1:57017 -sqlite-dir /tmp/ferretdb-data
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:57017", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", `backend: "sqlite" or "postgresql"`)
	sqliteDir := flag.String("sqlite-dir", "data", "SQLite data directory (created if missing)")
	pgURL := flag.String("postgresql-url", "", "PostgreSQL URL for -handler postgresql, e.g. postgres://user:pass@127.0.0.1:5432/ferretdb")
	debug := flag.Bool("debug", false, "debug logging")
	flag.Parse()

	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := &ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        logger,
		Handler:       *handler,
		PostgreSQLURL: *pgURL,
	}

	switch *handler {
	case "postgresql":
		if *pgURL == "" { // FerretDB connects lazily: without this check it would start and fail on first command
			fatal(logger, "start", errors.New("-postgresql-url is required for -handler postgresql"))
		}
	case "sqlite":
		dir, err := filepath.Abs(*sqliteDir)
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			fatal(logger, "sqlite dir", err)
		}
		cfg.SQLiteURL = "file:" + dir + "/" // FerretDB requires an existing directory with a trailing slash
	}

	f, err := ferretdb.New(cfg) // binds the listener
	if err != nil {
		fatal(logger, "start", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("ferretdb listening", "uri", f.MongoDBURI(), "handler", *handler)

	if err := f.Run(ctx); err != nil {
		fatal(logger, "run", err)
	}
	logger.Info("ferretdb stopped")
}

func fatal(logger *slog.Logger, msg string, err error) {
	logger.Error(msg, "err", err)
	os.Exit(1)
}
