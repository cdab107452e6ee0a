package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender sends messages over the channels of a Config.
type Sender struct {
	Config Config
	// Password is the SMTP password ("" none): ReadPassword's.
	Password string
	// HTTP posts to the webhook; nil: a client with Timeout.
	HTTP *http.Client
	// TLS, when set, is the SMTP connection's TLS config (tests trust
	// their own certificate with it); nil verifies the server's as usual.
	TLS *tls.Config
	// Timeout bounds each attempt; 0 means 20 s.
	Timeout time.Duration
	// Retry is the pause before the one more attempt a webhook gets after
	// a network error or an HTTP 5xx; 0 means 2 s, negative no retry.
	Retry time.Duration
	// Dial, when set, connects to the SMTP server (tests reach a server
	// named as a remote one on loopback).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Channel is one way a message went out, or failed to.
type Channel struct {
	Name string // "webhook (teams)" or "smtp"
	To   string // where: the webhook's host, or the addresses
	Err  error  // nil: sent
}

// Send sends r over every configured channel and tells how each went.
// It returns after every attempt; a failure is only reported.
func (s Sender) Send(ctx context.Context, r Report) []Channel {
	var out []Channel
	if s.Config.URL != "" {
		format := s.Config.Format
		if format == "" {
			format = FormatGeneric
		}
		out = append(out, Channel{Name: "webhook (" + format + ")", To: Redact(s.Config.URL), Err: s.postWebhook(ctx, format, r)})
	}
	if s.Config.SMTP != nil {
		out = append(out, Channel{Name: "smtp", To: strings.Join(s.Config.SMTP.To, ", "), Err: s.mail(ctx, r)})
	}
	return out
}

func (s Sender) timeout() time.Duration {
	if s.Timeout <= 0 {
		return 20 * time.Second
	}
	return s.Timeout
}

// postWebhook posts the body once, and once more after a network error
// or a 5xx answer.
func (s Sender) postWebhook(ctx context.Context, format string, r Report) error {
	body, err := Body(format, r)
	if err != nil {
		return err
	}
	client := s.HTTP
	if client == nil {
		// A redirect is not followed: a POST redirected with 301/302
		// becomes a GET that proves nothing was delivered.
		client = &http.Client{Timeout: s.timeout(), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	retry := s.Retry
	if retry == 0 {
		retry = 2 * time.Second
	}
	err = s.postOnce(ctx, client, body)
	var temp *temporary
	if err == nil || retry < 0 || !errors.As(err, &temp) {
		return err
	}
	select {
	case <-ctx.Done():
		return err
	case <-time.After(retry):
	}
	return s.postOnce(ctx, client, body)
}

// temporary marks a failure worth one more attempt.
type temporary struct{ err error }

func (t *temporary) Error() string { return t.err.Error() }
func (t *temporary) Unwrap() error { return t.err }

func (s Sender) postOnce(ctx context.Context, client *http.Client, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Config.URL, bytes.NewReader(body))
	if err != nil {
		return errors.New("the webhook URL cannot be used") // its text would show the URL
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "custimport")
	resp, err := client.Do(req)
	if err != nil {
		// A url.Error's text holds the whole URL, whose path is the
		// webhook's secret: keep only what went wrong.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &temporary{fmt.Errorf("posting to %s: %w", Redact(s.Config.URL), err)}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("%s answered HTTP %d: %s", Redact(s.Config.URL), resp.StatusCode, strings.TrimSpace(string(answer)))
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return &temporary{err}
	}
	return err
}

// mail sends r as one e-mail to every address of To.
func (s Sender) mail(ctx context.Context, r Report) error {
	c := s.Config.SMTP
	m := gomail.NewMsg()
	if err := m.From(c.From); err != nil {
		return fmt.Errorf("notify.smtp.from: %w", err)
	}
	if err := m.To(c.To...); err != nil {
		return fmt.Errorf("notify.smtp.to: %w", err)
	}
	m.Subject(Subject(r))
	m.SetDate()
	m.SetMessageID()
	m.SetBodyString(gomail.TypeTextPlain, Text(r))
	opts := []gomail.Option{gomail.WithPort(c.port()), gomail.WithTimeout(s.timeout())}
	switch c.security() {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		policy := gomail.TLSMandatory
		if isLoopback(c.Host) {
			policy = gomail.TLSOpportunistic // a relay on this computer may not offer it
		}
		opts = append(opts, gomail.WithTLSPolicy(policy))
	}
	if s.TLS != nil {
		cfg := s.TLS.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = c.Host
		}
		opts = append(opts, gomail.WithTLSConfig(cfg))
	}
	if s.Dial != nil {
		opts = append(opts, gomail.WithDialContextFunc(s.Dial))
	}
	if c.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(c.User), gomail.WithPassword(s.Password))
	}
	client, err := gomail.NewClient(c.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", c.Host, err)
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("smtp %s:%d: %w", c.Host, c.port(), err)
	}
	return nil
}

// ReadPassword returns the SMTP password: from the config's
// password_file (which others must not be able to read), else the
// environment; "" when no user is set.
func ReadPassword(c *SMTP, getenv func(string) string) (string, error) {
	if c == nil || c.User == "" {
		return "", nil
	}
	if c.PasswordFile != "" {
		st, err := os.Stat(c.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("notify.smtp.password_file: %w", err)
		}
		// Windows has no such mode bits: ACLs guard the file.
		if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
			return "", fmt.Errorf("notify.smtp.password_file %s is readable by others (mode %s): run `chmod 600 %s`", c.PasswordFile, st.Mode().Perm(), c.PasswordFile)
		}
		data, err := os.ReadFile(c.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("notify.smtp.password_file: %w", err)
		}
		if pw := strings.TrimRight(string(data), "\r\n"); pw != "" {
			return pw, nil
		}
		return "", fmt.Errorf("notify.smtp.password_file %s is empty", c.PasswordFile)
	}
	if pw := getenv(PasswordEnv); pw != "" {
		return pw, nil
	}
	return "", fmt.Errorf("notify.smtp.user is set but there is no password: put it in a file (notify.smtp.password_file, mode 600) or in %s", PasswordEnv)
}
