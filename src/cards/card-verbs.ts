// The verbs of the employee conversation's buttons. Campaign nudges and a decider's news to the employee carry them
// too, so they live here, beside the cards, and not in the conversation that answers them.

/** Card verbs of the employee conversation, matched exactly. */
export const COACH_VERBS = {
  tellMeMore: 'objection.more',
  showMeHow: 'flow.show-me-how',
  anotherConcern: 'flow.another-concern',
  stillNo: 'flow.still-no',
  talkToPerson: 'flow.talk-to-person',
  choosePlatform: 'enroll.platform',
  checkStatus: 'status.check',
  confirmRefusal: 'refusal.confirm',
} as const;
