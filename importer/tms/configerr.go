package tms

import "fmt"

// ConfigError is a setting New or ParseRecipe refuses: which setting,
// what is wrong with it (a code) and its value as shown, without the key
// or the URL's user info and query values. It is ErrConfig (from New),
// ErrBadRecipe (a signing recipe) or ErrInsecureURL as the case may be;
// Error() is the English sentence.
type ConfigError struct {
	// Setting is what is wrong: SettingURL, SettingPNO, SettingKey,
	// SettingProNum, SettingRecipe, SettingTimeout or SettingHTTPClient.
	Setting string
	// Problem says what is wrong with it (the Problem constants).
	Problem string
	// Value is the value as shown, secrets redacted; "" when the
	// message shows none.
	Value string
	// Part is the part of the value at fault: the port of a URL, the
	// method of a recipe; "" otherwise.
	Part string
	// Length and Max are a ProNum's length and the most allowed.
	Length, Max int
	text        string
	is          []error
}

// The settings a ConfigError is about.
const (
	SettingURL        = "url"
	SettingPNO        = "pno"
	SettingKey        = "key"
	SettingProNum     = "pronum"
	SettingRecipe     = "sign_recipe"
	SettingTimeout    = "timeout"
	SettingHTTPClient = "http_client"
)

// What is wrong with a setting (ConfigError.Problem).
const (
	ProblemUnparsable  = "unparsable"   // the URL cannot be read
	ProblemScheme      = "scheme"       // the URL is not http(s)://
	ProblemNoHost      = "no_host"      // the URL has no host
	ProblemUserInfo    = "user_info"    // the URL holds a user name or password
	ProblemQuery       = "query"        // the URL has a query or fragment
	ProblemPort        = "port"         // the URL's port is not a port number (Part)
	ProblemInsecure    = "insecure"     // plain http:// to another host
	ProblemEmpty       = "empty"        // the PNO or the key is empty
	ProblemTooLong     = "too_long"     // the ProNum is longer than Max
	ProblemMethod      = "method"       // the recipe's method is unknown (Part)
	ProblemPlaceholder = "placeholder"  // the template has an unknown placeholder
	ProblemConstant    = "constant"     // an hmac template with neither {timestamp} nor {body}
	ProblemNoTimestamp = "no_timestamp" // a sha512 template without {timestamp}
	ProblemNoKey       = "no_key"       // a sha512 template without {key}
	ProblemNegative    = "negative"     // Timeout or MaxBody below zero
	ProblemInsecureTLS = "insecure_tls" // InsecureSkipVerify with the caller's HTTP client
)

func (e *ConfigError) Error() string   { return e.text }
func (e *ConfigError) Unwrap() []error { return e.is }

// configError is a ConfigError of New's: ErrConfig, then what it says.
func configError(e ConfigError, format string, args ...any) *ConfigError {
	e.text = fmt.Sprintf("%v: "+format, append([]any{ErrConfig}, args...)...)
	e.is = append([]error{ErrConfig}, e.is...)
	return &e
}

// recipeError is a ConfigError of a signing recipe: ErrBadRecipe, then
// what it says.
func recipeError(e ConfigError, format string, args ...any) *ConfigError {
	e.Setting = SettingRecipe
	e.text = fmt.Sprintf("%v: "+format, append([]any{ErrBadRecipe}, args...)...)
	e.is = []error{ErrBadRecipe}
	return &e
}

// inConfig is a recipe's error as New returns it: ErrConfig too, the key
// redacted from the value and the text.
func (e *ConfigError) inConfig(redact func(string) string) *ConfigError {
	c := *e
	c.Value, c.text = redact(c.Value), fmt.Sprintf("%v: %s", ErrConfig, redact(c.text))
	c.is = append([]error{ErrConfig}, e.is...)
	return &c
}
