package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/custimport/custimport/importer/source"
)

// The ways asking for a workbook's password ends without one. Each has
// its advice in explanations.
var (
	errPromptStopped   = errors.New("stopped at the password prompt: nothing was sent")
	errNoPasswordKeyed = errors.New("no password was typed: nothing was sent")
	errPasswordTries   = errors.New("the password typed was wrong 3 times: nothing was sent")
)

// passwordTries is how often a wrong password may be typed.
const passwordTries = 3

// xlsxPassword returns the password of the workbook at path when it is
// encrypted: CUSTIMPORT_XLSX_PASSWORD when set (never a flag: it would
// show in ps; a wrong one is reported when the run opens the workbook),
// else asked for on the terminal, each answer checked by opening the
// workbook, up to passwordTries times. "" when it needs none or nobody can
// be asked (the run then says the workbook needs a password).
func xlsxPassword(io IO, path string, o source.Options) (string, error) {
	if pw := io.Getenv("CUSTIMPORT_XLSX_PASSWORD"); pw != "" {
		return pw, nil
	}
	if io.ReadPassword == nil || !errors.Is(openCheck(path, o), source.ErrNoPassword) {
		return "", nil
	}
	prompt := fmt.Sprintf("Password of %s (密碼): ", filepath.Base(path))
	for try := 1; try <= passwordTries; try++ {
		pw, err := io.ReadPassword(prompt)
		switch {
		case err != nil:
			return "", err
		case pw == "":
			return "", errNoPasswordKeyed
		}
		o.Password = pw
		if !errors.Is(openCheck(path, o), source.ErrWrongPassword) {
			return pw, nil // it opens, or the run reports what else is wrong
		}
		if try < passwordTries {
			fmt.Fprintf(io.Err, "密碼錯誤,請再試一次 (the password is wrong, try again: %d of %d)\n", try, passwordTries)
		}
	}
	return "", errPasswordTries
}

// openCheck opens the workbook at path and closes it: its error.
func openCheck(path string, o source.Options) error {
	r, err := source.Open(path, o)
	if err == nil {
		r.Close()
	}
	return err
}

// promptPassword asks for a password on the terminal in, showing nothing
// of what is typed. The terminal is in raw mode meanwhile and always
// restored: Ctrl-C ends the prompt (errPromptStopped), and so does an
// interrupt or termination signal; Ctrl-D or Ctrl-Z on an empty line, or
// the end of the input, is no password.
func promptPassword(in *os.File, out io.Writer, prompt string) (string, error) {
	fd := int(in.Fd())
	state, err := term.MakeRaw(fd)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	restore := func() { term.Restore(fd, state) }
	defer restore()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	fmt.Fprint(out, prompt)
	type answer struct {
		pw  string
		err error
	}
	done := make(chan answer, 1)
	go func() {
		pw, err := readSecret(in)
		done <- answer{pw, err}
	}()
	select {
	case a := <-done:
		fmt.Fprint(out, "\r\n")
		return a.pw, a.err
	case <-sig:
		restore()
		fmt.Fprint(out, "\r\n")
		return "", errPromptStopped
	}
}

// readSecret reads one line typed on a terminal in raw mode: Enter ends
// it; Backspace removes the last character and Ctrl-U all of them; Ctrl-C
// stops (errPromptStopped); Ctrl-D or Ctrl-Z ends the input (on an empty
// line: "", no error), as does the end of r.
func readSecret(r io.Reader) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 0 {
			if err == nil || err == io.EOF {
				return string(line), nil
			}
			return "", fmt.Errorf("reading the password: %w", err)
		}
		switch c := b[0]; c {
		case '\r', '\n':
			return string(line), nil
		case 0x03: // Ctrl-C
			return "", errPromptStopped
		case 0x04, 0x1a: // Ctrl-D, Ctrl-Z
			return string(line), nil
		case 0x7f, '\b':
			if len(line) > 0 {
				_, size := utf8.DecodeLastRune(line)
				line = line[:len(line)-size]
			}
		case 0x15: // Ctrl-U
			line = line[:0]
		default:
			line = append(line, c)
		}
	}
}
