// Synthetic tenants for benchmarks and load tests: a deterministic TenantSeed of any size with the mix of people,
// methods, licences, guests, rooms, groups and roles a real organisation has (docs/demo-tenant.md).

import { SeededRandom } from './seeded-random.js';
import { AUTHENTICATORS, DEPARTMENTS, GIVEN_NAMES, OFFICES, type Office, PARTNER_DOMAINS, PHONES, ROLE_DEFINITIONS, SURNAMES } from './synthetic-tenant-data.js';
import type { SeedGroup, SeedMethod, SeedUser, TenantSeed } from './tenant-seed.js';

export interface SyntheticTenantOptions {
  /** Accounts in the tenant, every kind together: people, guests, rooms, shared mailboxes and two break-glass accounts. */
  users: number;
  /** The same seed and options always give the same tenant. Default 1. */
  seed?: number;
  /** Share of people with a passkey or Windows Hello for Business. Default 0.25. */
  enrolledShare?: number;
  /** Share of people with weaker methods only (push, phone, email, one-time codes, phone sign-in). Default 0.60; the rest have a password only. */
  weakOnlyShare?: number;
  /** Share of the enabled, Teams-licensed people who already have the app installed. Default 0.30. */
  appInstalledShare?: number;
  /** Share of all accounts that are guests. Default 0.02. */
  guestShare?: number;
  /** Share of people whose account is disabled (they left). Default 0.01. */
  disabledShare?: number;
  /** Share of people without a Teams licence. Default 0.02. */
  unlicensedShare?: number;
  /** Share of all accounts that are rooms or shared mailboxes (at least two). Default 0.002. */
  resourceShare?: number;
  /** Share of people in the campaign's excluded group (besides the rooms and shared mailboxes, nested). Default 0.005. */
  excludedShare?: number;
  /** The tenant's domain. Default `synthetic.example`. */
  domain?: string;
  tenantName?: string;
}

export const SYNTHETIC_TENANT_DEFAULTS = {
  seed: 1,
  enrolledShare: 0.25,
  weakOnlyShare: 0.6,
  appInstalledShare: 0.3,
  guestShare: 0.02,
  disabledShare: 0.01,
  unlicensedShare: 0.02,
  resourceShare: 0.002,
  excludedShare: 0.005,
  domain: 'synthetic.example',
  tenantName: 'Synthetic Industries',
} as const;

export const MIN_SYNTHETIC_USERS = 20;
export const MAX_SYNTHETIC_USERS = 1_000_000;

/** The same app registration and catalog app as demo/tenant.json, so a synthetic tenant drops into demo mode. */
const APPS: TenantSeed['apps'] = [{ clientId: '5ee1735c-b49b-4a35-894b-8d17b1aa900f', clientSecret: 'demo-secret-not-for-production-northwind-pharma', displayName: 'Passkey Coach (demo)' }];
const TEAMS_APP: TenantSeed['teamsApp'] = { catalogId: '0cd1f0c9-6df9-4293-a363-c53281ab7405', externalId: 'e854f40d-423b-4b1a-9002-da34b5bdd17e', displayName: 'Passkey Coach' };

/** How many reports a manager has at most: the org chart is a tree this wide under each department head. */
const SPAN_OF_CONTROL = 7;
const SHARE_OPTIONS = ['enrolledShare', 'weakOnlyShare', 'appInstalledShare', 'guestShare', 'disabledShare', 'unlicensedShare', 'resourceShare', 'excludedShare'] as const;
const DAY = 86_400_000;

type Resolved = Required<SyntheticTenantOptions>;
type Strength = 'strong' | 'weak' | 'none';

interface Person {
  user: SeedUser;
  manager?: Person;
  department: number;
  office: Office;
  strength: Strength;
}

export function syntheticTenant(options: SyntheticTenantOptions): TenantSeed {
  const o = resolveOptions(options);
  const random = new SeededRandom(o.seed, 1);
  const ids = new SeededRandom(o.seed, 2);
  const names = new UniqueNames();
  const guests = Math.round(o.users * o.guestShare);
  const resources = Math.max(2, Math.round(o.users * o.resourceShare));
  const peopleCount = o.users - guests - resources - 2;
  if (peopleCount < MIN_SYNTHETIC_USERS - 4) throw new RangeError(`${o.users} accounts leave too few people after ${guests} guests and ${resources} rooms: lower the shares or raise users.`);

  const people = makePeople(peopleCount, o, random, ids, names);
  const guestUsers = Array.from({ length: guests }, () => makeGuest(o, random, ids, names));
  const resourceUsers = Array.from({ length: resources }, (_, index) => makeResource(index, o, random, ids, names));
  const breakGlass = [1, 2].map((n) => makeBreakGlass(n, o, ids));
  const staff = pickStaff(people);
  const roomsGroup = group(ids, 'Shared and Room Accounts', 'shared-and-room-accounts', 'Rooms and shared mailboxes: nobody enrols on them.', undefined, resourceUsers.map((user) => user.id));
  const excludedPeople = random.choose(people.length, Math.round(people.length * o.excludedShare));
  const departmentGroups = DEPARTMENTS.map((department, index) =>
    group(ids, `Dept - ${department.name}`, `dept-${department.slug}`, `Everyone in ${department.name}.`, 'department', people.filter((person) => person.department === index).map((person) => person.user.id)),
  ).filter((candidate) => candidate.members.length > 0);
  const itGroup = departmentGroups.find((candidate) => candidate.mailNickname === 'dept-it');
  const roles = directoryRoles(staff, breakGlass);
  const privilegedIds = [...new Set([...roles.assignments, ...roles.eligibilities].filter((grant) => grant.roleDefinitionId !== ROLE_DEFINITIONS.reportsReader.id).map((grant) => grant.principalId))];
  const ofStaff = (members: Person[]) => members.map((person) => person.user.id);

  const groups: SeedGroup[] = [
    group(ids, 'IT Service Desk Agents', 'it-service-desk-agents', 'Service desk agents who may request a Temporary Access Pass.', 'helpdesk', ofStaff(staff.helpdesk)),
    group(ids, 'TAP Approvers', 'tap-approvers', 'People who approve Temporary Access Pass requests.', 'tap-approvers', ofStaff(staff.approvers)),
    group(ids, 'Information Security', 'information-security', 'Security officers.', 'security', ofStaff(staff.security)),
    group(ids, 'Passkey Campaign Admins', 'passkey-campaign-admins', 'Run passkey campaigns.', 'campaign-admins', ofStaff(staff.campaignAdmins)),
    group(ids, 'Passkey Escalations', 'passkey-escalations', 'Decide refusals when the manager is missing or disabled.', 'escalation', ofStaff(staff.escalation)),
    group(ids, 'Security Key Requests', 'security-key-requests', 'Ship hardware security keys.', 'security-key-requests', ofStaff(staff.securityKeys)),
    roomsGroup,
    group(ids, 'Passkey Campaign Exclusions', 'passkey-campaign-exclusions', 'Never targeted.', 'excluded', [roomsGroup.id, ...people.filter((_, index) => excludedPeople[index] === 1).map((person) => person.user.id)]),
    group(ids, 'Passkey Pilot Wave 1', 'passkey-pilot-wave-1', 'First wave: all of IT (nested).', 'pilot', itGroup ? [itGroup.id] : []),
    group(ids, 'Privileged Accounts', 'privileged-accounts', 'Holders of admin roles.', 'privileged', privilegedIds),
    ...departmentGroups,
  ];

  return {
    tenant: { id: ids.guid(), displayName: o.tenantName, defaultDomain: o.domain, defaultTimeZone: 'W. Europe Standard Time' },
    apps: APPS.map((app) => ({ ...app })),
    teamsApp: { ...TEAMS_APP },
    tapPolicy: { state: 'enabled', defaultLifetimeInMinutes: 60, minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLength: 8, isUsableOnce: false },
    // The legacy shape: passkeys of every kind, for everyone, no attestation (most tenants before passkey profiles).
    passkeyPolicy: {
      state: 'enabled',
      isSelfServiceRegistrationAllowed: true,
      isAttestationEnforced: false,
      keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] },
      includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
      excludeTargets: [],
    },
    // Only Global Administrators change profile photos: the photo Face Check compares with is not the person's to replace.
    photoUpdateSettings: { source: 'cloud', allowedRoles: ['62e90394-69f5-4237-9190-012177145e10'] },
    reportLagMinutes: 180,
    users: [...people.map((person) => person.user), ...guestUsers, ...resourceUsers, ...breakGlass],
    groups,
    contacts: [],
    directoryRoles: roles,
    pimForGroups: { eligibilities: [], assignments: [] },
    breakGlassUserIds: breakGlass.map((user) => user.id),
    ...personas(people, staff),
  };
}

function resolveOptions(options: SyntheticTenantOptions): Resolved {
  const o: Resolved = { ...SYNTHETIC_TENANT_DEFAULTS, ...stripUndefined(options), users: options.users };
  if (!Number.isInteger(o.users) || o.users < MIN_SYNTHETIC_USERS || o.users > MAX_SYNTHETIC_USERS) {
    throw new RangeError(`users must be a whole number from ${MIN_SYNTHETIC_USERS} to ${MAX_SYNTHETIC_USERS} (got ${o.users}).`);
  }
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be a whole number (got ${o.seed}).`);
  for (const name of SHARE_OPTIONS) {
    if (!(o[name] >= 0 && o[name] <= 1)) throw new RangeError(`${name} must be between 0 and 1 (got ${o[name]}).`);
  }
  if (o.enrolledShare + o.weakOnlyShare > 1) throw new RangeError('enrolledShare and weakOnlyShare together cannot exceed 1.');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/.test(o.domain)) throw new RangeError(`domain must be a lower-case domain name such as synthetic.example (got ${o.domain}).`);
  return o;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

// --- people

function makePeople(count: number, o: Resolved, random: SeededRandom, ids: SeededRandom, names: UniqueNames): Person[] {
  const departmentsOf = assignDepartments(count, random);
  const disabled = random.choose(count, Math.round(count * o.disabledShare));
  const unlicensed = random.choose(count, Math.round(count * o.unlicensedShare));
  const strength = strengths(count, o, random);
  const members: number[][] = DEPARTMENTS.map(() => []);
  const people: Person[] = [];
  for (let index = 0; index < count; index += 1) {
    const department = departmentsOf[index] as number;
    const office = random.weighted(OFFICES);
    const name = names.person(random, o.domain);
    const created = isoDate(Date.UTC(2008, 0, 1) + random.below(16 * 365) * DAY + random.below(DAY));
    const kind = strength[index] as Strength;
    const user: SeedUser = {
      id: ids.guid(),
      userPrincipalName: name.upn,
      displayName: `${name.given} ${name.surname}`,
      givenName: name.given,
      surname: name.surname,
      mail: name.upn,
      department: DEPARTMENTS[department]?.name,
      officeLocation: office.name,
      usageLocation: office.usageLocation,
      preferredLanguage: random.chance(0.7) ? office.language : 'en-US',
      accountEnabled: disabled[index] !== 1,
      userType: 'Member',
      accountKind: 'person',
      teamsLicensed: unlicensed[index] !== 1,
      mailboxTimeZone: mailboxTimeZone(office, random),
      appInstalled: false,
      methods: methodsFor(kind, name, office, created, random, ids),
      passwordless: false,
      createdDateTime: created,
    };
    people.push({ user, department, office, strength: kind });
    (members[department] as number[]).push(index);
  }
  linkManagers(people, members, random);
  installApp(people, o, random);
  return people;
}

/** Person 0 is the chief executive, persons 1..11 head the departments, everyone else joins one by weight. */
function assignDepartments(count: number, random: SeededRandom): Int32Array {
  const departments = new Int32Array(count);
  const heads = Math.min(DEPARTMENTS.length - 1, count - 1);
  for (let index = 1; index <= heads; index += 1) departments[index] = index;
  const staffed = DEPARTMENTS.map((department, index) => ({ index, weight: index >= 1 && index <= heads ? department.weight : 0 }));
  for (let index = heads + 1; index < count; index += 1) departments[index] = random.weighted(staffed).index;
  return departments;
}

function strengths(count: number, o: Resolved, random: SeededRandom): Strength[] {
  const enrolled = Math.round(count * o.enrolledShare);
  const weak = Math.round(count * o.weakOnlyShare);
  const order = random.permutation(count);
  const out: Strength[] = new Array(count);
  for (let rank = 0; rank < count; rank += 1) out[order[rank] as number] = rank < enrolled ? 'strong' : rank < enrolled + weak ? 'weak' : 'none';
  return out;
}

/** Within each department, member k reports to member ⌊(k−1)/span⌋; department heads report to the chief executive. */
function linkManagers(people: Person[], members: number[][], random: SeededRandom): void {
  const ceo = people[0] as Person;
  ceo.user.jobTitle = 'Chief Executive Officer';
  members.forEach((list, department) => {
    const name = DEPARTMENTS[department]?.name ?? '';
    list.forEach((personIndex, k) => {
      const person = people[personIndex] as Person;
      if (personIndex === 0) return;
      if (k === 0) {
        person.manager = ceo;
        person.user.managerId = ceo.user.id;
        person.user.jobTitle = `Head of ${name}`;
        return;
      }
      const head = department === 0 ? ceo : (people[list[Math.floor((k - 1) / SPAN_OF_CONTROL)] as number] as Person);
      person.manager = head;
      person.user.managerId = head.user.id;
      const leads = k * SPAN_OF_CONTROL + 1 < list.length;
      person.user.jobTitle = leads ? `${name} Team Lead` : random.pick(DEPARTMENTS[department]?.titles ?? ['Specialist']);
    });
  });
}

function installApp(people: Person[], o: Resolved, random: SeededRandom): void {
  const eligible = people.filter((person) => person.user.accountEnabled && person.user.teamsLicensed);
  const chosen = random.choose(eligible.length, Math.round(eligible.length * o.appInstalledShare));
  eligible.forEach((person, index) => {
    person.user.appInstalled = chosen[index] === 1;
  });
}

function mailboxTimeZone(office: Office, random: SeededRandom): string | undefined {
  const roll = random.next();
  if (roll < 0.8) return office.windowsTimeZone;
  if (roll < 0.95) return office.ianaTimeZone;
  return undefined;
}

// --- methods

interface Name {
  given: string;
  surname: string;
  local: string;
  upn: string;
}

function methodsFor(strength: Strength, name: Name, office: Office, created: string, random: SeededRandom, ids: SeededRandom): SeedMethod[] {
  if (strength === 'none') return [];
  const ios = random.chance(0.55);
  const phone = random.pick(ios ? PHONES.ios : PHONES.android);
  const when = () => isoDate(Math.max(Date.parse(created), Date.UTC(2023, 0, 1)) + random.below(700) * DAY + random.below(DAY));
  const push = (): SeedMethod => ({ id: ids.guid(), kind: 'microsoftAuthenticatorPush', displayName: phone, createdDateTime: when(), deviceTag: 'SoftwareTokenActivated', phoneAppVersion: '6.8.21' });
  const device = `LT-${asciiFold(office.name).slice(0, 3).toUpperCase()}-${String(random.below(10_000)).padStart(4, '0')}`;
  const roll = random.next();
  if (strength === 'strong') {
    if (roll < 0.35) {
      const authenticator = ios ? AUTHENTICATORS.authenticatorIos : AUTHENTICATORS.authenticatorAndroid;
      return [push(), { id: ids.guid(), kind: 'passKeyDeviceBoundAuthenticator', displayName: phone, createdDateTime: when(), ...authenticator, attestationLevel: 'attested' }];
    }
    const withPush = (methods: SeedMethod[]) => (random.chance(0.5) ? [push(), ...methods] : methods);
    if (roll < 0.6) return withPush([{ id: ids.guid(), kind: 'windowsHelloForBusiness', displayName: device, createdDateTime: when(), deviceTag: device }]);
    if (roll < 0.75) {
      const keychain = ios ? AUTHENTICATORS.iCloud : AUTHENTICATORS.google;
      return withPush([{ id: ids.guid(), kind: 'passKeySynced', displayName: keychain.model, createdDateTime: when(), ...keychain, attestationLevel: 'notAttested' }]);
    }
    if (roll < 0.88) return withPush([{ id: ids.guid(), kind: 'fido2SecurityKey', displayName: 'YubiKey 5 NFC', createdDateTime: when(), ...AUTHENTICATORS.securityKey, attestationLevel: 'attested' }]);
    return withPush([
      { id: ids.guid(), kind: 'passKeyDeviceBoundWindowsHello', displayName: `Windows Hello on ${device}`, createdDateTime: when(), ...AUTHENTICATORS.windowsHello, attestationLevel: 'notAttested', deviceTag: device },
    ]);
  }
  const mobile = (): SeedMethod => ({ kind: 'mobilePhone', displayName: 'Mobile phone', createdDateTime: when(), phoneNumber: fictionalPhone(office, random) });
  const email = (): SeedMethod => ({ kind: 'email', displayName: 'Personal email', createdDateTime: when(), emailAddress: `${name.local}@mail.example` });
  if (roll < 0.6) return random.chance(0.15) ? [push(), email()] : [push()];
  if (roll < 0.82) return random.chance(0.2) ? [mobile(), { kind: 'sms', displayName: 'Mobile phone (SMS sign-in)', createdDateTime: when() }] : [mobile()];
  if (roll < 0.88) return [email()];
  if (roll < 0.94) return [{ id: ids.guid(), kind: 'softwareOneTimePasscode', displayName: 'Authenticator app (one-time code)', createdDateTime: when() }];
  // Phone sign-in: passwordless, yet not a passkey.
  return [push(), { id: ids.guid(), kind: 'microsoftAuthenticatorPasswordless', displayName: phone, createdDateTime: when(), deviceTag: 'SoftwareTokenActivated', phoneAppVersion: '6.8.21' }];
}

/** Numbers from the ranges set aside for fiction: +1 NXX 555-01xx and +44 7700 900xxx. */
function fictionalPhone(office: Office, random: SeededRandom): string {
  if (office.usageLocation === 'GB') return `+447700900${String(random.below(1000)).padStart(3, '0')}`;
  return `+1${200 + random.below(800)}55501${String(random.below(100)).padStart(2, '0')}`;
}

// --- accounts that are not employees

function makeGuest(o: Resolved, random: SeededRandom, ids: SeededRandom, names: UniqueNames): SeedUser {
  const partner = random.pick(PARTNER_DOMAINS);
  const name = names.guest(random, partner, o.domain);
  const created = isoDate(Date.UTC(2020, 0, 1) + random.below(5 * 365) * DAY);
  return {
    id: ids.guid(),
    userPrincipalName: name.upn,
    displayName: `${name.given} ${name.surname} (${partner.split('.')[0]})`,
    givenName: name.given,
    surname: name.surname,
    mail: `${name.local}@${partner}`,
    accountEnabled: true,
    userType: 'Guest',
    accountKind: 'person',
    teamsLicensed: false,
    appInstalled: false,
    methods: random.chance(0.4) ? [{ kind: 'mobilePhone', displayName: 'Mobile phone', createdDateTime: created, phoneNumber: `+447700900${String(random.below(1000)).padStart(3, '0')}` }] : [],
    passwordless: false,
    createdDateTime: created,
  };
}

/** Even-numbered ones are meeting rooms (licensed for Teams Rooms), odd ones shared mailboxes (sign-in disabled). */
function makeResource(index: number, o: Resolved, random: SeededRandom, ids: SeededRandom, names: UniqueNames): SeedUser {
  const office = random.weighted(OFFICES);
  const room = index % 2 === 0;
  const local = names.reserve(o.domain, `${room ? 'room' : 'shared'}.${asciiFold(office.name).split(' ')[0]?.toLowerCase()}.${Math.floor(index / 2) + 1}`);
  return {
    id: ids.guid(),
    userPrincipalName: `${local}@${o.domain}`,
    displayName: room ? `${office.name} Meeting Room ${Math.floor(index / 2) + 1}` : `${office.name} Shared Mailbox ${Math.floor(index / 2) + 1}`,
    mail: `${local}@${o.domain}`,
    officeLocation: office.name,
    usageLocation: office.usageLocation,
    accountEnabled: room,
    userType: 'Member',
    accountKind: room ? 'resource' : 'shared',
    teamsLicensed: room,
    mailboxTimeZone: office.windowsTimeZone,
    appInstalled: false,
    methods: [],
    passwordless: false,
    createdDateTime: isoDate(Date.UTC(2019, 0, 1) + random.below(5 * 365) * DAY),
  };
}

function makeBreakGlass(n: number, o: Resolved, ids: SeededRandom): SeedUser {
  const local = `breakglass0${n}`;
  return {
    id: ids.guid(),
    userPrincipalName: `${local}@${o.domain}`,
    displayName: `Emergency Access Account 0${n}`,
    mail: `${local}@${o.domain}`,
    accountEnabled: true,
    userType: 'Member',
    accountKind: 'person',
    teamsLicensed: false,
    appInstalled: false,
    methods: [{ id: ids.guid(), kind: 'fido2SecurityKey', displayName: `YubiKey 5 NFC (safe ${n === 1 ? 'A' : 'B'})`, createdDateTime: '2024-09-03T10:00:00Z', ...AUTHENTICATORS.securityKey, attestationLevel: 'attested' }],
    passwordless: n === 1,
    createdDateTime: '2019-01-07T08:00:00Z',
  };
}

// --- staff, groups, roles and personas

interface Staff {
  helpdesk: Person[];
  approvers: Person[];
  security: Person[];
  campaignAdmins: Person[];
  escalation: Person[];
  securityKeys: Person[];
  itHead: Person | undefined;
}

/** The people the product's roles need, from IT first (HR leads escalations), all enabled and Teams-licensed. */
function pickStaff(people: Person[]): Staff {
  const usable = (person: Person) => person.user.accountEnabled && person.user.teamsLicensed && person.user.managerId !== undefined;
  const it = DEPARTMENTS.findIndex((department) => department.slug === 'it');
  const hr = DEPARTMENTS.findIndex((department) => department.slug === 'human-resources');
  const itHead = people.find((person) => person.department === it && person.user.jobTitle?.startsWith('Head of') && usable(person));
  const hrHead = people.find((person) => person.department === hr && person.user.jobTitle?.startsWith('Head of') && usable(person));
  const taken = new Set<Person>([itHead, hrHead].filter((person): person is Person => person !== undefined));
  const pool = [...people.filter((person) => person.department === it), ...people.filter((person) => person.department !== it)].filter((person) => usable(person) && !taken.has(person));
  let next = 0;
  const take = (count: number): Person[] => {
    const out: Person[] = [];
    while (out.length < count && next < pool.length) {
      const person = pool[next++] as Person;
      if (!taken.has(person)) {
        taken.add(person);
        out.push(person);
      }
    }
    return out;
  };
  const helpdesk = take(Math.min(100, Math.max(2, Math.round(people.length * 0.001))));
  const approvers = [...(itHead ? [itHead] : []), ...take(2)];
  const security = take(2);
  const campaignAdmins = take(2);
  const securityKeys = take(2);
  const escalation = [...(hrHead ? [hrHead] : take(1)), ...(itHead ? [itHead] : take(1))];
  return { helpdesk, approvers, security, campaignAdmins, escalation, securityKeys, itHead };
}

function directoryRoles(staff: Staff, breakGlass: SeedUser[]): TenantSeed['directoryRoles'] {
  const R = ROLE_DEFINITIONS;
  const grant = (person: { user: SeedUser } | undefined, role: { id: string }) => (person ? [{ principalId: person.user.id, roleDefinitionId: role.id }] : []);
  return {
    definitions: Object.values(R).map((definition) => ({ ...definition })),
    assignments: [
      ...breakGlass.flatMap((user) => grant({ user }, R.globalAdministrator)),
      ...grant(staff.approvers[0], R.privilegedAuthenticationAdministrator),
      ...grant(staff.campaignAdmins[0], R.userAdministrator),
      ...grant(staff.security[0], R.securityAdministrator),
      ...staff.helpdesk.slice(0, 3).flatMap((person) => grant(person, R.helpdeskAdministrator)),
      ...grant(staff.campaignAdmins[1], R.reportsReader),
    ],
    eligibilities: [
      ...grant(staff.itHead ?? staff.approvers[1], R.globalAdministrator),
      ...grant(staff.security[0], R.globalAdministrator),
      ...grant(staff.campaignAdmins[0], R.privilegedAuthenticationAdministrator),
      ...grant(staff.helpdesk[0], R.authenticationAdministrator),
    ],
  };
}

/** The demo's six personas: an unenrolled employee outside IT, their manager, and one of each staff role. */
function personas(people: Person[], staff: Staff): Pick<TenantSeed, 'personas'> {
  const staffIds = new Set(Object.values(staff).flatMap((value: Person[] | Person | undefined) => (Array.isArray(value) ? value : value ? [value] : [])).map((person) => person.user.id));
  const usable = (person: Person | undefined): person is Person => person?.user.accountEnabled === true && person.user.teamsLicensed && !staffIds.has(person.user.id);
  const employee = people.find((person) => person.strength !== 'strong' && DEPARTMENTS[person.department]?.slug !== 'it' && usable(person) && usable(person.manager));
  const manager = employee?.manager;
  const [helpdesk, approver, security, admin] = [staff.helpdesk[0], staff.approvers[0], staff.security[0], staff.campaignAdmins[0]];
  if (!employee || !manager || !helpdesk || !approver || !security || !admin) return {};
  return { personas: { employee: employee.user.id, manager: manager.user.id, helpdesk: helpdesk.user.id, approver: approver.user.id, security: security.user.id, admin: admin.user.id } };
}

function group(ids: SeededRandom, displayName: string, mailNickname: string, description: string, role: SeedGroup['role'], members: string[]): SeedGroup {
  return { id: ids.guid(), displayName, mailNickname, description, securityEnabled: true, ...(role ? { role } : {}), members };
}

// --- names

/** Hands out the local parts of user principal names, numbering repeats within a domain (anna.keller, anna.keller2, …). */
class UniqueNames {
  private readonly used = new Map<string, number>();

  person(random: SeededRandom, domain: string): Name {
    const given = random.pick(GIVEN_NAMES);
    const surname = random.pick(SURNAMES);
    const local = this.reserve(domain, `${asciiFold(given)}.${asciiFold(surname)}`.toLowerCase());
    return { given, surname, local, upn: `${local}@${domain}` };
  }

  /** A guest's home address is at the partner's domain; their UPN here is Entra's `home_partner#EXT#@tenant` form. */
  guest(random: SeededRandom, partner: string, domain: string): Name {
    const given = random.pick(GIVEN_NAMES);
    const surname = random.pick(SURNAMES);
    const local = this.reserve(partner, `${asciiFold(given)}.${asciiFold(surname)}`.toLowerCase());
    return { given, surname, local, upn: `${local}_${partner}#EXT#@${domain}` };
  }

  reserve(domain: string, base: string): string {
    const key = `${base}@${domain}`;
    const seen = this.used.get(key);
    this.used.set(key, (seen ?? 0) + 1);
    if (seen === undefined) return base;
    // A numbered name could collide with one reserved earlier as such; keep counting until it is free.
    let n = seen + 1;
    while (this.used.has(`${base}${n}@${domain}`)) n += 1;
    this.used.set(`${base}${n}@${domain}`, 1);
    return `${base}${n}`;
  }
}

const FOLDED: Record<string, string> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', ß: 'ss', æ: 'ae', Æ: 'AE', đ: 'd', Đ: 'D' };

const folded = new Map<string, string>();

/** `Søren Wiśniewski` → `Soren Wisniewski`: what a user principal name can carry. Names repeat, so results are kept. */
function asciiFold(text: string): string {
  let ascii = folded.get(text);
  if (ascii === undefined) {
    ascii = text
      .replace(/[łŁøØßæÆđĐ]/g, (ch) => FOLDED[ch] ?? ch)
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9 .-]/g, '');
    folded.set(text, ascii);
  }
  return ascii;
}

const dayStrings = new Map<number, string>();

/** `2024-07-07T20:27:46Z`; days are cached, since a large tenant formats hundreds of thousands of dates. */
function isoDate(ms: number): string {
  const day = Math.floor(ms / DAY);
  let date = dayStrings.get(day);
  if (date === undefined) {
    date = new Date(day * DAY).toISOString().slice(0, 10);
    dayStrings.set(day, date);
  }
  const seconds = Math.floor((ms - day * DAY) / 1000);
  const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${date}T${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}Z`;
}
