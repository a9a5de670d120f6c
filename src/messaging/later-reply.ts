// A reply that comes after the turn ended (a status check that waited for Graph, a report that took a while): the
// conversation it belongs to, and what to send there.

import type { ConversationReference, TurnContext } from 'botbuilder';

export type LaterReply = (reference: Partial<ConversationReference>, send: (turn: TurnContext) => Promise<void>) => Promise<void>;
