// iris-api-standin stands in for the Iris API in the test cluster: the same routes and metrics as the
// Python service, its own steady client traffic, and incidents switched at run time through
// POST /admin/incident (see internal/iris).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"cdk8s-mlops-monitoring/tools/cluster/testbed/internal/buildinfo"
	"cdk8s-mlops-monitoring/tools/cluster/testbed/internal/env"
	"cdk8s-mlops-monitoring/tools/cluster/testbed/internal/iris"
)

func main() {
	listen := flag.String("listen-address", env.Or("LISTEN_ADDRESS", ":8000"), "address to listen on ($LISTEN_ADDRESS)")
	rate := flag.Float64("rate", env.Number("TRAFFIC_RATE", 2), "self-generated /predict requests per second when healthy, 0 for none ($TRAFFIC_RATE)")
	probe := flag.Duration("probe-interval", 10*time.Second, "interval of the self-generated GET /health, 0 for none")
	target := flag.String("traffic-url", env.Or("TRAFFIC_URL", ""), "base URL the traffic goes to ($TRAFFIC_URL; default: this process on loopback)")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println("iris-api-standin", buildinfo.Version)
		return
	}
	if *rate < 0 || *rate > 1000 {
		log.Fatal("-rate must be from 0 to 1000")
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	seed := uint64(time.Now().UnixNano())
	api := iris.New(*rate, seed)
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	if *target == "" {
		_, port, _ := net.SplitHostPort(listener.Addr().String())
		*target = "http://" + net.JoinHostPort("127.0.0.1", port)
	}
	server := &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go api.Traffic(ctx, *target, *probe, seed+1, log.Printf)
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()
	log.Printf("iris-api-standin %s listening on %s, traffic %g/s to %s", buildinfo.Version, listener.Addr(), *rate, *target)
	if err := server.Serve(listener); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
