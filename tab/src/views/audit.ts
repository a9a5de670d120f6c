// The audit trail for security: is the chain intact, what happened lately, and the full export for a SIEM.

import type { Api, AuditParty } from '../api';
import { h, table, when } from '../dom';

export async function auditView(api: Api): Promise<HTMLElement> {
  const data = await api.audit();
  const { verification } = data;
  const party = (value: AuditParty | undefined) => {
    if (!value) return '';
    if (value.erased) return '(erased)';
    return value.displayName ?? value.upn ?? value.name ?? (value.aadObjectId ? `user ${value.aadObjectId.slice(0, 8)}…` : '');
  };
  const exportButton: HTMLButtonElement = h('button', { class: 'button secondary', attrs: { type: 'button' } }, 'Export the whole trail (JSON lines)');
  const exportStatus = h('p', { attrs: { role: 'status' } });
  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    exportStatus.textContent = 'Preparing the export…';
    try {
      const blob = await api.auditExport();
      const link = h('a', { attrs: { href: URL.createObjectURL(blob), download: `passkey-coach-audit-${new Date().toISOString().slice(0, 10)}.jsonl` } }, 'Download the export');
      exportStatus.replaceChildren('Ready: ', link, ` (${Math.ceil(blob.size / 1024)} KB). Every line says whether it verified.`);
      link.focus();
    } catch (error) {
      exportStatus.textContent = (error as Error).message;
    } finally {
      exportButton.disabled = false;
    }
  });
  return h(
    'section',
    { attrs: { 'aria-labelledby': 'audit-title' } },
    h('h2', { attrs: { id: 'audit-title' } }, 'Audit trail'),
    h(
      'p',
      { class: `banner ${verification.ok ? 'ok' : 'bad'}`, attrs: { role: 'status', 'data-verified': String(verification.ok) } },
      verification.ok
        ? `Verified: all ${verification.entries} entries are intact and in order (keys ${verification.keyIds.join(', ') || 'none'}).`
        : `Not verified: ${verification.problemCount} problem(s) in ${verification.entries} entries. The first: ${verification.problems.map((problem) => `#${problem.seq} ${problem.kind}`).slice(0, 5).join(', ')}.`,
    ),
    h('div', { class: 'actions' }, exportButton),
    exportStatus,
    table(
      `The latest ${data.entries.length} entries of the last ${data.windowDays} days`,
      ['#', 'When', 'What', 'Outcome', 'Who', 'About', 'Verified'],
      data.entries.map((entry) => [entry.seq, when(entry.at), entry.action, entry.outcome, party(entry.actor), party(entry.subject), entry.verified ? 'yes' : h('strong', {}, 'NO')]),
    ),
  );
}
