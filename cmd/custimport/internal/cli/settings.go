package cli

import (
	"flag"
	"log/slog"

	"go.yaml.in/yaml/v3"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/cmd/custimport/internal/notify"
	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer/tms"
)

// loadSettings is the command's settings: the defaults, the config file
// at cfgPath ("" none), the environment and the flags given on fs
// (settings.Load), with the locale's language when none is set.
func loadSettings(fs *flag.FlagSet, cfgPath string, getenv func(string) string) (settings.Settings, error) {
	return settings.Load(settings.Sources{Flags: fs, Config: cfgPath, Getenv: getenv,
		Locale: func() string { return localeLang(getenv) }})
}

// readKey returns the API key: from --key-file, else TMS_API_KEY, else
// the config file's key_file (the same order as every other setting).
func readKey(s settings.Settings, getenv func(string) string) (string, error) {
	return s.ReadKey(getenv)
}

// connection is the settings' part that reaches TMS, without the key,
// with the run's HTTP client (tests inject one), log and request trace
// (nil: none).
func connection(s settings.Settings, io IO, log *slog.Logger, trace *tms.Tracer) connect.Settings {
	c := connect.Settings{Connection: s.Connection, Logger: log, Trace: trace}
	if io.HTTPClient != nil {
		c.HTTPClient = io.HTTPClient()
	}
	return c
}

// effectiveYAML prints settings in the config file's own keys, in the
// keys table's order, so the output of `config check` is itself a valid
// config file.
func effectiveYAML(s settings.Settings) string {
	// The webhook's address holds its secret: show its host only.
	if s.Notify.URL != "" {
		s.Notify.URL = notify.Redact(s.Notify.URL)
	}
	var node yaml.Node
	if err := node.Encode(s); err != nil {
		return err.Error() + "\n"
	}
	values := map[string]*yaml.Node{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		values[node.Content[i].Value] = node.Content[i+1]
	}
	ordered := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range settings.Keys() {
		v, ok := values[k.Name]
		if !ok {
			continue
		}
		// time.Duration encodes as nanoseconds: show it as the config takes it.
		if d, ok := k.Field(&s).(interface{ String() string }); ok && v.Tag == "!!int" {
			v.Value, v.Tag = d.String(), "!!str"
		}
		ordered.Content = append(ordered.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k.Name}, v)
	}
	out, err := yaml.Marshal(ordered)
	if err != nil {
		return err.Error() + "\n"
	}
	return string(out)
}

// settingsFail reports settings that could not be loaded or turned into
// a job (failErr), in the run's language: lang, else --lang on fs, else
// the locale's.
func settingsFail(io IO, fs *flag.FlagSet, lang string, err error) int {
	if lang == "" && fs != nil {
		if f := fs.Lookup("lang"); f != nil {
			lang = f.Value.String()
		}
	}
	if lang != "zh" && lang != "en" {
		lang = localeLang(io.Getenv)
	}
	return failErr(io, lang, err)
}
