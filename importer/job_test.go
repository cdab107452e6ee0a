package importer

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/validate"
)

// recorder keeps a job's events.
type recorder struct {
	mu     sync.Mutex
	events []Event
	on     func(Event) // called (under the job's lock) after keeping ev
}

func (r *recorder) add(ev Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	if r.on != nil {
		r.on(ev)
	}
}

func (r *recorder) all() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// kinds names the events in order, leaving out Progress and RateChanged
// (their number depends on timing).
func kinds(evs []Event) []string {
	var out []string
	for _, ev := range evs {
		switch ev := ev.(type) {
		case Progress, RateChanged:
		case RowChecked:
			out = append(out, fmt.Sprintf("checked %d %s", ev.Line, ev.Status))
		case RowSending:
			out = append(out, fmt.Sprintf("sending %d", ev.Line))
		case RowFinished:
			out = append(out, fmt.Sprintf("finished %d %s", ev.Result.Line, ev.Result.Status))
		default:
			out = append(out, fmt.Sprintf("%T", ev))
		}
	}
	return out
}

func TestJobEvents(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\nA1,甲,1\nA2,乙,x\n")
	out := filepath.Join(filepath.Dir(in), "out.csv")
	job := NewJob(Options{Input: in, Out: out, Sender: okSender(), Ledger: newLedger(t), Workers: 1})
	var rec recorder
	job.Subscribe(rec.add)
	sum, err := job.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	evs := rec.all()
	got := kinds(evs)
	want := []string{"importer.Started", "checked 2 VALID", "sending 2", "checked 3 INVALID", "finished 2 OK", "finished 3 INVALID", "importer.Finished"}
	// The producer and the worker run concurrently: only the relative
	// order of each row's events and of the finished rows is fixed.
	if len(got) != len(want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
		t.Fatalf("events %q, want (in some interleaving) %q", got, want)
	}
	assertBefore(t, got, "checked 2 VALID", "sending 2", "finished 2 OK", "finished 3 INVALID")
	assertBefore(t, got, "checked 3 INVALID", "finished 3 INVALID")
	var checked RowChecked
	for _, ev := range evs {
		if c, ok := ev.(RowChecked); ok && c.Line == 3 {
			checked = c
		}
	}
	if len(checked.Problems) != 1 || checked.Problems[0].Field != "CBELE" || checked.Problems[0].Column != 2 {
		t.Errorf("row 3's problems %+v, want one about CBELE in column 2 (C)", checked.Problems)
	}
	fin := evs[len(evs)-1].(Finished)
	if fin.Err != nil || fin.Summary.Counts[StatusOK] != 1 || fin.Summary.Counts[StatusInvalid] != 1 || sum.Rows != 2 {
		t.Errorf("Finished %+v, summary %+v", fin, sum)
	}
	var last Progress
	for _, ev := range evs {
		if p, ok := ev.(Progress); ok {
			last = p
		}
	}
	if last.Done != 2 || last.Total != 2 || last.Counts[StatusOK] != 1 {
		t.Errorf("last Progress %+v, want 2 of 2 done, 1 OK", last)
	}
	if _, err := job.Run(context.Background()); err == nil {
		t.Error("a job ran twice")
	}
}

func assertBefore(t *testing.T, got []string, order ...string) {
	t.Helper()
	pos := -1
	for _, w := range order {
		i := indexOf(got, w)
		if i < 0 || i < pos {
			t.Errorf("events %q: %q missing or out of order %q", got, w, order)
			return
		}
		pos = i
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// A paused job sends nothing, however far reading gets; Resume sends the
// rest. Stop while paused finishes every unsent row as NOT_SENT.
func TestJobPauseResumeStop(t *testing.T) {
	const rows = 6
	var body bytes.Buffer
	body.WriteString("CCODE,CNAM1,CBELE\n")
	for i := range rows {
		fmt.Fprintf(&body, "P%d,n%d,1\n", i, i)
	}
	for _, stop := range []bool{false, true} {
		t.Run(fmt.Sprintf("stop=%v", stop), func(t *testing.T) {
			in := writeFile(t, "in.csv", body.String())
			s := okSender()
			job := NewJob(Options{Input: in, Out: filepath.Join(filepath.Dir(in), "out.csv"), Sender: s, Ledger: newLedger(t), Workers: 1})
			job.Pause()
			blocked := make(chan struct{})
			var once sync.Once
			var rec recorder
			rec.on = func(ev Event) {
				// With one worker held at the gate and a queue of one, the
				// producer checks row 3 and then waits.
				if c, ok := ev.(RowChecked); ok && c.Line == 4 {
					once.Do(func() { close(blocked) })
				}
			}
			job.Subscribe(rec.add)
			done := make(chan Summary)
			go func() {
				sum, err := job.Run(context.Background())
				if err != nil {
					t.Error(err)
				}
				done <- sum
			}()
			<-blocked
			if n := s.calls.Load(); n != 0 {
				t.Fatalf("a paused job sent %d rows", n)
			}
			if !job.Paused() {
				t.Error("Paused() = false while paused")
			}
			if stop {
				job.Stop()
			} else {
				job.Resume()
			}
			sum := <-done
			wantOK, wantNotSent := rows, 0
			if stop {
				wantOK, wantNotSent = 0, rows
			}
			if sum.Counts[StatusOK] != wantOK || sum.Counts[StatusNotSent] != wantNotSent || int(s.calls.Load()) != wantOK {
				t.Errorf("counts %v after %d sends, want %d OK and %d NOT_SENT", sum.Counts, s.calls.Load(), wantOK, wantNotSent)
			}
			got := kinds(rec.all())
			if stop && indexOf(got, "importer.Stopped") < 0 {
				t.Errorf("no Stopped event: %q", got)
			}
			if !stop && indexOf(got, "importer.Resumed") < 0 {
				t.Errorf("no Resumed event: %q", got)
			}
		})
	}
}

// The send contract holds for any Sender: when Send is called for a
// create, the ledger already holds its claim on disk. A fake Sender that
// does nothing but answer cannot skip it.
func TestSendContractClaimBeforeRequest(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\n,新客戶一,1\n,新客戶二,1\n")
	lg := newLedger(t)
	var mu sync.Mutex
	seen := map[string]string{} // name → the ledger's state when Send was called
	s := &fakeSender{SendFunc: func(_ context.Context, m tms.Main, _ bool) tms.Outcome {
		db, err := sql.Open("sqlite", lg.Path())
		if err != nil {
			t.Error(err)
			return tms.Outcome{}
		}
		defer db.Close()
		var state string
		if err := db.QueryRow(`SELECT state FROM creates WHERE name = ?`, m["CNAM1"]).Scan(&state); err != nil {
			state = "absent: " + err.Error()
		}
		mu.Lock()
		seen[fmt.Sprint(m["CNAM1"])] = state
		n := len(seen)
		mu.Unlock()
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: "N" + fmt.Sprint(n)}}
	}}
	if _, err := Run(context.Background(), Options{Input: in, Out: filepath.Join(filepath.Dir(in), "out.csv"), Sender: s, Ledger: lg, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"新客戶一", "新客戶二"} {
		if seen[name] != "sending" {
			t.Errorf("%s: the ledger said %q when its request left, want \"sending\" (claimed on disk first)", name, seen[name])
		}
	}
}

// An upload (bytes, not a file) imports like the file, and the ledger
// knows it by its name: the same upload again sends nothing.
func TestJobUpload(t *testing.T) {
	data := []byte("CCODE,CNAM1,CBELE\n,上傳客戶,1\n")
	lg := newLedger(t)
	dir := t.TempDir()
	s := okSender()
	for i := range 2 {
		out := filepath.Join(dir, fmt.Sprintf("out%d.csv", i))
		sum, err := Run(context.Background(), Options{Input: "客戶.csv", Data: bytes.NewReader(data), Size: int64(len(data)), Out: out, Sender: s, Ledger: lg})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Counts[StatusOK] != 1 {
			t.Fatalf("run %d: %v", i, sum.Counts)
		}
		rows := readCSV(t, out)
		if len(rows) != 2 || rows[1][1] != "上傳客戶" {
			t.Errorf("run %d results %q", i, rows)
		}
	}
	if n := s.calls.Load(); n != 1 {
		t.Errorf("sent %d creates for the same upload twice, want 1", n)
	}
	if _, err := os.Stat("客戶.csv"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an upload wrote or read a file by its name: %v", err)
	}
	_, err := Run(context.Background(), Options{Input: "x.csv", Data: bytes.NewReader(data), Size: int64(len(data)), DryRun: true})
	if err == nil {
		t.Error("an upload without Out was accepted")
	}
}

// Answers that do not add up are not taken at their word: a create
// answered "S" without a code is UNKNOWN (and not resent by the next
// run); an upsert answered with another code is OK with a warning
// naming both.
func TestProtocolAnomalies(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\n,無代號客戶,1\nA7,改代號客戶,1\n")
	out := filepath.Join(filepath.Dir(in), "out.csv")
	lg := newLedger(t)
	s := &fakeSender{SendFunc: func(_ context.Context, m tms.Main, _ bool) tms.Outcome {
		if m["CCODE"] == "A7" {
			return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: "B9"}}
		}
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S"}}
	}}
	for run := range 2 {
		if _, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Ledger: lg, Workers: 1, Validate: validate.Config{Lang: "en"}}); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, out)
		if got := rows[1][3] + "/" + rows[1][5]; got != "UNKNOWN/NO_CCODE" && !(run == 1 && rows[1][3] == "UNKNOWN") {
			t.Errorf("run %d: a create answered without a code: %s, want UNKNOWN", run, got)
		}
		if run == 0 && (rows[2][3] != "OK" || !strings.Contains(rows[2][7], "A7") || !strings.Contains(rows[2][7], "B9")) {
			t.Errorf("run %d: an upsert answered with another code: %q, want OK with a warning naming A7 and B9", run, rows[2])
		}
	}
	if n := s.calls.Load(); n != 2 {
		t.Errorf("%d requests, want 2: the create without a code is not sent again", n)
	}
}
