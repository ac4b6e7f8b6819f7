package jupyter

// Typed contents of the messages a kernel handles (Jupyter messaging 5.3).
// Positions (CursorPos, CursorStart, CursorEnd) are in UTF-16 code units, as
// the protocol has said since 5.2 and as CodeMirror counts.

// KernelInfoReply is the content of kernel_info_reply.
type KernelInfoReply struct {
	Status                string       `json:"status"`
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          LanguageInfo `json:"language_info"`
	Banner                string       `json:"banner"`
	Debugger              bool         `json:"debugger"`
	HelpLinks             []HelpLink   `json:"help_links"`
}

// LanguageInfo describes the kernel's language.
type LanguageInfo struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	Mimetype          string `json:"mimetype"`
	FileExtension     string `json:"file_extension"`
	PygmentsLexer     string `json:"pygments_lexer"`
	CodemirrorMode    string `json:"codemirror_mode"`
	NbconvertExporter string `json:"nbconvert_exporter,omitempty"`
}

// HelpLink is one entry of the kernel's help menu.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// ExecuteRequest is the content of execute_request.
type ExecuteRequest struct {
	Code            string         `json:"code"`
	Silent          bool           `json:"silent"`
	StoreHistory    *bool          `json:"store_history,omitempty"` // nil means true
	UserExpressions map[string]any `json:"user_expressions,omitempty"`
	AllowStdin      bool           `json:"allow_stdin"`
	StopOnError     *bool          `json:"stop_on_error,omitempty"` // nil means true
}

// ExecuteReply is the content of execute_reply. Ename, Evalue and Traceback
// are set when Status is "error".
type ExecuteReply struct {
	Status          string         `json:"status"` // "ok", "error" or "aborted"
	ExecutionCount  int            `json:"execution_count"`
	UserExpressions map[string]any `json:"user_expressions,omitempty"`
	Payload         []any          `json:"payload,omitempty"`
	Ename           string         `json:"ename,omitempty"`
	Evalue          string         `json:"evalue,omitempty"`
	Traceback       []string       `json:"traceback,omitempty"`
}

// ExecuteInput is the content of execute_input (iopub).
type ExecuteInput struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

// Stream is the content of stream (iopub).
type Stream struct {
	Name string `json:"name"` // "stdout" or "stderr"
	Text string `json:"text"`
}

// DisplayData is the content of display_data and update_display_data.
type DisplayData struct {
	Data      map[string]any `json:"data"`
	Metadata  map[string]any `json:"metadata"`
	Transient *Transient     `json:"transient,omitempty"`
}

// Transient holds the display id of a display_data or update_display_data.
type Transient struct {
	DisplayID string `json:"display_id,omitempty"`
}

// ExecuteResult is the content of execute_result.
type ExecuteResult struct {
	ExecutionCount int            `json:"execution_count"`
	Data           map[string]any `json:"data"`
	Metadata       map[string]any `json:"metadata"`
}

// ErrorContent is the content of error (iopub) and the error fields of
// replies.
type ErrorContent struct {
	Status    string   `json:"status,omitempty"` // "error" in replies, empty on iopub
	Ename     string   `json:"ename"`
	Evalue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// Status is the content of status (iopub).
type Status struct {
	ExecutionState string `json:"execution_state"` // busy, idle, starting, restarting, dead
}

// CompleteRequest is the content of complete_request.
type CompleteRequest struct {
	Code      string `json:"code"`
	CursorPos int    `json:"cursor_pos"` // UTF-16 code units
}

// CompleteReply is the content of complete_reply.
type CompleteReply struct {
	Status      string         `json:"status"`
	Matches     []string       `json:"matches"`
	CursorStart int            `json:"cursor_start"` // UTF-16 code units
	CursorEnd   int            `json:"cursor_end"`   // UTF-16 code units
	Metadata    map[string]any `json:"metadata"`
}

// InspectRequest is the content of inspect_request.
type InspectRequest struct {
	Code        string `json:"code"`
	CursorPos   int    `json:"cursor_pos"` // UTF-16 code units
	DetailLevel int    `json:"detail_level"`
}

// InspectReply is the content of inspect_reply.
type InspectReply struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

// IsCompleteRequest is the content of is_complete_request.
type IsCompleteRequest struct {
	Code string `json:"code"`
}

// IsCompleteReply is the content of is_complete_reply.
type IsCompleteReply struct {
	Status string `json:"status"` // complete, incomplete, invalid, unknown
	Indent string `json:"indent,omitempty"`
}

// ShutdownRequest is the content of shutdown_request (and its reply, with
// Status set).
type ShutdownRequest struct {
	Status  string `json:"status,omitempty"`
	Restart bool   `json:"restart"`
}

// CommInfoRequest is the content of comm_info_request.
type CommInfoRequest struct {
	TargetName string `json:"target_name,omitempty"`
}

// CommInfoReply is the content of comm_info_reply.
type CommInfoReply struct {
	Status string              `json:"status"`
	Comms  map[string]CommInfo `json:"comms"`
}

// CommInfo describes one open comm.
type CommInfo struct {
	TargetName string `json:"target_name"`
}

// CommOpen is the content of comm_open.
type CommOpen struct {
	CommID       string         `json:"comm_id"`
	TargetName   string         `json:"target_name"`
	TargetModule string         `json:"target_module,omitempty"`
	Data         map[string]any `json:"data"`
}

// CommMsg is the content of comm_msg and comm_close.
type CommMsg struct {
	CommID string         `json:"comm_id"`
	Data   map[string]any `json:"data"`
}

// HistoryReply is the content of history_reply.
type HistoryReply struct {
	Status  string `json:"status"`
	History []any  `json:"history"`
}

// StatusOK is the content of replies that carry only a status.
type StatusOK struct {
	Status string `json:"status"`
}
