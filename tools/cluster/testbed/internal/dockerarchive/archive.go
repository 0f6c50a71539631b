// Package dockerarchive writes a container image as a `docker save` tarball (manifest.json, the image
// config, one layer tar), which `ctr images import` and `docker load` read. The output depends only on the
// inputs: entries sorted, times fixed, owners numeric.
package dockerarchive

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// epoch is every entry's time: the image says nothing about when it was built.
var epoch = time.Unix(0, 0).UTC()

// Entry is one file, directory or symlink of the image's root filesystem.
type Entry struct {
	// Path is absolute in the image: /bin/prometheus.
	Path string
	// Source is the host file whose content a regular file gets.
	Source string
	// Target makes the entry a symlink.
	Target string
	// Dir makes the entry a directory.
	Dir bool
	// Mode holds the Unix permission bits, with setuid, setgid and sticky: 0o1777 for /tmp.
	Mode     int64
	UID, GID int
}

// Image is what goes into the archive.
type Image struct {
	// Tag is the name the importer gives the image: prom/prometheus:v3.13.5.
	Tag string
	// Entries are the root filesystem; parent directories not listed are added (0755, root).
	Entries    []Entry
	User       string
	WorkingDir string
	Entrypoint []string
	Cmd        []string
	Env        []string
	// ExposedPorts are "9090/tcp" or "53/udp".
	ExposedPorts []string
	Labels       map[string]string
}

// Write writes the archive to `out` atomically (a temporary file in the same folder, renamed at the end).
func Write(img Image, out string) error {
	if img.Tag == "" {
		return fmt.Errorf("the image needs a tag")
	}
	entries, err := complete(img.Entries)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".layer-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	diffID, err := writeLayer(tmp, entries)
	if err != nil {
		return err
	}
	config, err := configJSON(img, diffID)
	if err != nil {
		return err
	}
	configName := digest(config) + ".json"
	layerName := diffID + "/layer.tar"
	manifest, err := json.Marshal([]map[string]any{{"Config": configName, "RepoTags": []string{img.Tag}, "Layers": []string{layerName}}})
	if err != nil {
		return err
	}

	archive, err := os.CreateTemp(filepath.Dir(out), ".archive-*")
	if err != nil {
		return err
	}
	defer os.Remove(archive.Name())
	defer archive.Close()
	tw := tar.NewWriter(archive)
	if err := writeBytes(tw, configName, config); err != nil {
		return err
	}
	if err := tw.WriteHeader(header(tar.TypeDir, diffID+"/", 0o755, 0)); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := tw.WriteHeader(header(tar.TypeReg, layerName, 0o644, size)); err != nil {
		return err
	}
	if _, err := io.Copy(tw, tmp); err != nil {
		return err
	}
	if err := writeBytes(tw, "manifest.json", manifest); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := archive.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file private; the archive is for any user who imports images.
	if err := os.Chmod(archive.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(archive.Name(), out)
}

func header(typ byte, name string, mode int64, size int64) *tar.Header {
	return &tar.Header{Typeflag: typ, Name: name, Mode: mode & 0o7777, Size: size, ModTime: epoch, Format: tar.FormatPAX}
}

func writeBytes(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(header(tar.TypeReg, name, 0o644, int64(len(b)))); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// complete checks the entries, adds missing parent directories and sorts them by path.
func complete(entries []Entry) ([]Entry, error) {
	byPath := map[string]Entry{}
	for _, e := range entries {
		p := path.Clean(e.Path)
		if !path.IsAbs(e.Path) || p == "/" {
			return nil, fmt.Errorf("%q: give an absolute path below /", e.Path)
		}
		kinds := 0
		for _, set := range []bool{e.Source != "", e.Target != "", e.Dir} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			return nil, fmt.Errorf("%s: give exactly one of a source file, a symlink target or a directory", p)
		}
		if _, dup := byPath[p]; dup {
			return nil, fmt.Errorf("%s is given twice", p)
		}
		e.Path = p
		byPath[p] = e
	}
	for p := range byPath {
		for dir := path.Dir(p); dir != "/"; dir = path.Dir(dir) {
			if parent, ok := byPath[dir]; ok {
				if !parent.Dir {
					return nil, fmt.Errorf("%s is below %s, which is no directory", p, dir)
				}
				continue
			}
			byPath[dir] = Entry{Path: dir, Dir: true, Mode: 0o755}
		}
	}
	out := make([]Entry, 0, len(byPath))
	for _, e := range byPath {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// writeLayer writes the layer tar and returns its sha256, the image's diff ID.
func writeLayer(w io.Writer, entries []Entry) (string, error) {
	var h hash.Hash = sha256.New()
	tw := tar.NewWriter(io.MultiWriter(w, h))
	for _, e := range entries {
		name := strings.TrimPrefix(e.Path, "/")
		var hdr *tar.Header
		switch {
		case e.Dir:
			hdr = header(tar.TypeDir, name+"/", e.Mode, 0)
		case e.Target != "":
			hdr = header(tar.TypeSymlink, name, 0o777, 0)
			hdr.Linkname = e.Target
		default:
			info, err := os.Stat(e.Source)
			if err != nil {
				return "", err
			}
			if !info.Mode().IsRegular() {
				return "", fmt.Errorf("%s: %s is not a regular file", e.Path, e.Source)
			}
			hdr = header(tar.TypeReg, name, e.Mode, info.Size())
		}
		hdr.Uid, hdr.Gid = e.UID, e.GID
		if err := tw.WriteHeader(hdr); err != nil {
			return "", err
		}
		if hdr.Typeflag == tar.TypeReg {
			if err := copyFile(tw, e.Source, hdr.Size); err != nil {
				return "", err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func copyFile(w io.Writer, name string, size int64) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(w, f)
	if err == nil && n != size {
		err = fmt.Errorf("%s changed while it was read", name)
	}
	return err
}

// configJSON is the image config (the OCI image spec's fields, which Docker's format shares).
func configJSON(img Image, diffID string) ([]byte, error) {
	config := map[string]any{}
	if img.User != "" {
		config["User"] = img.User
	}
	if img.WorkingDir != "" {
		config["WorkingDir"] = img.WorkingDir
	}
	if len(img.Entrypoint) > 0 {
		config["Entrypoint"] = img.Entrypoint
	}
	if len(img.Cmd) > 0 {
		config["Cmd"] = img.Cmd
	}
	if len(img.Env) > 0 {
		config["Env"] = img.Env
	}
	if len(img.ExposedPorts) > 0 {
		ports := map[string]struct{}{}
		for _, p := range img.ExposedPorts {
			if !strings.Contains(p, "/") {
				p += "/tcp"
			}
			ports[p] = struct{}{}
		}
		config["ExposedPorts"] = ports
	}
	if len(img.Labels) > 0 {
		config["Labels"] = img.Labels
	}
	// encoding/json sorts map keys: the same image gives the same bytes, hence the same digest.
	return json.Marshal(map[string]any{
		"architecture": runtime.GOARCH,
		"os":           "linux",
		"created":      epoch.Format(time.RFC3339),
		"config":       config,
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + diffID}},
		"history":      []map[string]any{{"created": epoch.Format(time.RFC3339), "created_by": "tools/cluster image-archive"}},
	})
}
