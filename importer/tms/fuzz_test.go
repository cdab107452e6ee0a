package tms

import (
	"strings"
	"testing"
)

func FuzzDecodeResponse(f *testing.F) {
	for _, s := range []string{
		okBody,
		`{"Status":"E","CCODE":"","ErrorCode":"9003","ErrorMessage":"Timestamp已過期"}`,
		`{"Status":"E","CCODE":"","ErrorCode":"2006","ErrorMessage":"統編錯誤"}`,
		"\ufeff" + `{"status":"s","ccode":123,"errorcode":0,"errormessage":null}`,
		`{"Status":"S","CCODE":"0001`,
		`{"Status":{"a":1}}`,
		`{"Status":"X"}`,
		`[1,2]`,
		`null`,
		"<html><body>error</body></html>",
		"",
		"   ",
		`{"Status":"S"} trailing`,
		"{\"Status\":\"\xff\xfe\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := decodeResponse(body, noRedact)
		if err != nil {
			if r != (Response{}) {
				t.Errorf("got response %+v with error %v", r, err)
			}
			if strings.TrimSpace(err.Error()) == "" {
				t.Error("empty error message")
			}
			return
		}
		if r.Status != "S" && r.Status != "E" {
			t.Errorf("got Status %q without an error, want S or E", r.Status)
		}
	})
}

func noRedact(s string) string { return s }
