package schedule

import "github.com/custimport/custimport/importer/msg"

// Code names one message of the schedule's: what the CLI prints about
// it, in zh or en (Text).
type Code string

// Note is a message for the user with its arguments.
type Note struct {
	Code Code
	Args []any
}

// The schedule's messages. Each has its zh and en text in messages.
const (
	NoteWindowsLogon Code = "schedule.windows_logon"
	NoteLinger       Code = "schedule.linger"
	NoteNoSystemd    Code = "schedule.no_systemd"
	NoteCronCaveat   Code = "schedule.cron_caveat"
	NoteOtherOS      Code = "schedule.other_os"
	NoteStateDir     Code = "schedule.state_dir"
	NoteEnvUnseen    Code = "schedule.env_unseen"
	NoteKeyEnv       Code = "schedule.key_env"
	NoteReadResult   Code = "schedule.read_result"
	MsgInstalled     Code = "schedule.installed"
	MsgRemoved       Code = "schedule.removed"
	MsgNotInstalled  Code = "schedule.not_installed"
	MsgNothingToDo   Code = "schedule.nothing_to_remove"
	MsgNoConfig      Code = "schedule.no_config"
	MsgConfigLacks   Code = "schedule.config_lacks"
	MsgNoKey         Code = "schedule.no_key"
	MsgNoInbox       Code = "schedule.no_inbox"
	MsgByHand        Code = "schedule.by_hand"
	MsgFile          Code = "schedule.file"
	MsgUTF16         Code = "schedule.utf16"
	MsgThenRun       Code = "schedule.then_run"
	MsgCronInstead   Code = "schedule.cron_instead"
	MsgNoRuns        Code = "schedule.no_runs"
	MsgLedgerAway    Code = "schedule.ledger_away"
	MsgSystemSays    Code = "schedule.system_says"
	MsgSystemSilent  Code = "schedule.system_silent"
	LabelAt          Code = "schedule.label.at"
	LabelCommand     Code = "schedule.label.command"
	LabelDir         Code = "schedule.label.dir"
	LabelDefinition  Code = "schedule.label.definition"
	LabelNext        Code = "schedule.label.next"
	LabelLastStart   Code = "schedule.label.last_start"
	LabelLastResult  Code = "schedule.label.last_result"
	LabelState       Code = "schedule.label.state"
	LabelLastImport  Code = "schedule.label.last_import"
	LabelExit        Code = "schedule.label.exit"
	LabelExitUnknown Code = "schedule.label.exit_unknown"
)

// messages holds every message's zh and en text, side by side.
var messages = msg.RegisterCodes("schedule", map[Code]msg.Text{
	NoteWindowsLogon: {
		"這個工作以您的帳號執行,只在您登入時執行 (螢幕鎖定也可以);電腦關機時錯過的執行,下次可以時會補跑。若要登出時也執行:工作排程器 → custimport → 內容 → 「不論使用者登入與否均執行」。",
		"The task runs as you, while you are logged on (a locked screen is fine); a run missed while the PC was off runs as soon as it can. To run it while you are logged off too: Task Scheduler → custimport → Properties → \"Run whether user is logged on or not\"."},
	NoteLinger: {
		"systemd 的使用者計時器只在您登入時執行;要在登出後也執行,請執行:sudo loginctl enable-linger %s",
		"systemd user timers run only while you are logged in; to run it when you are not: sudo loginctl enable-linger %s"},
	NoteNoSystemd: {
		"這台電腦沒有 systemd 使用者工作階段 (例如在容器中),custimport 沒有安裝任何排程。請用 crontab -e 加入下面這一行:",
		"This computer has no systemd user session (a container, say): custimport installed nothing. Add this line with crontab -e:"},
	NoteCronCaveat: {
		"cron 不會補跑關機時錯過的執行;同時只會有一個匯入 (另一個會因鎖定而結束,結束代碼 2)。",
		"cron does not run a night missed while the computer was off; two runs never import at once (the second ends on the lock, exit 2)."},
	NoteOtherOS: {
		"以下是在 %s 上為 %s 產生的:路徑是這台電腦的。要安裝,請在那台電腦上執行 custimport schedule install。",
		"Printed on %s for %s: the paths are this computer's. To install it, run custimport schedule install on that computer."},
	NoteStateDir: {
		"記錄檔 (ledger) 資料夾固定為 %s:與您手動執行時相同,排程執行才不會重複建立客戶。",
		"The ledger folder is fixed to %s, the one your runs by hand use, so that the scheduled run never creates a customer twice."},
	NoteEnvUnseen: {
		"注意:排程執行時看不到這個終端機的 %s;排程使用設定檔的值 (%s)。",
		"Note: the scheduled run does not see this terminal's %s; it uses the config file's (%s)."},
	NoteKeyEnv: {
		"%s 取自這個終端機的環境變數:排程執行只在它是 Windows 的「使用者環境變數」時才看得到 (setx,或 系統 → 進階系統設定 → 環境變數)。寫進設定檔較可靠 (金鑰用 key_file:)。",
		"%s comes from this terminal's environment: the scheduled run sees it only if it is a Windows user environment variable (setx, or System → Advanced system settings → Environment Variables). The config file is safer (for the key: key_file:)."},
	NoteReadResult: {
		"結果:工作排程器 → 工作排程器程式庫 → custimport 的「上次執行結果」:0x0 全部 OK,0x1 有列未成功,0x2 無法執行。custimport schedule status 顯示上次匯入的筆數。",
		"The result: Task Scheduler → Task Scheduler Library → custimport, column Last Run Result: 0x0 every row OK, 0x1 some rows not OK, 0x2 could not run. custimport schedule status shows the last import's counts."},
	MsgInstalled:    {"已安裝排程:每天 %s 執行。", "Installed: it runs every day at %s."},
	MsgRemoved:      {"已移除排程。", "Removed the schedule."},
	MsgNotInstalled: {"尚未安裝排程 (custimport schedule install --at 02:30 --config 設定檔 資料夾)。", "No schedule is installed (custimport schedule install --at 02:30 --config FILE FOLDER)."},
	MsgNothingToDo:  {"沒有要移除的排程。", "There was no schedule to remove."},
	MsgNoConfig: {
		"排程需要設定檔 (--config 設定檔):排程執行時看不到這個終端機的 TMS_URL、TMS_PNO 與金鑰。",
		"A schedule needs a config file (--config FILE): the scheduled run does not see this terminal's TMS_URL, TMS_PNO or key."},
	MsgConfigLacks: {
		"排程執行只讀設定檔,但 %s 沒有 %s:請加上它 (這個終端機的環境變數,排程執行時看不到)。",
		"The scheduled run reads the config file only, and %s has no %s: add it (this terminal's environment is not the scheduled run's)."},
	MsgNoKey: {
		"排程執行找不到金鑰:請在設定檔 %s 寫 key_file: (權限 600 的金鑰檔)。",
		"The scheduled run would have no API key: add key_file: to %s (a key file of mode 600)."},
	MsgNoInbox:       {"%s 不是資料夾或檔案:%v", "%s is not a folder or a file: %v"},
	MsgByHand:        {"手動試跑 (在工作資料夾中):", "To try it by hand (in the working folder):"},
	MsgFile:          {"檔案", "file"},
	MsgUTF16:         {"(以 UTF-16 寫入)", "(written as UTF-16)"},
	MsgThenRun:       {"接著執行", "then run"},
	MsgCronInstead:   {"沒有 systemd 時改用這一行 crontab (crontab -e):", "Without systemd, this crontab line instead (crontab -e):"},
	MsgNoRuns:        {"記錄檔中還沒有匯入紀錄。", "The ledger has no run yet."},
	MsgLedgerAway:    {"無法讀取記錄檔:%v", "The ledger cannot be read: %v"},
	MsgSystemSays:    {"系統的排程狀態:", "What the system says:"},
	MsgSystemSilent:  {"無法向系統查詢排程狀態:%v", "The system's scheduler could not be asked: %v"},
	LabelAt:          {"時間", "Time"},
	LabelCommand:     {"指令", "Command"},
	LabelDir:         {"工作資料夾", "Working folder"},
	LabelDefinition:  {"定義檔", "Definition"},
	LabelNext:        {"下次執行", "Next run"},
	LabelLastStart:   {"上次啟動", "Last started"},
	LabelLastResult:  {"上次結果", "Last result"},
	LabelState:       {"狀態", "State"},
	LabelLastImport:  {"上次匯入 (記錄檔)", "Last import (the ledger)"},
	LabelExit:        {"結束代碼", "exit code"},
	LabelExitUnknown: {"未知 (仍在執行,或中途停止)", "not known (still running, or stopped half way)"},
})

// Text is the message code in lang ("en", else zh), with args.
func Text(code Code, lang string, args ...any) string {
	m, ok := messages[code]
	if !ok {
		return string(code)
	}
	return msg.In(lang).Format(m, args...)
}

// Text is the note in lang.
func (n Note) Text(lang string) string { return Text(n.Code, lang, n.Args...) }
