// Where a card's link opens the tab: in Teams, a deep link to the app's Dashboard tab (the org catalog's app id is the
// one Teams links by for an app published to the organisation); without a catalog id, the tab's own page on this
// service, which says how to open it in Teams; in demo mode, the local page that plays Teams around the tab.

/** The Dashboard's entityId in appPackage/manifest.json. */
const DASHBOARD_ENTITY = 'home';

export interface TabLinkPlace {
  publicBaseUrl: string;
  catalogAppId: string | undefined;
  demo: boolean;
}

export function tabLink(place: TabLinkPlace, view: string): string | undefined {
  const base = place.publicBaseUrl.replace(/\/+$/, '');
  if (place.demo) return base ? `${base}/tab/demo-host/?view=${encodeURIComponent(view)}` : undefined;
  if (place.catalogAppId) return `https://teams.microsoft.com/l/entity/${encodeURIComponent(place.catalogAppId)}/${DASHBOARD_ENTITY}?context=${encodeURIComponent(JSON.stringify({ subEntityId: view }))}`;
  return base ? `${base}/tab/` : undefined;
}
