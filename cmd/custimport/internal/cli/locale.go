package cli

import "strings"

// localeLang is the message language the environment's locale asks for:
// zh for Traditional Chinese locales (zh_TW, zh_HK, zh_MO, zh-Hant), en
// for any other locale that is set. The POSIX variables are read in their
// order of precedence (LC_ALL, LC_MESSAGES, LANG); when none is set (a
// Windows PC, a cron job), the operating system's own UI language decides
// where it can be asked (osLang), and zh, the language of the product's
// users, otherwise.
func localeLang(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return langOfLocale(v)
		}
	}
	if v := osLang(); v != "" {
		return langOfLocale(v)
	}
	return "zh"
}

// langOfLocale maps one locale name (zh_TW.UTF-8, zh-Hant-TW, en_US, C)
// to zh or en.
func langOfLocale(locale string) string {
	l := strings.ToLower(strings.ReplaceAll(locale, "-", "_"))
	if i := strings.IndexAny(l, ".@"); i >= 0 {
		l = l[:i]
	}
	switch {
	case l == "zh_tw", l == "zh_hk", l == "zh_mo", strings.HasPrefix(l, "zh_hant"),
		strings.HasPrefix(l, "zh_tw_"), strings.HasPrefix(l, "zh_hk_"), strings.HasPrefix(l, "zh_mo_"):
		return "zh"
	}
	return "en"
}
