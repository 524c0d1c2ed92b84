package static_test

import (
	"fmt"
	"io/fs"
	"net/http"

	"github.com/flightwatch/flightwatch/static"
)

// The map is served at the root of the HTTP server; the API lives under
// /api/v1 beside it.
func ExampleFS() {
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServerFS(static.FS()))
	_, err := fs.Stat(static.FS(), "index.html")
	fmt.Println(err == nil)
	// Output: true
}
