import { useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { Heading, InlineAlert, LoadingSpinner, TextInput } from 'suomifi-ui-components';
import { useI18n } from '../i18n';
import { errorMessage } from '../errors';

let navigatedOnce = false;

/** A page: its h1 takes the focus after an in-app navigation, so screen readers and
 *  keyboard users start at the new content (not on the first page load). */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – Lyhty`;
    if (navigatedOnce) ref.current?.focus();
    navigatedOnce = true;
  }, [title]);
  return (
    <>
      <Heading variant="h1" forwardedRef={ref} tabIndex={-1} className="page-title">
        {title}
      </Heading>
      {children}
    </>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="section" aria-labelledby={id}>
      <Heading variant="h2" id={id}>
        {title}
      </Heading>
      {children}
    </section>
  );
}

/** An API failure in the user's language, announced to screen readers. */
export function ErrorNotice({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div role="alert" className="notice">
      <InlineAlert status="error" labelText={t('error.title')}>
        {errorMessage(error, t)}
      </InlineAlert>
    </div>
  );
}

export function SuccessNotice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div role="status" className="notice">
      <InlineAlert status="neutral">{children}</InlineAlert>
    </div>
  );
}

/** Key figures as a definition list: one `[label, value]` pair per figure; `false` for a
 *  figure that does not apply. */
export function Summary({ items }: { items: ([ReactNode, ReactNode] | false)[] }) {
  const shown = items.filter((item): item is [ReactNode, ReactNode] => item !== false);
  return (
    <dl className="summary">
      {shown.map(([label, value], i) => (
        <div key={i}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <LoadingSpinner status="loading" text={t('app.loading')} textAlign="right" variant="small" />;
}

/** Loads data once (and again on `reload`); pages render loading, error or data. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load()
      .then((d) => live && setData(d))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, reload };
}

export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ReactNode;
  /** What the column sorts by; a column without it cannot be sorted. */
  sort?: (row: T) => string | number | null | undefined;
  numeric?: boolean;
  /** Keep on one line (invoice numbers, dates). */
  nowrap?: boolean;
}

/**
 * A table with sortable columns (buttons in the headers, `aria-sort` on the sorted one)
 * in a region that scrolls sideways on narrow screens and can be scrolled with the keyboard.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  initialSort,
}: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
}) {
  const { t } = useI18n();
  const [sort, setSort] = useState(initialSort ?? null);
  const sorted = useMemo(() => {
    const col = sort && columns.find((c) => c.key === sort.key);
    if (!col?.sort) return rows;
    const get = col.sort;
    const factor = sort!.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * factor;
      return String(x).localeCompare(String(y), 'fi') * factor;
    });
  }, [rows, columns, sort]);
  const captionId = useId();
  if (rows.length === 0) return <p className="empty">{t('common.empty')}</p>;
  return (
    <div className="table-wrap" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className="data-table">
        <caption id={captionId}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key;
              const ariaSort = active ? (sort!.dir === 'asc' ? 'ascending' : 'descending') : undefined;
              return (
                <th key={c.key} scope="col" aria-sort={ariaSort} className={c.numeric ? 'num' : undefined}>
                  {c.sort ? (
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() =>
                        setSort({ key: c.key, dir: active && sort!.dir === 'asc' ? 'desc' : 'asc' })
                      }
                    >
                      {c.label}
                      <span aria-hidden="true" className="sort-icon">
                        {active ? (sort!.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : c.nowrap ? 'nowrap' : undefined}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A labelled native select, styled like the design system's inputs. */
export function SelectField({
  label,
  value,
  onChange,
  options,
  hint,
  id,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
  hint?: string;
  id?: string;
}) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <div className="select-field">
      <label htmlFor={fieldId} className="field-label">
        {label}
      </label>
      {hint && (
        <span id={`${fieldId}-hint`} className="field-hint">
          {hint}
        </span>
      )}
      <select
        id={fieldId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={hint ? `${fieldId}-hint` : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A text input bound to a string state. */
export function TextField({
  label,
  value,
  onChange,
  hint,
  type,
  optional,
  error,
  id,
  autoComplete,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
  type?: 'text' | 'email' | 'password' | 'tel';
  optional?: boolean;
  error?: string;
  id?: string;
  autoComplete?: string;
}) {
  const { t } = useI18n();
  return (
    <div className="text-field">
      <TextInput
        id={id}
        labelText={label}
        hintText={hint}
        type={type ?? 'text'}
        value={value}
        onChange={(v) => onChange(String(v ?? ''))}
        optionalText={optional ? t('common.optional') : undefined}
        status={error ? 'error' : 'default'}
        statusText={error}
        autoComplete={autoComplete}
        fullWidth
      />
    </div>
  );
}

export function StatusTag({ status, label }: { status: string; label: string }) {
  return <span className={`tag tag-${status}`}>{label}</span>;
}

/**
 * A file picker whose button and "no file" text follow the interface language (the
 * browser's own file input speaks the browser's language). The real input stays
 * focusable and is what the keyboard and screen readers use.
 */
export function FileField({
  id,
  label,
  hint,
  accept,
  file,
  onChange,
  error,
}: {
  id: string;
  label: string;
  hint?: string;
  accept: string;
  file: File | null;
  onChange: (f: File | null) => void;
  error?: string;
}) {
  const { t } = useI18n();
  const describedBy = [hint && `${id}-hint`, `${id}-name`, error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className="file-field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {hint && (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      )}
      <div className="file-picker">
        <input
          id={id}
          type="file"
          accept={accept}
          className="file-input"
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.files?.[0] ?? null)}
        />
        <span className="file-button" aria-hidden="true">
          {t('upload.chooseFile')}
        </span>
        <span id={`${id}-name`} className="file-name">
          {file ? file.name : t('upload.noFile')}
        </span>
      </div>
      {error && (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
