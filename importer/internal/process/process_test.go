package process

import (
	"io"
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// The helper process of TestRunning: it waits until its stdin closes.
func TestMain(m *testing.M) {
	if os.Getenv("PROCESS_HELPER") == "1" {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Mark
		ok   bool
	}{
		{"4242", Mark{PID: 4242}, true},
		{"4242_123456789", Mark{PID: 4242, Start: 123456789}, true},
		{"32_133870000000000000", Mark{PID: 32, Start: 133870000000000000}, true},
		{"", Mark{}, false},
		{"abc", Mark{}, false},
		{"0", Mark{}, false},
		{"-1", Mark{}, false},
		{"+7", Mark{}, false},
		{"12_", Mark{}, false},
		{"12_0", Mark{}, false},
		{"12_x", Mark{}, false},
		{"12_3_4", Mark{}, false},
		{"_5", Mark{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := Parse(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("Parse(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			if ok && got.String() != tt.in {
				t.Errorf("String() = %q, want %q back", got.String(), tt.in)
			}
		})
	}
}

func TestSelf(t *testing.T) {
	m := Self()
	if m.PID != os.Getpid() {
		t.Errorf("PID = %d, want %d", m.PID, os.Getpid())
	}
	switch runtime.GOOS {
	case "linux", "windows", "darwin":
		if m.Start == 0 {
			t.Errorf("no start time on %s", runtime.GOOS)
		}
	}
	if back, ok := Parse(m.String()); !ok || back != m {
		t.Errorf("Parse(%q) = %+v, %v", m.String(), back, ok)
	}
}

// A mark is running only while its process runs: a process that ended is
// not, and neither is a live process with the mark's id that started at
// another time (the id was reused).
func TestRunning(t *testing.T) {
	self := Self()
	if !self.Running() {
		t.Error("this process is not running")
	}
	if !(Mark{PID: self.PID}).Running() {
		t.Error("a mark without a start time, of this process: not running")
	}
	if self.Start != 0 {
		for _, start := range []uint64{self.Start - 1, self.Start + 1} {
			if (Mark{PID: self.PID, Start: start}).Running() {
				t.Errorf("this process's id with start %d (another process, the id reused) is running", start)
			}
		}
	}

	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "PROCESS_HELPER=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	start, _ := startTime(cmd.Process.Pid)
	child := Mark{PID: cmd.Process.Pid, Start: start}
	if self.Start != 0 && start == 0 {
		t.Errorf("no start time for the child %d", child.PID)
	}
	if !child.Running() {
		t.Errorf("the child %v is not running", child)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if child.Running() {
		t.Errorf("the child %v runs after it ended", child)
	}
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		name string
		stat string
		want uint64
		ok   bool
	}{
		{"plain", "4242 (custimport) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 0 0", 987654, true},
		{"a name with spaces and parentheses", "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 555 0 0", 555, true},
		{"too short", "4242 (x) S 1 2", 0, false},
		{"no name", "garbage", 0, false},
		{"not a number", "4242 (x) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 z 0 0", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseStat([]byte(tt.stat))
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseStat = %d, %v; want %d, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
