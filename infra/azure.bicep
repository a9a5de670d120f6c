// Azure resources for Passkey Coach: an App Service plan running two instances of a Linux Node 20 web app, the
// Storage account whose Table service holds their shared state (reached with the app's managed identity, no keys),
// and a single-tenant Azure Bot.
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
          value: '/home/data' // caches only (the trained intent model): state lives in Table Storage
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
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
