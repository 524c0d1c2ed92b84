package flight

import "testing"

func TestClassify(t *testing.T) {
	tests := []struct {
		from, to string
		want     Class
	}{
		{"USA", "GTM", ClassRemoval},
		{"USA", "USA", ClassDomestic},
		{"MEX", "USA", ClassReturn},
		{"GTM", "SLV", ClassForeign},
		{"", "GTM", ClassUnknown},
		{"USA", "", ClassUnknown},
	}
	for _, tt := range tests {
		if got := Classify(tt.from, tt.to, "USA"); got != tt.want {
			t.Errorf("Classify(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}
