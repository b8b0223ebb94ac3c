// The words of the UI in the user's language: its own messages (`t`, in fi.ts, sv.ts and
// en.ts) and the labels of the API's enumerations (`term`), which the server serves from
// the Rust definitions that the submission template and the reports use too
// (`GET /api/vocabulary`), so the UI never words a value differently.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { apiGet } from '../api/client';
import type { Vocabulary } from '../api/types';
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
/** Which enumeration: `contract_type`, `org_category`, `expense_category`, … */
export type VocabularyKind = keyof Vocabulary;
/** The label of an enumeration's value; the key itself when the vocabulary lacks it. */
export type Term = (kind: VocabularyKind, key: string | null | undefined) => string;

/** What labels an API value: the UI's messages and the enumerations' terms. */
export type Words = Pick<I18n, 't' | 'term'>;

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
  term: Term;
  /** An enumeration's values in the server's order, as options for a select. */
  options: (kind: VocabularyKind) => { value: string; label: string }[];
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
  // Loaded once; until it answers nothing is shown (a moment), and if it fails the keys
  // stand in for the labels.
  const [vocabulary, setVocabulary] = useState<Vocabulary | null | undefined>(undefined);
  useEffect(() => {
    apiGet<Vocabulary>('/api/vocabulary').then(setVocabulary, () => setVocabulary(null));
  }, []);
  const term = useCallback<Term>(
    (kind, key) => {
      if (!key) return t('common.none');
      return vocabulary?.[kind].find((w) => w.key === key)?.[lang] ?? key;
    },
    [vocabulary, lang, t],
  );
  const options = useCallback(
    (kind: VocabularyKind) => (vocabulary?.[kind] ?? []).map((w) => ({ value: w.key, label: w[lang] })),
    [vocabulary, lang],
  );
  const value = useMemo(() => ({ lang, setLang, t, term, options }), [lang, setLang, t, term, options]);
  if (vocabulary === undefined) return null;
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

/** Whether a key exists (API codes with messages of their own are looked up by key). */
export function hasKey(key: string): key is MessageKey {
  return key in fi;
}

/** An API code whose words are the UI's own messages (`error.<code>`, `field.<name>`), the
 *  code itself if there is none. */
export function messageFor(t: Translate, prefix: string, code: string | null | undefined): string {
  if (!code) return t('common.none');
  const key = `${prefix}.${code}`;
  return hasKey(key) ? t(key) : code;
}
