// Command gen writes the sample files in samples/: a valid customer list
// (XLSX), the same kind of list as a Big5 CSV export, and a list with one
// row per kind of validation error. Run from the repository root:
//
//	go run ./samples/gen
package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/traditionalchinese"
)

var header = []string{"客戶代號", "客戶簡稱", "客戶名稱", "統一編號", "聯絡人", "客戶電話", "分機", "手機", "客戶地址", "電子郵件", "信用額度", "結帳日期", "客戶等級", "發票開立稅別", "生日", "POS專用手機載具", "身分證字號", "備註"}

type customer struct {
	code, short, name, ban, contact, tel, ext, mobile, addr, email string
	credit                                                         float64
	closing, grade, tax                                            int
	birthday                                                       time.Time
	carrier, id, note                                              string
}

// banWithChecksum completes 7 digits into a 統一編號 passing the Ministry of
// Finance checksum (weighted digit sum divisible by 5).
func banWithChecksum(r *rand.Rand) string {
	w := []int{1, 2, 1, 2, 1, 2, 4, 1}
	for {
		d := make([]int, 8)
		for i := 0; i < 7; i++ {
			d[i] = r.IntN(10)
		}
		if d[6] == 7 {
			continue
		}
		for last := 0; last < 10; last++ {
			d[7] = last
			sum := 0
			for i := range d {
				p := d[i] * w[i]
				sum += p/10 + p%10
			}
			if sum%5 == 0 {
				s := ""
				for _, x := range d {
					s += strconv.Itoa(x)
				}
				return s
			}
		}
	}
}

// nationalID returns a 身分證字號 with a valid checksum.
func nationalID(r *rand.Rand) string {
	letters := "ABCDEFGHJKLMNPQRSTUVXYWZIO"
	vals := map[byte]int{'A': 10, 'B': 11, 'C': 12, 'D': 13, 'E': 14, 'F': 15, 'G': 16, 'H': 17, 'I': 34, 'J': 18, 'K': 19, 'L': 20, 'M': 21, 'N': 22, 'O': 35, 'P': 23, 'Q': 24, 'R': 25, 'S': 26, 'T': 27, 'U': 28, 'V': 29, 'W': 32, 'X': 30, 'Y': 31, 'Z': 33}
	for {
		l := letters[r.IntN(len(letters))]
		d := []int{1 + r.IntN(2)}
		for i := 0; i < 8; i++ {
			d = append(d, r.IntN(10))
		}
		v := vals[l]
		sum := v/10 + (v%10)*9
		wts := []int{8, 7, 6, 5, 4, 3, 2, 1, 1}
		for i, x := range d {
			sum += x * wts[i]
		}
		if sum%10 == 0 {
			s := string(l)
			for _, x := range d {
				s += strconv.Itoa(x)
			}
			return s
		}
	}
}

var (
	surnames  = []string{"陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊", "許", "鄭", "謝", "郭", "洪"}
	given     = []string{"志明", "淑芬", "家豪", "雅婷", "俊傑", "美玲", "冠宇", "怡君", "建宏", "佩珊", "宗翰", "欣怡"}
	companies = []string{"順發", "大同", "永豐", "新光", "台益", "鴻運", "昇陽", "聯成", "宏達", "統茂", "富邦", "利興", "金寶", "嘉里", "興隆"}
	kinds     = []string{"企業社", "有限公司", "股份有限公司", "商行", "工作室", "實業有限公司"}
	cities    = []struct{ city, area, tel string }{
		{"台北市", "中山區南京東路二段", "02"}, {"新北市", "板橋區文化路一段", "02"}, {"台中市", "西屯區台灣大道三段", "04"},
		{"台南市", "東區中華東路一段", "06"}, {"高雄市", "前鎮區中山二路", "07"}, {"桃園市", "中壢區中正路", "03"},
		{"新竹市", "東區光復路二段", "03"}, {"彰化縣", "彰化市中山路二段", "04"},
	}
)

func customers(n int) []customer {
	r := rand.New(rand.NewPCG(2024, 11))
	var out []customer
	for i := 0; i < n; i++ {
		co := companies[i%len(companies)] + kinds[r.IntN(len(kinds))]
		c := cities[r.IntN(len(cities))]
		person := surnames[r.IntN(len(surnames))] + given[r.IntN(len(given))]
		cu := customer{
			code:     fmt.Sprintf("C%04d", 1001+i),
			short:    string([]rune(co)[:2]) + c.city[:3],
			name:     co,
			ban:      banWithChecksum(r),
			contact:  person,
			tel:      fmt.Sprintf("%s-%04d%04d", c.tel, 2000+r.IntN(7000), r.IntN(10000)),
			mobile:   fmt.Sprintf("09%02d%06d", 10+r.IntN(80), r.IntN(1000000)),
			addr:     fmt.Sprintf("%s%s%d號%d樓", c.city, c.area, 1+r.IntN(300), 1+r.IntN(12)),
			email:    fmt.Sprintf("service%d@example.com.tw", 1001+i),
			credit:   float64(10000*(1+r.IntN(50))) + []float64{0, 0.5, 0}[i%3],
			closing:  []int{5, 10, 15, 20, 25, 31}[r.IntN(6)],
			grade:    r.IntN(6),
			tax:      []int{1, 1, 1, 9, 3}[r.IntN(5)],
			birthday: time.Date(1960+r.IntN(40), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
		}
		if r.IntN(3) == 0 {
			cu.ext = strconv.Itoa(100 + r.IntN(900))
		}
		if r.IntN(2) == 0 {
			cu.carrier = fmt.Sprintf("/%c%c%04d%c", 'A'+rune(r.IntN(26)), 'A'+rune(r.IntN(26)), r.IntN(10000), "+-.ABC"[r.IntN(6)])
		}
		if r.IntN(3) == 0 {
			cu.id = nationalID(r)
			cu.ban = ""
			cu.name = person
			cu.short = person
		}
		if i%10 == 7 {
			cu.code = "" // auto-numbered by TMS
			cu.note = "新客戶,由系統自動編號"
		}
		out = append(out, cu)
	}
	return out
}

func (c customer) cells() []any {
	var bday any = ""
	if !c.birthday.IsZero() {
		bday = c.birthday
	}
	return []any{c.code, c.short, c.name, c.ban, c.contact, c.tel, c.ext, c.mobile, c.addr, c.email,
		c.credit, c.closing, c.grade, c.tax, bday, c.carrier, c.id, c.note}
}

func (c customer) texts() []string {
	return []string{c.code, c.short, c.name, c.ban, c.contact, c.tel, c.ext, c.mobile, c.addr, c.email,
		strconv.FormatFloat(c.credit, 'f', -1, 64), strconv.Itoa(c.closing), strconv.Itoa(c.grade), strconv.Itoa(c.tax),
		c.birthday.Format("2006/01/02"), c.carrier, c.id, c.note}
}

func writeXLSX(path string, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "客戶資料")
	sw, err := f.NewStreamWriter("客戶資料")
	if err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	// Birthdays are real date cells (format 14, shown as a date).
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = excelize.Cell{StyleID: bold, Value: h}
		sw.SetColWidth(i+1, i+1, 16)
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	for i, r := range rows {
		// Codes, phones and IDs are text cells, as Excel keeps them when the
		// column is formatted as text: leading zeros stay.
		for j, v := range r {
			if t, ok := v.(time.Time); ok {
				r[j] = excelize.Cell{StyleID: dateStyle, Value: t}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, r); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

func main() {
	dir := "samples"
	if _, err := os.Stat(filepath.Join(dir, "samples.go")); err != nil {
		log.Fatal("run from the repository root: go run ./samples/gen")
	}
	all := customers(40)
	var rows [][]any
	for _, c := range all {
		rows = append(rows, c.cells())
	}
	must(writeXLSX(filepath.Join(dir, "customers.xlsx"), rows))

	// Big5 CSV, as exported by Excel on a Traditional Chinese Windows.
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.Write(header)
	for _, c := range customers(60)[40:] {
		if c.code != "" {
			c.code = "B" + c.code[1:]
		}
		w.Write(c.texts())
	}
	w.Flush()
	big5, err := traditionalchinese.Big5.NewEncoder().Bytes(buf.Bytes())
	must(err)
	must(os.WriteFile(filepath.Join(dir, "customers-big5.csv"), big5, 0o644))

	// One row per kind of validation error; the first row is valid.
	base := all[0]
	base.code = "E001"
	bad := func(code string, change func(*customer)) []any {
		c := base
		c.code = code
		change(&c)
		return c.cells()
	}
	erows := [][]any{
		bad("E001", func(c *customer) {}), // valid
		bad("E002", func(c *customer) { c.short = "順發企業社股份有限公司台中分" }),            // CNAM2 longer than 12
		bad("E003", func(c *customer) { c.grade = 7 }),                           // CGRAD not 0-5
		bad("E004", func(c *customer) { c.tax = 4 }),                             // CTAX1 not 0/1/2/3/9
		bad("E005", func(c *customer) { c.closing = 32 }),                        // CRDAT not 1-31
		bad("E006", func(c *customer) { c.carrier = "ABC1234" }),                 // carrier without /
		bad("E007", func(c *customer) { c.ban = "12345678" }),                    // 統編 checksum
		bad("", func(c *customer) { c.credit = -1 }),                             // create without CBELE (blanked below)
		bad("E009", func(c *customer) {}),                                        // CBELE not a number (set below)
		bad("E001", func(c *customer) {}),                                        // duplicate CCODE
		bad("E011", func(c *customer) { c.birthday = time.Time{}; c.note = "" }), // impossible date (set below)
	}
	erows[7][10] = ""            // 信用額度 blank on a create
	erows[8][10] = "十萬"          // 信用額度 not a number
	erows[10][14] = "2025/02/30" // 生日 impossible
	must(writeXLSX(filepath.Join(dir, "customers-with-errors.xlsx"), erows))
	fmt.Println("wrote samples/customers.xlsx, samples/customers-big5.csv, samples/customers-with-errors.xlsx")
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
