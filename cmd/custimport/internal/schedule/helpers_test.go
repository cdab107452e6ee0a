package schedule

import (
	"encoding/json"
	"io"
	"os/exec"
	"strconv"
	"testing"
)

type io_Reader = io.Reader

func lookPath(name string) (string, error) { return exec.LookPath(name) }

func runOut(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

func itoa(i int) string { return strconv.Itoa(i) }

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
