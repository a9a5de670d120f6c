#!/usr/bin/env bash
# Grants the coach's managed identity every Microsoft Graph application permission the service uses, once, as an
# admin: Global Administrator or Privileged Role Administrator, signed in with `az login`. Run again after an update
# that adds a permission: what is already granted is left alone. `passkey-coach check-permissions` reports the result.
#
#   infra/grant-graph-permissions.sh [principal-object-id]
#
# Without an argument it takes MANAGED_IDENTITY_PRINCIPAL_ID (provision writes it to env/.env.<env>); for a bot that
# uses a client secret or certificate for Graph instead, pass the object id of that app's service principal.
# The list below is the code's own (src/directory/graph-permissions.ts); a test keeps the two equal.
set -euo pipefail

PERMISSIONS=(
  User.Read.All
  GroupMember.Read.All
  AuditLog.Read.All
  UserAuthenticationMethod.ReadWrite.All
  Policy.Read.AuthenticationMethod
  User.RevokeSessions.All
  RoleManagement.Read.Directory
  PrivilegedAssignmentSchedule.Read.AzureADGroup
  PrivilegedEligibilitySchedule.Read.AzureADGroup
  MailboxSettings.Read
  TeamsAppInstallation.ReadWriteSelfForUser.All
  PeopleSettings.Read.All
)

GRAPH_APP_ID=00000003-0000-0000-c000-000000000000
GRAPH=${GRAPH_URL:-https://graph.microsoft.com}/v1.0
principal=${1:-${MANAGED_IDENTITY_PRINCIPAL_ID:-}}
if [[ ! $principal =~ ^[0-9a-fA-F-]{36}$ ]]; then
  echo "usage: $0 <principal-object-id>   (or set MANAGED_IDENTITY_PRINCIPAL_ID; provision writes it to env/.env.<env>)" >&2
  exit 2
fi
command -v az >/dev/null || { echo "needs the Azure CLI (az), signed in with az login as an admin" >&2; exit 2; }

graph_sp=$(az rest --method GET --url "$GRAPH/servicePrincipals(appId='$GRAPH_APP_ID')?\$select=id" --query id -o tsv)
granted=$(az rest --method GET --url "$GRAPH/servicePrincipals/$principal/appRoleAssignments?\$top=999" --query "value[?resourceId=='$graph_sp'].appRoleId" -o tsv)
failed=0
for permission in "${PERMISSIONS[@]}"; do
  role=$(az rest --method GET --url "$GRAPH/servicePrincipals/$graph_sp?\$select=appRoles" \
    --query "appRoles[?value=='$permission' && contains(allowedMemberTypes, 'Application')].id | [0]" -o tsv)
  if [[ -z $role ]]; then
    echo "not offered by this tenant's Microsoft Graph: $permission" >&2
    failed=1
  elif grep -qx "$role" <<<"$granted"; then
    echo "already granted: $permission"
  elif az rest --method POST --url "$GRAPH/servicePrincipals/$principal/appRoleAssignments" --headers Content-Type=application/json \
    --body "{\"principalId\":\"$principal\",\"resourceId\":\"$graph_sp\",\"appRoleId\":\"$role\"}" --output none; then
    echo "granted: $permission"
  else
    echo "could not grant: $permission" >&2
    failed=1
  fi
done
exit $failed
