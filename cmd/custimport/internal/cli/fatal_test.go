package cli

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/mapping"
)

// The fatal line of each common class of error that stops a run names
// what failed in the run's language; Go's and the network's words stay
// out of it (they are for --verbose and JSON logs).
func TestFatalLine(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}, Err: syscall.ECONNREFUSED}
	post := func(err error) error { return &url.Error{Op: "Post", URL: "http://127.0.0.1:1/Cust/Add", Err: err} }
	tests := []struct {
		name    string
		err     error
		subject string
		zh, en  string // in the line
	}{
		{"file not found", &fs.PathError{Op: "open", Path: "客戶.csv", Err: syscall.ENOENT}, "", "找不到「客戶.csv」", `"客戶.csv" is not there`},
		{"permission denied", &fs.PathError{Op: "open", Path: "客戶.csv", Err: syscall.EACCES}, "", "沒有權限讀取或寫入「客戶.csv」", `no permission to read or write "客戶.csv"`},
		{"results not writable", fmt.Errorf("results: %w", &fs.PathError{Op: "open", Path: "out/客戶.results.xlsx", Err: syscall.EROFS}), "客戶.csv", "「out/客戶.results.xlsx」所在的磁碟是唯讀的", "read-only disk"},
		{"disk full", fmt.Errorf("writing the results: %w", &fs.PathError{Op: "write", Path: "客戶.results.xlsx", Err: syscall.ENOSPC}), "", "磁碟空間不足,無法寫入「客戶.results.xlsx」", "the disk is full"},
		{"not a spreadsheet", fmt.Errorf("a.pdf: %w: it looks like binary data", source.ErrNotSpreadsheet), "a.pdf", "無法匯入「a.pdf」", "a.pdf: not a CSV or XLSX file"},
		{"no such sheet (values from the sentence)", fmt.Errorf("b.xlsx: %w: \"北區\" (the workbook has \"南區\")", source.ErrNoSheet), "b.xlsx", "無法匯入「b.xlsx」(「北區」、「南區」)", "no such sheet"},
		{"a parse error", &source.ParseError{File: "a.csv", Line: 7, Err: source.ErrQuote}, "a.csv", "無法匯入「a.csv」:第 7 列有問題", "a.csv: line 7"},
		{"a ledger folder under sudo", &connect.StateDirError{Runs: "root", By: "alice", Dir: "/root/.local/state/custimport"}, "", "透過「alice」的 sudo 以「root」的身分執行", "through sudo by alice"},
		{"several lists", &importer.SeveralListsError{Input: "b.xlsx", Sheets: []string{"北區", "南區"}}, "b.xlsx", "「b.xlsx」有 2 個工作表都是客戶清單 (「北區」, 「南區」)", `"北區", "南區"`},
		{"TMS unreachable", post(refused), "", "連不上 TMS (http://127.0.0.1:1/Cust/Add)", "TMS cannot be reached (http://127.0.0.1:1/Cust/Add)"},
		{"TMS host unknown", post(&net.DNSError{Err: "no such host", Name: "tms.example"}), "", "連不上 TMS", "TMS cannot be reached"},
		{"TLS", post(x509.UnknownAuthorityError{}), "", "無法驗證 TMS 的 TLS 憑證", "TLS certificate cannot be verified"},
		{"signature refused", &importer.RefusedError{Code: "9002", Message: "簽章錯誤", Rows: 3}, "", "TMS 拒絕了請求本身", "refused with 9002"},
		{"TMS stopped answering", fmt.Errorf("%w: 20 rows in a row: %w", importer.ErrTMSUnreachable, post(refused)), "", "TMS 一直沒有回應", "TMS stopped answering"},
		{"ledger locked", &ledger.LockedError{Holder: ledger.Holder{PID: 42, Host: "PC-7", Input: "a.csv", Started: time.Date(2026, 1, 2, 3, 4, 0, 0, time.Local)}},
			"", "另一個 custimport (PC-7 上的 pid 42,自 2026-01-02 03:04 起匯入「a.csv」)", "pid 42 on PC-7"},
		{"ledger unreachable (PostgreSQL)", fmt.Errorf("ledger postgres://127.0.0.1:1/x: %w: %w", ledger.ErrUnreachable, refused), "", "連不上共用記錄檔 (ledger) 的 PostgreSQL 伺服器", "PostgreSQL server cannot be reached"},
		{"ledger unreachable, named (PostgreSQL)", fmt.Errorf("opening the ledger: %w", &ledger.UnreachableError{Ledger: "db.example:5432/custimport (tms_p1)", Err: refused}),
			"", "連不上共用記錄檔 (ledger) db.example:5432/custimport (tms_p1) 的 PostgreSQL 伺服器", "the PostgreSQL server of the shared ledger db.example:5432/custimport (tms_p1) cannot be reached"},
		{"ledger timed out (PostgreSQL)", fmt.Errorf("claim: %w", &ledger.TimeoutError{Ledger: "db.example:5432/custimport (tms_p1)", Wait: "lock", After: 30 * time.Second, Err: errors.New("ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)")}),
			"", "共用記錄檔 (ledger) db.example:5432/custimport (tms_p1) 的 PostgreSQL 伺服器沒有及時回應:另一個連線鎖住的資料表一直沒有釋放", "the shared ledger db.example:5432/custimport (tms_p1) did not answer in time: a lock another session holds was not released"},
		{"ledger server silent (PostgreSQL)", &ledger.TimeoutError{Ledger: "db.example:5432/custimport", Wait: "answer", Err: errors.New("read tcp: i/o timeout")},
			"", "db.example:5432/custimport 的 PostgreSQL 伺服器沒有及時回應:伺服器完全沒有回應", "did not answer in time: the server said nothing"},
		{"company under another URL in the shared ledger", &ledger.OtherURLError{Ledger: "db.example:5432/custimport", Tenant: ledger.Tenant{PNO: "P1", URL: "https://b.example"}, Others: []ledger.Tenant{{PNO: "P1", URL: "https://a.example"}}},
			"", "公司代號 P1 的記錄檔在 TMS 網址 https://a.example 之下,https://b.example 沒有記錄檔", "pno P1 has a ledger for https://a.example, none for https://b.example"},
		{"ledger under another URL", &connect.OtherURLError{PNO: "P1", Old: "https://a.example", New: "https://b.example"}, "", "公司代號 P1 的記錄檔 (ledger) 在 TMS 網址 https://a.example 之下", "pno P1 has a ledger for https://a.example"},
		{"list of existing customers not there", &settingError{"existing_customers", "舊.xlsx", &fs.PathError{Op: "open", Path: "舊.xlsx", Err: syscall.ENOENT}}, "", "existing_customers: 找不到「舊.xlsx」", `existing_customers: "舊.xlsx" is not there`},
		{"the command line's own", newTextError("trace_is_input", "a.csv"), "", "--trace-http a.csv 就是輸入檔", "--trace-http a.csv is the input"},
		{"unknown Go error", fmt.Errorf("reading the thing: %w", errors.New("unexpected EOF")), "", "無法執行:發生了未預期的錯誤。加上 --verbose", "Run it again with --verbose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, en := fatalLines(t, tt.err, tt.subject, tt.zh, tt.en)
			if m := goErrorText.FindString(en); m != "" {
				t.Errorf("en: %q shows Go error text %q", en, m)
			}
		})
	}
}

// The error underneath a fatal line is shown under --verbose and kept
// as it is in JSON logs; the default terminal output has the line only.
func TestFatalLineVerboseAndJSON(t *testing.T) {
	err := fmt.Errorf("ledger: %w: %w", ledger.ErrUnreachable, &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}, Err: syscall.ECONNREFUSED})
	var plain, verbose bytes.Buffer
	failErr(IO{Err: &plain}, "zh", err)
	failErr(IO{Err: &verbose, verbose: true}, "zh", err)
	speaksOnly(t, "the default output", plain.String())
	if !strings.Contains(verbose.String(), "connection refused") || !strings.Contains(verbose.String(), "PostgreSQL") {
		t.Errorf("--verbose: %q, want the line and the error underneath", verbose.String())
	}
	var raw bytes.Buffer
	io := jsonIO(IO{Out: &bytes.Buffer{}, Err: &raw})
	failErr(io, "zh", err)
	flushJSON(io)
	var rec struct{ Level, Msg string }
	if e := json.Unmarshal(bytes.SplitN(raw.Bytes(), []byte("\n"), 2)[0], &rec); e != nil || rec.Level != "ERROR" || !strings.Contains(rec.Msg, "connection refused") {
		t.Errorf("JSON: %s (%v), want an ERROR record with the error as it is", raw.String(), e)
	}
}

// The library's errors that carry their details as fields (which
// columns, which rows, which limit, which setting) name them in the
// fatal line in both languages, values in the language's quotes.
func TestFatalLineLibraryDetails(t *testing.T) {
	header := func(rows ...[]string) error {
		_, err := mapping.FindHeader(rows, nil)
		if err == nil {
			t.Fatalf("FindHeader(%q): no error", rows)
		}
		return err
	}
	open := func(name string, data []byte, max int64) error {
		_, err := source.OpenReaderAt(name, bytes.NewReader(data), int64(len(data)), source.Options{MaxBytes: max})
		if !errors.Is(err, source.ErrTooLarge) {
			t.Fatalf("open %s: %v, want ErrTooLarge", name, err)
		}
		return err
	}
	client := func(edit func(*tms.Config)) error {
		cfg := tms.Config{BaseURL: "https://tms.example", PNO: "P1", Key: "s3cr3t-key-123"}
		edit(&cfg)
		_, err := tms.New(cfg)
		if err == nil {
			t.Fatal("tms.New: no error")
		}
		return err
	}
	recipe := func(s string) error {
		_, err := tms.ParseRecipe(s)
		return err
	}
	tests := []struct {
		name    string
		err     error
		subject string
		zh, en  string // in the line
	}{
		{"no known column", fmt.Errorf("a.csv: %w", header([]string{"foo", "合　計"})), "a.csv",
			"無法匯入「a.csv」:標題列沒有任何可辨識的欄位 (找到的標題:「foo」、「合　計」)", `"a.csv" cannot be imported: no column matches a field (found headers "foo", "合　計")`},
		{"duplicate field", header([]string{"CCODE", "CNAM1", "客戶名稱"}), "a.csv",
			"無法匯入「a.csv」:兩個欄位對應到同一個 TMS 欄位:欄 B「CNAM1」與欄 C「客戶名稱」都是 CNAM1 客戶名稱", `two columns map to the same field: CNAM1 客戶名稱: column B "CNAM1" and column C "客戶名稱"`},
		{"no code column", header([]string{"客戶識別碼", "客戶名稱", "舊系統編號"}), "a.csv",
			"沒有任何欄位對應到 CCODE 客戶代號,但欄 A「客戶識別碼」、欄 C「舊系統編號」看起來是客戶代號", `no column maps to CCODE 客戶代號, but column A "客戶識別碼", column C "舊系統編號" looks like a customer code`},
		{"empty header", header(), "", "無法匯入這個檔案:檔案沒有標題列", "the file cannot be imported: the file has no header row"},
		{"damaged rows", fmt.Errorf("reading: %w", &importer.DamagedRowsError{Input: "b.xlsx", Row: 3, After: 5}), "",
			"無法匯入「b.xlsx」:活頁簿已損壞:第 3 列出現在第 5 列之後", `"b.xlsx" cannot be imported: the workbook is damaged: row 3 comes after row 5`},
		{"file too large", open("big.csv", bytes.Repeat([]byte("a,b\n"), 3<<18), 1<<20), "",
			"無法匯入「big.csv」:檔案太大:3.0 MB,超過 1.0 MB 的上限", "the file is too large: 3.0 MB is bigger than the 1.0 MB limit"},
		{"file too large, small limit", open("s.csv", bytes.Repeat([]byte("a,b\n"), 500), 1000), "s.csv",
			"檔案太大:2000 位元組,超過 1000 位元組 的上限", "2000 bytes is bigger than the 1000 bytes limit"},
		{"URL not https", client(func(c *tms.Config) { c.BaseURL = "ftp://tms.example" }), "",
			"TMS 的連線設定有誤,沒有送出任何資料:TMS 網址「ftp://tms.example」必須以 https:// 開頭", `TMS URL "ftp://tms.example" must start with https://`},
		{"URL with a password", client(func(c *tms.Config) { c.BaseURL = "https://u:hunter22@tms.example" }), "",
			"TMS 網址「https://xxxxx@tms.example」不可含使用者名稱或密碼", `TMS URL "https://xxxxx@tms.example" must not contain`},
		{"URL port", client(func(c *tms.Config) { c.BaseURL = "https://tms.example:99999" }), "",
			"的連接埠「99999」不是 1 到 65535 的數字", `port "99999" is not a port number`},
		{"ProNum too long", client(func(c *tms.Config) { c.ProNum = "ABCDEFGHIJK" }), "",
			"ProNum「ABCDEFGHIJK」有 11 個字,規格最多 10 個", `ProNum "ABCDEFGHIJK" is 11 characters long`},
		{"no key", client(func(c *tms.Config) { c.Key = "" }), "", "API 金鑰是空的", "the API key is empty"},
		{"recipe method", recipe("md5"), "", "簽章方式 (sign_recipe)「md5」的演算法「md5」不認得", `signing recipe (sign_recipe) "md5": method "md5"`},
		{"recipe with the key typed in", client(func(c *tms.Config) { c.Recipe = tms.Recipe{Method: "sha512", Template: "{pno}s3cr3t-key-123"} }), "",
			"簽章範本「{pno}[redacted]」沒有 {timestamp}", `signing template "{pno}[redacted]" lacks {timestamp}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zh, en := fatalLines(t, tt.err, tt.subject, tt.zh, tt.en)
			for _, line := range []string{zh, en} {
				if strings.Contains(line, "s3cr3t") || strings.Contains(line, "hunter22") {
					t.Errorf("the line shows a secret: %q", line)
				}
			}
		})
	}
}

// fatalLines returns err's fatal line in zh and in en, failing t unless
// they say wantZh and wantEn and the zh one speaks Chinese only.
func fatalLines(t *testing.T, err error, subject, wantZh, wantEn string) (zh, en string) {
	t.Helper()
	zh = fatalLine(err, "zh", subject)
	if !strings.Contains(zh, wantZh) {
		t.Errorf("zh: %q, want it to say %q", zh, wantZh)
	}
	speaksOnly(t, "the zh line", zh)
	en = fatalLine(err, "en", subject)
	if !strings.Contains(en, wantEn) {
		t.Errorf("en: %q, want it to say %q", en, wantEn)
	}
	return zh, en
}
