package server

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"testing"
)

// FuzzGzipBody: any body decodes to an error or to at most the cap,
// never a panic.
func FuzzGzipBody(f *testing.F) {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(bytes.Repeat([]byte("x"), 1<<20))
	w.Close()
	f.Add(buf.Bytes())
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		const max = 256 << 10
		lb := &limitedBody{}
		gz, err := newGzipBody(bytes.NewReader(b), max, lb)
		if err != nil {
			return
		}
		lb.r = gz
		out, err := io.ReadAll(lb)
		if int64(len(out)) > max+1 {
			t.Fatalf("decoded %d bytes past the cap %d", len(out), max)
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) && lb.tooLarge() == nil {
			t.Fatal("cap hit but not recorded")
		}
	})
}
