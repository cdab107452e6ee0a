package cli

import (
	"io"
	"strings"
	"testing"
	"time"
)

// fakeConsole records what Main did with the console hooks.
type fakeConsole struct {
	alone              bool
	switched, restored int
	askedAlone         int
}

func (f *fakeConsole) hooks() Console {
	return Console{
		UTF8: func() func() {
			f.switched++
			return func() { f.restored++ }
		},
		Alone: func() bool { f.askedAlone++; return f.alone },
	}
}

func TestConsoleHooks(t *testing.T) {
	tests := []struct {
		name      string
		alone     bool
		args      []string
		stdin     string
		wantCode  int
		wantOut   []string // substrings of stdout
		wantNoOut string   // a substring stdout must not have
	}{
		{
			name: "double-click: opens the web page, in Chinese and English, until Enter", alone: true,
			stdin: "\n", wantCode: ExitOK,
			wantOut:   []string{"瀏覽器", "press Enter or close this window", "http://127.0.0.1:"},
			wantNoOut: "custimport <",
		},
		{
			name: "double-click with the window's stdin closed still ends", alone: true,
			stdin: "", wantCode: ExitOK, wantOut: []string{"press Enter"},
		},
		{
			name: "no arguments from a shell: the usage, as before", alone: false,
			wantCode: ExitCantRun, wantOut: []string{"custimport <"}, wantNoOut: "Press Enter",
		},
		{
			name: "arguments in a console of its own: the command runs", alone: true,
			args: []string{"help"}, wantCode: ExitOK, wantOut: []string{"custimport <"}, wantNoOut: "Press Enter",
		},
		{
			name: "help for a command calls Main again: the code page is switched once", alone: false,
			args: []string{"help", "version"}, wantCode: ExitOK,
		},
	}
	opened := fakeBrowser(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeConsole{alone: tc.alone}
			stdin := strings.NewReader(tc.stdin)
			r := runIO(t, IO{In: stdin, Console: f.hooks()}, tc.args...)
			if r.code != tc.wantCode {
				t.Errorf("exit %d, want %d\n%v", r.code, tc.wantCode, r)
			}
			for _, want := range tc.wantOut {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q\n%v", want, r)
				}
			}
			if tc.wantNoOut != "" && strings.Contains(r.stdout, tc.wantNoOut) {
				t.Errorf("stdout has %q\n%v", tc.wantNoOut, r)
			}
			if f.switched != 1 || f.restored != 1 {
				t.Errorf("code page switched %d times, restored %d times; want 1 and 1", f.switched, f.restored)
			}
			if tc.alone && tc.stdin != "" && stdin.Len() != 0 {
				t.Errorf("stdin not read up to Enter: %d bytes left", stdin.Len())
			}
		})
	}
	if *opened != 2 {
		t.Errorf("the browser was opened %d times, want once per double-click (2)", *opened)
	}
}

// fakeBrowser replaces the browser for the test and counts its openings.
func fakeBrowser(t *testing.T) *int {
	n := 0
	old := openBrowser
	openBrowser = func(url string) error {
		if !strings.HasPrefix(url, "http://127.0.0.1:") {
			t.Errorf("opened %q", url)
		}
		n++
		return nil
	}
	t.Cleanup(func() { openBrowser = old })
	return &n
}

// Without hooks (other systems, tests) Main never waits for input.
func TestNoConsoleHooks(t *testing.T) {
	r := runIO(t, IO{In: strings.NewReader("")})
	if r.code != ExitCantRun || !strings.Contains(r.stdout, "custimport <") {
		t.Errorf("%v", r)
	}
}

// A double-click keeps the page (and its window) up until Enter is
// pressed.
func TestDoubleClickWaitsForEnter(t *testing.T) {
	fakeBrowser(t)
	f := &fakeConsole{alone: true}
	stdin, enter := io.Pipe()
	done := make(chan runResult, 1)
	go func() { done <- runIO(t, IO{In: stdin, Console: f.hooks()}) }()
	select {
	case r := <-done:
		t.Fatalf("ended before Enter was pressed:\n%v", r)
	case <-time.After(100 * time.Millisecond):
	}
	if _, err := enter.Write([]byte("\r\n")); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.code != ExitOK {
			t.Errorf("%v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting after Enter")
	}
}
