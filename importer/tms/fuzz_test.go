package tms

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
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
		`{"Status":"S","CCODE":"H1","ErrorCode":"0000","status":"E"}`,
		`{"Status":"E","ErrorCode":"0000"}`,
		`{"Status":"S","ErrorCode":"1002","ccode":"1","CCODE":"2"}`,
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

// FuzzParseRetryAfter: any header gives a wait from 0 to maxRetryAfter; a
// number of seconds gives that many seconds, up to it.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "7", " 12 ", "-3", "999999", "99999999999999999999", "1e3", "Fri, 31 Dec 9999 23:59:59 GMT",
		testNow.Add(90 * time.Second).Format(http.TimeFormat), "Tue, 04 Mar 2025 05:06:07 GMT", "Monday, 04-Mar-25 05:06:07 GMT", "soon"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d := parseRetryAfter(v, testNow)
		if d < 0 || d > maxRetryAfter {
			t.Fatalf("parseRetryAfter(%q) = %v, want 0 to %v", v, d, maxRetryAfter)
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			want := time.Duration(max(0, min(n, int64(maxRetryAfter/time.Second)))) * time.Second
			if d != want {
				t.Fatalf("parseRetryAfter(%q) = %v, want %v", v, d, want)
			}
		}
	})
}

var alnum = regexp.MustCompile(`^[A-Za-z0-9_-]{4,64}$`)

// FuzzRedact: after redaction no form of the key, in any case, is left
// in the text, and a text without the key is unchanged.
func FuzzRedact(f *testing.F) {
	f.Add("s3cr3t-KEY-123", "echo S3CR3T-key-123 and s3cr3t-KEY-12 and s3cr3t-KEY-123")
	f.Add("abcd", "ABCDabcdaBcD")
	f.Fuzz(func(t *testing.T, key, text string) {
		if !alnum.MatchString(key) {
			return
		}
		got := redactor(key)(text)
		if strings.Contains(strings.ToLower(got), strings.ToLower(key)) && !strings.Contains(strings.ToLower(redactedText), strings.ToLower(key)) {
			t.Fatalf("redact(%q) with key %q = %q: the key is left", text, key, got)
		}
		if !strings.Contains(strings.ToLower(text), strings.ToLower(key)) && got != text {
			t.Fatalf("redact(%q) with key %q = %q: changed a text without the key", text, key, got)
		}
	})
}

// FuzzRedactURL: user info and query values never survive RedactURL.
func FuzzRedactURL(f *testing.F) {
	f.Add("https", "user", "pw-secret", "erp.example.com", "/api", "q-secret")
	f.Add("http", "", "p@ss", "bad host", "/a@b", "k=v&x")
	f.Fuzz(func(t *testing.T, scheme, user, pass, host, path, query string) {
		if len(pass) < 4 || strings.Contains(scheme+user+host+path+query+"xxxxx", pass) || strings.ContainsAny(scheme+pass+host+user, "/\\?#@&;=") || strings.ContainsAny(path, "?#") {
			return
		}
		raw := scheme + "://" + user + ":" + pass + "@" + host + path + "?k=" + pass + "&" + query
		if got := RedactURL(raw); strings.Contains(got, pass) {
			t.Fatalf("RedactURL(%q) = %q: the password is left", raw, got)
		}
	})
}

// FuzzDecodePlain: whatever the fast reading of an answer accepts, the
// full reading accepts too, with the same Response.
func FuzzDecodePlain(f *testing.F) {
	for _, s := range []string{
		okBody,
		`{"Status":"E","CCODE":"","ErrorCode":"9003","ErrorMessage":"Timestamp已過期"}`,
		`{"status":"s","ccode":123,"errorcode":0,"errormessage":null}`,
		` { "Status" : "S" , "CCODE" : "A1" , "ErrorMessage":"x","errormessage":"y", "Other": true } `,
		`{"Status":"S","CCODE":-1.5e+3,"ErrorCode":"0000","X":false}`,
		`{"Status":"S","status":"E"}`,
		`{"Status":" e ","ErrorCode":"1002"}`,
		`{"Status":"S","CCODE":"\u0041"}`,
		`{"Status":"S","CCODE":"` + "\xff" + `"}`,
		`{"Status":"S"}x`,
		`{"Status":"S","N":01}`,
		`{"Status":"S","N":nul}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		b := bytes.TrimSpace(body)
		fast, ok := decodePlain(b)
		if !ok {
			return
		}
		if len(b) == 0 {
			t.Fatal("an empty answer read")
		}
		full, err := decodeFull(b, noRedact)
		if err != nil || full != fast {
			t.Errorf("%q: fast %+v; full %+v, %v", body, fast, full, err)
		}
	})
}
