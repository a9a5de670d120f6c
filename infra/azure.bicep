// Azure resources for Passkey Coach: App Service plan, Linux Node 20 web app and a single-tenant Azure Bot.
@maxLength(20)
@minLength(4)
@description('Prefix of every resource name; a hash of the resource group is appended so names are unique.')
param resourceBaseName string

@description('App Service plan SKU, e.g. B1 or P0v3.')
param webAppSku string = 'B1'

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
// Known before the site exists, so the app can be told its own domain without a circular reference.
var webAppDomain = '${webAppName}.azurewebsites.net'

resource serverfarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  kind: 'linux'
  location: location
  name: serverfarmsName
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true // Linux
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  kind: 'app,linux'
  location: location
  name: webAppName
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
          value: '/home/data' // /home is the persistent share on Linux App Service
        }
        {
          name: 'AUDIT_HMAC_KEY'
          value: auditHmacKey
        }
      ]
    }
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
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
