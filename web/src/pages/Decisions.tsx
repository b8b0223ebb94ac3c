// The steering group's decision register (NETWORK.md): the coordinator records meetings
// and decisions with each seat's vote; the steering group and the coordinator read every
// tally with its weights and the threshold; members read titles, dates and outcomes.
import { useMemo, useState, type FormEvent } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiGet, apiPost } from '../api/client';
import type { CostShareTable, DecisionEntry, DecisionView, Meeting, ModelVersionView, OrgView } from '../api/types';
import { useAuth } from '../auth';
import { useI18n, type Translate } from '../i18n';
import {
  DataTable,
  ErrorNotice,
  Loading,
  Page,
  Section,
  SelectField,
  StatusTag,
  SuccessNotice,
  TextField,
  useLoad,
} from '../components/ui';
import { formatDate, formatPercent, parseFinnishDate, todayFinnish } from '../format';
import { useSubmit } from '../submit';

type Tally = NonNullable<DecisionView['tally']>;

/** "yes 36,4 % · no 15,5 % · abstain 2,7 % (present 54,6 %)" */
function tallyText(t: Translate, tally: Tally): string {
  return t('decisions.tallyText', {
    yes: formatPercent(tally.yes_weight),
    no: formatPercent(tally.no_weight),
    abstain: formatPercent(tally.abstain_weight),
    present: formatPercent(tally.present_weight),
  });
}

function thresholdText(t: Translate, tally: Tally): string {
  const r = tally.threshold_ratio;
  return t('decisions.threshold', { ratio: `${r.numerator}/${r.denominator}`, yes: formatPercent(tally.yes_share) });
}

export function DecisionsPage() {
  const { t, term } = useI18n();
  const { me } = useAuth();
  const coordinator = me?.user.role === 'coordinator';
  const register = useLoad(() => apiGet<DecisionEntry[]>('/api/decisions'), []);
  const full = (register.data ?? []).filter((d): d is Extract<DecisionEntry, { view: 'full' }> => d.view === 'full');
  const note = full.find((d) => d.tally)?.tally;
  return (
    <Page title={t('decisions.title')}>
      <Paragraph className="lead">{t('decisions.intro')}</Paragraph>
      {coordinator && <RecordForms onDone={register.reload} />}
      <ErrorNotice error={register.error} />
      {!register.data && !register.error && <Loading />}
      {register.data && (
        <>
          <DataTable<DecisionEntry>
            caption={t('decisions.caption')}
            rows={register.data}
            rowKey={(d) => d.id}
            initialSort={{ key: 'date', dir: 'desc' }}
            columns={[
              { key: 'date', label: t('decisions.date'), render: (d) => formatDate(d.date), sort: (d) => d.date, nowrap: true },
              { key: 'kind', label: t('decisions.kind'), render: (d) => term('decision_kind', d.kind), sort: (d) => d.kind },
              { key: 'title', label: t('decisions.decisionTitle'), render: (d) => d.title, sort: (d) => d.title },
              {
                key: 'outcome',
                label: t('decisions.outcome'),
                render: (d) => (
                  <StatusTag status={d.passed ? 'passed' : 'failed'} label={d.passed ? t('decisions.passed') : t('decisions.failed')} />
                ),
                sort: (d) => (d.passed ? 1 : 0),
              },
              ...(full.length > 0
                ? [
                    {
                      key: 'tally',
                      label: t('decisions.tally'),
                      render: (d: DecisionEntry) => (d.view === 'full' && d.tally ? <TallyCell tally={d.tally} /> : '–'),
                    },
                  ]
                : []),
            ]}
          />
          {note && <Paragraph className="note">{t('decisions.thresholdNote', { ratio: `${note.threshold_ratio.numerator}/${note.threshold_ratio.denominator}` })}</Paragraph>}
          {full.length > 0 && <ModelVersions decisions={full} />}
        </>
      )}
    </Page>
  );
}

/** The cost-share model versions and the decisions that adopted them. */
function ModelVersions({ decisions }: { decisions: DecisionEntry[] }) {
  const { t } = useI18n();
  const models = useLoad(() => apiGet<ModelVersionView[]>('/api/cost-share-models'), []);
  const titles = new Map(decisions.map((d) => [d.id, `${formatDate(d.date)} ${d.title}`]));
  return (
    <Section title={t('decisions.modelsTitle')} id="models-heading">
      <ErrorNotice error={models.error} />
      {models.data && (
        <DataTable<ModelVersionView>
          caption={t('decisions.modelsCaption')}
          rows={models.data}
          rowKey={(m) => m.version}
          columns={[
            { key: 'version', label: t('decisions.modelVersion'), render: (m) => m.version },
            { key: 'from', label: t('decisions.validFrom'), render: (m) => formatDate(m.valid_from), nowrap: true },
            {
              key: 'inForce',
              label: t('common.status'),
              render: (m) => (m.in_force ? <StatusTag status="current" label={t('decisions.inForce')} /> : '–'),
            },
            {
              key: 'decision',
              label: t('decisions.adoptedBy'),
              render: (m) => (m.decision_id ? titles.get(m.decision_id) ?? m.decision_id : t('decisions.agreementModel')),
            },
          ]}
        />
      )}
    </Section>
  );
}

function TallyCell({ tally }: { tally: Tally }) {
  const { t, term } = useI18n();
  return (
    <details>
      <summary>{tallyText(t, tally)}</summary>
      <p>{thresholdText(t, tally)}</p>
      <ul className="plain-list">
        {tally.seats.map((s) => (
          <li key={s.key}>
            {term('seat', s.key)} ({formatPercent(s.weight)}): {s.vote ? term('vote', s.vote) : t('decisions.absent')}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The coordinator's forms: a meeting, then a decision of it with each seat's vote. */
function RecordForms({ onDone }: { onDone: () => void }) {
  const { t, term, options } = useI18n();
  const meetings = useLoad(() => apiGet<Meeting[]>('/api/meetings'), []);
  const shares = useLoad(() => apiGet<CostShareTable>('/api/cost-shares'), []);
  const orgs = useLoad(() => apiGet<OrgView[]>('/api/orgs'), []);
  const [date, setDate] = useState(todayFinnish());
  const [title, setTitle] = useState('');
  const [dateError, setDateError] = useState('');
  const addMeeting = useSubmit();
  const [meeting, setMeeting] = useState('');
  const [kind, setKind] = useState('accession');
  const [decisionTitle, setDecisionTitle] = useState('');
  const [subject, setSubject] = useState('');
  const [votes, setVotes] = useState<Record<string, string>>({});
  const decide = useSubmit();
  const chosenMeeting = meeting || meetings.data?.[0]?.id || '';
  const subjects = useMemo(() => {
    const all = orgs.data ?? [];
    if (kind === 'accession') return all.filter((o) => o.status === 'pending');
    if (kind === 'expulsion_proposal') return all.filter((o) => o.status === 'active');
    return [];
  }, [orgs.data, kind]);
  const needsSubject = kind === 'accession' || kind === 'expulsion_proposal';

  const submitMeeting = (e: FormEvent) => {
    e.preventDefault();
    const iso = parseFinnishDate(date);
    setDateError(iso ? '' : t('error.badDate'));
    if (!iso) return;
    void addMeeting.run(async () => {
      const created = await apiPost<Meeting>('/api/meetings', { date: iso, title });
      meetings.reload();
      setMeeting(created.id);
      setTitle('');
      return t('decisions.meetingSaved');
    });
  };
  const submitDecision = (e: FormEvent) => {
    e.preventDefault();
    const cast = Object.entries(votes)
      .filter(([, v]) => v !== 'absent')
      .map(([seat, vote]) => ({ seat, vote }));
    const body = {
      kind,
      title: decisionTitle,
      subject_id: needsSubject ? subject || subjects[0]?.id || null : null,
      votes: cast,
    };
    void decide.run(async () => {
      const saved = await apiPost<DecisionView>(`/api/meetings/${chosenMeeting}/decisions`, body);
      onDone();
      orgs.reload();
      setDecisionTitle('');
      setVotes({});
      return saved.passed ? t('decisions.savedPassed') : t('decisions.savedFailed');
    });
  };

  const voteOptions = [...options('vote'), { value: 'absent', label: t('decisions.absent') }];
  return (
    <>
      <Section title={t('decisions.meetingTitle')} id="meeting-heading">
        <form onSubmit={submitMeeting} className="form form-grid" noValidate>
          <TextField label={t('decisions.date')} hint={t('common.dateHint')} value={date} onChange={setDate} error={dateError || undefined} />
          <TextField label={t('decisions.meetingName')} value={title} onChange={setTitle} />
          <div className="form-actions">
            <ErrorNotice error={addMeeting.error} />
            <SuccessNotice>{addMeeting.done}</SuccessNotice>
            <Button type="submit">{t('decisions.addMeeting')}</Button>
          </div>
        </form>
      </Section>
      <Section title={t('decisions.decisionFormTitle')} id="decision-heading">
        <ErrorNotice error={meetings.error ?? shares.error ?? orgs.error} />
        {meetings.data && meetings.data.length === 0 && <Paragraph>{t('decisions.noMeetings')}</Paragraph>}
        {meetings.data && meetings.data.length > 0 && shares.data && (
          <form onSubmit={submitDecision} className="form form-grid" noValidate>
            <SelectField
              label={t('decisions.meeting')}
              value={chosenMeeting}
              onChange={setMeeting}
              options={meetings.data.map((m) => ({ value: m.id, label: `${formatDate(m.date)} ${m.title}` }))}
            />
            <SelectField label={t('decisions.kind')} value={kind} onChange={setKind} options={options('decision_kind')} />
            <TextField label={t('decisions.decisionTitle')} value={decisionTitle} onChange={setDecisionTitle} />
            {needsSubject && (
              <SelectField
                label={t('decisions.subject')}
                value={subject || subjects[0]?.id || ''}
                onChange={setSubject}
                options={subjects.map((o) => ({ value: o.id, label: o.name }))}
              />
            )}
            <fieldset className="votes">
              <legend>{t('decisions.votes')}</legend>
              <Paragraph>{t('decisions.votesHelp')}</Paragraph>
              {shares.data.seats.map((s) => (
                <SelectField
                  key={s.key}
                  label={`${term('seat', s.key)} (${formatPercent(s.weight)})`}
                  value={votes[s.key] ?? 'absent'}
                  onChange={(v) => setVotes((all) => ({ ...all, [s.key]: v }))}
                  options={voteOptions}
                />
              ))}
            </fieldset>
            <div className="form-actions">
              <ErrorNotice error={decide.error} />
              <SuccessNotice>{decide.done}</SuccessNotice>
              <Button type="submit">{t('decisions.record')}</Button>
            </div>
          </form>
        )}
      </Section>
    </>
  );
}
