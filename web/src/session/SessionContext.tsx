import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  ApiError,
  authApi,
  configureApiClient,
  type CurrentWorkspace,
  type Permission,
  type SessionInfo,
} from '../api';
import { changeLocale, currentLocale, storedLocale } from '../i18n';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason: 'none' | 'expired' | 'signedOut' }
  | { status: 'error'; error: unknown }
  | { status: 'authenticated'; info: SessionInfo };

interface SessionContextValue {
  state: SessionState;
  /** Stores what login, /auth/me or a workspace switch returned. */
  setInfo: (info: SessionInfo) => void;
  /** Reloads the session from the server (after changing the workspace, say). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/**
 * Keeps the signed-in user and their current workspace. The browser's explicit language choice wins and is copied
 * to the profile; without one, the profile's language is adopted.
 */
function syncLanguage(info: SessionInfo): void {
  const stored = storedLocale();
  if (stored) {
    if (info.user.locale !== stored) void authApi.updateMe({ locale: stored }).catch(() => undefined);
  } else if (info.user.locale && info.user.locale !== currentLocale()) {
    void changeLocale(info.user.locale, { remember: false });
  }
}

/** Provides the session to the whole console and turns any 401 from the API into "signed out". */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const setInfo = useCallback((info: SessionInfo) => {
    syncLanguage(info);
    setState({ status: 'authenticated', info });
  }, []);

  // Registered before the first request below, so that even /auth/me carries the right Accept-Language.
  useEffect(() => {
    configureApiClient({
      language: currentLocale,
      onSessionExpired: () =>
        setState((previous) =>
          previous.status === 'authenticated' ? { status: 'anonymous', reason: 'expired' } : previous,
        ),
    });
  }, []);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        setInfo(await authApi.me(signal));
      } catch (error) {
        if (signal?.aborted) return;
        if (error instanceof ApiError && error.status === 401)
          setState({ status: 'anonymous', reason: 'none' });
        else setState({ status: 'error', error });
      }
    },
    [setInfo],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setState({ status: 'anonymous', reason: 'signedOut' });
    }
  }, []);

  const value = useMemo<SessionContextValue>(
    () => ({ state, setInfo, refresh: () => load(), signOut }),
    [state, setInfo, load, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The raw session state (any status); for the login page and the route guard. */
export function useSessionState(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSessionState outside SessionProvider');
  return value;
}

export interface Session {
  info: SessionInfo;
  current: CurrentWorkspace | null;
  /** Whether the user's role in the current workspace grants a permission. */
  can: (permission: Permission) => boolean;
  setInfo: (info: SessionInfo) => void;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

/** The signed-in session; only under the authenticated part of the router. */
export function useSession(): Session {
  const { state, setInfo, refresh, signOut } = useSessionState();
  if (state.status !== 'authenticated') throw new Error('useSession needs a signed-in user');
  const { info } = state;
  return useMemo(() => {
    const permissions = new Set(info.current?.permissions ?? []);
    return {
      info,
      current: info.current,
      can: (permission: Permission) => permissions.has(permission),
      setInfo,
      refresh,
      signOut,
    };
  }, [info, setInfo, refresh, signOut]);
}

/** Display name of the signed-in user: their name, else the part of the e-mail before @. */
export function displayName(info: SessionInfo): string {
  return info.user.name?.trim() || info.user.email.split('@')[0] || info.user.email;
}
