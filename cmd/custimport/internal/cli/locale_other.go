//go:build !windows

package cli

// osLang: outside Windows the locale variables are the whole story.
func osLang() string { return "" }
