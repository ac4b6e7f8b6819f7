// Package server is the notebook server: the Jupyter Server REST and
// WebSocket API subset the browser app (and Jupyter client libraries) use,
// token auth, the contents API over a notebook folder, and a kernel manager
// over kernel processes. It never runs user code: kernels are processes
// started through Options.StartKernel (cmd/tandem wires kernel/supervisor).
//
//	s, err := server.New(server.Options{Root: dir, Token: server.NewToken(),
//		Addr: ln.Addr().String(), StartKernel: start, App: frontend.Dist()})
//	http.Serve(ln, s)
//	defer s.Close(ctx) // stops every kernel
//
// # Routes
//
//	GET    /api, /api/status, /api/kernelspecs[/{name}]
//	GET    /api/kernels                  POST /api/kernels {"name", "path"}
//	GET    /api/kernels/{id}             DELETE /api/kernels/{id}
//	POST   /api/kernels/{id}/interrupt   POST /api/kernels/{id}/restart
//	GET    /api/kernels/{id}/channels?session_id=S   (WebSocket)
//	GET    /api/sessions                 POST /api/sessions {"path", "name", "type", "kernel": {"name"|"id"}}
//	GET    /api/sessions/{id}            PATCH, DELETE /api/sessions/{id}
//	GET    /api/contents/{path}?type=&format=&content=0|1
//	PUT    /api/contents/{path}          save {"type", "format", "content"[, "last_modified"]}
//	POST   /api/contents/{dir}           new untitled {"type", "ext"} or copy {"copy_from"}
//	PATCH  /api/contents/{path}          rename {"path"}
//	DELETE /api/contents/{path}
//	GET, POST /api/contents/{path}/checkpoints; POST, DELETE .../checkpoints/checkpoint
//	GET    /, /tree/{path}, /notebooks/{path}   the app's index.html
//	GET    /static/{path}                       the app's assets
//
// # Sessions and kernels
//
// One kernel per notebook path: POST /api/sessions for a path that already
// has a session answers that session (201, like Jupyter), so a second tab
// shares the first tab's kernel. Every connection on a kernel sees all its
// iopub messages; a reply (shell, control, stdin) goes to the connection
// that sent the request (matched by the parent's msg_id). More than
// Options.MaxKernels kernels: 503, reason "too_many_kernels". Idle culling
// (Options.CullIdle, off by default) spares kernels with a connection open
// or with unsaved work (UnsavedWork).
//
// Lifecycle messages on iopub, sent by the server: status "restarting",
// "starting", "idle" around POST .../restart, "dead" at shutdown. When a
// kernel loses its state on its own (a crash and automatic restart),
// kernel/supervisor itself answers each request in flight with an error
// reply (ename "KernelDied", or "KernelRestarted" after an interrupt
// escalation), puts an error in the running cell saying plainly that the
// state is lost (a stderr stream when nothing runs) and publishes status
// "restarting" / "dead"; the server routes those like any kernel message.
// A Kernel that reports KernelEvent{LostState: true} instead gets the same
// treatment from the server (ename "KernelRestarted").
//
// # Contents
//
// Types: directories, "notebook" for .ipynb and for .go percent scripts
// (kernel/notebook converts both ways; a script keeps no outputs), "file"
// for the rest (text or base64). A .go file is a percent script only when
// it has a "// %%" cell marker (notebook.HasCellMarker); other .go files,
// such as tests beside the notebooks, are Go source: type "file", and a
// notebook save over one is refused unless forced. GET a .go script with
// ?type=file for its raw text. Hidden names (starting with "."), including .tandem/, are neither
// listed nor served. Saves are atomic: a temp file in the same folder,
// fsync, rename, fsync of the folder.
//
// Errors are JSON {"message", "reason"}. A notebook that cannot be read
// answers 400, reason "corrupt", with a message naming the cell and field
// (or line and column); one over Options.MaxFileSize answers 413, reason
// "too_large". Neither is ever replaced by an empty notebook: a PUT without
// content is refused (400, "no_content"), and a PUT over an unreadable
// notebook is a conflict unless forced.
//
// # Tandem additions to the Jupyter API
//
//   - Save conflicts: a PUT body may carry "last_modified" (what the client
//     got from its last GET or PUT). When the file on disk has another
//     modification time (compared at the precision the client sent,
//     microseconds normally), or was deleted, the answer is 409
//     {"reason": "conflict"} and nothing is written. ?force=1 skips the
//     check. last_modified values are RFC 3339 UTC with microseconds.
//   - Refused WebSocket frames (not JSON, no msg_id/msg_type, a channel
//     other than shell/control/stdin, binary, over WebSocketOptions.MaxMessage)
//     get a message on channel "iopub" with msg_type "tandem_error",
//     parent_header the refused request when it could be read, content
//     {"reason", "message"}; the connection stays open.
//   - Like Jupyter Server, messages to clients carry top-level "msg_id"
//     and "msg_type" (copies of the header's) besides "channel", and a
//     client message without "channel" goes to shell.
//   - /static/sandbox/ is served with a CSP allowing inline scripts but no
//     connections, for the sandboxed output iframes, if the app ships any
//     there. Every other response carries the app CSP (script-src 'self').
//
// # Security
//
// Every request passes, in order: the Host allowlist (localhost, 127.0.0.1,
// ::1 and the bound address, at the bound port; else 403, DNS rebinding),
// the exact Origin allowlist when an Origin header is present (scheme, host
// and port; "null", file:// and look-alikes get 403), canonical paths (.,
// .., empty segments, NUL, backslash, also %-encoded: 400), then the token:
// "Authorization: token T" (or Bearer), ?token=T, or the cookie. A valid
// ?token= sets an HttpOnly, SameSite=Strict cookie (named per port, valid
// CookieLifetime, signed with Options.CookieSecret so that it survives a
// restart) and, for pages, redirects to the URL without it. Without any:
// 401 (before any WebSocket upgrade), except GET of /static/ assets, which
// are public code (the sandboxed output frames load from there). Cookie-authenticated requests that change state, and
// WebSockets, must carry an allowed Origin. Tokens are compared in constant
// time, and never logged (only method, path and status are) nor echoed.
package server
