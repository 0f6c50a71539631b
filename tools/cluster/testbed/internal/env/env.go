// Package env gives the testbed programs' flags their defaults from the environment, as a pod sets them.
package env

import (
	"log"
	"os"
	"strconv"
)

// Or is the environment variable `name`, or `fallback` when it is unset or empty.
func Or(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return fallback
}

// Number is the environment variable `name` as a number, or `fallback`; a value that is no number is fatal.
func Number(name string, fallback float64) float64 {
	v := Or(name, "")
	if v == "" {
		return fallback
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		log.Fatalf("$%s: %q is not a number", name, v)
	}
	return f
}
