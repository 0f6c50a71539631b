package dockerarchive

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testImage(t *testing.T) Image {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "prometheus")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho prometheus\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return Image{
		Tag: "prom/prometheus:v3.13.5",
		Entries: []Entry{
			{Path: "/prometheus", Dir: true, Mode: 0o775, UID: 65534, GID: 65534},
			{Path: "/bin/prometheus", Source: bin, Mode: 0o755},
			{Path: "/bin/sh", Target: "busybox"},
			{Path: "/tmp", Dir: true, Mode: 0o1777},
		},
		User: "nobody", WorkingDir: "/prometheus",
		Entrypoint: []string{"/bin/prometheus"}, Cmd: []string{"--storage.tsdb.path=/prometheus"},
		ExposedPorts: []string{"9090"}, Env: []string{"PATH=/bin"},
	}
}

// entries reads a tar into name → header, and keeps each regular file's content.
func entries(t *testing.T, r io.Reader) ([]*tar.Header, map[string][]byte) {
	t.Helper()
	var headers []*tar.Header
	contents := map[string][]byte{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return headers, contents
		}
		if err != nil {
			t.Fatal(err)
		}
		headers = append(headers, h)
		b, _ := io.ReadAll(tr)
		contents[h.Name] = b
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestWritesADockerSaveArchive(t *testing.T) {
	out := filepath.Join(t.TempDir(), "image.tar")
	if err := Write(testImage(t), out); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	headers, files := entries(t, f)
	var manifest []struct {
		Config           string
		RepoTags, Layers []string
	}
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("manifest.json: %s (%v)", files["manifest.json"], err)
	}
	m := manifest[0]
	if len(m.RepoTags) != 1 || m.RepoTags[0] != "prom/prometheus:v3.13.5" || len(m.Layers) != 1 {
		t.Fatalf("manifest %+v", m)
	}
	// The config is named by its digest and names the layer by its own.
	config := files[m.Config]
	if m.Config != sha(config)+".json" {
		t.Fatalf("config %s has digest %s", m.Config, sha(config))
	}
	var c struct {
		Architecture, OS string
		Config           struct {
			User, WorkingDir string
			Entrypoint, Cmd  []string
			ExposedPorts     map[string]struct{}
		}
		RootFS struct {
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
	if err := json.Unmarshal(config, &c); err != nil {
		t.Fatal(err)
	}
	layer := files[m.Layers[0]]
	if c.OS != "linux" || c.Config.User != "nobody" || c.Config.WorkingDir != "/prometheus" ||
		strings.Join(c.Config.Entrypoint, " ") != "/bin/prometheus" || len(c.Config.ExposedPorts) != 1 ||
		c.RootFS.DiffIDs[0] != "sha256:"+sha(layer) {
		t.Fatalf("config %s", config)
	}
	if _, ok := c.Config.ExposedPorts["9090/tcp"]; !ok {
		t.Fatalf("ports %v", c.Config.ExposedPorts)
	}
	for _, h := range headers {
		if !h.ModTime.Equal(epoch) {
			t.Errorf("%s has time %v", h.Name, h.ModTime)
		}
	}

	layerHeaders, layerFiles := entries(t, bytes.NewReader(layer))
	var got []string
	for _, h := range layerHeaders {
		got = append(got, h.Name)
		if !h.ModTime.Equal(epoch) {
			t.Errorf("%s has time %v", h.Name, h.ModTime)
		}
	}
	// Sorted, with the parent /bin added.
	if want := "bin/ bin/prometheus bin/sh prometheus/ tmp/"; strings.Join(got, " ") != want {
		t.Fatalf("layer entries %q, want %q", got, want)
	}
	byName := map[string]*tar.Header{}
	for _, h := range layerHeaders {
		byName[h.Name] = h
	}
	for name, want := range map[string]struct {
		mode     int64
		uid, gid int
	}{"bin/": {0o755, 0, 0}, "bin/prometheus": {0o755, 0, 0}, "prometheus/": {0o775, 65534, 65534}, "tmp/": {0o1777, 0, 0}} {
		h := byName[name]
		if h.Mode != want.mode || h.Uid != want.uid || h.Gid != want.gid {
			t.Errorf("%s: mode %o %d:%d, want %o %d:%d", name, h.Mode, h.Uid, h.Gid, want.mode, want.uid, want.gid)
		}
	}
	if byName["bin/sh"].Typeflag != tar.TypeSymlink || byName["bin/sh"].Linkname != "busybox" {
		t.Errorf("bin/sh: %+v", byName["bin/sh"])
	}
	if string(layerFiles["bin/prometheus"]) != "#!/bin/sh\necho prometheus\n" {
		t.Errorf("bin/prometheus holds %q", layerFiles["bin/prometheus"])
	}
}

func TestTheSameInputsGiveTheSameBytes(t *testing.T) {
	img := testImage(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tar"), filepath.Join(dir, "b.tar")
	// Entry order and the source file's own time and mode do not matter.
	if err := Write(img, a); err != nil {
		t.Fatal(err)
	}
	img.Entries[0], img.Entries[3] = img.Entries[3], img.Entries[0]
	if err := os.Chmod(img.Entries[1].Source, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := Write(img, b); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if !bytes.Equal(x, y) {
		t.Fatal("two archives of the same image differ")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestRefusesBadEntries(t *testing.T) {
	for name, e := range map[string][]Entry{
		"relative path":   {{Path: "bin/x", Dir: true}},
		"no kind":         {{Path: "/x"}},
		"two kinds":       {{Path: "/x", Dir: true, Target: "y"}},
		"duplicate":       {{Path: "/x", Dir: true}, {Path: "/x/", Dir: true}},
		"below a symlink": {{Path: "/bin", Target: "usr/bin"}, {Path: "/bin/sh", Target: "busybox"}},
		"missing source":  {{Path: "/x", Source: "/nonexistent/file"}},
	} {
		out := filepath.Join(t.TempDir(), "image.tar")
		if err := Write(Image{Tag: "x:y", Entries: e}, out); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: an archive was written", name)
		}
	}
}
