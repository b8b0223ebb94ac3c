// The release JSON of DISCLOSURE.md and the coordinator's audit report. The OpenAPI document
// describes these as plain objects (their shape is the release library's), so they are named
// here by hand after crates/lyhty-aggregate (release.rs, benchmark.rs, audit.rs, lib.rs).
import type { Translate, VocabularyKind, Words } from './i18n';
import type { AuditSummary, ReleaseSummary } from './api/types';

export type CellStatus = 'published' | 'suppressed' | 'empty';

export const MEASURES = ['annual_cost_cents', 'end_user_licences', 'server_licences', 'organisations'] as const;
export type Measure = (typeof MEASURES)[number];

/** The magnitude measures a range can be given for (every measure but `organisations`). */
export type RangeMeasure = Exclude<Measure, 'organisations'> | 'in_use_licences' | 'usage_reported_licences';

/** `[low, high]`: the published interval that contains a suppressed cell's true value. */
export type Range = [number, number];

/** The ranges of a suppressed cell of `min_orgs` or more contributors (DISCLOSURE.md, "Ranges
 *  instead of blanks"). Older releases have none, so every field is optional. */
export type CellRange = Partial<Record<RangeMeasure, Range>>;

/** A cell: its members under the dimension names, status, and values (`null` when suppressed). */
export interface ReleaseCell {
  status: CellStatus;
  organisations: number | null;
  annual_cost_cents: number | null;
  end_user_licences: number | null;
  server_licences: number | null;
  in_use_licences?: number | null;
  usage_reported_licences?: number | null;
  avg_unit_price_cents?: number;
  range?: CellRange;
  [dimension: string]: string | number | null | undefined | CellRange;
}

export interface ReleaseTable {
  name: string;
  dimensions: string[];
  cells: ReleaseCell[];
}

export interface Release {
  id: string;
  as_of: string;
  created_at: string;
  measures: string[];
  held_back_organisations?: number;
  tables: ReleaseTable[];
}

export interface Figures {
  annual_cost_cents: number;
  end_user_licences: number;
  server_licences: number;
  in_use_licences: number;
  usage_reported_licences: number;
}

export interface BenchmarkRow {
  table: string;
  dimensions: string[];
  members: string[];
  own: Figures;
  status: CellStatus;
  published: Figures | null;
  published_organisations: number | null;
  own_unit_price_cents: number | null;
  published_unit_price_cents: number | null;
  /** Beside `published` where the cell is suppressed but carries ranges. */
  range?: CellRange;
}

export interface MemberBenchmark {
  release_id: string;
  as_of: string;
  rows: BenchmarkRow[];
  lines_skipped: number;
}

export interface AuditViolation {
  audit: 'outsider' | 'insider';
  cell: { vendor: string; dimension?: string; member?: string };
  measure: string;
  min: number;
  max: number | null;
  required_min: number;
  required_max: number;
  note?: string;
}

export interface AuditReport extends MayHoldBack {
  passed: boolean;
  cells_checked: number;
  outsider_checks: number;
  insider_checks: number;
  insider_lps?: number;
  lp_solves?: number;
  violations: AuditViolation[];
  duration_ms?: number;
}

export interface ReleaseStats extends MayHoldBack {
  lines?: number;
  organisations?: number;
  cells?: number;
  non_empty_cells?: number;
  sensitive_cells?: number;
  suppressed_cells?: number;
  suppressed_cell_share?: number;
  suppressed_value_share?: number;
  rounds?: number;
  suppression_lp_solves?: number;
  held_back_organisations?: number;
  rollup_ms?: number;
  suppression_ms?: number;
  audit_ms?: number;
}

export interface ReleaseParams {
  min_orgs?: number;
  p_percent?: number;
  frequency_protection_percent?: number;
  max_rounds?: number;
}

/** Why an organisation's update is held back (protection across releases). */
export type HeldBackReason = 'joined' | 'left' | 'changed';

/** One organisation whose new data a release holds back: the coordinator's audit report only. */
export interface HeldBack {
  organisation_id: string;
  reason: HeldBackReason | string;
  detail?: string;
}

/** Where the coordinator's answers may carry the held-back list: beside the audit, in it, or in
 *  the statistics. Read through [`heldBackOf`] so the UI does not depend on which. */
interface MayHoldBack {
  held_back?: HeldBack[];
}

export type ReleaseCreated = ReleaseSummary & MayHoldBack & { audit: AuditSummary & MayHoldBack; stats: ReleaseStats };
export type ReleaseAudit = ReleaseSummary &
  MayHoldBack & { audit: AuditReport; params: ReleaseParams; stats: ReleaseStats };
/** The body of a refused release (422 `release_refused`). */
export interface ReleaseRefused extends MayHoldBack {
  error: { code: string; message: string };
  audit: AuditReport;
  stats: ReleaseStats;
}

/** The held-back organisations of an answer, or `undefined` when the answer does not say. */
export function heldBackOf(answer: MayHoldBack & { audit?: object; stats?: object }): HeldBack[] | undefined {
  for (const place of [answer, answer.audit, answer.stats] as (MayHoldBack | undefined)[]) {
    if (Array.isArray(place?.held_back)) return place.held_back;
  }
  return undefined;
}

export const MARGIN = '*';

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
export function rangeOf(cell: { status: CellStatus; range?: CellRange } | undefined, measure: Measure | RangeMeasure): Range | null {
  if (!cell || cell.status !== 'suppressed' || measure === 'organisations') return null;
  const r = cell.range?.[measure];
  if (!Array.isArray(r) || r.length !== 2) return null;
  const [lo, hi] = r;
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
