package flight

import "strconv"

func appendQuote(b []byte, s string) []byte { return strconv.AppendQuote(b, s) }
