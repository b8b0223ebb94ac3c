import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { fi, type MessageKey } from './fi';
import { sv } from './sv';
import { en } from './en';

export type Lang = 'fi' | 'sv' | 'en';
export const LANGS: { code: Lang; label: string }[] = [
  { code: 'fi', label: 'Suomeksi' },
  { code: 'sv', label: 'På svenska' },
  { code: 'en', label: 'In English' },
];
const DICTS = { fi, sv, en };
export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const Ctx = createContext<I18n | null>(null);
const STORAGE = 'lyhty.lang';

function initialLang(): Lang {
  const stored = localStorage.getItem(STORAGE);
  return stored === 'sv' || stored === 'en' || stored === 'fi' ? stored : 'fi';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE, l);
    setLangState(l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const t = useCallback<Translate>(
    (key, vars) => {
      const text = DICTS[lang][key] ?? fi[key] ?? key;
      return vars ? text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`)) : text;
    },
    [lang],
  );
  const value = useMemo(() => ({ lang, setLang, t }), [lang, setLang, t]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

/** Whether a key exists (API enum values are looked up by key). */
export function hasKey(key: string): key is MessageKey {
  return key in fi;
}
