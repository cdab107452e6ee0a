package tms

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// Each setting New refuses is a *ConfigError naming the setting, the
// problem and the value (without secrets); it is still ErrConfig (and
// ErrBadRecipe or ErrInsecureURL), with the same English sentence.
func TestConfigErrorFields(t *testing.T) {
	const key = "s3cr3t-KEY-42"
	tests := []struct {
		name  string
		edit  func(*Config)
		want  ConfigError // text and is left out
		also  error       // a sentinel besides ErrConfig, or nil
		text  string
		never string // a secret the error must not show
	}{
		{"unparsable URL", func(c *Config) { c.BaseURL = "https://erp.example.com:x/?key=" + key }, ConfigError{Setting: SettingURL, Problem: ProblemUnparsable, Value: "https://erp.example.com:x/?key=xxxxx"}, nil, "", key},
		{"not https", func(c *Config) { c.BaseURL = "ftp://erp.example.com" }, ConfigError{Setting: SettingURL, Problem: ProblemScheme, Value: "ftp://erp.example.com"}, nil,
			`bad TMS client configuration: TMS URL "ftp://erp.example.com" must start with https://`, ""},
		{"no host", func(c *Config) { c.BaseURL = "https:///api" }, ConfigError{Setting: SettingURL, Problem: ProblemNoHost, Value: "https:///api"}, nil,
			`bad TMS client configuration: TMS URL "https:///api" has no host`, ""},
		{"user info", func(c *Config) { c.BaseURL = "https://u:pw123456@erp.example.com" }, ConfigError{Setting: SettingURL, Problem: ProblemUserInfo, Value: "https://xxxxx@erp.example.com"}, nil,
			`bad TMS client configuration: TMS URL "https://xxxxx@erp.example.com" must not contain a user name or password`, "pw123456"},
		{"query", func(c *Config) { c.BaseURL = "https://erp.example.com/?k=" + key }, ConfigError{Setting: SettingURL, Problem: ProblemQuery, Value: "https://erp.example.com/?k=xxxxx"}, nil,
			`bad TMS client configuration: TMS URL "https://erp.example.com/?k=xxxxx" must not have a query or fragment`, key},
		{"port", func(c *Config) { c.BaseURL = "https://erp.example.com:70000" }, ConfigError{Setting: SettingURL, Problem: ProblemPort, Value: "https://erp.example.com:70000", Part: "70000"}, nil,
			`bad TMS client configuration: TMS URL "https://erp.example.com:70000": port 70000 is not a port number (1 to 65535)`, ""},
		{"plain http", func(c *Config) { c.BaseURL = "http://erp.example.com" }, ConfigError{Setting: SettingURL, Problem: ProblemInsecure, Value: "http://erp.example.com"}, ErrInsecureURL,
			"bad TMS client configuration: plain http:// to a non-loopback host is refused: http://erp.example.com would send the signed request and customer data unencrypted; use https:// or allow plain HTTP explicitly", ""},
		{"no pno", func(c *Config) { c.PNO = "" }, ConfigError{Setting: SettingPNO, Problem: ProblemEmpty}, nil,
			"bad TMS client configuration: PNO (api-pno, TMS_PNO) is empty", ""},
		{"no key", func(c *Config) { c.Key = "" }, ConfigError{Setting: SettingKey, Problem: ProblemEmpty}, nil,
			"bad TMS client configuration: API key is empty", ""},
		{"pronum too long", func(c *Config) { c.ProNum = "ABCDEFGHIJK" }, ConfigError{Setting: SettingProNum, Problem: ProblemTooLong, Value: "ABCDEFGHIJK", Length: 11, Max: 10}, nil,
			`bad TMS client configuration: ProNum "ABCDEFGHIJK" is 11 characters long; the specification allows at most 10 (S(10))`, ""},
		{"recipe method", func(c *Config) { c.Recipe = Recipe{Method: "md5", Template: "{timestamp}{key}"} }, ConfigError{Setting: SettingRecipe, Problem: ProblemMethod, Value: "md5:{timestamp}{key}", Part: "md5"}, ErrBadRecipe,
			`bad TMS client configuration: bad signing recipe: method "md5" (want sha512 or hmac-sha512)`, ""},
		{"recipe placeholder", func(c *Config) { c.Recipe = Recipe{Method: "sha512", Template: "{ts}{key}"} }, ConfigError{Setting: SettingRecipe, Problem: ProblemPlaceholder, Value: "{ts}{key}"}, ErrBadRecipe,
			`bad TMS client configuration: bad signing recipe: template "{ts}{key}" has an unknown placeholder (use {pno} {timestamp} {key} {body})`, ""},
		{"recipe with the key typed in", func(c *Config) { c.Recipe = Recipe{Method: "sha512", Template: "{pno}" + key} }, ConfigError{Setting: SettingRecipe, Problem: ProblemNoTimestamp, Value: "{pno}" + redactedText}, ErrBadRecipe,
			`bad TMS client configuration: bad signing recipe: template "{pno}` + redactedText + `" lacks {timestamp}`, key},
		{"recipe constant", func(c *Config) { c.Recipe = Recipe{Method: "hmac-sha512", Template: "{pno}"} }, ConfigError{Setting: SettingRecipe, Problem: ProblemConstant, Value: "{pno}"}, ErrBadRecipe,
			`bad TMS client configuration: bad signing recipe: template "{pno}" has neither {timestamp} nor {body}: every request would carry the same signature`, ""},
		{"recipe without key", func(c *Config) { c.Recipe = Recipe{Method: "sha512", Template: "{timestamp}"} }, ConfigError{Setting: SettingRecipe, Problem: ProblemNoKey, Value: "{timestamp}"}, ErrBadRecipe,
			"bad TMS client configuration: bad signing recipe: a sha512 template without {key} would be a signature anybody can compute", ""},
		{"negative timeout", func(c *Config) { c.Timeout = -1 }, ConfigError{Setting: SettingTimeout, Problem: ProblemNegative}, nil,
			"bad TMS client configuration: Timeout and MaxBody must not be negative", ""},
		{"insecure TLS on the caller's client", func(c *Config) { c.HTTPClient = &http.Client{}; c.InsecureSkipVerify = true }, ConfigError{Setting: SettingHTTPClient, Problem: ProblemInsecureTLS}, nil,
			"bad TMS client configuration: InsecureSkipVerify cannot be applied to a caller-supplied HTTPClient", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{BaseURL: "https://erp.example.com", PNO: "P1", Key: key}
			tt.edit(&cfg)
			_, err := New(cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v (%T), want a *ConfigError that is ErrConfig", err, err)
			}
			if tt.also != nil && !errors.Is(err, tt.also) {
				t.Errorf("err = %v, want it to be %v too", err, tt.also)
			}
			got := *ce
			got.text, got.is = "", nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields\n got %+v\nwant %+v", got, tt.want)
			}
			if tt.text != "" && err.Error() != tt.text {
				t.Errorf("Error()\n got %q\nwant %q", err.Error(), tt.text)
			}
			if tt.never != "" && (strings.Contains(err.Error(), tt.never) || strings.Contains(ce.Value, tt.never)) {
				t.Errorf("shows the secret %q: %q / %q", tt.never, err.Error(), ce.Value)
			}
		})
	}
}

// ParseRecipe's refusals are *ConfigErrors of the recipe, ErrBadRecipe
// (not ErrConfig: no client was being made).
func TestParseRecipeConfigError(t *testing.T) {
	tests := []struct {
		in   string
		want ConfigError
		text string
	}{
		{"md5", ConfigError{Setting: SettingRecipe, Problem: ProblemMethod, Value: "md5", Part: "md5"}, `bad signing recipe: method "md5" (want sha512 or hmac-sha512)`},
		{"sha512:{pno}{key}", ConfigError{Setting: SettingRecipe, Problem: ProblemNoTimestamp, Value: "{pno}{key}"}, `bad signing recipe: template "{pno}{key}" lacks {timestamp}`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseRecipe(tt.in)
			var ce *ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, ErrBadRecipe) || errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v (%T), want a *ConfigError that is ErrBadRecipe only", err, err)
			}
			got := *ce
			got.text, got.is = "", nil
			if !reflect.DeepEqual(got, tt.want) || err.Error() != tt.text {
				t.Errorf("got %+v %q, want %+v %q", got, err.Error(), tt.want, tt.text)
			}
		})
	}
}
