package lines

import (
	"bufio"
	"errors"
	"io"
)

// ErrTooLong is returned by Reader.Next for a line longer than its
// limit; the line's bytes are skipped and the next call reads on.
var ErrTooLong = errors.New("line too long")

// Reader reads LF or CRLF terminated lines with a length limit, without
// failing the whole stream on one long line.
type Reader struct {
	r   *bufio.Reader
	max int
	acc []byte
}

// NewReader reads lines of at most max bytes (line end excluded).
func NewReader(r io.Reader, max int) *Reader {
	size := 64 << 10
	if max+2 < size {
		size = max + 2
	}
	if size < 16 {
		size = 16
	}
	return &Reader{r: bufio.NewReaderSize(r, size), max: max}
}

// Next returns the next line without its line end. The slice is valid
// until the next call. At the end of input it returns io.EOF; an
// unterminated last line is returned together with io.EOF (a stream cut
// mid-line), so callers that must not trust partial lines check err first.
// Other read errors are returned as they come, with any unterminated data.
func (l *Reader) Next() ([]byte, error) {
	l.acc = l.acc[:0]
	skip := false
	for {
		s, err := l.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if !skip && len(l.acc)+len(s) > l.max+2 {
				skip = true
			}
			if !skip {
				l.acc = append(l.acc, s...)
			}
			continue
		}
		line := s
		if len(l.acc) > 0 {
			l.acc = append(l.acc, s...)
			line = l.acc
		}
		if err != nil {
			if skip || len(trimCR(line)) > l.max {
				// An over-long last line without its line end: report
				// it; the next call returns err.
				return nil, ErrTooLong
			}
			if len(line) == 0 {
				return nil, err
			}
			return trimCR(line), err
		}
		if skip {
			return nil, ErrTooLong
		}
		line = trimCR(line[:len(line)-1])
		if len(line) > l.max {
			return nil, ErrTooLong
		}
		return line, nil
	}
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}
