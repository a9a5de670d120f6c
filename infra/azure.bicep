// Azure resources for Passkey Coach: an App Service plan running two instances of a Linux Node 20 web app, the
// Storage account whose Table service holds their shared state (reached with the app's managed identity, no keys),
// a second Storage account whose write-once container keeps the audit trail's anchors, and a single-tenant Azure Bot.
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
@description('Client secret of the bot\'s Entra app (SECRET_BOT_PASSWORD).')
param botAadAppClientSecret string

@description('Tenant of the bot\'s Entra app (BOT_TENANT_ID): the bot is single-tenant.')
param botTenantId string

@secure()
@description('Key that seals the audit trail (SECRET_AUDIT_HMAC_KEY, 32+ characters). Keep a copy outside Azure: verifying the trail needs it.')
param auditHmacKey string

@minValue(1)
@maxValue(146000)
@description('Days each audit anchor blob stays immutable (no overwrite, no delete; appends stay allowed). Lock the policy once you are content with it (see the README).')
param auditAnchorRetentionDays int = 400

@description('Command App Service runs to start the bot.')
param startupCommand string = 'npm start'

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

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  kind: 'app,linux'
  location: location
  name: webAppName
  identity: {
    type: 'SystemAssigned' // reads and writes the state tables; no secret to store
  }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: startupCommand
      alwaysOn: true
      // /readyz probes the store: with two or more instances App Service routes around one whose storage fails.
      healthCheckPath: '/readyz'
      ftpsState: 'FtpsOnly'
      minTlsVersion: '1.2'
      appSettings: [
        {
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1' // run the zip-deployed package as is
        }
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false' // `atk deploy` installs and builds before uploading
        }
        {
          name: 'RUNNING_ON_AZURE'
          value: '1'
        }
        {
          name: 'BOT_ID'
          value: botAadAppClientId
        }
        {
          name: 'BOT_PASSWORD'
          value: botAadAppClientSecret
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
          name: 'AUDIT_HMAC_KEY'
          value: auditHmacKey
        }
        {
          name: 'AUDIT_ANCHOR_BLOB_URL'
          value: anchorStorage.properties.primaryEndpoints.blob
        }
        {
          name: 'AUDIT_ANCHOR_CONTAINER'
          value: anchorContainerName
        }
      ]
    }
  }
}

// The web app's identity may read and write the tables (and nothing else in the account).
resource tableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, webApp.id, tableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributor)
    principalId: webApp.identity.principalId
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
  name: guid(anchorContainer.id, webApp.id, anchorAppender.id)
  scope: anchorContainer
  properties: {
    roleDefinitionId: anchorAppender.id
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

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
