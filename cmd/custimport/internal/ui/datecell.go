package ui

import (
	"strconv"
	"strings"
	"time"
)

// maxSerial is the Excel serial of 9999-12-31.
const maxSerial = 2958465

// serialAsDate shows an Excel date serial (45292, or 45292.5 with a time
// of day) as the date it stands for (2024/01/01), as the validator reads
// it in a date column: a whole part of 1 to 6 digits; 60, Excel's
// 1900-02-29 that never was, is not a date. ok is false for anything else
// (a typed date, 20240101, a 民國 date of 7 digits).
func serialAsDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 6 || !digits(whole) || (hasFrac && (frac == "" || !digits(frac))) {
		return "", false
	}
	n, _ := strconv.Atoi(whole)
	if n < 1 || n > maxSerial || n == 60 {
		return "", false
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if n < 60 {
		base = base.AddDate(0, 0, 1) // Excel counts the 1900-02-29 that never was
	}
	return base.AddDate(0, 0, n).Format("2006/01/02"), true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
