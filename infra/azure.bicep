// Azure resources for Passkey Coach: an App Service plan running two instances of a Linux Node 20 web app; one
// user-assigned managed identity the app uses for Microsoft Graph, Table Storage, the audit anchors and Key Vault (no
// keys or Graph secrets anywhere); the Storage account whose Table service holds the instances' shared state; a
// second Storage account whose write-once container keeps the audit trail's anchors; a Key Vault holding the secrets
// the app settings reference; a single-tenant Azure Bot; and monitoring: Application Insights on a Log Analytics
// workspace, which the service's metrics go to, and a log alert per condition an operator must act on, notifying an
// action group (docs/runbook.md). The identity's Graph permissions are granted once by an admin
// (infra/grant-graph-permissions.sh), not here: granting app roles on Graph needs a directory role, not an Azure one.
@maxLength(20)
@minLength(4)
@description('Prefix of every resource name; a hash of the resource group is appended so names are unique.')
param resourceBaseName string

@description('App Service plan SKU, e.g. B1 or P0v3 (both run several instances).')
param webAppSku string = 'B1'

@minValue(1)
@maxValue(10)
@description('Instances of the web app: two or more for availability (they share state in Table Storage).')
param instanceCount int = 2

@maxLength(42)
param botDisplayName string

@description('Client id of the bot\'s Entra app (aadApp/create writes it to BOT_ID).')
param botAadAppClientId string

@secure()
@description('Client secret of the bot\'s Entra app (SECRET_BOT_PASSWORD), stored in Key Vault.')
param botAadAppClientSecret string

@description('Tenant of the bot\'s Entra app (BOT_TENANT_ID): the bot is single-tenant.')
param botTenantId string

@secure()
@description('Key that seals the audit trail (SECRET_AUDIT_HMAC_KEY, 32+ characters), stored in Key Vault. Keep a copy outside Azure: verifying the trail needs it.')
param auditHmacKey string

@minValue(1)
@maxValue(146000)
@description('Days each audit anchor blob stays immutable (no overwrite, no delete; appends stay allowed). Lock the policy once you are content with it (see the README).')
param auditAnchorRetentionDays int = 400

@description('Command App Service runs to start the bot (in the deployed package, which holds no npm scripts to build).')
param startupCommand string = 'node bin/passkey-coach.cjs start'

@secure()
@description('Earlier audit keys as id=key pairs (SECRET_AUDIT_PREVIOUS_KEYS), after a rotation; empty when there was none.')
param auditPreviousKeys string = ''

@description('Name of the current audit key (AUDIT_HMAC_KEY_ID): change it with the key when you rotate.')
param auditHmacKeyId string = 'k1'

// What the service needs to do its work in your tenant (each is described in the README's configuration table and
// supplied from env/.env.<env> by the Toolkit). Left empty, the feature it enables stays closed: nobody can run a
// campaign without campaignAdminsGroupId, nor request a pass without helpdeskGroupId and tapApproversGroupId.
@description('ORGANISATION_NAME: how the coach names the organisation ("sign in to Contoso"); empty: "your organisation".')
param organisationName string = ''

@description('TEAMS_APP_CATALOG_ID: the app\'s id in the organisation\'s Teams app catalog (TEAMS_APP_PUBLISHED_APP_ID after `atk publish`).')
param teamsAppCatalogId string = ''

@description('CAMPAIGN_ADMINS_GROUP_ID: Entra group whose members run campaigns.')
param campaignAdminsGroupId string = ''

@description('CAMPAIGN_INCLUDED_GROUP_IDS: comma-separated groups; when set, only their members are targeted.')
param campaignIncludedGroupIds string = ''

@description('ENROLMENT_TIERS: the tiers\' JSON, base64-encoded so it survives the env file and this parameter file (README, "Enrolment tiers"); empty: any passkey counts for everyone.')
param enrolmentTiers string = ''

@description('CAMPAIGN_EXCLUDED_GROUP_IDS: comma-separated groups never targeted.')
param campaignExcludedGroupIds string = ''

@description('CAMPAIGN_FIRST_WAVE_GROUP_ID: a group (e.g. the leadership team) invited first, on a campaign\'s first working day; empty: no first wave.')
param campaignFirstWaveGroupId string = ''

@description('CAMPAIGN_BREAK_GLASS_ACCOUNTS: emergency-access accounts (object ids or UPNs), never targeted.')
param campaignBreakGlassAccounts string = ''

@description('HELPDESK_GROUP_ID: Entra group whose members request Temporary Access Passes.')
param helpdeskGroupId string = ''

@description('TAP_APPROVERS_GROUP_ID: Entra group whose members approve pass requests.')
param tapApproversGroupId string = ''

@description('SECURITY_GROUP_ID: Entra group told of every pass and alerted on privileged attempts.')
param securityGroupId string = ''

@description('TAP_PRIVILEGED_GROUP_IDS: comma-separated groups whose members count as privileged.')
param tapPrivilegedGroupIds string = ''

@description('ESCALATION_GROUP_ID: Entra group that decides a refusal when the manager cannot.')
param escalationGroupId string = ''

@description('SECURITY_KEY_GROUP_ID: Entra group (IT) told when a manager offers someone a security key.')
param securityKeyGroupId string = ''

@description('LEADERSHIP_GROUP_ID: Entra group whose members get the weekly leadership digest.')
param leadershipGroupId string = ''

@description('DEFAULT_TIME_ZONE: for people whose mailbox settings cannot be read (IANA or Windows name).')
param defaultTimeZone string = 'UTC'

@description('WORKING_HOURS: local hours in which campaign messages may be sent.')
param workingHours string = '09:00-17:00'

@description('WORKING_DAYS: days on which campaign messages may be sent.')
param workingDays string = 'mon-fri'

@description('ROLLOUT_DEADLINE: the date (YYYY-MM-DD) everyone should have a passkey by; empty: not said.')
param rolloutDeadline string = ''

@description('RETENTION_DAYS: days objection records and closed "talk to a person" requests are kept.')
param retentionDays string = '180'

@description('ERASE_AFTER_DISABLED_DAYS: days an account is disabled in Entra before its personal data is erased.')
param eraseAfterDisabledDays string = '30'

@description('STORE_OBJECTION_TEXT: true keeps people\'s own words with each objection (off: topic and time only).')
param storeObjectionText string = 'false'

@description('TAP_RECEIVER: who reveals an approved pass, requester or manager.')
param tapReceiver string = 'requester'

@description('VERIFIED_ID_ENDPOINT: Microsoft Entra Verified ID\'s Request Service (https://verifiedid.did.msidentity.com); empty: no "Verified ID with Face Check" for passes.')
param verifiedIdEndpoint string = ''

@description('VERIFIED_ID_AUTHORITY_DID: the tenant\'s DID, the verifier and the only accepted issuer; required with the endpoint.')
param verifiedIdAuthorityDid string = ''

@description('VERIFIED_ID_FACE_MATCH_THRESHOLD: how closely (50 to 100) the face must match the credential\'s photo.')
param verifiedIdFaceMatchThreshold string = '70'

@description('VERIFIED_ID_REQUIRED: when a verified presentation is needed before a pass is approved: none, privileged or all.')
param verifiedIdRequired string = 'none'

@description('VERIFIED_ID_RECOVERY_URL: where the tenant\'s Entra account recovery starts, offered for a lost wallet; empty: not offered.')
param verifiedIdRecoveryUrl string = ''

@description('LOG_LEVEL: trace, debug, info, warn, error, fatal or silent.')
param logLevel string = 'info'

// Alerts (docs/runbook.md says what each means and what to do). The action group's name and e-mail addresses come from
// env/.env.<env>; the thresholds have defaults here: to change one, add it to infra/azure.parameters.json.
@description('ALERT_ACTION_GROUP_NAME: the action group the alerts notify; empty: <resourceBaseName>-alerts.')
param alertActionGroupName string = ''

@description('ALERT_EMAILS: comma-separated addresses the action group e-mails; empty: the subscription\'s Owners.')
param alertEmails string = ''

@minValue(30)
@maxValue(730)
@description('Days the Log Analytics workspace keeps the service\'s telemetry.')
param logRetentionDays int = 30

@minValue(1)
@description('Outbox not draining: minutes a due message may wait unsent.')
param alertOutboxOldestDueMinutes int = 30

@minValue(1)
@maxValue(25) // the rule looks back 30 minutes for the run of paused minutes
@description('Sending paused: minutes Teams may refuse the tenant before the alert.')
param alertSendingPausedMinutes int = 15

@minValue(1)
@description('Give-ups: more than this many in an hour alert, whatever their share.')
param alertGiveUpsPerHour int = 25

@minValue(1)
@description('Give-ups: at least this many in an hour, and more than alertGiveUpsPercent of the messages that ended.')
param alertGiveUpsMinCount int = 5

@minValue(0)
@maxValue(100)
@description('Give-ups: share of the messages that ended (delivered or given up), in percent.')
param alertGiveUpsPercent int = 5

@minValue(1)
@description('Audit anchor stale: minutes an instance may go without anchoring the head (three of AUDIT_ANCHOR_INTERVAL_MINUTES).')
param alertAuditAnchorStaleMinutes int = 15

@minValue(1)
@description('Server errors: more than this many 5xx responses in 15 minutes alert, whatever their share.')
param alertHttp5xxMaxCount int = 100

@minValue(1)
@description('Server errors: at least this many 5xx in 15 minutes, and more than alertHttp5xxPercent of the responses.')
param alertHttp5xxMinCount int = 10

@minValue(0)
@maxValue(100)
@description('Server errors: share of the responses, in percent.')
param alertHttp5xxPercent int = 5

param location string = resourceGroup().location

var uniqueName = '${resourceBaseName}-${uniqueString(resourceGroup().id)}'
var serverfarmsName = uniqueName
var webAppName = uniqueName
// Storage account names: 3-24 lower-case letters and digits.
var storageName = take(toLower(replace('${resourceBaseName}${uniqueString(resourceGroup().id)}', '-', '')), 24)
// Built-in role "Storage Table Data Contributor".
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// The anchors live apart from the state, so rights over the state's account (or its tables) reach no anchor.
var anchorStorageName = take(toLower(replace('${resourceBaseName}anc${uniqueString(resourceGroup().id)}', '-', '')), 24)
var anchorContainerName = 'audit-anchors'
// Key Vault names: 3-24 letters, digits and hyphens, starting with a letter.
var keyVaultName = take('${resourceBaseName}kv${uniqueString(resourceGroup().id)}', 24)
// Built-in role "Key Vault Secrets User": read secret values, nothing else.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
// Known before the site exists, so the app can be told its own domain without a circular reference.
var webAppDomain = '${webAppName}.azurewebsites.net'

resource serverfarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  kind: 'linux'
  location: location
  name: serverfarmsName
  sku: {
    name: webAppSku
    capacity: instanceCount
  }
  properties: {
    reserved: true // Linux
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS' // copies in three zones: the state outlives a zone
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false // Entra ID (the app's managed identity) only: no account key to leak
  }
}

// The app's one identity: Graph (its permissions granted by the admin script), the state tables, the anchors'
// container and the vault's secrets. User-assigned, so it exists (and can be granted Graph permissions) before the
// site, and outlives a site that is recreated.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: uniqueName
  location: location
}

// Secrets live here, not in app settings: the site reads them through Key Vault references with its identity.
resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true // Azure roles, not access policies: the identity below may read secrets, nothing more
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true // a deleted audit key can be recovered; losing it makes the trail unverifiable
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'bot-password'
  properties: {
    value: botAadAppClientSecret
  }
}

resource auditKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'audit-hmac-key'
  properties: {
    value: auditHmacKey
  }
}

resource auditPreviousKeysSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(auditPreviousKeys)) {
  parent: keyVault
  name: 'audit-previous-keys'
  properties: {
    value: auditPreviousKeys
  }
}

resource secretsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// A reference without a version follows the secret: a new value is picked up within a day, or at once on restart.
var secretReference = '@Microsoft.KeyVault(SecretUri=${keyVault.properties.vaultUri}secrets/'

var appSettings = [
  {
    name: 'WEBSITE_RUN_FROM_PACKAGE'
    value: '1' // run the zip-deployed package as is, read-only
  }
  {
    name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
    value: 'false' // the package is built once, before `atk deploy` uploads it
  }
  {
    name: 'BOT_ID'
    value: botAadAppClientId
  }
  {
    name: 'BOT_PASSWORD'
    value: '${secretReference}bot-password/)'
  }
  {
    name: 'BOT_TYPE'
    value: 'SingleTenant'
  }
  {
    name: 'BOT_TENANT_ID'
    value: botTenantId
  }
  {
    name: 'BOT_DOMAIN'
    value: webAppDomain
  }
  {
    name: 'DATA_DIR'
    value: '/home/data' // the trained intent model and the local copy of the audit anchors: state lives in Table Storage
  }
  {
    name: 'STORE'
    value: 'azure-table'
  }
  {
    name: 'AZURE_STORAGE_TABLE_URL'
    value: storage.properties.primaryEndpoints.table
  }
  {
    name: 'STORAGE_CLIENT_ID'
    value: identity.properties.clientId
  }
  {
    name: 'GRAPH_USE_MANAGED_IDENTITY'
    value: 'true'
  }
  {
    name: 'GRAPH_CLIENT_ID'
    value: identity.properties.clientId
  }
  {
    name: 'AUDIT_HMAC_KEY'
    value: '${secretReference}audit-hmac-key/)'
  }
  {
    name: 'AUDIT_HMAC_KEY_ID'
    value: auditHmacKeyId
  }
  {
    name: 'AUDIT_ANCHOR_BLOB_URL'
    value: anchorStorage.properties.primaryEndpoints.blob
  }
  {
    name: 'AUDIT_ANCHOR_CONTAINER'
    value: anchorContainerName
  }
  {
    name: 'AUDIT_ANCHOR_CLIENT_ID'
    value: identity.properties.clientId
  }
  {
    name: 'ORGANISATION_NAME'
    value: organisationName
  }
  {
    name: 'TEAMS_APP_CATALOG_ID'
    value: teamsAppCatalogId
  }
  {
    name: 'CAMPAIGN_ADMINS_GROUP_ID'
    value: campaignAdminsGroupId
  }
  {
    name: 'CAMPAIGN_INCLUDED_GROUP_IDS'
    value: campaignIncludedGroupIds
  }
  {
    name: 'ENROLMENT_TIERS'
    value: enrolmentTiers
  }
  {
    name: 'CAMPAIGN_EXCLUDED_GROUP_IDS'
    value: campaignExcludedGroupIds
  }
  {
    name: 'CAMPAIGN_FIRST_WAVE_GROUP_ID'
    value: campaignFirstWaveGroupId
  }
  {
    name: 'CAMPAIGN_BREAK_GLASS_ACCOUNTS'
    value: campaignBreakGlassAccounts
  }
  {
    name: 'HELPDESK_GROUP_ID'
    value: helpdeskGroupId
  }
  {
    name: 'TAP_APPROVERS_GROUP_ID'
    value: tapApproversGroupId
  }
  {
    name: 'SECURITY_GROUP_ID'
    value: securityGroupId
  }
  {
    name: 'TAP_PRIVILEGED_GROUP_IDS'
    value: tapPrivilegedGroupIds
  }
  {
    name: 'ESCALATION_GROUP_ID'
    value: escalationGroupId
  }
  {
    name: 'SECURITY_KEY_GROUP_ID'
    value: securityKeyGroupId
  }
  {
    name: 'LEADERSHIP_GROUP_ID'
    value: leadershipGroupId
  }
  {
    name: 'DEFAULT_TIME_ZONE'
    value: defaultTimeZone
  }
  {
    name: 'WORKING_HOURS'
    value: workingHours
  }
  {
    name: 'WORKING_DAYS'
    value: workingDays
  }
  {
    name: 'ROLLOUT_DEADLINE'
    value: rolloutDeadline
  }
  {
    name: 'RETENTION_DAYS'
    value: retentionDays
  }
  {
    name: 'ERASE_AFTER_DISABLED_DAYS'
    value: eraseAfterDisabledDays
  }
  {
    name: 'STORE_OBJECTION_TEXT'
    value: storeObjectionText
  }
  {
    name: 'TAP_RECEIVER'
    value: tapReceiver
  }
  {
    name: 'VERIFIED_ID_ENDPOINT'
    value: verifiedIdEndpoint
  }
  {
    name: 'VERIFIED_ID_AUTHORITY_DID'
    value: verifiedIdAuthorityDid
  }
  {
    name: 'VERIFIED_ID_FACE_MATCH_THRESHOLD'
    value: verifiedIdFaceMatchThreshold
  }
  {
    name: 'VERIFIED_ID_REQUIRED'
    value: verifiedIdRequired
  }
  {
    name: 'VERIFIED_ID_RECOVERY_URL'
    value: verifiedIdRecoveryUrl
  }
  {
    name: 'LOG_LEVEL'
    value: logLevel
  }
  // Read by @azure/monitor-opentelemetry, not by the service's configuration. A plain setting, not a Key Vault
  // reference: the instrumentation key in it only lets a sender add telemetry to this component (it reads nothing back),
  // and Microsoft documents connection strings as not secret. Someone holding it could only send this component noise.
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.properties.ConnectionString
  }
]

// Only after a rotation: a reference to a secret that does not exist would leave the setting unresolved.
var rotationSettings = empty(auditPreviousKeys) ? [] : [
  {
    name: 'AUDIT_PREVIOUS_KEYS'
    value: '${secretReference}audit-previous-keys/)'
  }
]

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  kind: 'app,linux'
  location: location
  name: webAppName
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id // the references above are resolved with this identity
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: startupCommand
      alwaysOn: true
      // /readyz probes the store: with two or more instances App Service routes around one whose storage fails.
      healthCheckPath: '/readyz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: concat(appSettings, rotationSettings)
    }
  }
  // The secrets must be readable before the site first resolves its references.
  dependsOn: [
    secretsAccess
    botPasswordSecret
    auditKeySecret
    auditPreviousKeysSecret
  ]
}

// The identity may read and write the tables (and nothing else in the account).
resource tableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, tableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// The audit trail's anchors (checkpoints of its head, see the README's Security section): append blobs in a container
// whose time-based immutability policy allows protected append writes, so a blob can grow but not be overwritten or
// deleted while it is retained. Shared-key access is off: only Entra identities with a role reach the data.
resource anchorStorage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: anchorStorageName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
  }
}

resource anchorBlobService 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01' = {
  parent: anchorStorage
  name: 'default'
}

resource anchorContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-01-01' = {
  parent: anchorBlobService
  name: anchorContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Unlocked as deployed, so a wrong retention can still be fixed; lock it afterwards (README), after which it can only
// be extended and the container cannot be deleted while it holds blobs under retention.
resource anchorRetention 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-01-01' = {
  parent: anchorContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditAnchorRetentionDays
    allowProtectedAppendWrites: true
  }
}

// Storage Blob Data Contributor can delete, so the web app gets a role of its own instead: create a blob, append to it,
// read it. No blobs/write (overwrite) and no blobs/delete, whatever the immutability policy says.
resource anchorAppender 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'passkey-coach-audit-anchor-appender')
  properties: {
    roleName: 'Passkey Coach audit anchor appender ${uniqueString(resourceGroup().id)}'
    description: 'Create new blobs, append to append blobs and read them. Cannot overwrite or delete a blob.'
    type: 'CustomRole'
    assignableScopes: [
      resourceGroup().id
    ]
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'
        ]
        notDataActions: []
      }
    ]
  }
}

resource anchorAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(anchorContainer.id, identity.id, anchorAppender.id)
  scope: anchorContainer
  properties: {
    roleDefinitionId: anchorAppender.id
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Where the service's telemetry goes: a workspace-based Application Insights component (classic components are
// retired). The service exports its metrics itself (@azure/monitor-opentelemetry); App Service's own agent stays off,
// since ApplicationInsightsAgent_EXTENSION_VERSION is not set.
resource logWorkspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: uniqueName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: uniqueName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logWorkspace.id
    IngestionMode: 'LogAnalytics'
  }
}

// Who hears of an alert. With no address given the subscription's Owners are e-mailed, so an alert never fires
// unheard; name the people who run the coach in ALERT_EMAILS instead (no trailing comma: an empty address is refused).
var actionGroupName = empty(alertActionGroupName) ? '${resourceBaseName}-alerts' : alertActionGroupName
var alertEmailList = empty(alertEmails) ? [] : split(alertEmails, ',')
// Built-in role "Owner": an ARM role receiver e-mails the users holding it on the subscription.
var subscriptionOwnerRole = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'Global'
  properties: {
    groupShortName: take(actionGroupName, 12) // shown as the sender of SMS and e-mail; 12 characters at most
    enabled: true
    emailReceivers: [for (address, i) in alertEmailList: {
      name: 'email-${i + 1}'
      emailAddress: trim(address)
      useCommonAlertSchema: true
    }]
    armRoleReceivers: empty(alertEmailList) ? [
      {
        name: 'subscription-owners'
        roleId: subscriptionOwnerRole
        useCommonAlertSchema: true
      }
    ] : []
  }
}

// The rules are data (alert-rules.json: a query shape, its metrics, how it compares; test/deploy/alert-rules.test.ts
// runs a model of each shape over sample metric rows). loadTextContent rather than loadJsonContent: the Toolkit pins
// Bicep 0.9.1 (teamsapp.yml). The numbers each rule compares against, from the parameters above; `threshold` is what
// the query's value must exceed (or reach, for sending-paused), and the give-up and 5xx queries weigh count and share
// themselves and return 1 or 0.
var alertFile = json(loadTextContent('alert-rules.json'))
var alertSettings = {
  'outbox-not-draining': {
    threshold: alertOutboxOldestDueMinutes * 60 // coach.outbox.oldest_age is in seconds
  }
  'sending-paused': {
    threshold: alertSendingPausedMinutes
  }
  'give-ups': {
    threshold: 0
    maxCount: alertGiveUpsPerHour
    minCount: alertGiveUpsMinCount
    maxPercent: alertGiveUpsPercent
  }
  'pass-request-expiring': {
    threshold: 0
  }
  'audit-anchor-stale': {
    threshold: alertAuditAnchorStaleMinutes * 60 // coach.audit.anchor_age is in seconds
  }
  'http-5xx': {
    threshold: 0
    maxCount: alertHttp5xxMaxCount
    minCount: alertHttp5xxMinCount
    maxPercent: alertHttp5xxPercent
  }
}
// Every placeholder a shape may hold, so each rule's query can be filled the same way.
var alertPlaceholderDefaults = {
  otherMetric: ''
  dimension: ''
  dimensionValue: ''
  minCount: 0
  maxCount: 0
  maxPercent: 0
}
var alertRuleList = [for rule in alertFile.rules: union(alertPlaceholderDefaults, rule, alertSettings[rule.name])]
var alertQueries = [for rule in alertRuleList: replace(replace(replace(replace(replace(replace(replace(alertFile.shapes[rule.shape], '{metric}', rule.metric), '{otherMetric}', rule.otherMetric), '{dimension}', rule.dimension), '{dimensionValue}', rule.dimensionValue), '{minCount}', string(rule.minCount)), '{maxCount}', string(rule.maxCount)), '{maxPercent}', string(rule.maxPercent))]

// One log alert per rule on the component's customMetrics. Each query returns at most one row whose `value` is compared
// (one row: Maximum is that value), over one window; no row, no alert. Resolved automatically once the condition clears.
resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for (rule, i) in alertRuleList: {
  name: '${uniqueName}-${rule.name}'
  location: location
  kind: 'LogAlert'
  properties: {
    displayName: rule.displayName
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: rule.evaluationFrequency
    windowSize: rule.windowSize
    criteria: {
      allOf: [
        {
          query: alertQueries[i]
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'value'
          operator: rule.operator
          threshold: rule.threshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}]

// Registers the web app with the Bot Framework and connects it to Teams.
module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    resourceBaseName: uniqueName
    botDisplayName: botDisplayName
    botAadAppClientId: botAadAppClientId
    botTenantId: botTenantId
    botAppDomain: webApp.properties.defaultHostName
  }
}

// Saved into env/.env.{envName} by arm/deploy: https://aka.ms/teamsfx-actions/arm-deploy
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output AZURE_STORAGE_TABLE_URL string = storage.properties.primaryEndpoints.table
output AUDIT_ANCHOR_BLOB_URL string = anchorStorage.properties.primaryEndpoints.blob
output AUDIT_ANCHOR_STORAGE_NAME string = anchorStorage.name
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
// For infra/grant-graph-permissions.sh and `passkey-coach check-permissions`: whom to grant Graph's app roles.
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
output KEY_VAULT_NAME string = keyVault.name
// For the runbook's queries (`az monitor app-insights query --app <name> --resource-group <rg>`).
output APPLICATION_INSIGHTS_NAME string = appInsights.name
