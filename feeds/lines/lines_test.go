package lines

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		max   int
		lines []string // "!" marks ErrTooLong
		last  string   // unterminated last line returned with io.EOF
	}{
		{"lf", "a\nb\n", 10, []string{"a", "b"}, ""},
		{"crlf", "a\r\nb\r\n\r\n", 10, []string{"a", "b", ""}, ""},
		{"unterminated", "a\nbc", 10, []string{"a"}, "bc"},
		{"long", "abc\n" + strings.Repeat("x", 100) + "\nd\n", 10, []string{"abc", "!", "d"}, ""},
		{"exact limit", "0123456789\n01234567890\n", 10, []string{"0123456789", "!"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := NewReader(strings.NewReader(tt.in), tt.max)
			var got []string
			for {
				line, err := lr.Next()
				if errors.Is(err, ErrTooLong) {
					got = append(got, "!")
					continue
				}
				if errors.Is(err, io.EOF) {
					if string(line) != tt.last {
						t.Errorf("last = %q, want %q", line, tt.last)
					}
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, string(line))
			}
			if strings.Join(got, "|") != strings.Join(tt.lines, "|") {
				t.Errorf("lines = %q, want %q", got, tt.lines)
			}
		})
	}
}

// FuzzReader checks that no input makes Next fail other than by io.EOF
// or ErrTooLong, that no line returned is longer than the limit or holds
// a line end, and that reading always ends.
func FuzzReader(f *testing.F) {
	f.Add([]byte("a\r\nb\n\r\n"), 4)
	f.Add([]byte(strings.Repeat("x", 100)+"\nd"), 10)
	f.Add([]byte("\r\r\n\n"), 0)
	f.Fuzz(func(t *testing.T, in []byte, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		lr := NewReader(strings.NewReader(string(in)), max)
		for n := 0; n <= len(in)+1; n++ {
			line, err := lr.Next()
			if len(line) > max || strings.ContainsAny(string(line), "\n") {
				t.Fatalf("Next() = %q, longer than %d or holding a line end", line, max)
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil && !errors.Is(err, ErrTooLong) {
				t.Fatalf("Next() error %v", err)
			}
		}
		t.Fatalf("no io.EOF after %d lines of %d bytes", len(in)+2, len(in))
	})
}
