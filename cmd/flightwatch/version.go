package main

import (
	"runtime/debug"
	"strings"
)

// versionString names the module version and the VCS revision the binary
// was built from, as recorded by the Go toolchain.
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "flightwatch (no build info)"
	}
	return formatVersion(info)
}

func formatVersion(info *debug.BuildInfo) string {
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var b strings.Builder
	b.WriteString("flightwatch ")
	b.WriteString(v)
	if rev != "" {
		b.WriteString(" revision ")
		b.WriteString(rev)
		if modified {
			b.WriteString("+dirty")
		}
	}
	if when != "" {
		b.WriteString(" built from a commit of ")
		b.WriteString(when)
	}
	b.WriteString(" ")
	b.WriteString(info.GoVersion)
	return b.String()
}
