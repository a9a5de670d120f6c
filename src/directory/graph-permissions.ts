// Every Microsoft Graph permission Passkey Coach asks for, and why. The README table, the Entra app
// manifest (infra/aad.manifest.json) and the code's Graph calls are all checked against this list.

export interface GraphPermission {
  /** As Entra names it, e.g. `UserAuthenticationMethod.Read.All`. */
  name: string;
  /** Application (the bot acting as itself) or Delegated (on behalf of a signed-in person). */
  type: 'Application' | 'Delegated';
  /** One sentence an approving Global Administrator can check. */
  why: string;
}

/**
 * The foundation calls no Graph API: inbound and outbound Bot Framework traffic needs none. Each feature
 * that adds a Graph call adds its permission here, in the same change, and the narrowest that works.
 */
export const GRAPH_PERMISSIONS: readonly GraphPermission[] = [];
