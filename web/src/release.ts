// The release JSON of DISCLOSURE.md, the coordinator's audit report and a member's benchmark,
// typed from openapi/openapi.json (`npm run gen:api`; the Rust types and
// crates/lyhty-api/src/openapi/release.rs describe them there), and what the pages do with them.
import type { components } from './api/schema';
import type { Translate, VocabularyKind, Words } from './i18n';

type S = components['schemas'];
export type CellStatus = S['CellStatus'];
export type Release = S['Release'];
export type ReleaseTable = S['ReleaseTable'];
export type ReleaseCell = S['ReleaseCell'];
export type Figures = S['Figures'];
export type BenchmarkRow = S['BenchmarkRow'];
export type MemberBenchmark = S['MemberBenchmark'];
export type AuditReport = S['AuditReport'];
export type AuditViolation = S['Violation'];
export type ReleaseStats = S['ReleaseStats'];
export type ReleaseParams = S['ReleaseParams'];
export type HeldBack = S['HeldBack'];
export type HeldBackReason = S['HeldBackReason'];
export type ReleaseCreated = S['ReleaseCreated'];
export type ReleaseAudit = S['ReleaseAudit'];
/** The body of a refused release (422 `release_refused`). */
export type ReleaseRefused = S['ReleaseRefused'];

/** What the dashboard can show: the number of organisations, and every measure of a cell. */
export const MEASURES = ['annual_cost_cents', 'end_user_licences', 'server_licences', 'organisations'] as const;
export type Measure = (typeof MEASURES)[number];

/** The magnitude measures a range can be given for (every measure of the release). */
export type RangeMeasure = S['Measure'];

/** `[low, high]`: the published interval that contains a suppressed cell's true value. */
export type Range = [number, number];

/** The held-back organisations of an answer: the coordinator's answers carry the list beside the
 *  audit (publishing) or in the audit report; `undefined` when the answer does not say. */
export function heldBackOf(answer: { held_back?: HeldBack[]; audit?: object }): HeldBack[] | undefined {
  const inAudit = answer.audit && 'held_back' in answer.audit ? (answer.audit as AuditReport).held_back : undefined;
  for (const list of [answer.held_back, inAudit]) {
    if (Array.isArray(list)) return list;
  }
  return undefined;
}

export const MARGIN = '*';

/** A cell's member of one of its table's dimensions (`vendor`, `sector`, …); `''` if it has none. */
export function memberOf(cell: ReleaseCell, dimension: string): string {
  const member = (cell as unknown as Record<string, unknown>)[dimension];
  return typeof member === 'string' ? member : '';
}

/** The dimensions crossed with `vendor`, in the order the dashboard shows them. The renewal
 *  calendar (`renewal_year`, then `renewal_quarter` as its detail) is one section. */
export const DIMENSIONS = ['sector', 'renewal_year', 'renewal_quarter', 'contract_type', 'licence_type', 'channel', 'product'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export function tableOf(release: Release, dimension: Dimension | null): ReleaseTable | undefined {
  const name = dimension ? `vendor_by_${dimension}` : 'vendor';
  return release.tables.find((t) => t.name === name);
}

/** The value of a measure in a cell (`null` when suppressed). */
export function valueOf(cell: ReleaseCell, measure: Measure | RangeMeasure): number | null {
  const v = cell[measure];
  return typeof v === 'number' ? v : null;
}

/** The published range of a measure on a suppressed cell, if the release gives one. A range
 *  that is not two ordered numbers is ignored rather than shown wrongly. */
export function rangeOf(cell: ReleaseCell | undefined, measure: Measure | RangeMeasure): Range | null {
  if (!cell || cell.status !== 'suppressed' || measure === 'organisations') return null;
  const r = cell.range?.[measure];
  if (!Array.isArray(r) || r.length !== 2) return null;
  return ordered(r[0], r[1]);
}

/** The same for a row of a member's benchmark, whose range is the cell's low and high figures. */
export function benchmarkRangeOf(row: BenchmarkRow, measure: RangeMeasure): Range | null {
  if (row.status !== 'suppressed' || !row.range) return null;
  return ordered(row.range.low[measure], row.range.high[measure]);
}

function ordered(lo: unknown, hi: unknown): Range | null {
  return typeof lo === 'number' && typeof hi === 'number' && lo <= hi ? [lo, hi] : null;
}

/** Licences in use ÷ licences whose use is reported, where both are published (shelfware is
 *  the rest). `null` where either is suppressed or nothing was reported. */
export function utilisationOf(cell: ReleaseCell | undefined): number | null {
  if (!cell || cell.status !== 'published') return null;
  const used = valueOf(cell, 'in_use_licences');
  const reported = valueOf(cell, 'usage_reported_licences');
  return used !== null && reported !== null && reported > 0 ? used / reported : null;
}

/** The dimensions whose members are values of an enumeration (`sector` is a party's
 *  category). */
const VOCABULARY_OF: Partial<Record<string, VocabularyKind>> = {
  sector: 'org_category',
  contract_type: 'contract_type',
  licence_type: 'licence_type',
  channel: 'channel',
};

/** `2026-Q3` → `Q3/2026`, the way the Finnish public sector writes quarters. */
export function quarterLabel(q: string, t: Translate): string {
  const m = /^(\d{4})-Q([1-4])$/.exec(q);
  if (m) return `Q${m[2]}/${m[1]}`;
  return q === 'unknown' ? t('release.unknownQuarter') : q;
}

/** A dimension member as the user reads it. */
export function memberLabel({ t, term }: Words, dimension: string, member: string): string {
  if (member === MARGIN) return dimension === 'vendor' ? t('release.allVendors') : t('common.total');
  if (member === '') return t('release.notGiven');
  if (member === 'Other vendors') return t('release.otherVendors');
  if (member === 'Other products') return t('release.otherProducts');
  if (dimension === 'renewal_quarter') return quarterLabel(member, t);
  if (dimension === 'renewal_year') return member === 'unknown' ? t('release.unknownQuarter') : member;
  const kind = VOCABULARY_OF[dimension];
  return kind ? term(kind, member) : member;
}

/** Sort key of a member: quarters and years chronologically with `unknown` after them, the
 *  recoded `Other …` after the named ones, `*` always last. The rank comes first as a digit:
 *  the Finnish collation ignores the private characters a sentinel would need, so `unknown`
 *  once sorted first. */
export function memberOrder(dimension: string, member: string): string {
  const calendar = dimension === 'renewal_quarter' || dimension === 'renewal_year';
  const rank =
    member === MARGIN ? 3 : calendar && member === 'unknown' ? 2 : member === 'Other vendors' || member === 'Other products' || member === '' ? 1 : 0;
  return `${rank} ${member}`;
}
