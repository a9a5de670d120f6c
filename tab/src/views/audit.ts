// The audit trail for security: is the chain intact, what happened lately, and the full export for a SIEM.
// Actions and problem kinds stay the trail's own codes (what the export and a SIEM search by), with a problem's
// meaning in the reader's words beside it; outcomes and the system's own actors are worded here.

import { type Api, type AuditEntry, type AuditParty, type AuditVerification, problemText } from '../api';
import { h, table } from '../dom';
import { has, sentence, t, when } from '../words';

/** Verified needs the chain intact and reaching its newest anchor; intact without any anchor yet is said plainly. */
function verdict(verification: AuditVerification): { state: 'ok' | 'warn' | 'bad'; text: string } {
  const { ok, keyIds, anchor, from } = verification;
  // Read now, plus those the checkpoint covers: every entry of the trail was verified, only not all of them now.
  const entries = verification.entries + (from?.seq ?? 0);
  const checkpoint = from ? ` ${t('audit.fromCheckpoint', { seq: String(from.seq), at: from.at ? when(from.at) : '' })}` : '';
  if (!ok) {
    const first = verification.problems.slice(0, 5).map((problem) => {
      const meaning = `audit.problemKinds.${problem.kind}`;
      return has(meaning) ? t('audit.problem', { seq: String(problem.seq), code: problem.kind, meaning: t(meaning) }) : `#${problem.seq} ${problem.kind}`;
    });
    return {
      state: 'bad',
      text: t('audit.notVerified', { problems: t('audit.problems', { count: verification.problemCount }), entries: t('audit.inEntries', { count: verification.entries }), first: first.join('; ') }),
    };
  }
  if (anchor) {
    return { state: 'ok', text: t('audit.verified', { count: entries, seq: String(anchor.seq), at: when(anchor.at), keys: keyIds.join(', ') || t('audit.noKeys') }) + checkpoint };
  }
  if (entries === 0) return { state: 'warn', text: t('audit.newInstallation') };
  return { state: 'warn', text: t('audit.noAnchor', { count: entries }) + checkpoint };
}

function party(value: AuditParty | undefined): string | HTMLElement {
  if (!value) return '';
  if (value.erased) return t('audit.erased');
  const system = value.kind === 'system' && value.name ? `audit.system.${value.name}` : undefined;
  const name = system && has(system) ? t(system) : (value.displayName ?? value.upn ?? value.name ?? (value.aadObjectId ? t('audit.userById', { id: value.aadObjectId.slice(0, 8) }) : ''));
  if (value.matchesRef === false) return h('span', {}, name, ' ', h('strong', { class: 'warning' }, t('audit.notThePersonSealed')));
  const shownName = value.displayName !== undefined ? 'displayName' : value.upn !== undefined ? 'upn' : undefined;
  if (shownName && value.unsealed?.includes(shownName)) {
    return h('span', {}, name, ' ', h('span', { class: 'warning', attrs: { title: t('audit.nameNotSealedTitle') } }, t('audit.nameNotSealed')));
  }
  return name;
}

/** An outcome the page has no words for yet (a newer server) is shown as its code. */
function outcome(entry: AuditEntry): string {
  const key = `audit.outcomes.${entry.outcome}`;
  return has(key) ? t(key) : entry.outcome;
}

export async function auditView(api: Api): Promise<HTMLElement> {
  const data = await api.audit();
  const { verification } = data;
  const shown = verdict(verification);
  const exportButton: HTMLButtonElement = h('button', { class: 'button secondary', attrs: { type: 'button' } }, t('audit.export'));
  const exportStatus = h('p', { attrs: { role: 'status' } });
  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    exportStatus.textContent = t('audit.preparing');
    try {
      const blob = await api.auditExport();
      const link = h('a', { attrs: { href: URL.createObjectURL(blob), download: `passkey-coach-audit-${new Date().toISOString().slice(0, 10)}.jsonl` } }, t('audit.download'));
      exportStatus.replaceChildren(...sentence('audit.ready', { size: t('audit.kilobytes', { size: Math.ceil(blob.size / 1024) }) }, { link }));
      link.focus();
    } catch (error) {
      exportStatus.textContent = problemText(error);
    } finally {
      exportButton.disabled = false;
    }
  });
  return h(
    'section',
    { attrs: { 'aria-labelledby': 'audit-title' } },
    h('h2', { attrs: { id: 'audit-title' } }, t('audit.title')),
    h(
      'p',
      { class: `banner ${shown.state}`, attrs: { role: 'status', 'data-verified': String(verification.ok), 'data-anchored': String(verification.anchor !== undefined) } },
      shown.text,
    ),
    h('div', { class: 'actions' }, exportButton),
    exportStatus,
    table(
      t('audit.table', { count: data.entries.length, days: data.windowDays }),
      [t('audit.seq'), t('audit.when'), t('audit.what'), t('audit.outcome'), t('audit.who'), t('audit.about'), t('audit.verifiedColumn')],
      data.entries.map((entry) => [
        String(entry.seq),
        when(entry.at),
        h('code', {}, entry.action),
        outcome(entry),
        party(entry.actor),
        party(entry.subject),
        entry.verified ? t('audit.yes') : h('strong', {}, t('audit.no')),
      ]),
    ),
  );
}
