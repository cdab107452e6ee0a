package validate

// Taiwan-specific identifier checks: 統一編號, 身分證/居留證 numbers and
// the POS mobile barcode carrier.

// bizIDValid reports whether s (8 ASCII digits) passes the Ministry of
// Finance 統一編號 checksum as it stands since 2023: multiply the digits by
// 1,2,1,2,1,2,4,1, add the digits of each product (so 28 counts 2+8 = 10),
// and the number is valid when the sum is divisible by 5; when the 7th
// digit is 7 (its product 28 may count as 1 or 0) it is also valid when
// sum+1 is divisible by 5.
func bizIDValid(s string) bool {
	if len(s) != 8 {
		return false
	}
	weights := [8]int{1, 2, 1, 2, 1, 2, 4, 1}
	sum := 0
	for i := 0; i < 8; i++ {
		d := int(s[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		p := d * weights[i]
		sum += p/10 + p%10
	}
	if sum%5 == 0 {
		return true
	}
	return s[6] == '7' && (sum+1)%5 == 0
}

// idLetter is the value of the first letter of a national ID or resident
// certificate number.
var idLetter = [26]int{
	10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, // A-M
	22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33, // N-Z
}

// idKind is what idCheck found.
type idKind int

const (
	idNotID  idKind = iota // not in any known format
	idBadSum               // right format, checksum fails
	idValid                // national ID or resident certificate, checksum passes
)

// idCheck checks an upper-case Taiwan national ID (letter, 1 or 2, 8
// digits), new-format resident certificate (letter, 8 or 9, 8 digits) or
// old-format resident certificate (letter, A-D, 8 digits). The first
// letter's two-digit value n1n2 and the remaining nine digits (for an old
// certificate the second letter's value's last digit) are weighted
// 1,9,8,7,6,5,4,3,2,1,1; the sum must be divisible by 10.
func idCheck(s string) idKind {
	if len(s) != 10 || s[0] < 'A' || s[0] > 'Z' {
		return idNotID
	}
	var second int
	switch c := s[1]; {
	case c == '1' || c == '2' || c == '8' || c == '9':
		second = int(c - '0')
	case c >= 'A' && c <= 'D':
		second = idLetter[c-'A'] % 10
	default:
		return idNotID
	}
	for i := 2; i < 10; i++ {
		if s[i] < '0' || s[i] > '9' {
			return idNotID
		}
	}
	n := idLetter[s[0]-'A']
	sum := n/10*1 + n%10*9 + second*8
	weights := [8]int{7, 6, 5, 4, 3, 2, 1, 1}
	for i := 2; i < 10; i++ {
		sum += int(s[i]-'0') * weights[i-2]
	}
	if sum%10 == 0 {
		return idValid
	}
	return idBadSum
}

// carrierValid reports whether s is a POS mobile barcode carrier: a slash
// and exactly 7 of 0-9 A-Z + - . (upper-case only).
func carrierValid(s string) bool {
	if len(s) != 8 || s[0] != '/' {
		return false
	}
	for i := 1; i < 8; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
