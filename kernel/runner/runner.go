package runner

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"tandem.dev/tandem/kernel/jupyter"
	"tandem.dev/tandem/kernel/notebook"
	"tandem.dev/tandem/kernel/supervisor"
)

// NoLedgerEnv is the environment variable Options.NoLedger sets to "1" in
// the kernel's environment: the kernel must not replay (or write) the
// workspace's .tandem/ ledger.
const NoLedgerEnv = "TANDEM_NO_LEDGER"

// NotebookEnv is set in the kernel's environment to the absolute path of
// the notebook being run (empty for an in-memory notebook).
const NotebookEnv = "TANDEM_NOTEBOOK"

// DefaultInterruptGrace is how long a timed-out cell gets to stop after its
// interrupt before the kernel is killed and restarted.
const DefaultInterruptGrace = 3 * time.Second

// ErrKernelGone is returned (wrapped) when the kernel stopped answering and
// the run could not go on.
var ErrKernelGone = errors.New("kernel stopped answering")

// Options configure a run.
type Options struct {
	// Argv is the kernel command (nil: this executable with
	// "kernel --stdio", as kernel/supervisor does).
	Argv []string
	// Env is the kernel's environment (nil: this process's). NoLedgerEnv
	// and NotebookEnv are added to it.
	Env []string
	// Dir is the kernel's working directory, the notebook's folder ("":
	// this one's). The kernel finds the workspace ledger (.tandem/) there.
	Dir string
	// Path is the notebook's path, passed to the kernel as NotebookEnv.
	Path string
	// NoLedger asks the kernel not to replay the workspace ledger.
	NoLedger bool
	// CellTimeout bounds each cell (0: no limit).
	CellTimeout time.Duration
	// InterruptGrace is how long an interrupted cell gets before the
	// kernel is killed (0: DefaultInterruptGrace).
	InterruptGrace time.Duration
	// KeepGoing runs the remaining cells after a failure.
	KeepGoing bool
	// Progress, if not nil, is called after each cell.
	Progress func(Progress)
	// Output, if not nil, receives each output as it arrives (an nbformat
	// output: stream, display_data, execute_result or error), with the
	// index of its cell in the notebook.
	Output func(cell int, out map[string]any)
	// Log receives the kernel's stderr and life-cycle events (nil: discarded).
	Log *slog.Logger
}

// Progress reports a finished cell.
type Progress struct {
	K, N    int           // the cell is the K-th of the N code cells run (1-based)
	Cell    int           // index of the cell in the notebook (0-based)
	Elapsed time.Duration // this cell's run time
	Total   time.Duration // since the run started
	Failure *Failure      // nil when the cell succeeded; Failure.Expected for a cell tagged RaisesExceptionTag
}

// RaisesExceptionTag is the cell tag (metadata.tags) of a cell expected to
// fail, as in nbclient and papermill: its error is recorded in its outputs
// and in Report.Expected, and the run goes on. A timeout, a stop or a
// kernel that died is still a failure in such a cell.
const RaisesExceptionTag = "raises-exception"

// Failure is a cell that failed.
type Failure struct {
	Cell      int    // index of the cell in the notebook (0-based)
	K         int    // the cell is the K-th code cell run (1-based)
	Line      int    // 1-based line in the cell where it failed; 0 if unknown
	Col       int    // 1-based column in bytes; 0 if unknown
	Ename     string // CompileError, Panic, Interrupted, KernelDied, Timeout, Stopped (context cancelled), …
	Evalue    string // the message
	Traceback []string
	Expected  bool // the cell is tagged RaisesExceptionTag and failed as it should
}

func (f *Failure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cell %d", f.Cell+1)
	if f.Line > 0 {
		fmt.Fprintf(&b, ", line %d", f.Line)
	}
	fmt.Fprintf(&b, ": %s: %s", f.Ename, f.Evalue)
	return b.String()
}

// Report is the outcome of a run.
type Report struct {
	Ran      int        // code cells executed
	Skipped  int        // code cells not run after a failure
	Failures []*Failure // in order; empty when every cell succeeded (or failed as expected)
	Expected []*Failure // failures of cells tagged RaisesExceptionTag, which do not stop the run
	Elapsed  time.Duration
}

// Run executes every non-empty code cell of nb in a fresh kernel and
// stores their outputs and execution counts in nb (earlier outputs are
// cleared; cells not run keep none). It stops at the first failure unless
// Options.KeepGoing; a cell tagged RaisesExceptionTag that fails is
// expected to, and the run goes on (Report.Expected). The returned error is for a run that could not start
// or go on (the kernel would not start or stopped answering); failing cells
// are in the report. When ctx ends, the running cell is interrupted and
// the run stops with a failure of kind "Timeout" whose message gives the
// context's cause unless it is context.DeadlineExceeded.
func Run(ctx context.Context, nb *notebook.Notebook, opts Options) (*Report, error) {
	start := time.Now()
	if opts.InterruptGrace <= 0 {
		opts.InterruptGrace = DefaultInterruptGrace
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	env = setEnv(env, NotebookEnv, opts.Path)
	if opts.NoLedger {
		env = setEnv(env, NoLedgerEnv, "1")
	}
	var todo []int
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		c.Outputs = nil
		c.ExecutionCount = nil
		if strings.TrimSpace(c.Source) != "" {
			todo = append(todo, i)
		}
	}
	rep := &Report{}
	if len(todo) == 0 {
		return rep, nil
	}
	startCtx, cancel := context.WithTimeout(ctx, supervisor.DefaultStartTimeout)
	k, err := supervisor.Start(startCtx, supervisor.Options{Argv: opts.Argv, Env: env, Dir: opts.Dir,
		InterruptGrace: opts.InterruptGrace, Log: log})
	cancel()
	if err != nil {
		return rep, err
	}
	defer func() {
		sctx, c := context.WithTimeout(context.Background(), 2*time.Second)
		defer c()
		_ = k.Shutdown(sctx)
	}()
	sub, unsub := k.Subscribe()
	defer unsub()
	stop := make(chan struct{})
	defer close(stop)
	msgs := relay(sub, stop)
	r := &run{nb: nb, k: k, msgs: msgs, opts: opts, displays: map[string][]displayRef{}, widgets: map[string]map[string]any{}, cellOf: map[string]int{}}
	for n, ci := range todo {
		cellStart := time.Now()
		f, err := r.execute(ctx, ci)
		if err != nil {
			rep.Ran = n
			rep.Skipped = len(todo) - n
			rep.Elapsed = time.Since(start)
			r.saveWidgets()
			return rep, err
		}
		rep.Ran = n + 1
		if f != nil {
			f.K = n + 1
			f.Expected = expectedFailure(nb.Cells[ci], f)
			if f.Expected {
				rep.Expected = append(rep.Expected, f)
			} else {
				rep.Failures = append(rep.Failures, f)
			}
		}
		if opts.Progress != nil {
			opts.Progress(Progress{K: n + 1, N: len(todo), Cell: ci, Elapsed: time.Since(cellStart), Total: time.Since(start), Failure: f})
		}
		if f != nil && (!f.Expected && !opts.KeepGoing || ctx.Err() != nil) {
			rep.Skipped = len(todo) - n - 1
			break
		}
	}
	r.saveWidgets()
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// expectedFailure reports whether f is the error that cell c, tagged
// RaisesExceptionTag, is meant to raise. Like nbclient, which still raises
// CellTimeoutError and DeadKernelError for such a cell, a timeout, a
// stopped run or a dead kernel is not.
func expectedFailure(c *notebook.Cell, f *Failure) bool {
	if !hasTag(c, RaisesExceptionTag) {
		return false
	}
	switch f.Ename {
	case "Timeout", "Stopped", "KernelDied", "KernelRestarted", "Aborted":
		return false
	}
	return true
}

// relay passes on what in receives, buffering without bound: the
// supervisor drops a subscriber that falls SubscriberBuffer messages
// behind, and printing outputs to a slow terminal must not cost the run.
// The returned channel closes after in does; the relay ends when stop
// closes.
func relay(in <-chan *jupyter.Message, stop <-chan struct{}) <-chan *jupyter.Message {
	out := make(chan *jupyter.Message)
	go func() {
		defer close(out)
		var q []*jupyter.Message
		for {
			if len(q) == 0 {
				select {
				case m, ok := <-in:
					if !ok {
						return
					}
					q = append(q, m)
				case <-stop:
					return
				}
				continue
			}
			select {
			case m, ok := <-in:
				if !ok {
					for _, m := range q {
						select {
						case out <- m:
						case <-stop:
							return
						}
					}
					return
				}
				q = append(q, m)
			case out <- q[0]:
				q[0] = nil
				q = q[1:]
			case <-stop:
				return
			}
		}
	}()
	return out
}

func setEnv(env []string, key, val string) []string {
	out := make([]string, 0, len(env)+1)
	for _, e := range env {
		if !strings.HasPrefix(e, key+"=") {
			out = append(out, e)
		}
	}
	return append(out, key+"="+val)
}

// run is the state of one run.
type run struct {
	nb       *notebook.Notebook
	k        *supervisor.Kernel
	msgs     <-chan *jupyter.Message
	opts     Options
	displays map[string][]displayRef   // display_id → outputs showing it
	widgets  map[string]map[string]any // comm_id → widget model (state snapshot)
	cellOf   map[string]int            // msg_id of an execute_request → its cell
}

type displayRef struct{ cell, out int }

// execute runs cell ci and returns its failure (nil on success); the error
// is for a kernel that stopped answering.
func (r *run) execute(ctx context.Context, ci int) (*Failure, error) {
	c := r.nb.Cells[ci]
	req, err := jupyter.NewMessage(jupyter.Shell, "execute_request", nil, r.k.Session()+"-run", jupyter.ExecuteRequest{Code: c.Source})
	if err != nil {
		return nil, err
	}
	if err := r.k.Send(req); err != nil {
		return nil, fmt.Errorf("run cell %d: %w", ci+1, err)
	}
	id := req.Header.MsgID
	r.cellOf[id] = ci
	var (
		timeout   <-chan time.Time
		timedOut  string // why the cell was interrupted, "" if it was not
		stopKind  = "Timeout"
		deadline  <-chan time.Time
		gotReply  bool
		gotIdle   bool
		reply     jupyter.ExecuteReply
		clearWait bool
	)
	if r.opts.CellTimeout > 0 {
		t := time.NewTimer(r.opts.CellTimeout)
		defer t.Stop()
		timeout = t.C
	}
	done := ctx.Done()
	interrupt := func(why string) {
		timedOut = why
		timeout, done = nil, nil
		r.k.Interrupt()
		// The supervisor restarts a kernel stuck past the grace period
		// and answers the request; this is the last resort.
		t := time.NewTimer(r.opts.InterruptGrace + supervisor.DefaultStartTimeout)
		deadline = t.C
	}
	for !(gotReply && gotIdle) {
		select {
		case <-timeout:
			interrupt(fmt.Sprintf("the cell did not finish within %s (--timeout)", r.opts.CellTimeout))
			continue
		case <-done:
			why := "the run did not finish within its time limit"
			if cause := context.Cause(ctx); !errors.Is(cause, context.DeadlineExceeded) {
				why = "the run was stopped (" + cause.Error() + ")"
				stopKind = "Stopped"
			}
			interrupt(why)
			continue
		case <-deadline:
			return nil, fmt.Errorf("run cell %d: %w after an interrupt", ci+1, ErrKernelGone)
		case m, ok := <-r.msgs:
			if !ok {
				return nil, fmt.Errorf("run cell %d: %w", ci+1, ErrKernelGone)
			}
			if m.Channel == jupyter.IOPub && strings.HasPrefix(m.Header.MsgType, "comm_") {
				r.comm(m)
				continue
			}
			if m.ParentID() != id {
				// Output of a goroutine an earlier cell started goes to
				// that cell, as in Jupyter.
				if prev, ok := r.cellOf[m.ParentID()]; ok && m.Channel == jupyter.IOPub {
					var cw bool
					r.output(prev, m, &cw)
				}
				continue
			}
			if m.Channel == jupyter.Shell && m.Header.MsgType == "execute_reply" {
				gotReply = true
				_ = m.DecodeContent(&reply)
				continue
			}
			if m.Channel == jupyter.IOPub && m.Header.MsgType == "status" {
				var st jupyter.Status
				_ = m.DecodeContent(&st)
				if st.ExecutionState == "idle" {
					gotIdle = true
				}
				continue
			}
			if m.Channel == jupyter.IOPub {
				r.output(ci, m, &clearWait)
			}
		}
	}
	if reply.ExecutionCount > 0 {
		n := reply.ExecutionCount
		c.ExecutionCount = &n
	}
	if reply.Status == "ok" && timedOut == "" {
		return nil, nil
	}
	f := &Failure{Cell: ci, Ename: reply.Ename, Evalue: reply.Evalue, Traceback: reply.Traceback}
	if timedOut != "" {
		f.Ename = stopKind
		msg := timedOut
		switch reply.Ename {
		case "":
		case "KernelRestarted", "KernelDied":
			msg += "; it was interrupted but did not stop, so the kernel was killed and restarted (its state is lost)"
		case "Interrupted":
			msg += "; it was interrupted"
		default:
			msg += " (" + reply.Ename + ": " + firstLine(reply.Evalue) + ")"
		}
		f.Evalue = msg
		r.addOutput(ci, map[string]any{"output_type": "error", "ename": stopKind, "evalue": msg, "traceback": []any{stopKind + ": " + msg}})
	}
	if f.Ename == "" {
		f.Ename = "Error"
		if reply.Status == "aborted" {
			f.Ename, f.Evalue = "Aborted", "the kernel aborted the cell"
		}
	}
	f.Line, f.Col = errorPlace(reply.Traceback, reply.ExecutionCount)
	return f, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// atRe matches the place line of a kernel traceback (kernel/host.ExecError):
// "  at cell [2], line 4:9".
var atRe = regexp.MustCompile(`^\s*at (?:cell \[(\d+)\], )?line (\d+)(?::(\d+))?`)

// errorPlace finds the line (and column) in cell count of an error.
func errorPlace(tb []string, count int) (line, col int) {
	for _, l := range tb {
		m := atRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if m[1] != "" && count > 0 {
			if c, _ := strconv.Atoi(m[1]); c != count {
				continue
			}
		}
		line, _ = strconv.Atoi(m[2])
		col, _ = strconv.Atoi(m[3])
		return line, col
	}
	return 0, 0
}

// output turns an iopub message into an nbformat output of cell ci.
func (r *run) output(ci int, m *jupyter.Message, clearWait *bool) {
	switch m.Header.MsgType {
	case "stream":
		var s jupyter.Stream
		if m.DecodeContent(&s) != nil {
			return
		}
		r.addOutputWait(ci, map[string]any{"output_type": "stream", "name": s.Name, "text": s.Text}, clearWait)
	case "display_data":
		var d jupyter.DisplayData
		if m.DecodeContent(&d) != nil {
			return
		}
		o := map[string]any{"output_type": "display_data", "data": orEmpty(d.Data), "metadata": orEmpty(d.Metadata)}
		r.addOutputWait(ci, o, clearWait)
		if d.Transient != nil && d.Transient.DisplayID != "" {
			c := r.nb.Cells[ci]
			r.displays[d.Transient.DisplayID] = append(r.displays[d.Transient.DisplayID], displayRef{ci, len(c.Outputs) - 1})
		}
	case "update_display_data":
		var d jupyter.DisplayData
		if m.DecodeContent(&d) != nil || d.Transient == nil {
			return
		}
		for _, ref := range r.displays[d.Transient.DisplayID] {
			outs := r.nb.Cells[ref.cell].Outputs
			if ref.out < len(outs) {
				outs[ref.out]["data"] = orEmpty(d.Data)
				outs[ref.out]["metadata"] = orEmpty(d.Metadata)
			}
		}
	case "execute_result":
		var d jupyter.ExecuteResult
		if m.DecodeContent(&d) != nil {
			return
		}
		r.addOutputWait(ci, map[string]any{"output_type": "execute_result", "execution_count": d.ExecutionCount,
			"data": orEmpty(d.Data), "metadata": orEmpty(d.Metadata)}, clearWait)
	case "error":
		var e jupyter.ErrorContent
		if m.DecodeContent(&e) != nil {
			return
		}
		tb := make([]any, len(e.Traceback))
		for i, l := range e.Traceback {
			tb[i] = l
		}
		r.addOutputWait(ci, map[string]any{"output_type": "error", "ename": e.Ename, "evalue": e.Evalue, "traceback": tb}, clearWait)
	case "clear_output":
		var c struct {
			Wait bool `json:"wait"`
		}
		_ = m.DecodeContent(&c)
		if c.Wait {
			*clearWait = true
		} else {
			r.clear(ci)
		}
	}
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func (r *run) clear(ci int) {
	r.nb.Cells[ci].Outputs = nil
	for id, refs := range r.displays {
		kept := refs[:0]
		for _, ref := range refs {
			if ref.cell != ci {
				kept = append(kept, ref)
			}
		}
		r.displays[id] = kept
	}
}

func (r *run) addOutputWait(ci int, o map[string]any, clearWait *bool) {
	if *clearWait {
		*clearWait = false
		r.clear(ci)
	}
	r.addOutput(ci, o)
}

// addOutput appends o to cell ci, merging a stream into the stream before
// it (as Jupyter does).
func (r *run) addOutput(ci int, o map[string]any) {
	c := r.nb.Cells[ci]
	if r.opts.Output != nil {
		r.opts.Output(ci, o)
	}
	if o["output_type"] == "stream" && len(c.Outputs) > 0 {
		last := c.Outputs[len(c.Outputs)-1]
		if last["output_type"] == "stream" && last["name"] == o["name"] {
			last["text"] = last["text"].(string) + o["text"].(string)
			return
		}
	}
	c.Outputs = append(c.Outputs, o)
}

// comm records widget models (Jupyter widget protocol 2.1) for the
// notebook's static widget-state snapshot.
func (r *run) comm(m *jupyter.Message) {
	switch m.Header.MsgType {
	case "comm_open":
		var c jupyter.CommOpen
		if m.DecodeContent(&c) != nil || c.TargetName != "jupyter.widget" {
			return
		}
		st, _ := c.Data["state"].(map[string]any)
		state := map[string]any{}
		for k, v := range st {
			state[k] = v
		}
		applyBuffers(state, c.Data["buffer_paths"], m.Buffers)
		r.widgets[c.CommID] = state
	case "comm_msg":
		var c jupyter.CommMsg
		if m.DecodeContent(&c) != nil {
			return
		}
		state, ok := r.widgets[c.CommID]
		if !ok {
			return
		}
		if method, _ := c.Data["method"].(string); method != "update" && method != "echo_update" {
			return
		}
		st, _ := c.Data["state"].(map[string]any)
		for k, v := range st {
			state[k] = v
		}
		applyBuffers(state, c.Data["buffer_paths"], m.Buffers)
	case "comm_close":
		var c jupyter.CommMsg
		if m.DecodeContent(&c) == nil {
			delete(r.widgets, c.CommID)
		}
	}
}

// applyBuffers stores binary buffers in the state at their paths, as
// {"buffer": base64} placeholders resolved by saveWidgets.
func applyBuffers(state map[string]any, paths any, bufs [][]byte) {
	ps, _ := paths.([]any)
	for i, p := range ps {
		if i >= len(bufs) {
			return
		}
		path, _ := p.([]any)
		if len(path) == 0 {
			continue
		}
		key := make([]string, len(path))
		for j, s := range path {
			key[j] = fmt.Sprint(s)
		}
		bl, _ := state["\x00buffers"].(map[string][]byte)
		if bl == nil {
			bl = map[string][]byte{}
			state["\x00buffers"] = bl
		}
		b, _ := json.Marshal(key)
		bl[string(b)] = bufs[i]
	}
}

// saveWidgets writes the widget models into the notebook metadata as
// "application/vnd.jupyter.widget-state+json" (nbformat's widgets field).
func (r *run) saveWidgets() {
	if len(r.widgets) == 0 {
		return
	}
	state := map[string]any{}
	for id, st := range r.widgets {
		model := map[string]any{}
		for k, v := range st {
			if k != "\x00buffers" {
				model[k] = v
			}
		}
		entry := map[string]any{
			"model_name":           st["_model_name"],
			"model_module":         st["_model_module"],
			"model_module_version": st["_model_module_version"],
			"state":                model,
		}
		if bl, ok := st["\x00buffers"].(map[string][]byte); ok {
			var bufs []any
			for p, data := range bl {
				var path []any
				_ = json.Unmarshal([]byte(p), &path)
				bufs = append(bufs, map[string]any{"path": path, "encoding": "base64", "data": base64.StdEncoding.EncodeToString(data)})
			}
			entry["buffers"] = bufs
		}
		state[id] = entry
	}
	if r.nb.Metadata == nil {
		r.nb.Metadata = map[string]any{}
	}
	r.nb.Metadata["widgets"] = map[string]any{
		"application/vnd.jupyter.widget-state+json": map[string]any{"version_major": 2, "version_minor": 0, "state": state},
	}
}
