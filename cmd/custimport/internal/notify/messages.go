package notify

import "github.com/custimport/custimport/importer/msg"

// Code names one of the messages' texts.
type Code string

// The texts of a message, and of `custimport notify test`'s output.
const (
	SubjectFailed   Code = "notify.subject.failed"
	SubjectDone     Code = "notify.subject.done"
	SubjectTest     Code = "notify.subject.test"
	LineRan         Code = "notify.ran"
	LineExit0       Code = "notify.exit0"
	LineExit1       Code = "notify.exit1"
	LineExit2       Code = "notify.exit2"
	LineHost        Code = "notify.host"
	LineTime        Code = "notify.time"
	LineCounts      Code = "notify.counts"
	LineNoRows      Code = "notify.no_rows"
	LineFiles       Code = "notify.files"
	LineMoreFiles   Code = "notify.more_files"
	LineNoFiles     Code = "notify.no_files"
	LineResults     Code = "notify.results"
	LineMoved       Code = "notify.moved"
	LineStayed      Code = "notify.stayed"
	LineFileError   Code = "notify.file_error"
	LineFirstErrors Code = "notify.first_errors"
	LineRow         Code = "notify.row"
	LineError       Code = "notify.error"
	LineTest        Code = "notify.test"
	SentWebhook     Code = "notify.sent_webhook"
	SentMail        Code = "notify.sent_mail"
	NotSent         Code = "notify.not_sent"
	NothingSet      Code = "notify.nothing_set"
)

// texts holds each text in zh and en, side by side.
var texts = msg.RegisterCodes("notify", map[Code]msg.Text{
	SubjectFailed:   {"custimport 匯入需要處理:%s (結束代碼 %d)", "custimport import needs attention: %s (exit code %d)"},
	SubjectDone:     {"custimport 匯入完成:%s", "custimport import done: %s"},
	SubjectTest:     {"custimport 測試通知", "custimport test message"},
	LineRan:         {"custimport %s %s", "custimport %s %s"},
	LineExit0:       {"結束代碼 0:全部 OK", "exit code 0: every row OK"},
	LineExit1:       {"結束代碼 1:有列未成功 (或有檔案留待下次)", "exit code 1: some rows are not OK (or a file was left for the next run)"},
	LineExit2:       {"結束代碼 2:無法執行或無法完成", "exit code 2: could not run or finish"},
	LineHost:        {"電腦:%s", "Computer: %s"},
	LineTime:        {"時間:%s – %s", "Time: %s – %s"},
	LineCounts:      {"筆數:%s", "Rows: %s"},
	LineNoRows:      {"(沒有資料列)", "(no rows)"},
	LineFiles:       {"檔案:", "Files:"},
	LineNoFiles:     {"資料夾中沒有要匯入的檔案。", "The folder held no file to import."},
	LineMoreFiles:   {"… 還有 %d 個檔案 (見資料夾的摘要)", "… and %d more files (see the folder's summary)"},
	LineResults:     {"結果檔:%s", "results: %s"},
	LineMoved:       {"已移到 %s", "moved to %s"},
	LineStayed:      {"留在資料夾中 (%s),下次執行會續傳", "left in the folder (%s) for the next run"},
	LineFileError:   {"錯誤:%s", "error: %s"},
	LineFirstErrors: {"前幾個問題 (完整內容見結果檔):", "The first problems (all are in the results):"},
	LineRow:         {"第 %d 列", "row %d"},
	LineError:       {"錯誤:%s", "Error: %s"},
	LineTest:        {"這是 custimport notify test 送出的測試通知:通知設定正確。", "This is a test message from custimport notify test: the notification settings work."},
	SentWebhook:     {"已送出到 webhook (%s, %s)", "sent to the webhook (%s, %s)"},
	SentMail:        {"已寄出郵件給 %s (經由 %s)", "mailed %s (through %s)"},
	NotSent:         {"通知未送出 (%s):%v", "notification not sent (%s): %v"},
	NothingSet:      {"設定檔沒有 notify: 的 url 或 smtp,沒有可送出的通知。", "The config file's notify: has no url and no smtp: there is nothing to send to."},
})

// T is the text of code in lang ("en", else zh), with args.
func T(lang string, code Code, args ...any) string {
	t, ok := texts[code]
	if !ok {
		return string(code)
	}
	return msg.In(lang).Format(t, args...)
}
