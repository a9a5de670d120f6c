// The word lists behind synthetic tenants: names, offices with their time zones, departments, job titles and
// devices. Invented or generic; nothing here describes a real person or organisation.

export const GIVEN_NAMES = [
  'Aaliyah', 'Adam', 'Aditi', 'Agnieszka', 'Ahmed', 'Aiko', 'Alejandro', 'Alessandro', 'Amara', 'Amélie', 'Ana', 'Andrea',
  'Anja', 'Anna', 'Arjun', 'Astrid', 'Beatriz', 'Benjamin', 'Björn', 'Camille', 'Carlos', 'Charlotte', 'Chen', 'Chiara',
  'Chloé', 'Daniel', 'Deepa', 'Diego', 'Dmitri', 'Elena', 'Elif', 'Emily', 'Emma', 'Fatima', 'Felix', 'Fernanda', 'Finn',
  'Freya', 'Gabriel', 'Grace', 'Hana', 'Hannah', 'Hiroshi', 'Ibrahim', 'Ingrid', 'Isabel', 'Ivan', 'Jakub', 'James',
  'Javier', 'Jin', 'Jonas', 'Julia', 'Kenji', 'Kofi', 'Laila', 'Lars', 'Laura', 'Léa', 'Leon', 'Liam', 'Lucas', 'Lucía',
  'Magdalena', 'Malik', 'Marco', 'Maria', 'Mateo', 'Mei', 'Mia', 'Mohammed', 'Nadia', 'Naomi', 'Nikolai', 'Noah', 'Nora',
  'Oliver', 'Olivia', 'Omar', 'Pablo', 'Paula', 'Pedro', 'Piotr', 'Priya', 'Rafael', 'Ravi', 'Rosa', 'Sakura', 'Samuel',
  'Sara', 'Sebastian', 'Siddharth', 'Sofia', 'Sophie', 'Søren', 'Stefan', 'Tariq', 'Thomas', 'Tomás', 'Valentina',
  'Wei', 'Yara', 'Yusuf', 'Zainab', 'Zoë',
] as const;

export const SURNAMES = [
  'Abe', 'Adeyemi', 'Ahmadi', 'Almeida', 'Andersen', 'Bauer', 'Becker', 'Bernard', 'Bianchi', 'Brown', 'Carter', 'Castillo',
  'Chatterjee', 'Chen', 'Cohen', 'Costa', 'Dąbrowski', 'Dubois', 'Eriksson', 'Fernández', 'Fischer', 'Fontaine', 'García',
  'Gonzalez', 'Gupta', 'Haddad', 'Hansen', 'Hernández', 'Hoffmann', 'Hughes', 'Ivanova', 'Jansen', 'Jensen', 'Johansson',
  'Kapoor', 'Kaya', 'Keller', 'Khan', 'Kim', 'Kowalski', 'Kumar', 'Larsen', 'Laurent', 'Lee', 'Lehmann', 'Lewandowska',
  'Lindqvist', 'López', 'Martin', 'Martínez', 'Meier', 'Mendes', 'Moreau', 'Müller', 'Murphy', 'Nakamura', 'Nguyen',
  'Nielsen', 'Novak', 'Nowak', 'Okafor', 'Okonkwo', 'Olsen', 'Patel', 'Pereira', 'Petit', 'Petrov', 'Popescu', 'Rahman',
  'Raman', 'Reyes', 'Richter', 'Rodriguez', 'Romano', 'Rossi', 'Sánchez', 'Santos', 'Sato', 'Schmid', 'Schneider',
  'Schulz', 'Silva', 'Singh', 'Smith', 'Suzuki', 'Svensson', 'Tanaka', 'Taylor', 'Tran', 'Wagner', 'Walker', 'Wang',
  'Weber', 'Williams', 'Wiśniewski', 'Wong', 'Yamamoto', 'Yilmaz', 'Zhang', 'Zieliński',
] as const;

export interface Office {
  name: string;
  usageLocation: string;
  /** The Windows time-zone name Exchange usually stores, and the IANA name some mailboxes carry instead. */
  windowsTimeZone: string;
  ianaTimeZone: string;
  language: string;
  /** Relative head count. */
  weight: number;
}

export const OFFICES: readonly Office[] = [
  { name: 'Basel HQ', usageLocation: 'CH', windowsTimeZone: 'W. Europe Standard Time', ianaTimeZone: 'Europe/Zurich', language: 'de-CH', weight: 14 },
  { name: 'Lyon Plant', usageLocation: 'FR', windowsTimeZone: 'Romance Standard Time', ianaTimeZone: 'Europe/Paris', language: 'fr-FR', weight: 10 },
  { name: 'Kraków Service Centre', usageLocation: 'PL', windowsTimeZone: 'Central European Standard Time', ianaTimeZone: 'Europe/Warsaw', language: 'pl-PL', weight: 9 },
  { name: 'Cambridge R&D Centre', usageLocation: 'GB', windowsTimeZone: 'GMT Standard Time', ianaTimeZone: 'Europe/London', language: 'en-GB', weight: 9 },
  { name: 'Boston', usageLocation: 'US', windowsTimeZone: 'Eastern Standard Time', ianaTimeZone: 'America/New_York', language: 'en-US', weight: 12 },
  { name: 'Chicago', usageLocation: 'US', windowsTimeZone: 'Central Standard Time', ianaTimeZone: 'America/Chicago', language: 'en-US', weight: 6 },
  { name: 'San Diego', usageLocation: 'US', windowsTimeZone: 'Pacific Standard Time', ianaTimeZone: 'America/Los_Angeles', language: 'en-US', weight: 6 },
  { name: 'São Paulo', usageLocation: 'BR', windowsTimeZone: 'E. South America Standard Time', ianaTimeZone: 'America/Sao_Paulo', language: 'pt-BR', weight: 6 },
  { name: 'Bengaluru', usageLocation: 'IN', windowsTimeZone: 'India Standard Time', ianaTimeZone: 'Asia/Kolkata', language: 'en-IN', weight: 10 },
  { name: 'Singapore', usageLocation: 'SG', windowsTimeZone: 'Singapore Standard Time', ianaTimeZone: 'Asia/Singapore', language: 'en-SG', weight: 5 },
  { name: 'Tokyo', usageLocation: 'JP', windowsTimeZone: 'Tokyo Standard Time', ianaTimeZone: 'Asia/Tokyo', language: 'ja-JP', weight: 5 },
  { name: 'Sydney', usageLocation: 'AU', windowsTimeZone: 'AUS Eastern Standard Time', ianaTimeZone: 'Australia/Sydney', language: 'en-AU', weight: 4 },
];

export interface Department {
  name: string;
  /** The group's mail nickname suffix. */
  slug: string;
  weight: number;
  titles: readonly string[];
}

/** The first department is the executive team: the CEO and the heads of the others. */
export const DEPARTMENTS: readonly Department[] = [
  { name: 'Executive', slug: 'executive', weight: 0, titles: ['Executive Assistant'] },
  { name: 'Manufacturing', slug: 'manufacturing', weight: 20, titles: ['Production Technician', 'Production Supervisor', 'Quality Inspector', 'Maintenance Technician', 'Packaging Operator'] },
  { name: 'Sales', slug: 'sales', weight: 16, titles: ['Sales Representative', 'Key Account Manager', 'Sales Operations Analyst', 'Inside Sales Representative'] },
  { name: 'Research', slug: 'research', weight: 12, titles: ['Research Scientist', 'Laboratory Technician', 'Clinical Data Analyst', 'Bioinformatician'] },
  { name: 'Engineering', slug: 'engineering', weight: 10, titles: ['Software Engineer', 'Data Engineer', 'Validation Engineer', 'Site Reliability Engineer'] },
  { name: 'Operations', slug: 'operations', weight: 10, titles: ['Logistics Coordinator', 'Supply Chain Analyst', 'Warehouse Associate', 'Facilities Coordinator'] },
  { name: 'Customer Support', slug: 'customer-support', weight: 9, titles: ['Support Specialist', 'Customer Success Manager', 'Technical Support Engineer'] },
  { name: 'IT', slug: 'it', weight: 6, titles: ['Service Desk Agent', 'Endpoint Engineer', 'Network Engineer', 'Identity and Access Engineer', 'Security Analyst'] },
  { name: 'Finance', slug: 'finance', weight: 6, titles: ['Accountant', 'Financial Controller', 'Treasury Analyst', 'Accounts Payable Specialist'] },
  { name: 'Marketing', slug: 'marketing', weight: 5, titles: ['Marketing Manager', 'Content Specialist', 'Brand Designer'] },
  { name: 'Human Resources', slug: 'human-resources', weight: 4, titles: ['HR Business Partner', 'Recruiter', 'HR Generalist', 'Payroll Specialist'] },
  { name: 'Legal', slug: 'legal', weight: 2, titles: ['Legal Counsel', 'Compliance Officer', 'Paralegal'] },
];

export const PARTNER_DOMAINS = ['contoso.example', 'fabrikam.example', 'adatum.example', 'litware.example', 'tailspin.example'] as const;

export const PHONES = {
  ios: ['iPhone 12', 'iPhone 13', 'iPhone 14', 'iPhone 15', 'iPhone 15 Pro', 'iPhone 16'],
  android: ['Pixel 7', 'Pixel 8', 'Galaxy S23', 'Galaxy S24', 'Galaxy A54', 'OnePlus 12', 'Redmi Note 12'],
} as const;

/** Authenticator models and AAGUIDs as the demo tenant (and real Entra) reports them. */
export const AUTHENTICATORS = {
  authenticatorIos: { model: 'Microsoft Authenticator - iOS', aaGuid: '90a3ccdf-635c-4729-a248-9b709135078f' },
  authenticatorAndroid: { model: 'Microsoft Authenticator - Android', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84' },
  securityKey: { model: 'YubiKey 5 Series with NFC', aaGuid: 'a25342c0-3cdc-4414-8e46-f4807fca511c' },
  windowsHello: { model: 'Windows Hello Hardware Authenticator', aaGuid: '08987058-cadc-4b81-b6e1-30de50dcbe96' },
  iCloud: { model: 'iCloud Keychain', aaGuid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd' },
  google: { model: 'Google Password Manager', aaGuid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4' },
} as const;

/** Built-in directory roles (their template ids are the same in every tenant). */
export const ROLE_DEFINITIONS = {
  globalAdministrator: { id: '62e90394-69f5-4237-9190-012177145e10', displayName: 'Global Administrator', isPrivileged: true },
  privilegedAuthenticationAdministrator: { id: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', displayName: 'Privileged Authentication Administrator', isPrivileged: true },
  authenticationAdministrator: { id: 'c4e39bd9-1100-46d3-8c65-fb160da0071f', displayName: 'Authentication Administrator', isPrivileged: true },
  userAdministrator: { id: 'fe930be7-5e62-47db-91af-98c3a49a38b1', displayName: 'User Administrator', isPrivileged: true },
  helpdeskAdministrator: { id: '729827e3-9c14-49f7-bb1b-9608f156bbb8', displayName: 'Helpdesk Administrator', isPrivileged: true },
  securityAdministrator: { id: '194ae4cb-b126-40b2-bd5b-6091b380977d', displayName: 'Security Administrator', isPrivileged: true },
  reportsReader: { id: '4a5d8f65-41da-4de4-8968-e035b65339cf', displayName: 'Reports Reader', isPrivileged: false },
} as const;
