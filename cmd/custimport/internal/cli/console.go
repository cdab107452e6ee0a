package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
)

// Console is what Main does with the console window it runs in. System
// fills it on Windows (console_windows.go); elsewhere, and in tests that do
// not set it, it is empty and Main leaves the terminal alone.
type Console struct {
	// UTF8 switches the console's output code page to UTF-8 so Chinese
	// text is readable in cmd.exe and PowerShell, and returns the function
	// that puts the previous code page back.
	UTF8 func() (restore func())
	// Alone reports whether the process has its console window to itself:
	// it was started by a double-click in Explorer, not from a shell.
	Alone func() bool
}

// startedAlone reports whether this run is a double-click with nothing
// to do: no arguments, in a console window no shell shares.
func startedAlone(args []string, io IO) bool {
	return len(args) == 0 && io.Console.Alone != nil && io.Console.Alone()
}

// droppedFile reports whether args are one file and nothing else: a
// file dragged onto custimport.exe in Explorer (Windows starts it with the
// file's path), or `custimport 客戶.xlsx` typed. A command's name is a
// command, never a file in the current folder.
func droppedFile(args []string) bool {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return false
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return false
		}
	}
	st, err := os.Stat(args[0])
	return err == nil && st.Mode().IsRegular()
}

// runDropped opens the page with the file dropped on the program loaded:
// in a window of its own (Explorer's) until Enter, as a double-click; from
// a shell, as `custimport ui FILE`.
func runDropped(io IO, path string) int {
	if io.Console.Alone != nil && io.Console.Alone() {
		return runAlone(io, path)
	}
	return runUI(context.Background(), io, []string{path})
}

// runAlone serves a double-click in Explorer: it opens the web page
// (custimport ui) and keeps it up until Enter is pressed or the window is
// closed. Should the page not start, it explains how to use the tool and
// waits for Enter, since the window closes as soon as the process ends.
func runAlone(io IO, uiArgs ...string) int {
	fmt.Fprint(io.Out, alonePage)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	enter := make(chan struct{})
	go func() {
		if io.In != nil {
			_, _ = bufio.NewReader(io.In).ReadString('\n')
		}
		close(enter)
		stop()
	}()
	if runUI(ctx, io, uiArgs) == ExitOK {
		return ExitOK
	}
	fmt.Fprint(io.Out, aloneHelp)
	<-enter
	return ExitOK
}

const alonePage = `custimport — 客戶資料批次匯入 TMS 獲利王
正在瀏覽器中開啟匯入網頁;用完後按 Enter 或關閉這個視窗即結束。
Opening the import page in your browser; press Enter or close this window when you are done.

`

const aloneHelp = `custimport — 客戶資料批次匯入 TMS 獲利王

這是命令列工具,請在「命令提示字元」或 PowerShell 裡執行,而不是按兩下開啟。
  1. 在這個資料夾視窗上方的網址列輸入 cmd,按 Enter,會在這裡開啟命令提示字元。
  2. 輸入指令後按 Enter,例如:
       custimport demo                示範:把範例檔匯入內建的模擬器
       custimport check 客戶.xlsx     只檢查檔案,不送出任何資料
       custimport template            產生空白輸入範本 template.xlsx
       custimport help                列出所有指令
     (在 PowerShell 裡請在前面加上 .\ ,例如 .\custimport demo)
完整說明請看同一個資料夾裡的 README.md。

This is a command-line tool: run it in Command Prompt or PowerShell instead of
double-clicking it.
  1. Type cmd in the address bar of this folder's window and press Enter:
     a Command Prompt opens in this folder.
  2. Type a command and press Enter, for example:
       custimport demo                a demo import into the built-in simulator
       custimport check customers.xlsx   check a file without sending anything
       custimport template            write an empty input sheet, template.xlsx
       custimport help                list every command
     (in PowerShell, put .\ in front: .\custimport demo)
README.md in this folder explains everything.

按 Enter 關閉視窗 / Press Enter to close this window.
`
