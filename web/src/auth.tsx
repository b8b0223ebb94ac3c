import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { apiGet, apiPost, getToken, setToken, setUnauthorizedHandler } from './api/client';
import type { LoginResponse, Me } from './api/types';

interface Auth {
  me: Me | null;
  /** True until the stored token has been checked. */
  loading: boolean;
  /** Why the user was signed out without asking (an expired session). */
  ended: boolean;
  login: (email: string, password: string) => Promise<void>;
  logout: () => void;
}

const Ctx = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(() => getToken() !== null);
  const [ended, setEnded] = useState(false);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setToken(null);
      setMe(null);
      setEnded(true);
    });
    if (!getToken()) return;
    apiGet<Me>('/api/me')
      .then(setMe)
      .catch(() => setToken(null))
      .finally(() => setLoading(false));
  }, []);

  const login = useCallback(async (email: string, password: string) => {
    const res = await apiPost<LoginResponse>('/api/auth/login', { email, password });
    setToken(res.token);
    setEnded(false);
    setMe(await apiGet<Me>('/api/me'));
  }, []);

  const logout = useCallback(() => {
    setToken(null);
    setMe(null);
    setEnded(false);
  }, []);

  const value = useMemo(() => ({ me, loading, ended, login, logout }), [me, loading, ended, login, logout]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): Auth {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
