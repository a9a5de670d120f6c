// The language to write to one person in, for the features that write to people (campaigns, escalations, passes).
// The conversation's LanguageChooser decides it (src/conversation/language.ts); the features only ask.

/** What the directory said of a person's languages when it was last read (a campaign reads it while targeting). */
export interface KnownLanguages {
  /** Entra preferredLanguage. */
  preferred?: string;
  /** The mailbox's language (mailboxSettings.language). */
  mailbox?: string;
  /** When it was read (ISO): an old reading is read again. */
  readAt: string;
}

export interface PersonLanguage {
  /**
   * A message the coach starts (an invitation, a reminder, a decision, a notice, a card to a manager or an approver):
   * the language the person asked for, else what the directory says of them, else the one they last wrote in.
   */
  ofRecipient(userId: string, known?: KnownLanguages): Promise<string>;
  /** A reply within a turn (a command's answer, a click's): the conversation's language, else the Teams client's. */
  inTurn(userId: string, teamsLocale: string | undefined): Promise<string>;
}
