package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

// TestDroppedFileOpensThePage: a file dragged onto custimport.exe
// (Explorer starts it with the file's path in a console of its own)
// opens the page with that file loaded and checked, until Enter; typed
// from a shell as `custimport FILE`, or as `custimport ui FILE`, the same
// page until Ctrl-C. A command's name is never taken for a file.
func TestDroppedFileOpensThePage(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "客戶名單.csv", []byte("客戶代號,客戶名稱,信用額度\r\nD001,甲,1000\r\nD002,乙,2000\r\n"))
	for _, tc := range []struct {
		name  string
		alone bool
		args  []string
	}{
		{"dragged onto the program", true, []string{path}},
		{"typed from a shell", false, []string{path}},
		{"custimport ui FILE", false, []string{"ui", "--addr", "127.0.0.1:0", path}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			urls := make(chan string, 1)
			old := openBrowser
			openBrowser = func(url string) error { urls <- url; return nil }
			t.Cleanup(func() { openBrowser = old })
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stdin, enter := io.Pipe()
			defer enter.Close()
			f := &fakeConsole{alone: tc.alone}
			var out, errb clitest.SyncBuffer
			cfg := IO{In: stdin, Out: &out, Err: &errb, Console: f.hooks(), Getenv: withStateDir(t, func(string) string { return "" }),
				Signals: func(parent context.Context) (context.Context, context.Context, func()) {
					c, stop := context.WithCancel(parent)
					go func() { <-ctx.Done(); stop() }()
					return c, c, stop
				}}
			done := make(chan int, 1)
			go func() { done <- Main(tc.args, cfg) }()
			var url string
			select {
			case url = <-urls:
			case code := <-done:
				t.Fatalf("ended (%d) without opening the page:\n%s\n%s", code, out.String(), errb.String())
			case <-time.After(20 * time.Second):
				t.Fatal("the page was not opened")
			}
			jar, _ := cookiejar.New(nil)
			resp, err := (&http.Client{Jar: jar}).Get(url)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for _, want := range []string{"<b>客戶名單.csv</b>", `aria-live="polite">VALID 2</p>`, ">D002<"} {
				if !strings.Contains(string(body), want) {
					t.Errorf("the page lacks %s", want)
				}
			}
			if tc.alone {
				enter.Write([]byte("\r\n"))
			} else {
				cancel() // Ctrl-C
			}
			select {
			case code := <-done:
				if code != ExitOK {
					t.Errorf("exit %d\n%s\n%s", code, out.String(), errb.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the page did not end")
			}
		})
	}
	// A command is a command, even with a file of its name here.
	t.Chdir(dir)
	if err := os.WriteFile(filepath.Join(dir, "version"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runIO(t, IO{}, "version"); r.code != ExitOK || strings.Contains(r.stdout, "http://") {
		t.Errorf("version: %v", r)
	}
}
