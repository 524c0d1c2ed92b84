package export

import (
	"math"
	"strconv"

	"github.com/flightwatch/flightwatch/flight"
)

var pow10 = [...]float64{1, 10, 100, 1e3, 1e4, 1e5, 1e6}

// AppendFixed appends v with at most prec (0-6) decimals and no trailing
// zeros, like flight.AppendFloat but with integer arithmetic: the hot
// path of feature encoding. Non-finite values are null.
func AppendFixed(b []byte, v float64, prec int) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1e12 || prec < 0 || prec > 6 {
		return flight.AppendFloat(b, v, prec)
	}
	scale := pow10[prec]
	n := int64(math.Round(v * scale))
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	div := int64(scale)
	b = strconv.AppendInt(b, n/div, 10)
	frac := n % div
	if frac == 0 {
		return b
	}
	// zero-padded fraction of prec digits, trailing zeros trimmed
	var digits [6]byte
	for i := prec - 1; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	end := prec
	for end > 0 && digits[end-1] == '0' {
		end--
	}
	b = append(b, '.')
	return append(b, digits[:end]...)
}

// AppendQuoted appends s as a JSON string.
func AppendQuoted(b []byte, s string) []byte { return flight.AppendQuoted(b, s) }
