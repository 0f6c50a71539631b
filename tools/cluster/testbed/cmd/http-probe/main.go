// http-probe makes one HTTP request from inside a pod and prints the body: the network checks of the cluster
// suite run it with `kubectl exec` in pods placed where a client of the stack would be (another namespace,
// Grafana's labels), so the request meets the NetworkPolicies as that client's would. Exit status 0 for a 2xx
// answer, 1 otherwise (the error on stderr). It resolves names with Go's own resolver (the pod's
// /etc/resolv.conf), as the images' static busybox wget cannot without glibc's NSS modules.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"cdk8s-mlops-monitoring/tools/cluster/testbed/internal/buildinfo"
)

func main() {
	timeout := flag.Duration("timeout", 5*time.Second, "give up after this long (connect and read)")
	post := flag.Bool("post", false, "POST with an empty body instead of GET")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println("http-probe", buildinfo.Version)
		return
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: http-probe [-timeout 5s] [-post] URL")
		os.Exit(2)
	}
	if err := probe(flag.Arg(0), *post, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "http-probe:", err)
		os.Exit(1)
	}
}

func probe(url string, post bool, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	method := http.MethodGet
	if post {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s %s: %s", method, url, resp.Status)
	}
	return nil
}
