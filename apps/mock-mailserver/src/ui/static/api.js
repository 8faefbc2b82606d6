// Every HTTP call the page makes, in one place.

const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;

async function check(res) {
  if (res.ok) return res;
  let detail = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    detail = body.errors?.length
      ? body.errors.map((e) => `${e.path || 'rule'}: ${e.message}`).join('; ')
      : body.detail;
  } catch {}
  throw new Error(detail);
}

const getJson = async (path) => (await check(await fetch(path))).json();
const send = async (method, path, body) =>
  (
    await check(
      await fetch(path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    )
  ).text();

const selection = ({ search, to }, extra = {}) => new URLSearchParams({ search, to, tz, ...extra });

export const api = {
  /**
   * One window of a selection's rows. With `mark`, marks `list-data` when the answer's bytes
   * are in, so the bench can time parse + first paint from there.
   */
  async list(sel, start, limit, mark = false) {
    const res = await check(await fetch(`/api/ui/messages?${selection(sel, { start, limit })}`));
    const body = await res.text();
    if (mark) performance.mark('list-data');
    return JSON.parse(body);
  },
  deleteShown: async (sel) => JSON.parse(await send('DELETE', `/api/ui/messages?${selection(sel)}`)),
  message: (id) => getJson(`/api/messages/${encodeURIComponent(id)}`),
  codes: (id) => getJson(`/api/messages/${encodeURIComponent(id)}/codes`),
  raw: async (id) => (await check(await fetch(`/api/messages/${encodeURIComponent(id)}/raw`))).text(),
  remove: (id) => send('DELETE', `/api/messages/${encodeURIComponent(id)}`),
  /** Mailpit's face marks read and unread. */
  setRead: (ids, read) => send('PUT', '/api/v1/messages', { IDs: ids, Read: read }),
  faults: () => getJson('/api/faults'),
  info: () => getJson('/api/ui/info'),
  addFault: (rule) => send('POST', '/api/faults/rules', rule),
  removeFault: (index) => send('DELETE', `/api/faults/rules/${index}`),
  clearFaults: () => send('DELETE', '/api/faults'),
  htmlUrl: (id) => `/api/messages/${encodeURIComponent(id)}/html`,
  rawDownloadUrl: (id) => `/api/messages/${encodeURIComponent(id)}/raw?download=1`,
  attachmentUrl: (id, index) => `/api/messages/${encodeURIComponent(id)}/attachments/${index}`,
};
