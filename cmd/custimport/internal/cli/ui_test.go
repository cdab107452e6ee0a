package cli

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

// uiRun is a `custimport ui` running in-process, with a logged-in client.
type uiRun struct {
	t    *testing.T
	base string
	c    *http.Client
	out  *clitest.SyncBuffer
	stop func() int // ends the command, returns its exit code
}

var uiURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/\?t=\S+`)

// startUI runs `custimport ui --no-browser` with env until the test stops
// it, and opens its printed address with a fresh client.
func startUI(t *testing.T, env map[string]string, args ...string) *uiRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb clitest.SyncBuffer
	io := IO{Out: &out, Err: &errb, Getenv: withStateDir(t, func(k string) string { return env[k] }),
		Signals: func(parent context.Context) (context.Context, context.Context, func()) {
			c, stop := context.WithCancel(parent)
			go func() { <-ctx.Done(); stop() }()
			return c, c, stop
		}}
	done := make(chan int, 1)
	go func() { done <- Main(append([]string{"ui", "--no-browser", "--addr", "127.0.0.1:0"}, args...), io) }()
	var link string
	for end := time.Now().Add(10 * time.Second); link == "" && time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		link = uiURL.FindString(out.String())
	}
	if link == "" {
		cancel()
		t.Fatalf("custimport ui printed no address:\n%s\n%s", out.String(), errb.String())
	}
	jar, _ := cookiejar.New(nil)
	u := &uiRun{t: t, base: strings.Split(link, "/?")[0], c: &http.Client{Jar: jar}, out: &out}
	stopped := false
	u.stop = func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(20 * time.Second):
			t.Fatal("custimport ui did not stop")
			return -1
		}
	}
	t.Cleanup(func() { u.stop() })
	if body := u.get("/?t=" + strings.Split(link, "?t=")[1]); !strings.Contains(body, `id="file"`) {
		t.Fatalf("the page has no file input:\n%s", body)
	}
	return u
}

func (u *uiRun) send(req *http.Request) string {
	u.t.Helper()
	resp, err := u.c.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (u *uiRun) get(path string) string {
	u.t.Helper()
	req, _ := http.NewRequest("GET", u.base+path, nil)
	return u.send(req)
}

func (u *uiRun) post(path string, form url.Values) string {
	u.t.Helper()
	req, _ := http.NewRequest("POST", u.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return u.send(req)
}

func (u *uiRun) upload(name string, data []byte) string {
	u.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", u.base+"/upload", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return u.send(req)
}

// importAll presses Import and waits for 完成.
func (u *uiRun) importAll() string {
	u.t.Helper()
	if body := u.post("/import", nil); strings.Contains(body, `class="error"`) {
		u.t.Fatalf("import did not start:\n%s", body)
	}
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		body := u.get("/view")
		if m := regexp.MustCompile(`id="status"[^>]*>([^<]*)<`).FindStringSubmatch(body); m != nil && strings.HasPrefix(m[1], "完成") {
			return m[1]
		}
	}
	u.t.Fatal("the import did not finish")
	return ""
}

func TestUICommand(t *testing.T) {
	u := startUI(t, nil)
	if body := u.get("/"); !strings.Contains(body, "custimport") {
		t.Fatalf("the page:\n%s", body)
	}
	if code := u.stop(); code != ExitOK {
		t.Errorf("exit %d after the interrupt, want 0", code)
	}
	if r := run(t, nil, "ui", "--no-browser", "--addr", "0.0.0.0:0"); r.code != ExitCantRun || !strings.Contains(r.stderr, "本機位址 (127.0.0.1)") {
		t.Errorf("a non-loopback address: %v", r)
	}
}

// TestUIAndCLIShareOneLedger: rows imported on the page are not created
// again by the CLI, and the other way round. The rows have no code (TMS
// numbers them), the case where sending twice makes two customers.
func TestUIAndCLIShareOneLedger(t *testing.T) {
	t.Parallel()
	data := csvBytes(t,
		[]string{"客戶名稱", "統一編號", "信用額度"},
		[]string{"甲商行", "04595257", "1000"},
		[]string{"乙工作室", "22099131", "2000"},
	)
	for _, pageFirst := range []bool{true, false} {
		name := map[bool]string{true: "page then CLI", false: "CLI then page"}[pageFirst]
		t.Run(name, func(t *testing.T) {
			sim, _, env := startSim(t)
			path := writeFile(t, t.TempDir(), "客戶名單.csv", data)
			page := func() string {
				u := startUI(t, env)
				body := u.upload(filepath.Base(path), data)
				if !pageFirst && !strings.Contains(body, "2 筆先前已匯入") {
					// The check tells the truth before anything is pressed.
					t.Errorf("after the CLI's import the page offers to import them again:\n%s", body)
				}
				st := u.importAll()
				u.stop()
				return st
			}
			cli := func() runResult { return run(t, env, "import", path) }
			if pageFirst {
				if st := page(); st != "完成 · OK 2" {
					t.Fatalf("the page's import: %q", st)
				}
				r := cli()
				if n := len(sim.Customers()); n != 2 {
					t.Fatalf("after the page and the CLI the simulator holds %d customers, want 2\n%v", n, r)
				}
			} else {
				if r := cli(); r.code != ExitOK {
					t.Fatalf("the CLI's import: %v", r)
				}
				st := page()
				if n := len(sim.Customers()); n != 2 {
					t.Fatalf("after the CLI and the page the simulator holds %d customers, want 2 (page: %q)", n, st)
				}
			}
		})
	}
}
