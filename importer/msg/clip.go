package msg

// Clip shortens s to at most n characters (runes), marking the cut with
// "…" after them: how a long value is shown in a message.
func Clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
