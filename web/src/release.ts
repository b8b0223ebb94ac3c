// The release JSON of DISCLOSURE.md and the coordinator's audit report. The OpenAPI document
// describes these as plain objects (their shape is the release library's), so they are named
// here by hand after crates/lyhty-aggregate (release.rs, benchmark.rs, audit.rs, lib.rs).
import type { Translate, VocabularyKind, Words } from './i18n';
import type { AuditSummary, ReleaseSummary } from './api/types';

export type CellStatus = 'published' | 'suppressed' | 'empty';

export const MEASURES = ['annual_cost_cents', 'end_user_licences', 'server_licences', 'organisations'] as const;
export type Measure = (typeof MEASURES)[number];

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
  [dimension: string]: string | number | null | undefined;
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

export interface AuditReport {
  passed: boolean;
  cells_checked: number;
  outsider_checks: number;
  insider_checks: number;
  insider_lps?: number;
  lp_solves?: number;
  violations: AuditViolation[];
  duration_ms?: number;
}

export interface ReleaseStats {
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

export type ReleaseCreated = ReleaseSummary & { audit: AuditSummary; stats: ReleaseStats };
export type ReleaseAudit = ReleaseSummary & { audit: AuditReport; params: ReleaseParams; stats: ReleaseStats };
/** The body of a refused release (422 `release_refused`). */
export interface ReleaseRefused {
  error: { code: string; message: string };
  audit: AuditReport;
  stats: ReleaseStats;
}

export const MARGIN = '*';

/** The dimensions crossed with `vendor`, in the order the dashboard shows them. */
export const DIMENSIONS = ['sector', 'renewal_quarter', 'contract_type', 'licence_type', 'channel', 'product'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export function tableOf(release: Release, dimension: Dimension | null): ReleaseTable | undefined {
  const name = dimension ? `vendor_by_${dimension}` : 'vendor';
  return release.tables.find((t) => t.name === name);
}

/** The value of a measure in a cell (`null` when suppressed). */
export function valueOf(cell: ReleaseCell, measure: Measure): number | null {
  const v = cell[measure];
  return typeof v === 'number' ? v : null;
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
  const kind = VOCABULARY_OF[dimension];
  return kind ? term(kind, member) : member;
}

/** Sort key of a member: quarters chronologically with `unknown` last, the recoded `Other …` after
 *  the named ones, `*` always last. */
export function memberOrder(dimension: string, member: string): string {
  if (member === MARGIN) return '\uffff';
  if (dimension === 'renewal_quarter' && member === 'unknown') return '\ufffe';
  if (member === 'Other vendors' || member === 'Other products' || member === '') return '\ufffd';
  return member;
}
