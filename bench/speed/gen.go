//go:build unix

package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/importer/tms"
)

// genVersion names the generator in the cached files' names: change it
// when the generated data changes.
const genVersion = 1

// csvHeader is the CSV's 10 columns; xlsxHeader adds 10 more.
var (
	csvHeader  = []string{"客戶代號", "客戶名稱", "客戶簡稱", "統一編號", "客戶電話", "手機", "客戶地址", "電子郵件", "信用額度", "生日"}
	xlsxHeader = append(append([]string(nil), csvHeader...),
		"聯絡人", "分機", "客戶傳真", "發票地址", "結帳日期", "客戶等級", "發票開立稅別", "業務員代號", "身分證字號", "備註")
)

// customer is one generated row: a company (with a 統一編號) or, one in
// three, a person (with a 身分證字號). Every row is valid and has a code.
type customer struct {
	code, name, short, ban, tel, mobile, addr, email string
	credit                                           float64
	birthday                                         time.Time // zero: blank
	contact, ext, fax, invoiceAddr                   string
	closing, grade, tax                              int
	sales, id, note                                  string
}

var (
	surnames  = []string{"陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊", "許", "鄭", "謝", "郭", "洪", "邱", "曾", "廖", "賴", "徐"}
	given     = []string{"志明", "淑芬", "家豪", "雅婷", "俊傑", "美玲", "冠宇", "怡君", "建宏", "佩珊", "宗翰", "欣怡", "承恩", "詩涵", "柏翰", "宜蓁"}
	brands    = []string{"順發", "大同", "永豐", "新光", "台益", "鴻運", "昇陽", "聯成", "宏達", "統茂", "利興", "金寶", "嘉里", "興隆", "瑞昌", "福星"}
	trades    = []string{"電機", "食品", "貿易", "五金", "建設", "資訊", "印刷", "餐飲", ""}
	kinds     = []string{"企業社", "有限公司", "股份有限公司", "商行", "工作室", "實業有限公司"}
	places    = []struct{ city, road, area string }{{"台北市", "中山區南京東路二段", "02"}, {"新北市", "板橋區文化路一段", "02"}, {"台中市", "西屯區台灣大道三段", "04"}, {"台南市", "東區中華東路一段", "06"}, {"高雄市", "前鎮區中山二路", "07"}, {"桃園市", "中壢區中正路", "03"}, {"新竹市", "東區光復路二段", "03"}, {"彰化縣", "彰化市中山路二段", "04"}}
	notes     = []string{"", "", "", "月結30天", "請先來電", "週六不收貨", "VIP 客戶"}
	idLetters = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
)

// newCustomer generates row i (from 0) with r.
func newCustomer(r *rand.Rand, i int) customer {
	p := places[r.IntN(len(places))]
	person := surnames[r.IntN(len(surnames))] + given[r.IntN(len(given))]
	brand := brands[r.IntN(len(brands))]
	c := customer{
		code:        fmt.Sprintf("C%07d", i+1),
		name:        brand + trades[r.IntN(len(trades))] + kinds[r.IntN(len(kinds))],
		short:       brand + string([]rune(p.city)[:2]),
		ban:         banWithChecksum(r),
		tel:         fmt.Sprintf("%s-%04d-%04d", p.area, 2000+r.IntN(7000), r.IntN(10000)),
		mobile:      fmt.Sprintf("09%02d-%03d-%03d", 10+r.IntN(80), r.IntN(1000), r.IntN(1000)),
		addr:        fmt.Sprintf("%s%s%d號%d樓", p.city, p.road, 1+r.IntN(300), 1+r.IntN(12)),
		email:       fmt.Sprintf("service%d@%s", i+1, []string{"example.com.tw", "mail.example.net", "example.com"}[r.IntN(3)]),
		credit:      float64(10000*(1+r.IntN(50))) + []float64{0, 0.5, 0, 0.25}[r.IntN(4)],
		contact:     person,
		fax:         fmt.Sprintf("%s-%04d-%04d", p.area, 2000+r.IntN(7000), r.IntN(10000)),
		invoiceAddr: fmt.Sprintf("%s%s%d號", p.city, p.road, 1+r.IntN(300)),
		closing:     []int{5, 10, 15, 20, 25, 31}[r.IntN(6)],
		grade:       r.IntN(6),
		tax:         []int{1, 1, 1, 9, 3}[r.IntN(5)],
		sales:       fmt.Sprintf("S%03d", r.IntN(40)),
		note:        notes[r.IntN(len(notes))],
	}
	if r.IntN(10) != 0 {
		c.birthday = time.Date(1950+r.IntN(55), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	}
	if r.IntN(3) != 0 {
		c.ext = strconv.Itoa(100 + r.IntN(900))
	}
	if r.IntN(3) == 0 { // a person
		c.name, c.short, c.ban, c.id = person, person, "", nationalID(r)
	}
	return c
}

// csvCells is the row's 10 CSV cells.
func (c customer) csvCells() []string {
	bday := ""
	if !c.birthday.IsZero() {
		bday = c.birthday.Format("2006/01/02")
	}
	return []string{c.code, c.name, c.short, c.ban, c.tel, c.mobile, c.addr, c.email,
		strconv.FormatFloat(c.credit, 'f', -1, 64), bday}
}

// xlsxCells is the row's 20 XLSX cells: amounts and small numbers are
// number cells, the birthday a date cell in dateStyle, the rest text.
func (c customer) xlsxCells(dateStyle int) []any {
	var bday any = ""
	if !c.birthday.IsZero() {
		bday = excelize.Cell{StyleID: dateStyle, Value: c.birthday}
	}
	return []any{c.code, c.name, c.short, c.ban, c.tel, c.mobile, c.addr, c.email, c.credit, bday,
		c.contact, c.ext, c.fax, c.invoiceAddr, c.closing, c.grade, c.tax, c.sales, c.id, c.note}
}

// payload is what custimport sends for the row's CSV cells (an upsert),
// for the bare client to send the same requests.
func (c customer) payload() tms.Main {
	m := tms.Main{"CCODE": c.code, "CNAM1": c.name, "CNAM2": c.short, "CTELE": c.tel, "CPHONE": c.mobile,
		"CADD1": c.addr, "EMAIL": c.email, "CBELE": json.Number(strconv.FormatFloat(c.credit, 'f', -1, 64)), "EditItem": json.Number("2")}
	if c.ban != "" {
		m["CTCOD"] = c.ban
	}
	if !c.birthday.IsZero() {
		m["CBIRD"] = c.birthday.Format("2006/01/02")
	}
	return m
}

// customers calls f with the n rows of a file, the same for every file.
func customers(n int, f func(i int, c customer) error) error {
	r := rand.New(rand.NewPCG(14, genVersion))
	for i := range n {
		if err := f(i, newCustomer(r, i)); err != nil {
			return err
		}
	}
	return nil
}

// writeCSV writes n customers as a UTF-8 CSV with a BOM, as Excel saves
// "CSV UTF-8".
func writeCSV(path string, n int) error { return writeCustomersCSV(path, n, customers) }

// writeCustomersCSV writes the n customers gen makes as writeCSV does.
func writeCustomersCSV(path string, n int, gen func(n int, f func(i int, c customer) error) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	bw.WriteString("\ufeff")
	w := csv.NewWriter(bw)
	w.UseCRLF = true
	w.Write(csvHeader)
	err = gen(n, func(_ int, c customer) error { return w.Write(c.csvCells()) })
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeXLSX writes n customers on one sheet with excelize's StreamWriter.
func writeXLSX(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "客戶資料"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	// The dimension an Excel-saved sheet has (the stream writer would
	// write "A1"; openpyxl's read-only mode reads no further).
	last, err := excelize.CoordinatesToCellName(len(xlsxHeader), n+1)
	if err != nil {
		return err
	}
	if err := f.SetSheetDimension(sheet, "A1:"+last); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	hdr := make([]any, len(xlsxHeader))
	for i, h := range xlsxHeader {
		hdr[i] = h
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	err = customers(n, func(i int, c customer) error {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, c.xlsxCells(dateStyle))
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// banWithChecksum returns a 統一編號 passing the Ministry of Finance
// checksum (digit sums of the weighted digits divisible by 5; the 7th
// digit is never 7, whose special case is left out).
func banWithChecksum(r *rand.Rand) string {
	w := [8]int{1, 2, 1, 2, 1, 2, 4, 1}
	var d [8]byte
	for {
		sum := 0
		for i := range 7 {
			x := r.IntN(10)
			if i == 6 && x == 7 {
				x = 6
			}
			d[i] = byte('0' + x)
			p := x * w[i]
			sum += p/10 + p%10
		}
		for last := range 10 {
			if (sum+last)%5 == 0 {
				d[7] = byte('0' + last)
				return string(d[:])
			}
		}
	}
}

// nationalID returns a 身分證字號 with a valid checksum.
func nationalID(r *rand.Rand) string {
	vals := map[byte]int{'A': 10, 'B': 11, 'C': 12, 'D': 13, 'E': 14, 'F': 15, 'G': 16, 'H': 17, 'I': 34, 'J': 18, 'K': 19, 'L': 20, 'M': 21, 'N': 22, 'O': 35, 'P': 23, 'Q': 24, 'R': 25, 'S': 26, 'T': 27, 'U': 28, 'V': 29, 'W': 32, 'X': 30, 'Y': 31, 'Z': 33}
	l := idLetters[r.IntN(len(idLetters))]
	v := vals[l]
	d := [9]int{1 + r.IntN(2)}
	wts := [9]int{8, 7, 6, 5, 4, 3, 2, 1, 1}
	sum := v/10 + (v%10)*9
	for i := range 8 {
		if i > 0 {
			d[i] = r.IntN(10)
		}
		sum += d[i] * wts[i]
	}
	d[8] = (10 - sum%10) % 10 // weight 1: makes the sum divisible by 10
	s := []byte{l}
	for _, x := range d {
		s = append(s, byte('0'+x))
	}
	return string(s)
}
