import { hasKey, type Translate } from './i18n';

/** An API enum value by its translation key (`category.uas`), the raw value if unknown. */
export function label(t: Translate, prefix: string, value: string | null | undefined): string {
  if (!value) return t('common.none');
  const key = `${prefix}.${value}`;
  return hasKey(key) ? t(key) : value;
}

export const CATEGORIES = [
  'wellbeing_county',
  'large_city',
  'university',
  'uas',
  'kela',
  'state',
  'municipalities',
  'parish',
  'other',
] as const;
export const ROLES = ['member', 'steering', 'analyst', 'coordinator'] as const;
