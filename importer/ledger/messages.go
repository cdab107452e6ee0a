package ledger

import "github.com/custimport/custimport/importer/msg"

// The ledger's words for people, by code (namespace "ledger"): what to do
// about the errors a ledger on PostgreSQL adds. Its errors stay exact and
// English (for logs); a front end shows these beside them (the CLI's
// explanations: ErrTimeout before ErrUnreachable, which it also is).
const (
	MsgTimeout  = "ledger.timeout"   // ErrTimeout (a *TimeoutError)
	MsgOtherURL = "ledger.other_url" // ErrOtherURL
)

var _ = msg.Register("ledger", msg.Table{
	"timeout": {"共用記錄檔 (ledger) 的 PostgreSQL 伺服器沒有及時回應 (其他連線鎖住了記錄檔的資料表,或伺服器、網路停住了),沒有記錄就不會送出任何新增:請 IT 檢查資料庫伺服器與網路,恢復後重新執行同一指令即可續傳 (停住時正在送出的列會是 UNKNOWN)。",
		"the shared ledger's PostgreSQL server did not answer in time (another session holds a lock on the ledger's tables, or the server or the network hangs), and no create is sent without its record: have IT check the database server and the network, then run the same command again to resume (rows in flight when it stopped are UNKNOWN)."},
	"other_url": {"共用記錄檔裡,這家公司 (pno 與 ProNum 相同) 的記錄檔是用另一個 TMS 網址建立的:若是同一個 TMS,請改用那個網址;確定是另一個 TMS 時,才用 new_ledger 設定開新的記錄檔 (否則先前建立的客戶可能會再建立一次)。",
		"in the shared ledger, this company (the same pno and ProNum) has its ledger under another TMS URL: if it is the same TMS, use that URL; only if it is truly another TMS, start a new ledger with the new_ledger setting (otherwise customers created before may be created again)."},
})
