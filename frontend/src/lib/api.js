// The JSON API is the contract; the server authorizes every request. Writes carry the session's CSRF token.
// Every error body is {zh, en} (with field), or {zh, en, errors: [{zh, en, location}]} where there are several.

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? "";

export class ApiError extends Error {
  constructor(status, body) {
    const zh = body?.zh ?? "请求未能完成";
    const en = body?.en ?? "the request could not be completed";
    super(`${zh} / ${en}`);
    this.status = status;
    this.zh = zh;
    this.en = en;
    this.field = body?.field ?? null;
    this.errors = Array.isArray(body?.errors) ? body.errors : [];
    this.body = body ?? {};
  }
}

async function request(method, url, body, { headers = {}, signal } = {}) {
  const opts = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin", signal };
  if (method !== "GET") opts.headers["X-CSRF-Token"] = meta("csrf-token");
  if (body instanceof FormData) opts.body = body;
  else if (body !== undefined) {
    opts.body = JSON.stringify(body);
    opts.headers["Content-Type"] = "application/json";
  }
  const r = await fetch(url, opts);
  if (r.status === 401) {
    window.location.assign("/login");
    throw new ApiError(401, { zh: "请先登录", en: "please sign in" });
  }
  const json = (r.headers.get("content-type") ?? "").includes("json");
  const data = json ? await r.json() : r.status === 204 ? null : await r.text();
  if (!r.ok) throw new ApiError(r.status, json ? data : null);
  return { status: r.status, data, headers: r.headers };
}

export const api = {
  async get(url, opts) {
    return (await request("GET", url, undefined, opts)).data;
  },
  async post(url, body, opts) {
    return (await request("POST", url, body ?? {}, opts)).data;
  },
  async put(url, body, opts) {
    return (await request("PUT", url, body ?? {}, opts)).data;
  },
  /** The whole answer: the status (202 for an ask that waits for a second person), the body and the headers. */
  request,
  /** A file (`file`) or a text (`content`) with its file name, as the plan endpoints take them. */
  async upload(url, { file, content, filename }) {
    const form = new FormData();
    if (file) form.append("file", file, filename ?? file.name);
    else {
      form.append("content", content);
      form.append("filename", filename);
    }
    return (await request("POST", url, form)).data;
  },
  csrf: () => meta("csrf-token"),
};

/** Server-sent events with reconnection left to the browser; returns a function that closes the stream. */
export function listen(url, event, onData) {
  const source = new EventSource(url, { withCredentials: true });
  source.addEventListener(event, (e) => onData(JSON.parse(e.data)));
  return () => source.close();
}
