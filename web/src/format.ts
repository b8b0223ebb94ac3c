// Finnish conventions whatever the interface language (PRODUCT.md): 1 234,56 €, 31.12.2026.

const money = new Intl.NumberFormat('fi-FI', { style: 'currency', currency: 'EUR' });
const integer = new Intl.NumberFormat('fi-FI', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('fi-FI', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 2 });

/** Integer cents as euros: `123456` → `1 234,56 €`. */
export function formatCents(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '–';
  return money.format(cents / 100);
}

export function formatInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : integer.format(n);
}

const decimal = new Intl.NumberFormat('fi-FI', { maximumFractionDigits: 2 });
const cents = new Intl.NumberFormat('fi-FI', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wholePercent = new Intl.NumberFormat('fi-FI', { maximumFractionDigits: 0 });

/** The words of a range's scale in the interface language; the digits stay Finnish. */
const MILLION: Record<string, string> = { fi: 'milj.\u00a0€', sv: 'milj.\u00a0€', en: 'million\u00a0€' };
const BILLION: Record<string, string> = { fi: 'mrd.\u00a0€', sv: 'mrd.\u00a0€', en: 'billion\u00a0€' };

/** An en dash between two figures, as Finnish typography writes a range: `9 000–12 000`. */
const DASH = '\u2013';

/**
 * A range of money in one scale, the high end choosing it: `[240000000, 320000000]` →
 * `2,4–3,2 milj. €`; below a million euros whole euros: `240 000–320 000 €`. The ends are
 * round numbers (two significant digits), so two decimals of the scale show them exactly.
 */
export function formatCentsRange(lo: number, hi: number, lang = 'fi'): string {
  const [a, b] = [lo / 100, hi / 100];
  if (b >= 1e9) return `${decimal.format(a / 1e9)}${DASH}${decimal.format(b / 1e9)}\u00a0${BILLION[lang] ?? BILLION.fi}`;
  if (b >= 1e6) return `${decimal.format(a / 1e6)}${DASH}${decimal.format(b / 1e6)}\u00a0${MILLION[lang] ?? MILLION.fi}`;
  // Whole euros as whole numbers; an end with cents shows both ends to the cent.
  const euros = lo % 100 === 0 && hi % 100 === 0 ? integer : cents;
  return `${euros.format(a)}${DASH}${euros.format(b)}\u00a0€`;
}

/** A range of a count: `9 000–12 000`. */
export function formatIntRange(lo: number, hi: number): string {
  return `${integer.format(lo)}${DASH}${integer.format(hi)}`;
}

/** A range of 0..1 fractions as whole percentages: `12–18 %`; `≥ 12 %` with no upper bound. */
export function formatPercentRange(lo: number, hi: number | null): string {
  if (hi === null) return `\u2265\u00a0${wholePercent.format(lo * 100)}\u00a0%`;
  return `${wholePercent.format(lo * 100)}${DASH}${wholePercent.format(hi * 100)}\u00a0%`;
}

/** A 0..1 fraction as a percentage: `0.9417` → `94,17 %`. */
export function formatPercent(f: number): string {
  return percent.format(f);
}

/** `2026-12-31` or an RFC 3339 timestamp → `31.12.2026`. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    const [y, m, d] = iso.split('-').map(Number);
    return `${d}.${m}.${y}`;
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = helsinki(date);
  return `${p.day}.${p.month}.${p.year}`;
}

const HELSINKI = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Helsinki',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** The calendar day and time of an instant in Finland, whatever the browser's own zone:
 * the platform's days are Finnish days (NETWORK.md). */
function helsinki(date: Date): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = HELSINKI.formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((x) => x.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

/** A timestamp with the time of day: `31.12.2026 klo 14.05`-style, as `31.12.2026 14.05`. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = helsinki(date);
  const hh = String(p.hour).padStart(2, '0');
  const mm = String(p.minute).padStart(2, '0');
  return `${formatDate(iso)} ${hh}.${mm}`;
}

/** `31.12.2026` (also `31.12.26` is refused) → `2026-12-31`, or null when it is not a real date. */
export function parseFinnishDate(text: string): string | null {
  const m = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** `1 234,56` / `1234.56` / `1 234 €` → cents, or null. */
export function parseEuros(text: string): number | null {
  const clean = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d{1,2})?$/.test(clean)) return null;
  return Math.round(Number(clean) * 100);
}

/** Cents to an editable euro string: `123456` → `1234,56`. */
export function centsToInput(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '';
  return (cents / 100).toFixed(2).replace('.', ',');
}

/** Today in Finland as `31.12.2026` (the default of every date field). */
export function todayFinnish(): string {
  const p = helsinki(new Date());
  return `${p.day}.${p.month}.${p.year}`;
}
