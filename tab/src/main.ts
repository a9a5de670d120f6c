// Passkey Coach's tab for admins, helpdesk, security and managers: who sees which view is decided by the server from
// the person's groups and direct reports; this page only asks and shows.

import './styles.css';
import { Api, ApiError, type Me, problemText, type Role } from './api';
import { destroyCharts } from './charts';
import { h } from './dom';
import { connectToTeams, insideAFrame, type Theme } from './teams';
import { currentLanguage, type Key, sentence, t, useLanguage } from './words';
import { auditView } from './views/audit';
import { escalationsView } from './views/escalations';
import { helpdeskView } from './views/helpdesk';
import { leadershipView } from './views/leadership';
import { progressView } from './views/progress';
import { teamView } from './views/team';

interface View {
  id: string;
  label: Key;
  roles: Role[];
  render: (api: Api, redraw: (notice?: string) => void) => Promise<HTMLElement>;
}

const VIEWS: View[] = [
  { id: 'progress', label: 'views.progress', roles: ['admin', 'security'], render: (api) => progressView(api) },
  { id: 'escalations', label: 'views.escalations', roles: ['admin', 'security'], render: (api) => escalationsView(api) },
  { id: 'leadership', label: 'views.leadership', roles: ['leadership', 'admin'], render: (api) => leadershipView(api) },
  { id: 'helpdesk', label: 'views.helpdesk', roles: ['helpdesk', 'approver'], render: (api, redraw) => helpdeskView(api, redraw) },
  { id: 'audit', label: 'views.audit', roles: ['security'], render: (api) => auditView(api) },
  { id: 'team', label: 'views.team', roles: ['manager'], render: (api, redraw) => teamView(api, redraw) },
];

const root = document.getElementById('app') as HTMLElement;

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

function say(...content: (Node | string)[]): void {
  root.setAttribute('aria-busy', 'false');
  root.replaceChildren(...content);
}

/** Words in a language: the page's own, and the language assistive technology reads them in. */
function speak(locale: string | undefined): void {
  useLanguage(locale);
  document.documentElement.lang = currentLanguage();
}

async function start(): Promise<void> {
  // Until Teams says the reader's language, the browser's (in Teams, the client's too) is the best guess.
  speak(navigator.language);
  root.querySelector('.status')?.replaceChildren(t('loading'));
  if (!insideAFrame()) {
    say(
      h('h1', {}, 'Passkey Coach'),
      h('p', {}, t('outside.notInTeams')),
      h('p', {}, ...sentence('outside.demoHost', {}, { link: h('a', { attrs: { href: '/tab/demo-host/' } }, '/tab/demo-host/') })),
    );
    requestAnimationFrame(() => performance.mark('passkey-coach:first-view'));
    return;
  }
  let teams: Awaited<ReturnType<typeof connectToTeams>>;
  try {
    teams = await connectToTeams();
  } catch {
    say(h('h1', {}, 'Passkey Coach'), h('p', {}, t('outside.teamsDidNotAnswer')));
    return;
  }
  speak(teams.locale);
  applyTheme(teams.theme);
  const api = new Api(teams.token);
  let me: Me;
  try {
    me = await api.me();
  } catch (error) {
    say(h('h1', {}, 'Passkey Coach'), h('p', { attrs: { role: 'alert' } }, problemText(error)));
    teams.ready();
    return;
  }
  const views = VIEWS.filter((view) => view.roles.some((role) => me.roles.includes(role)));
  if (views.length === 0) {
    say(
      h('h1', {}, 'Passkey Coach'),
      h('p', {}, t('noViews.hello', { name: me.name })),
      h('p', {}, t('noViews.chat')),
    );
    teams.ready();
    return;
  }

  const content = h('div', { class: 'view', attrs: { id: 'view', role: 'tabpanel', tabindex: '-1' } });
  const notice = h('p', { class: 'notice', attrs: { role: 'status' } });
  const tabs = views.map((view) => h('button', { class: 'tab', attrs: { type: 'button', role: 'tab', id: `tab-${view.id}`, 'aria-controls': 'view', 'data-view': view.id } }, t(view.label)));
  let current = views[0] as View;
  let drawing = 0;

  const show = async (view: View, message?: string) => {
    current = view;
    // A slow answer for a view the person has already left must not replace the one they moved to.
    const turn = ++drawing;
    for (const [index, tab] of tabs.entries()) {
      const selected = views[index] === view;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    content.setAttribute('aria-labelledby', `tab-${view.id}`);
    content.setAttribute('aria-busy', 'true');
    notice.textContent = message ?? '';
    destroyCharts();
    let drawn: HTMLElement;
    try {
      drawn = await view.render(api, (next) => void show(current, next));
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      drawn = h('p', { attrs: { role: 'alert' } }, status === 401 ? t('errors.signInExpired') : problemText(error));
    }
    if (turn !== drawing) return;
    content.replaceChildren(drawn);
    content.setAttribute('aria-busy', 'false');
  };

  const tablist = h('div', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': t('views.label') } }, ...tabs);
  // Arrow keys move between tabs, Home and End jump (the WAI-ARIA tabs pattern); Tab goes on into the view.
  tablist.addEventListener('keydown', (event) => {
    const index = tabs.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = (next + tabs.length) % tabs.length;
    tabs[target]?.focus();
    void show(views[target] as View);
  });
  for (const [index, tab] of tabs.entries()) tab.addEventListener('click', () => void show(views[index] as View));

  const roles = me.roles.map((role) => t(`roles.${role}`)).join(', ');
  say(h('header', { class: 'top' }, h('h1', {}, 'Passkey Coach'), h('p', { class: 'who' }, `${me.name} · ${roles}`)), tablist, notice, content);
  await show(current);
  // The first view is in the page: `npm run bench tab` reads this mark (time since the tab's navigation began).
  requestAnimationFrame(() => performance.mark('passkey-coach:first-view'));
  teams.onThemeChange((theme) => {
    applyTheme(theme);
    // Charts read their colours when drawn: draw the view again in the new theme.
    void show(current, notice.textContent ?? undefined);
  });
  teams.ready();
}

void start();
