// Reading a manager's team card as a person sees it: each report's name, state line and whether a Nudge is offered.

export interface TeamCardRow {
  name: string;
  state: string;
  nudge: boolean;
}

/** The rows of a `team` card (cards/team.json: one Container per person, a Nudge column when one is offered). */
export function teamCardRows(card: Record<string, unknown>): TeamCardRow[] {
  const containers = (card.body as Record<string, unknown>[]).filter((item) => item.type === 'Container');
  return containers.map((container) => {
    const [text, action] = ((container.items as Record<string, unknown>[])[0]?.columns ?? []) as Record<string, unknown>[];
    const [name, state] = ((text?.items ?? []) as { text: string }[]).map((item) => item.text);
    return { name: name ?? '', state: state ?? '', nudge: ((action?.items as unknown[]) ?? []).length > 0 };
  });
}
