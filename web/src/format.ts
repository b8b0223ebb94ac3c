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
  return `${date.getDate()}.${date.getMonth() + 1}.${date.getFullYear()}`;
}

/** A timestamp with the time of day: `31.12.2026 klo 14.05`-style, as `31.12.2026 14.05`. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const hh = String(date.getHours()).padStart(2, '0');
  const mm = String(date.getMinutes()).padStart(2, '0');
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

/** Today as `31.12.2026`. */
export function todayFinnish(): string {
  const d = new Date();
  return `${d.getDate()}.${d.getMonth() + 1}.${d.getFullYear()}`;
}
