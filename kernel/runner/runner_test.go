package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"tandem.dev/tandem/kernel/jupyter"
	"tandem.dev/tandem/kernel/notebook"
)

// With RUNNER_FAKE_KERNEL=1 the test binary is a scripted kernel on the
// stdio link: each line of a cell is a command (see fakeKernel), so the
// runner's handling of every message kind is tested without the
// interpreter.
func TestMain(m *testing.M) {
	if os.Getenv("RUNNER_FAKE_KERNEL") == "1" {
		fakeKernel()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type fake struct {
	tr        *jupyter.Stdio
	mu        sync.Mutex
	interrupt chan struct{}
	count     int
}

func (f *fake) send(ch jupyter.Channel, typ string, parent *jupyter.Message, content any) {
	m, err := jupyter.NewMessage(ch, typ, parent, "fake", content)
	if err != nil {
		panic(err)
	}
	f.tr.Send(m)
}

// fakeKernel runs the scripted kernel. Commands, one a line:
//
//	out TEXT | err TEXT          a stdout / stderr stream (with "\n")
//	display ID TEXT | update ID TEXT   display_data (text/plain) with a display id, or its update
//	clear | clearwait            clear_output
//	result TEXT                  execute_result
//	widget ID VALUE | wupdate ID VALUE  an IntSlider comm, or a state update
//	fail NAME MSG                an error at line 2 of the cell
//	sleep D                      sleep (an interrupt ends it: Interrupted)
//	hang D                       sleep, deaf to interrupts
//	bg TEXT                      a stdout stream 50ms later, after the cell ended
//	env NAME                     print the variable NAME of the process
//	crash                        exit the process
func fakeKernel() {
	f := &fake{tr: jupyter.NewStdio(os.Stdin, os.Stdout, nil, nil), interrupt: make(chan struct{}, 1)}
	for {
		m, err := f.tr.Recv()
		if err != nil {
			return
		}
		switch m.Header.MsgType {
		case "kernel_info_request":
			f.send(m.Channel, "kernel_info_reply", m, jupyter.KernelInfoReply{Status: "ok", ProtocolVersion: "5.3"})
		case "interrupt_request":
			select {
			case f.interrupt <- struct{}{}:
			default:
			}
			f.send(m.Channel, "interrupt_reply", m, jupyter.StatusOK{Status: "ok"})
		case "shutdown_request":
			f.send(m.Channel, "shutdown_reply", m, jupyter.ShutdownRequest{Status: "ok"})
			return
		case "execute_request":
			var req jupyter.ExecuteRequest
			m.DecodeContent(&req)
			go f.execute(m, req.Code)
		}
	}
}

func (f *fake) execute(m *jupyter.Message, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.interrupt:
	default:
	}
	f.count++
	n := f.count
	f.send(jupyter.IOPub, "status", m, jupyter.Status{ExecutionState: "busy"})
	fail := func(name, msg string) {
		tb := []string{name + ": " + msg, fmt.Sprintf("  at cell [%d], line 2:5", n)}
		f.send(jupyter.IOPub, "error", m, jupyter.ErrorContent{Ename: name, Evalue: msg, Traceback: tb})
		f.send(jupyter.Shell, "execute_reply", m, jupyter.ExecuteReply{Status: "error", ExecutionCount: n, Ename: name, Evalue: msg, Traceback: tb})
		f.send(jupyter.IOPub, "status", m, jupyter.Status{ExecutionState: "idle"})
	}
	for _, line := range strings.Split(code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		id, rest, _ := strings.Cut(arg, " ")
		switch cmd {
		case "out", "err":
			name := map[string]string{"out": "stdout", "err": "stderr"}[cmd]
			f.send(jupyter.IOPub, "stream", m, jupyter.Stream{Name: name, Text: arg + "\n"})
		case "display", "update":
			typ := map[string]string{"display": "display_data", "update": "update_display_data"}[cmd]
			f.send(jupyter.IOPub, typ, m, jupyter.DisplayData{Data: map[string]any{"text/plain": rest}, Metadata: map[string]any{}, Transient: &jupyter.Transient{DisplayID: id}})
		case "clear", "clearwait":
			f.send(jupyter.IOPub, "clear_output", m, map[string]any{"wait": cmd == "clearwait"})
		case "result":
			f.send(jupyter.IOPub, "execute_result", m, jupyter.ExecuteResult{ExecutionCount: n, Data: map[string]any{"text/plain": arg}, Metadata: map[string]any{}})
		case "widget":
			f.send(jupyter.IOPub, "comm_open", m, jupyter.CommOpen{CommID: id, TargetName: "jupyter.widget", Data: map[string]any{
				"state":        map[string]any{"_model_name": "IntSliderModel", "_model_module": "@jupyter-widgets/controls", "_model_module_version": "2.0.0", "value": rest},
				"buffer_paths": []any{}}})
			f.send(jupyter.IOPub, "display_data", m, jupyter.DisplayData{Data: map[string]any{"application/vnd.jupyter.widget-view+json": map[string]any{"model_id": id}}, Metadata: map[string]any{}})
		case "wupdate":
			f.send(jupyter.IOPub, "comm_msg", m, jupyter.CommMsg{CommID: id, Data: map[string]any{"method": "update", "state": map[string]any{"value": rest}}})
		case "fail":
			fail(id, rest)
			return
		case "sleep", "hang":
			d, _ := time.ParseDuration(arg)
			if cmd == "hang" {
				time.Sleep(d)
				continue
			}
			select {
			case <-time.After(d):
			case <-f.interrupt:
				fail("Interrupted", "interrupted")
				return
			}
		case "bg":
			go func() {
				time.Sleep(50 * time.Millisecond)
				f.send(jupyter.IOPub, "stream", m, jupyter.Stream{Name: "stdout", Text: arg + "\n"})
			}()
		case "env":
			f.send(jupyter.IOPub, "stream", m, jupyter.Stream{Name: "stdout", Text: arg + "=" + os.Getenv(arg) + "\n"})
		case "crash":
			os.Exit(3)
		}
	}
	f.send(jupyter.Shell, "execute_reply", m, jupyter.ExecuteReply{Status: "ok", ExecutionCount: n})
	f.send(jupyter.IOPub, "status", m, jupyter.Status{ExecutionState: "idle"})
}

func fakeOptions() Options {
	exe, _ := os.Executable()
	return Options{Argv: []string{exe}, Env: append(os.Environ(), "RUNNER_FAKE_KERNEL=1"), InterruptGrace: 500 * time.Millisecond}
}

func codeNB(cells ...string) *notebook.Notebook {
	nb := notebook.New()
	for i, c := range cells {
		nb.Cells = append(nb.Cells, &notebook.Cell{ID: fmt.Sprint("c", i), Type: "code", Source: c, Metadata: map[string]any{}})
	}
	return nb
}

func outputs(c *notebook.Cell) string {
	var s []string
	for _, o := range c.Outputs {
		switch o["output_type"] {
		case "stream":
			s = append(s, fmt.Sprintf("%s:%q", o["name"], o["text"]))
		case "error":
			s = append(s, fmt.Sprintf("error:%s:%s", o["ename"], o["evalue"]))
		default:
			d := o["data"].(map[string]any)
			if v, ok := d["text/plain"]; ok {
				s = append(s, fmt.Sprintf("%s:%v", o["output_type"], v))
			} else {
				s = append(s, fmt.Sprintf("%s:%v", o["output_type"], d))
			}
		}
	}
	return strings.Join(s, " | ")
}

func TestRun_Outputs(t *testing.T) {
	nb := codeNB(
		"out a\nout b\nerr c\nout d\nresult 42",
		"display p1 10%\nout working",
		"update p1 100%",
		"display x old\nclearwait\nout new",
		"out gone\nclear",
		"",
		"widget w1 3\nwupdate w1 5",
	)
	nb.Cells = append(nb.Cells, &notebook.Cell{ID: "md", Type: "markdown", Source: "text", Metadata: map[string]any{}})
	var progress []string
	var live []string
	opts := fakeOptions()
	opts.Progress = func(p Progress) { progress = append(progress, fmt.Sprintf("%d/%d@%d", p.K, p.N, p.Cell)) }
	opts.Output = func(cell int, o map[string]any) { live = append(live, fmt.Sprint(cell, o["output_type"])) }
	rep, err := Run(context.Background(), nb, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Ran != 6 || len(rep.Failures) != 0 || rep.Skipped != 0 {
		t.Errorf("report: %+v", rep)
	}
	for i, want := range []string{
		`stdout:"a\nb\n" | stderr:"c\n" | stdout:"d\n" | execute_result:42`,
		`display_data:100% | stdout:"working\n"`,
		``,
		`stdout:"new\n"`,
		``,
		``,
		`display_data:map[application/vnd.jupyter.widget-view+json:map[model_id:w1]]`,
	} {
		if got := outputs(nb.Cells[i]); got != want {
			t.Errorf("cell %d: got: %s want: %s", i+1, got, want)
		}
	}
	if got := strings.Join(progress, " "); got != "1/6@0 2/6@1 3/6@2 4/6@3 5/6@4 6/6@6" {
		t.Errorf("progress: got %s", got)
	}
	if len(live) != 11 {
		t.Errorf("live outputs: got %d (%v) want 11", len(live), live)
	}
	if c := nb.Cells[5].ExecutionCount; c != nil {
		t.Errorf("empty cell got execution count %d", *c)
	}
	if c := nb.Cells[6].ExecutionCount; c == nil || *c != 6 {
		t.Errorf("cell 7 execution count: got %v want 6", c)
	}
	w, _ := nb.Metadata["widgets"].(map[string]any)
	st, _ := w["application/vnd.jupyter.widget-state+json"].(map[string]any)
	models, _ := st["state"].(map[string]any)
	m1, _ := models["w1"].(map[string]any)
	state, _ := m1["state"].(map[string]any)
	if m1["model_name"] != "IntSliderModel" || state["value"] != "5" || st["version_major"] != 2 {
		t.Errorf("widget snapshot: %v", w)
	}
	// The snapshot survives the file form.
	data, err := notebook.Format(nb)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"model_name": "IntSliderModel"`) {
		t.Error("widget state not in the saved notebook")
	}
}

func TestRun_Background(t *testing.T) {
	nb := codeNB("out 1\nbg late", "sleep 1s\nout 2")
	if _, err := Run(context.Background(), nb, fakeOptions()); err != nil {
		t.Fatal(err)
	}
	if got := outputs(nb.Cells[0]); got != `stdout:"1\nlate\n"` {
		t.Errorf("cell 1: got %s", got)
	}
	if got := outputs(nb.Cells[1]); got != `stdout:"2\n"` {
		t.Errorf("cell 2: got %s", got)
	}
}

func TestRun_Failures(t *testing.T) {
	t.Run("StopsAtFirst", func(t *testing.T) {
		nb := codeNB("out 1", "fail Panic index out of range", "out 3")
		rep, err := Run(context.Background(), nb, fakeOptions())
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) != 1 || rep.Ran != 2 || rep.Skipped != 1 {
			t.Fatalf("report: %+v", rep)
		}
		f := rep.Failures[0]
		if f.Cell != 1 || f.K != 2 || f.Line != 2 || f.Col != 5 || f.Ename != "Panic" || f.Evalue != "index out of range" {
			t.Errorf("failure: %+v", f)
		}
		if got, want := f.Error(), "cell 2, line 2: Panic: index out of range"; got != want {
			t.Errorf("got: %s want: %s", got, want)
		}
		if nb.Cells[2].ExecutionCount != nil || len(nb.Cells[2].Outputs) != 0 {
			t.Error("cell after the failure ran")
		}
	})
	t.Run("KeepGoing", func(t *testing.T) {
		nb := codeNB("fail CompileError undefined: x", "out 2", "fail Panic p", "out 4")
		opts := fakeOptions()
		opts.KeepGoing = true
		rep, err := Run(context.Background(), nb, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) != 2 || rep.Ran != 4 || rep.Failures[0].Cell != 0 || rep.Failures[1].Cell != 2 {
			t.Fatalf("report: %+v", rep)
		}
		if got := outputs(nb.Cells[3]); got != `stdout:"4\n"` {
			t.Errorf("last cell: %s", got)
		}
	})
	t.Run("RaisesException", func(t *testing.T) {
		nb := codeNB("out 1", "fail Panic index out of range", "out 3", "sleep 1m")
		nb.Cells[1].Metadata["tags"] = []any{"raises-exception"}
		nb.Cells[3].Metadata["tags"] = []any{"raises-exception"}
		opts := fakeOptions()
		opts.CellTimeout = 200 * time.Millisecond
		rep, err := Run(context.Background(), nb, opts)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Ran != 4 || len(rep.Expected) != 1 || len(rep.Failures) != 1 {
			t.Fatalf("report: %+v", rep)
		}
		if f := rep.Expected[0]; f.Cell != 1 || !f.Expected || f.Ename != "Panic" {
			t.Errorf("expected failure: %+v", f)
		}
		if f := rep.Failures[0]; f.Cell != 3 || f.Expected || f.Ename != "Timeout" {
			t.Errorf("a timeout in a raises-exception cell is a failure: %+v", f)
		}
		if got := outputs(nb.Cells[1]); !strings.Contains(got, "error:") {
			t.Errorf("the expected error is not in the cell's outputs: %s", got)
		}
		if got := outputs(nb.Cells[2]); got != `stdout:"3\n"` {
			t.Errorf("cell after the expected failure: %s", got)
		}
	})
	t.Run("Crash", func(t *testing.T) {
		nb := codeNB("out 1\ncrash", "out 2")
		opts := fakeOptions()
		opts.KeepGoing = true
		rep, err := Run(context.Background(), nb, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) != 1 || rep.Failures[0].Ename != "KernelDied" {
			t.Fatalf("report: %+v", rep)
		}
		if got := outputs(nb.Cells[1]); got != `stdout:"2\n"` {
			t.Errorf("cell after the crash (in a restarted kernel): %s", got)
		}
	})
}

func TestRun_Timeouts(t *testing.T) {
	t.Run("Interrupted", func(t *testing.T) {
		nb := codeNB("sleep 1m", "out after")
		opts := fakeOptions()
		opts.CellTimeout = 200 * time.Millisecond
		opts.KeepGoing = true
		start := time.Now()
		rep, err := Run(context.Background(), nb, opts)
		if err != nil {
			t.Fatal(err)
		}
		if time.Since(start) > 10*time.Second {
			t.Errorf("took %s", time.Since(start))
		}
		if len(rep.Failures) != 1 || rep.Failures[0].Ename != "Timeout" || !strings.Contains(rep.Failures[0].Evalue, "within 200ms (--timeout); it was interrupted") {
			t.Fatalf("failures: %+v", rep.Failures)
		}
		if got := outputs(nb.Cells[0]); !strings.Contains(got, "error:Interrupted:interrupted | error:Timeout:") {
			t.Errorf("outputs: %s", got)
		}
		if got := outputs(nb.Cells[1]); got != `stdout:"after\n"` {
			t.Errorf("next cell: %s", got)
		}
	})
	t.Run("Killed", func(t *testing.T) {
		nb := codeNB("hang 1m", "out after")
		opts := fakeOptions()
		opts.CellTimeout = 200 * time.Millisecond
		opts.KeepGoing = true
		rep, err := Run(context.Background(), nb, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) != 1 || !strings.Contains(rep.Failures[0].Evalue, "killed and restarted") {
			t.Fatalf("failures: %+v", rep.Failures)
		}
		if got := outputs(nb.Cells[1]); got != `stdout:"after\n"` {
			t.Errorf("next cell: %s", got)
		}
	})
	t.Run("Overall", func(t *testing.T) {
		nb := codeNB("out 1", "sleep 1m", "out 3")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		opts := fakeOptions()
		opts.KeepGoing = true // the overall limit stops the run anyway
		rep, err := Run(ctx, nb, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) != 1 || rep.Failures[0].Cell != 1 || rep.Skipped != 1 || !strings.Contains(rep.Failures[0].Evalue, "the run did not finish within its time limit") {
			t.Fatalf("report: %+v %+v", rep, rep.Failures)
		}
	})
}

func TestRun_Cancelled(t *testing.T) {
	nb := codeNB("sleep 1m", "out 2")
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(time.Second, func() { cancel(errors.New("signal: interrupt")) })
	rep, err := Run(ctx, nb, fakeOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) != 1 || rep.Failures[0].Ename != "Stopped" || rep.Failures[0].Evalue != "the run was stopped (signal: interrupt); it was interrupted" {
		t.Fatalf("failures: %+v", rep.Failures)
	}
}

func TestRun_Env(t *testing.T) {
	// The kernel process gets the notebook path and, with NoLedger, the
	// opt-out; in the folder of the notebook.
	dir := t.TempDir()
	for _, noLedger := range []bool{false, true} {
		opts := fakeOptions()
		opts.NoLedger = noLedger
		opts.Path = dir + "/a.ipynb"
		opts.Dir = dir
		opts.Env = append(opts.Env, NoLedgerEnv+"=inherited")
		nb := codeNB("env TANDEM_NOTEBOOK\nenv TANDEM_NO_LEDGER\nenv PWD")
		if _, err := Run(context.Background(), nb, opts); err != nil {
			t.Fatal(err)
		}
		want := "stdout:\"TANDEM_NOTEBOOK=" + dir + "/a.ipynb\\nTANDEM_NO_LEDGER=inherited\\nPWD="
		if noLedger {
			want = "stdout:\"TANDEM_NOTEBOOK=" + dir + "/a.ipynb\\nTANDEM_NO_LEDGER=1\\nPWD="
		}
		if got := outputs(nb.Cells[0]); !strings.HasPrefix(got, want) {
			t.Errorf("NoLedger %v: got %s want %s…", noLedger, got, want)
		}
	}
}

func TestRun_NoKernel(t *testing.T) {
	opts := fakeOptions()
	opts.Argv = []string{"/nonexistent/tandem"}
	_, err := Run(context.Background(), codeNB("out 1"), opts)
	if err == nil || !strings.Contains(err.Error(), "start kernel") {
		t.Errorf("got %v", err)
	}
	// Nothing to run: no kernel is started.
	if _, err := Run(context.Background(), codeNB("", "  "), opts); err != nil {
		t.Errorf("empty notebook: %v", err)
	}
}

func TestRelay(t *testing.T) {
	in := make(chan *jupyter.Message)
	stop := make(chan struct{})
	out := relay(in, stop)
	// The writer never waits for the reader.
	for i := 0; i < 10000; i++ {
		in <- &jupyter.Message{Header: jupyter.Header{MsgID: fmt.Sprint(i)}}
	}
	close(in)
	n := 0
	for m := range out {
		if m.Header.MsgID != fmt.Sprint(n) {
			t.Fatalf("message %d: got %s", n, m.Header.MsgID)
		}
		n++
	}
	if n != 10000 {
		t.Errorf("got %d messages want 10000", n)
	}
	// stop ends a relay nobody reads.
	in2 := make(chan *jupyter.Message, 1)
	in2 <- &jupyter.Message{}
	out2 := relay(in2, stop)
	close(stop)
	time.Sleep(10 * time.Millisecond)
	select {
	case _, ok := <-out2:
		if ok {
			// It may have been delivered before stop was seen; then the
			// channel must close next.
			if _, ok := <-out2; ok {
				t.Error("relay still running after stop")
			}
		}
	case <-time.After(time.Second):
		t.Error("relay did not end after stop")
	}
}
