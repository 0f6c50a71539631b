// pause holds a pod's namespaces, like Kubernetes' pause container: it sleeps until SIGINT or SIGTERM and,
// as PID 1 of the sandbox, reaps the orphans the kernel hands it.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"cdk8s-mlops-monitoring/tools/cluster/testbed/internal/buildinfo"
)

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "-v" || os.Args[1] == "--version") {
		fmt.Println("pause", buildinfo.Version)
		return
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "Warning: pause should be the first process")
	}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			fmt.Fprintf(os.Stderr, "Shutting down, got signal: %v\n", s)
			os.Exit(0)
		}
		// One SIGCHLD may stand for several exited children.
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
