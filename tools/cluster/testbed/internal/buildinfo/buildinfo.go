// Package buildinfo holds the version install.sh stamps into the testbed programs: a digest of their sources.
package buildinfo

// Version is set with -ldflags "-X .../internal/buildinfo.Version=<digest>".
var Version = "dev"
