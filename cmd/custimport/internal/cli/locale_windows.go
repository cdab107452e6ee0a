//go:build windows

package cli

import "golang.org/x/sys/windows"

// osLang is the user's preferred Windows display language (zh-TW on a
// Taiwanese office PC), which a double-clicked custimport.exe has no
// LANG to tell.
func osLang() string {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil || len(langs) == 0 {
		return ""
	}
	return langs[0]
}
