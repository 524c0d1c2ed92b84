package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// clockTicks is the USER_HZ of /proc/<pid>/stat times; 100 on Linux.
const clockTicks = 100

// procSample is a process's CPU time and resident memory at one moment.
type procSample struct {
	at     time.Time
	cpu    time.Duration // user + system
	rssB   int64
	hwmRSS int64 // peak resident set
}

// readProc reads /proc/<pid>/stat and /proc/<pid>/status.
func readProc(pid int) (procSample, error) {
	s := procSample{at: time.Now()}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, fmt.Errorf("proc: %w", err)
	}
	cpu, err := parseStat(stat)
	if err != nil {
		return s, fmt.Errorf("proc %d: %w", pid, err)
	}
	s.cpu = cpu
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("proc: %w", err)
	}
	s.rssB = statusKB(status, "VmRSS:") * 1024
	s.hwmRSS = statusKB(status, "VmHWM:") * 1024
	return s, nil
}

// parseStat returns utime+stime from the text of /proc/<pid>/stat.
func parseStat(b []byte) (time.Duration, error) {
	// the command name is in parentheses and may hold spaces
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("stat: no command name")
	}
	f := bytes.Fields(b[i+1:])
	// after the name: state is field 3; utime and stime are 14 and 15
	if len(f) < 13 {
		return 0, errors.New("stat: too few fields")
	}
	ut, err1 := strconv.ParseInt(string(f[11]), 10, 64)
	st, err2 := strconv.ParseInt(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("stat: bad utime or stime")
	}
	return time.Duration(ut+st) * time.Second / clockTicks, nil
}

// statusKB returns the kB value of key in /proc/<pid>/status, 0 if absent.
func statusKB(b []byte, key string) int64 {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0
	}
	line := b[i+len(key):]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	f := bytes.Fields(line)
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseInt(string(f[0]), 10, 64)
	return v
}

// procWatch samples a process every second, keeping the first and last
// samples and the peak RSS seen.
type procWatch struct {
	first, last procSample
	peakRSS     int64
	err         error
	n           int
}

func (w *procWatch) sample(pid int) {
	if pid <= 0 || w.err != nil {
		return
	}
	s, err := readProc(pid)
	if err != nil {
		w.err = err
		return
	}
	if w.n == 0 {
		w.first = s
	}
	w.last = s
	w.n++
	w.peakRSS = max(w.peakRSS, s.rssB)
}

// cores is the CPU the process used between the first and last samples,
// in cores.
func (w *procWatch) cores() float64 {
	wall := w.last.at.Sub(w.first.at)
	if w.n < 2 || wall <= 0 {
		return 0
	}
	return float64(w.last.cpu-w.first.cpu) / float64(wall)
}
