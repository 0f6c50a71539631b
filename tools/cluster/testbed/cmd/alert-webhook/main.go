// alert-webhook is an Alertmanager webhook receiver for tests: it records every notification POSTed to it
// (path, JSON body, time received) in memory and lists them at GET /notifications.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"time"

	"cdk8s-mlops-monitoring/tools/cluster/testbed/internal/buildinfo"
	"cdk8s-mlops-monitoring/tools/cluster/testbed/internal/env"
	"cdk8s-mlops-monitoring/tools/cluster/testbed/internal/webhook"
)

func main() {
	listen := flag.String("listen-address", env.Or("LISTEN_ADDRESS", ":8080"), "address to listen on ($LISTEN_ADDRESS)")
	limit := flag.Int("max-notifications", int(env.Number("MAX_NOTIFICATIONS", 1000)), "notifications kept, the oldest dropped first ($MAX_NOTIFICATIONS)")
	maxBody := flag.Int64("max-body-bytes", 4<<20, "largest notification body accepted")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println("alert-webhook", buildinfo.Version)
		return
	}
	if *limit < 1 {
		log.Fatal("-max-notifications must be at least 1")
	}
	server := &http.Server{
		Addr:              *listen,
		Handler:           webhook.NewRecorder(*limit, *maxBody),
		ReadHeaderTimeout: 10 * time.Second,
	}
	log.Printf("alert-webhook %s listening on %s", buildinfo.Version, *listen)
	log.Fatal(server.ListenAndServe())
}
