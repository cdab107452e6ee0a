package importer

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/validate"
)

// TestSettingsHints: a row TMS refused for the request itself (a
// request-level code) says which setting to check, after TMS's own
// words, in the results and the summary; a row-level error and an
// unknown request-level code keep TMS's message as it is. The summary's
// per-error key and the stop reason quote TMS alone.
func TestSettingsHints(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\nK1,n,1\nK2,n,1\nK3,n,1\n")
	tests := []struct {
		name, code, msg, lang string
		message               string // the rows' ImportErrorMessage
		warning               string // in the summary's warnings ("" for none)
		stopped               bool
	}{
		{"signature", "9002", "簽章錯誤", "zh", "簽章錯誤 → 設定問題:請確認 API 金鑰與簽章方式", "TMS 以 9002 簽章錯誤 拒絕了 3 列的請求本身", true},
		{"signature in English", "9002", "簽章錯誤", "en", "簽章錯誤 → a settings problem: check the API key and the signing recipe", "for 3 rows with 9002 簽章錯誤", true},
		{"pno", "9005", "api-pno錯誤", "zh", "api-pno錯誤 → 設定問題:請確認公司代號 (pno)", "9005 api-pno錯誤", true},
		{"ProNum", "9004", "廠商代號錯誤", "en", "廠商代號錯誤 → a settings problem: check the ProNum", "9004 廠商代號錯誤", true},
		{"clock", "9003", "Timestamp已過期", "zh", "Timestamp已過期 → 設定問題:請校正這台電腦的時鐘與時區", "9003", true},
		{"an unknown request-level code", "9999", "系統維護中", "zh", "系統維護中", "", true},
		{"a row-level code", "2006", "統編錯誤", "zh", "統編錯誤", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &fakeSender{SendFunc: func(context.Context, tms.Main, bool) tms.Outcome {
				return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "E", ErrorCode: tt.code, ErrorMessage: tt.msg}}
			}}
			out := filepath.Join(t.TempDir(), "o.csv")
			sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Ledger: newLedger(t), Workers: 1,
				MaxConsecutiveFailures: 3, Validate: validate.Config{Lang: tt.lang}})
			if err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, out)
			col := slices.Index(rows[0], "ImportErrorMessage")
			for _, r := range rows[1:] {
				if r[col] != tt.message {
					t.Errorf("ImportErrorMessage %q, want %q", r[col], tt.message)
				}
			}
			var hints []string
			for _, w := range sum.Warnings {
				if strings.Contains(w, tt.code) {
					hints = append(hints, w)
				}
			}
			if (tt.warning == "") != (len(hints) == 0) || len(hints) > 1 || tt.warning != "" && !strings.Contains(hints[0], tt.warning) {
				t.Errorf("summary warnings %q, want one with %q", sum.Warnings, tt.warning)
			}
			if key := "FAILED " + tt.code + " " + strings.SplitN(tt.msg, ":", 2)[0]; sum.Errors[key] != 3 {
				t.Errorf("error keys %v, want %q", sum.Errors, key)
			}
			var re *RefusedError
			if tt.stopped != errors.As(sum.StopErr, &re) {
				t.Fatalf("stopped by %v", sum.StopErr)
			}
			if tt.stopped && (re.Code != tt.code || re.Message != tt.msg || re.Rows != 3 || !strings.HasSuffix(sum.Stopped, fmt.Sprintf("%s %s)", tt.code, tt.msg)) && !strings.HasSuffix(sum.Stopped, tt.code+" "+tt.msg)) {
				t.Errorf("stopped by %#v: %q", re, sum.Stopped)
			}
		})
	}
}

// TestWhyRefused: rows not sent after a refusal say which setting.
func TestWhyRefused(t *testing.T) {
	m := messages("zh")
	got := m.Why(&RefusedError{Code: "9002", Message: "簽章錯誤", Rows: 20})
	if !strings.Contains(got, "9002 簽章錯誤") || !strings.Contains(got, "API 金鑰與簽章方式") {
		t.Errorf("zh %q", got)
	}
	got = messages("en").Why(&RefusedError{Code: "9999", Message: "x", Rows: 20})
	if !strings.Contains(got, "check the key, pno, ProNum and signing recipe") {
		t.Errorf("unknown code: %q", got)
	}
	if err := (&RefusedError{Code: "9003", Message: "Timestamp已過期"}); !errors.Is(err, ErrTimestampRefused) || !errors.Is(err, ErrTMSRefuses) {
		t.Error("9003 is not ErrTimestampRefused")
	}
	if err := (&RefusedError{Code: "9002"}); errors.Is(err, ErrTimestampRefused) || !errors.Is(err, ErrTMSRefuses) {
		t.Error("9002 is ErrTimestampRefused")
	}
}
