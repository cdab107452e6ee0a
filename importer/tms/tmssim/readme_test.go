package tmssim

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEListsCodes keeps the README's table of simulator error codes
// the same as Codes.
func TestREADMEListsCodes(t *testing.T) {
	data, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), MarkdownTable()) {
		t.Errorf("README.md does not contain the current error-code table; paste MarkdownTable():\n%s", MarkdownTable())
	}
}
