package sbs_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/feeds/sbs"
)

func ExampleParser() {
	capture := "MSG,1,1,1,A1B2C3,1,2024/11/24,08:00:00.000,2024/11/24,08:00:00.000,RCH821  ,,,,,,,,,,,0\r\n" +
		"MSG,4,1,1,A1B2C3,1,2024/11/24,08:00:00.500,2024/11/24,08:00:00.500,,,250,135,,,-512,,0,0,0,0\r\n" +
		"MSG,3,1,1,A1B2C3,1,2024/11/24,08:00:01.000,2024/11/24,08:00:01.000,,4500,,,31.85000,-106.38000,,,0,0,0,0\r\n"
	var p sbs.Parser
	obs, rejects, err := p.Parse(strings.NewReader(capture), time.Date(2024, 11, 24, 8, 0, 2, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range obs {
		fmt.Println(o.Hex, o.Callsign, o.AltFt, o.GSKt, o.TrackDeg, o.VRateFPM, o.Time.Format(time.RFC3339Nano))
	}
	fmt.Println(len(rejects), "rejects")
	// Output:
	// a1b2c3 RCH821 4500 250 135 -512 2024-11-24T08:00:01Z
	// 0 rejects
}
