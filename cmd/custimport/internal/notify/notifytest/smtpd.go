// Package notifytest is test support for notifications: a tiny SMTP
// server on loopback (EHLO, STARTTLS when it has a certificate, AUTH
// PLAIN and LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT; implicit TLS is a
// listener wrapped in tls) that keeps every message it accepts, a reader
// of those messages as a mail program shows them, a self-signed
// certificate, and a webhook receiver that keeps what it is posted.
package notifytest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one message the server accepted.
type Message struct {
	From     string
	To       []string
	Data     string
	User     string // who authenticated ("" nobody)
	Password string
	TLS      bool // the session was encrypted when the mail was sent
}

// SMTPServer is a test SMTP server.
type SMTPServer struct {
	ln       net.Listener
	cert     *tls.Certificate // offer STARTTLS with it (nil: do not)
	implicit bool             // the listener speaks TLS from the first byte
	user     string           // the only account ("" no AUTH offered)
	password string

	mu       sync.Mutex
	messages []Message
	conns    map[net.Conn]bool // open sessions, closed at the end of the test
	wg       sync.WaitGroup
}

// StartSMTP starts a server on a loopback port: with a certificate it
// offers STARTTLS (or, implicit, speaks TLS at once); with a user it
// requires AUTH before MAIL.
func StartSMTP(t testing.TB, cert *tls.Certificate, implicit bool, user, password string) *SMTPServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{*cert}})
	}
	s := &SMTPServer{ln: ln, cert: cert, implicit: implicit, user: user, password: password, conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for c := range s.conns {
			c.Close() // a client that gave up without QUIT
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// Port is the server's loopback port.
func (s *SMTPServer) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Received returns the messages accepted so far.
func (s *SMTPServer) Received() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

func (s *SMTPServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			s.session(c)
		}()
	}
}

// session speaks SMTP on c until QUIT or an error.
func (s *SMTPServer) session(c net.Conn) {
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(format string, args ...any) {
		fmt.Fprintf(w, format+"\r\n", args...)
		w.Flush()
	}
	encrypted := s.implicit
	authed := ""
	var msg Message
	reply("220 test.local ESMTP ready")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"250-test.local", "250-8BITMIME", "250-SMTPUTF8"}
			if s.cert != nil && !encrypted {
				ext = append(ext, "250-STARTTLS")
			}
			if s.user != "" {
				ext = append(ext, "250-AUTH PLAIN LOGIN")
			}
			ext = append(ext, "250 SIZE 10240000")
			reply("%s", strings.Join(ext, "\r\n"))
		case "STARTTLS":
			if s.cert == nil || encrypted {
				reply("502 not offered")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{*s.cert}})
			if err := tc.Handshake(); err != nil {
				return
			}
			c, encrypted = tc, true
			r, w = bufio.NewReader(c), bufio.NewWriter(c)
		case "AUTH":
			mech, initial, _ := strings.Cut(arg, " ")
			var user, pass string
			switch strings.ToUpper(mech) {
			case "PLAIN":
				if initial == "" {
					reply("334 ")
					initial, _ = r.ReadString('\n')
				}
				raw, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(initial))
				parts := strings.Split(string(raw), "\x00")
				if len(parts) == 3 {
					user, pass = parts[1], parts[2]
				}
			case "LOGIN":
				reply("334 VXNlcm5hbWU6")
				u, _ := r.ReadString('\n')
				reply("334 UGFzc3dvcmQ6")
				p, _ := r.ReadString('\n')
				ub, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(u))
				pb, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(p))
				user, pass = string(ub), string(pb)
			default:
				reply("504 unknown mechanism")
				continue
			}
			if user != s.user || pass != s.password {
				reply("535 5.7.8 authentication failed")
				continue
			}
			authed = user
			msg.Password = pass
			reply("235 2.7.0 accepted")
		case "MAIL":
			if s.user != "" && authed == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			msg = Message{From: addrOf(arg), User: authed, Password: msg.Password, TLS: encrypted}
			reply("250 ok")
		case "RCPT":
			msg.To = append(msg.To, addrOf(arg))
			reply("250 ok")
		case "DATA":
			reply("354 end with .")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			msg.Data = b.String()
			s.mu.Lock()
			s.messages = append(s.messages, msg)
			s.mu.Unlock()
			reply("250 queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("500 what")
		}
	}
}

// addrOf is the address of "FROM:<a@b> SIZE=…".
func addrOf(arg string) string {
	if i, j := strings.Index(arg, "<"), strings.Index(arg, ">"); i >= 0 && j > i {
		return arg[i+1 : j]
	}
	return arg
}

// Mail is an accepted message read as a mail program would.
type Mail struct {
	Subject, From, To, Body string
}

// Decode parses the message's headers and text body (quoted-printable
// or base64, UTF-8).
func Decode(t testing.TB, data string) Mail {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("not a mail message: %v\n%s", err, data)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	var body io.Reader = m.Body
	switch strings.ToLower(m.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := m.Header.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "utf-8") {
		t.Errorf("Content-Type %q is not UTF-8", ct)
	}
	return Mail{Subject: subject, From: m.Header.Get("From"), To: m.Header.Get("To"), Body: strings.ReplaceAll(string(text), "\r\n", "\n")}
}

// TestCert is a self-signed certificate for mail.example.com, localhost
// and 127.0.0.1, and a pool that trusts it.
func TestCert(t testing.TB) (*tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"mail.example.com", "localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// Receiver is a webhook on loopback (serve it with httptest) that keeps
// what it is posted. Status holds the answers to give, in order; after
// them it answers 200.
type Receiver struct {
	mu     sync.Mutex
	bodies [][]byte
	Status []int
	// Location is the Location header of a 3xx answer.
	Location string
}

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if r.Method == http.MethodGet {
		w.Write([]byte("a page")) // what a redirect followed would find
		return
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.bodies = append(rc.bodies, body)
	if len(rc.Status) > 0 {
		if rc.Status[0]/100 == 3 && rc.Location != "" {
			w.Header().Set("Location", rc.Location)
		}
		w.WriteHeader(rc.Status[0])
		rc.Status = rc.Status[1:]
		return
	}
	w.Write([]byte("1"))
}

// Posts returns the bodies posted so far.
func (rc *Receiver) Posts() [][]byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([][]byte(nil), rc.bodies...)
}
