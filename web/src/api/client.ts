/**
 * The console's one way to call the API: same-origin fetch with the session cookie, JSON in and out, the UI
 * language in Accept-Language (so server messages come back translated) and the error envelope turned into an
 * ApiError.
 */

export type ErrorDetails = Record<string, unknown>;

/** An error answer of the API (`{"error":{"code","message","details"}}`) or a failure to reach it. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(status: number, code: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Codes the client itself produces when no error envelope came back. */
export const NETWORK_ERROR = 'NETWORK_ERROR';
export const UNEXPECTED_RESPONSE = 'UNEXPECTED_RESPONSE';

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** A body sent as it is (a file upload, say) with its media type, instead of JSON. */
  rawBody?: { contentType: string; data: Blob };
  signal?: AbortSignal;
  /**
   * Whether a 401 means "the session has ended" and should send the user back to the login page. Off for the
   * login call itself (a 401 there means wrong credentials) and for the initial session probe.
   */
  sessionExpiry?: boolean;
}

interface ClientHooks {
  language: () => string;
  onSessionExpired: () => void;
}

const hooks: ClientHooks = { language: () => 'en', onSessionExpired: () => undefined };

/** Connects the client to the UI: where to read the current language and what to do when the session ends. */
export function configureApiClient(next: Partial<ClientHooks>): void {
  Object.assign(hooks, next);
}

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readError(response: Response): Promise<ApiError> {
  try {
    const body: unknown = await response.json();
    const error = isRecord(body) ? body.error : undefined;
    if (isRecord(error) && typeof error.code === 'string' && typeof error.message === 'string') {
      return new ApiError(
        response.status,
        error.code,
        error.message,
        isRecord(error.details) ? error.details : {},
      );
    }
  } catch {
    // Not JSON (a proxy's HTML error page, say): fall through to a generic error.
  }
  return new ApiError(response.status, UNEXPECTED_RESPONSE, response.statusText || String(response.status));
}

/** Calls the API and returns its JSON answer (undefined for 204); throws ApiError on any failure. */
export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': hooks.language() };
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: options.signal };
  if (options.rawBody !== undefined) {
    headers['content-type'] = options.rawBody.contentType;
    init.body = options.rawBody.data;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, NETWORK_ERROR, error instanceof Error ? error.message : String(error));
  }

  if (!response.ok) {
    const error = await readError(response);
    if (response.status === 401 && options.sessionExpiry !== false) hooks.onSessionExpired();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError(response.status, UNEXPECTED_RESPONSE, 'invalid JSON');
  }
}
