import { useMemo, useState } from 'react';
import { Button } from 'suomifi-ui-components';
import { apiDelete, apiGet, apiPost } from '../api/client';
import type { OrgView, User } from '../api/types';
import { useI18n } from '../i18n';
import { DataTable, ErrorNotice, Loading, Page, Section, SelectField, SuccessNotice, TextField, useLoad } from '../components/ui';
import { formatDate } from '../format';
import { useSubmit } from '../submit';

export function UsersPage() {
  const { t, term, options } = useI18n();
  const users = useLoad(() => apiGet<User[]>('/api/users'), []);
  const orgs = useLoad(() => apiGet<OrgView[]>('/api/orgs'), []);
  const names = useMemo(() => new Map((orgs.data ?? []).map((o) => [o.id, o.name])), [orgs.data]);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('member');
  const [org, setOrg] = useState('');
  const [password, setPassword] = useState('');
  // Adding and removing share one outcome: the notices sit above the table.
  const action = useSubmit();

  const add = action.onSubmit(async () => {
    await apiPost<User>('/api/users', { email, name, role, org_id: role === 'member' ? org || null : null, password });
    setEmail('');
    setName('');
    setPassword('');
    users.reload();
    return t('users.added', { email });
  });
  const remove = (u: User) => {
    if (!window.confirm(t('users.confirmRemove', { email: u.email }))) return;
    void action.run(async () => {
      await apiDelete(`/api/users/${u.id}`);
      users.reload();
      return t('users.removed');
    });
  };

  return (
    <Page title={t('users.title')}>
      <ErrorNotice error={users.error} />
      <SuccessNotice>{action.done}</SuccessNotice>
      {!users.data && !users.error && <Loading />}
      {users.data && (
        <DataTable<User>
          caption={t('users.caption')}
          rows={users.data}
          rowKey={(u) => u.id}
          initialSort={{ key: 'email', dir: 'asc' }}
          columns={[
            { key: 'email', label: t('users.email'), render: (u) => u.email, sort: (u) => u.email },
            { key: 'name', label: t('common.name'), render: (u) => u.name, sort: (u) => u.name },
            { key: 'role', label: t('users.role'), render: (u) => term('role', u.role), sort: (u) => u.role },
            { key: 'org', label: t('users.org'), render: (u) => (u.org_id ? names.get(u.org_id) ?? '–' : '–') },
            { key: 'created', label: t('users.created'), render: (u) => formatDate(u.created_at), sort: (u) => u.created_at },
            {
              key: 'actions',
              label: t('common.actions'),
              render: (u) => (
                <Button variant="secondary" onClick={() => remove(u)} aria-label={`${t('users.remove')}: ${u.email}`}>
                  {t('users.remove')}
                </Button>
              ),
            },
          ]}
        />
      )}
      <Section title={t('users.new')} id="new-user-heading">
        <form onSubmit={add} className="form" noValidate>
          <TextField label={t('users.email')} type="email" value={email} onChange={setEmail} />
          <TextField label={t('common.name')} value={name} onChange={setName} />
          <SelectField label={t('users.role')} value={role} onChange={setRole} options={options('role')} />
          {role === 'member' && (
            <SelectField
              label={t('users.org')}
              hint={t('users.orgHint')}
              value={org}
              onChange={setOrg}
              options={[{ value: '', label: t('users.chooseOrg') }, ...(orgs.data ?? []).map((o) => ({ value: o.id, label: o.name }))]}
            />
          )}
          <TextField label={t('users.password')} hint={t('users.passwordHint')} type="password" value={password} onChange={setPassword} autoComplete="new-password" />
          <ErrorNotice error={action.error} />
          <Button type="submit">{t('users.add')}</Button>
        </form>
      </Section>
    </Page>
  );
}
