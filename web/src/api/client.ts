// The one way the UI talks to the API: JSON, uploads with progress, downloads as files.
// Every failure becomes an ApiError carrying the API's stable code, which the pages turn
// into a message in the user's language (see errors.ts).
//
// The UI never holds the sign-in token: the server keeps it in an HttpOnly session cookie
// that the browser sends by itself, out of reach of any script on the page. Changes must
// also carry the session's CSRF token, which the server puts in a readable cookie.

const CSRF_COOKIE = 'lyhty_csrf';
const CSRF_HEADER = 'X-CSRF-Token';

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    /** The body, when it is something else than the error shape (an upload's report). */
    public body?: unknown,
  ) {
    super(message);
  }
}

/** The session's CSRF token; present exactly while a browser session is. */
function csrfToken(): string | null {
  for (const pair of document.cookie.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === CSRF_COOKIE && value.length > 0) return decodeURIComponent(value.join('='));
  }
  return null;
}

/** Whether the browser holds a session that may still be valid (checked with GET /api/me). */
export function hasSession(): boolean {
  return csrfToken() !== null;
}

let signedIn = false;
/** Whether a 401 means that a session has ended (rather than a wrong password). */
export function setSignedIn(value: boolean) {
  signedIn = value;
}

let onUnauthorized: (() => void) | null = null;
/** Called when a signed-in request gets 401: the session has ended. */
export function setUnauthorizedHandler(f: () => void) {
  onUnauthorized = f;
}

function headers(extra?: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', ...extra };
  const csrf = csrfToken();
  if (csrf) h[CSRF_HEADER] = csrf;
  return h;
}

async function toError(res: Response): Promise<ApiError> {
  let body: unknown = undefined;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (res.status === 401 && signedIn) onUnauthorized?.();
  return new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText, body);
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: headers(body === undefined ? undefined : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (!res.ok) throw await toError(res);
  return res;
}

export async function apiGet<T>(path: string): Promise<T> {
  return (await send('GET', path)).json() as Promise<T>;
}
export async function apiPost<T>(path: string, body: unknown): Promise<T> {
  return (await send('POST', path, body)).json() as Promise<T>;
}
export async function apiPatch<T>(path: string, body: unknown): Promise<T> {
  return (await send('PATCH', path, body)).json() as Promise<T>;
}
export async function apiPut<T>(path: string, body: unknown): Promise<T> {
  return (await send('PUT', path, body)).json() as Promise<T>;
}
export async function apiDelete(path: string): Promise<void> {
  await send('DELETE', path);
}

/** Fetches a file with the session and hands it to the browser as a download. */
export async function download(path: string, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(path, { headers: headers({ Accept: '*/*' }) });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (!res.ok) throw await toError(res);
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface UploadResult<T> {
  status: number;
  body: T;
}

/**
 * Sends a file as multipart field `file` (after any other `fields`) with upload progress
 * (fetch has none, so this uses XMLHttpRequest). Resolves with any status whose body is `T` (`okStatuses`);
 * other statuses reject with an ApiError.
 */
export function uploadFile<T>(
  path: string,
  file: File,
  onProgress: (fraction: number) => void,
  okStatuses: number[] = [200, 201],
  fields: Record<string, string> = {},
): Promise<UploadResult<T>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onload = () => {
      onProgress(1);
      let body: unknown = undefined;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (okStatuses.includes(xhr.status)) {
        resolve({ status: xhr.status, body: body as T });
        return;
      }
      const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      if (xhr.status === 401 && signedIn) onUnauthorized?.();
      reject(new ApiError(xhr.status, err?.code ?? `http_${xhr.status}`, err?.message ?? xhr.statusText, body));
    };
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
