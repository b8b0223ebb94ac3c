// The marking of one organisation's data (agreement §14: "Salassa pidettävä aineisto
// merkitään salassa pidettäväksi"). The words come from the vocabulary (the Rust
// definition the export archive and the API's `X-Confidentiality` header use too).
import { useI18n } from '../i18n';

export const CONFIDENTIALITY = 'agreement_14';

export function ConfidentialMark() {
  const { term } = useI18n();
  return (
    <p className="confidential-mark" role="note">
      {term('confidentiality', CONFIDENTIALITY)}
    </p>
  );
}
