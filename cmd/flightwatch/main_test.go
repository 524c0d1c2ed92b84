package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// testIndexes loads the embedded reference data as serve does.
func testIndexes(t testing.TB) indexes {
	t.Helper()
	idx, err := loadIndexes()
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// TestCommandLine builds the binary and runs the commands that need no
// service: version names the module version and the VCS revision the
// build recorded, serve --help prints the flags and exits 0, and an
// unknown command exits 2.
func TestCommandLine(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "flightwatch")
	// Stamp the VCS revision when the source is a checkout; the toolchain
	// records none in a linked git worktree or outside a checkout.
	if err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").Run(); err != nil {
		if out, err := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	info, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	rev := regexp.MustCompile(`(?m)^\s+build\s+vcs\.revision=([0-9a-f]+)$`).FindSubmatch(info)
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "FLIGHTWATCH_DEMO=")
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return string(out), 0
	}

	out, code := run("version")
	want := `^flightwatch \S+ go\S+\n$`
	if rev != nil {
		want = `^flightwatch \S+ revision ` + string(rev[1]) + `(\+dirty)? built from a commit of \S+ go\S+\n$`
	}
	if code != 0 || !regexp.MustCompile(want).MatchString(out) {
		t.Errorf("flightwatch version = %q (exit %d), want a line matching %s", out, code, want)
	}

	out, code = run("serve", "--help")
	if code != 0 || !strings.Contains(out, "-config") || !strings.Contains(out, "-pprof") {
		t.Errorf("flightwatch serve --help = exit %d %q, want exit 0 and the flags", code, out)
	}
	if _, code = run("nonsense"); code != 2 {
		t.Errorf("flightwatch nonsense = exit %d, want 2", code)
	}
	out, code = run("serve", "--config", filepath.Join(t.TempDir(), "missing.yml"))
	if code != 1 || !strings.HasPrefix(out, "flightwatch: config: open ") {
		t.Errorf("flightwatch serve --config missing = exit %d %q, want exit 1 and a config error", code, out)
	}
}
