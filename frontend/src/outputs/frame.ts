// Rich HTML and JavaScript outputs run only inside <iframe sandbox="allow-scripts">
// (never allow-same-origin): an opaque origin that cannot read the app's
// cookies, storage or DOM, and whose requests carry Origin: null.

/** FRAME_URL is the sandbox document; the server gives /static/sandbox/ its own CSP. */
export const FRAME_URL = "/static/sandbox/frame.html";

const frames = new Map<HTMLIFrameElement, string>();
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  window.addEventListener("message", (e: MessageEvent) => {
    const d = e.data as { tandemFrameHeight?: unknown; tandemFrameReady?: unknown } | null;
    if (!d || typeof d !== "object") return;
    for (const [f, doc] of frames) {
      if (!f.isConnected) {
        frames.delete(f);
        continue;
      }
      if (f.contentWindow !== e.source) continue;
      if (d.tandemFrameReady === true) {
        // The frame (re)loaded: give it its document. Its origin is opaque, hence "*".
        f.contentWindow?.postMessage({ tandemRender: doc }, "*");
      } else if (typeof d.tandemFrameHeight === "number" && Number.isFinite(d.tandemFrameHeight)) {
        f.style.height = Math.min(Math.max(Math.ceil(d.tandemFrameHeight), 24), 4000) + "px";
      }
    }
  });
}

// The frame reports its height so the output needs no scrollbar, and takes
// a new document from the app for update_display_data (no reload, no flicker).
const frameScript = `<script>(function(){var last=0;function post(){var h=Math.max(document.documentElement.scrollHeight,document.body?document.body.scrollHeight:0);if(h!==last){last=h;parent.postMessage({tandemFrameHeight:h},"*");}}
if(typeof ResizeObserver!=="undefined"){new ResizeObserver(post).observe(document.documentElement);}window.addEventListener("load",post);setTimeout(post,0);setTimeout(post,300);
window.addEventListener("message",function(e){if(e.source!==parent||!e.data||typeof e.data.tandemRender!=="string")return;document.open();document.write(e.data.tandemRender);document.close();});})();<\/script>`;

/** frameDocument wraps an HTML fragment (or a script) into the frame's document. */
export function frameDocument(body: string, dark: boolean): string {
  const fg = dark ? "#e6e6e6" : "#1f2328";
  return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>
:root{color-scheme:${dark ? "dark" : "light"}}body{margin:0;padding:2px 0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:${fg};background:transparent;overflow-x:auto}
table{border-collapse:collapse}th,td{border:1px solid rgba(128,128,128,.35);padding:3px 8px;text-align:right}th{background:rgba(128,128,128,.12)}img,svg{max-width:100%}
</style></head><body>${body}${frameScript}</body></html>`;
}

/** sandboxedFrame returns an iframe that renders html with scripts but no same-origin access. */
export function sandboxedFrame(html: string, title: string): HTMLIFrameElement {
  listen();
  const f = document.createElement("iframe");
  f.setAttribute("sandbox", "allow-scripts");
  f.setAttribute("title", title);
  f.setAttribute("referrerpolicy", "no-referrer");
  f.className = "output-frame";
  f.style.height = "40px";
  frames.set(f, frameDocument(html, document.documentElement.dataset.theme === "dark"));
  f.src = FRAME_URL;
  return f;
}

/**
 * updateFrame shows new HTML in an existing output frame (update_display_data),
 * keeping the element: the frame rewrites its document in place.
 */
export function updateFrame(f: HTMLIFrameElement, html: string): void {
  const doc = frameDocument(html, document.documentElement.dataset.theme === "dark");
  frames.set(f, doc);
  f.contentWindow?.postMessage({ tandemRender: doc }, "*");
}
