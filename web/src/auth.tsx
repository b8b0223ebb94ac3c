import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { apiGet, apiPost, hasSession, setSignedIn, setUnauthorizedHandler } from './api/client';
import type { LoginResponse, Me } from './api/types';

interface Auth {
  me: Me | null;
  /** True until an existing session has been checked. */
  loading: boolean;
  /** Why the user was signed out without asking (an expired session). */
  ended: boolean;
  login: (email: string, password: string) => Promise<void>;
  logout: () => void;
}

const Ctx = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  // The session lives in cookies (see api/client.ts), so it survives a reload; it is
  // checked once at start.
  const [loading, setLoading] = useState(hasSession);
  const [ended, setEnded] = useState(false);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setSignedIn(false);
      setMe(null);
      setEnded(true);
    });
    if (!hasSession()) return;
    apiGet<Me>('/api/me')
      .then((who) => {
        setSignedIn(true);
        setMe(who);
      })
      .catch(() => setMe(null))
      .finally(() => setLoading(false));
  }, []);

  const login = useCallback(async (email: string, password: string) => {
    // The answer sets the session cookies; its token is for scripts and is not kept.
    await apiPost<LoginResponse>('/api/auth/login', { email, password });
    setEnded(false);
    const who = await apiGet<Me>('/api/me');
    setSignedIn(true);
    setMe(who);
  }, []);

  const logout = useCallback(() => {
    setSignedIn(false);
    setMe(null);
    setEnded(false);
    // The server clears the cookies; if it cannot be reached they expire with the session.
    apiPost('/api/auth/logout', {}).catch(() => undefined);
  }, []);

  const value = useMemo(() => ({ me, loading, ended, login, logout }), [me, loading, ended, login, logout]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): Auth {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
