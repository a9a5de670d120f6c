// The audit trail for security: is the chain intact, what happened lately, and the full export for a SIEM.

import type { Api, AuditParty, AuditVerification } from '../api';
import { h, table, when } from '../dom';

/** Verified needs the chain intact and reaching its newest anchor; intact without any anchor yet is said plainly. */
function verdict(verification: AuditVerification): { state: 'ok' | 'warn' | 'bad'; text: string } {
  const { ok, entries, keyIds, anchor } = verification;
  if (!ok) {
    const first = verification.problems.map((problem) => `#${problem.seq} ${problem.kind}`).slice(0, 5).join(', ');
    return { state: 'bad', text: `Not verified: ${verification.problemCount} problem(s) in ${entries} entries. The first: ${first}.` };
  }
  if (anchor) {
    return {
      state: 'ok',
      text: `Verified: all ${entries} entries are intact and in order, and the trail still reaches its newest anchor (entry ${anchor.seq}, ${when(anchor.at)}). Keys ${keyIds.join(', ') || 'none'}.`,
    };
  }
  if (entries === 0) return { state: 'warn', text: 'Nothing recorded yet and no anchor yet: a new installation.' };
  return {
    state: 'warn',
    text: `All ${entries} entries are intact and in order, but there is no anchor yet, so a trail cut back or emptied would look the same. The service writes one within minutes.`,
  };
}

function party(value: AuditParty | undefined): string | HTMLElement {
  if (!value) return '';
  if (value.erased) return '(erased)';
  const name = value.displayName ?? value.upn ?? value.name ?? (value.aadObjectId ? `user ${value.aadObjectId.slice(0, 8)}…` : '');
  if (value.matchesRef === false) return h('span', {}, name, ' ', h('strong', { class: 'warning' }, '(not the person sealed)'));
  const shownName = value.displayName !== undefined ? 'displayName' : value.upn !== undefined ? 'upn' : undefined;
  if (shownName && value.unsealed?.includes(shownName)) {
    return h('span', {}, name, ' ', h('span', { class: 'warning', attrs: { title: 'This name was recorded before names were sealed: it could have been changed since.' } }, '(name not sealed)'));
  }
  return name;
}

export async function auditView(api: Api): Promise<HTMLElement> {
  const data = await api.audit();
  const { verification } = data;
  const shown = verdict(verification);
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
      { class: `banner ${shown.state}`, attrs: { role: 'status', 'data-verified': String(verification.ok), 'data-anchored': String(verification.anchor !== undefined) } },
      shown.text,
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
