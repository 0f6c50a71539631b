// image-archive writes a container image as a `docker save` tarball, for `ctr -n k8s.io images import`
// where no registry is reachable. One layer holds the files given; the output depends only on the inputs.
//
//	image-archive -out prometheus.tar -tag prom/prometheus:v3.13.5 \
//	  -file /path/to/prometheus=/bin/prometheus:0755 -dir /prometheus:0775:65534:65534 \
//	  -symlink /bin/sh=busybox -user nobody -workdir /prometheus \
//	  -entrypoint '["/bin/prometheus"]' -cmd '["--config.file=/etc/prometheus/prometheus.yml"]' -expose 9090
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"

	"cdk8s-mlops-monitoring/tools/cluster/testbed/internal/buildinfo"
	"cdk8s-mlops-monitoring/tools/cluster/testbed/internal/dockerarchive"
)

// list is a repeatable flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, " ") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	log.SetFlags(0)
	log.SetPrefix("image-archive: ")
	var files, dirs, symlinks, env, expose, labels list
	out := flag.String("out", "", "archive to write")
	tag := flag.String("tag", "", "image name and tag, as the manifests write it")
	flag.Var(&files, "file", "SRC=DEST[:MODE[:UID:GID]] a host file placed at DEST (mode 0644, owner 0:0 unless given); repeatable")
	flag.Var(&dirs, "dir", "DEST[:MODE[:UID:GID]] a directory (0755, 0:0 unless given); repeatable")
	flag.Var(&symlinks, "symlink", "DEST=TARGET a symbolic link; repeatable")
	flag.Var(&env, "env", "NAME=VALUE of the image's environment; repeatable")
	flag.Var(&expose, "expose", "PORT[/PROTOCOL] the image exposes; repeatable")
	flag.Var(&labels, "label", "KEY=VALUE image label; repeatable")
	user := flag.String("user", "", "user the image runs as (a name from its /etc/passwd, or UID[:GID])")
	workdir := flag.String("workdir", "", "working directory")
	entrypoint := flag.String("entrypoint", "", "entrypoint, a JSON array of strings")
	cmd := flag.String("cmd", "", "default arguments, a JSON array of strings")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println("image-archive", buildinfo.Version)
		return
	}
	if *out == "" || *tag == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	img := dockerarchive.Image{Tag: *tag, User: *user, WorkingDir: *workdir, Env: env, ExposedPorts: expose, Labels: map[string]string{}}
	for _, f := range files {
		src, rest, ok := strings.Cut(f, "=")
		if !ok || src == "" {
			log.Fatalf("-file %q: want SRC=DEST[:MODE[:UID:GID]]", f)
		}
		e := placed(rest, 0o644, "-file")
		e.Source = src
		img.Entries = append(img.Entries, e)
	}
	for _, d := range dirs {
		e := placed(d, 0o755, "-dir")
		e.Dir = true
		img.Entries = append(img.Entries, e)
	}
	for _, s := range symlinks {
		dest, target, ok := strings.Cut(s, "=")
		if !ok || target == "" {
			log.Fatalf("-symlink %q: want DEST=TARGET", s)
		}
		img.Entries = append(img.Entries, dockerarchive.Entry{Path: dest, Target: target})
	}
	for _, l := range labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			log.Fatalf("-label %q: want KEY=VALUE", l)
		}
		img.Labels[k] = v
	}
	img.Entrypoint = jsonStrings(*entrypoint, "-entrypoint")
	img.Cmd = jsonStrings(*cmd, "-cmd")
	if err := dockerarchive.Write(img, *out); err != nil {
		log.Fatal(err)
	}
}

// placed parses DEST[:MODE[:UID:GID]].
func placed(spec string, mode int64, flagName string) dockerarchive.Entry {
	parts := strings.Split(spec, ":")
	e := dockerarchive.Entry{Path: parts[0], Mode: mode}
	bad := func() { log.Fatalf("%s %q: want DEST[:MODE[:UID:GID]] with an octal MODE", flagName, spec) }
	if parts[0] == "" || len(parts) == 3 || len(parts) > 4 {
		bad()
	}
	var err error
	if len(parts) > 1 {
		if e.Mode, err = strconv.ParseInt(parts[1], 8, 64); err != nil || e.Mode > 0o7777 {
			bad()
		}
	}
	if len(parts) == 4 {
		if e.UID, err = strconv.Atoi(parts[2]); err != nil {
			bad()
		}
		if e.GID, err = strconv.Atoi(parts[3]); err != nil {
			bad()
		}
	}
	return e
}

func jsonStrings(v, flagName string) []string {
	if v == "" {
		return nil
	}
	var s []string
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		log.Fatalf("%s: want a JSON array of strings: %v", flagName, err)
	}
	return s
}
