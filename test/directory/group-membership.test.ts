// Group checks for commands and card actions: one directory read per person a minute, and "no" when it cannot be read.

import { describe, expect, it, vi } from 'vitest';
import type { Directory } from '../../src/directory/directory-port.js';
import { GroupMembership } from '../../src/directory/group-membership.js';
import { AppError } from '../../src/errors/app-error.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';

function directoryWith(groups: Record<string, string[]>, failing = new Set<string>(), unknown = new Set<string>()) {
  const transitiveGroupIds = vi.fn(async (userId: string) => {
    if (failing.has(userId)) throw new Error('Graph unavailable');
    if (unknown.has(userId)) throw new AppError('directory.not-found', 'Graph: 404 Request_ResourceNotFound');
    return new Set(groups[userId] ?? []);
  });
  return { directory: { transitiveGroupIds } as unknown as Directory, transitiveGroupIds };
}

describe('GroupMembership', () => {
  it('answers from one read per person for a minute, for any group', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-05T10:00:00Z'));
    const { directory, transitiveGroupIds } = directoryWith({ ann: ['helpdesk', 'approvers'] });
    const membership = new GroupMembership(directory, createLogger({ level: 'error', sink: new MemorySink() }));
    expect(await membership.isMember('ann', 'helpdesk', 'x')).toBe(true);
    expect(await membership.isMember('ann', 'approvers', 'x')).toBe(true);
    expect(await membership.isMember('ann', 'security', 'x')).toBe(false);
    expect(transitiveGroupIds).toHaveBeenCalledTimes(1);
    vi.setSystemTime(new Date('2026-12-05T10:01:01Z'));
    await membership.isMember('ann', 'helpdesk', 'x');
    expect(transitiveGroupIds).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });

  it('fails closed: no group configured, no directory, or a directory that cannot answer', async () => {
    const sink = new MemorySink();
    const { directory } = directoryWith({ bob: ['helpdesk'] }, new Set(['bob']));
    const membership = new GroupMembership(directory, createLogger({ level: 'warn', sink }));
    expect(await membership.isMember('bob', 'helpdesk', 'the pass command')).toBe(false);
    expect(sink.text()).toContain('refusing the pass command');
    expect(await membership.isMember('bob', undefined, 'x')).toBe(false);
    expect(await new GroupMembership(undefined, createLogger({ level: 'error', sink })).isMember('bob', 'helpdesk', 'x')).toBe(false);
  });

  it('keeps "no group" for someone Entra does not know, without a warning, like any other answer', async () => {
    const sink = new MemorySink();
    const { directory, transitiveGroupIds } = directoryWith({}, new Set(), new Set(['ghost']));
    const membership = new GroupMembership(directory, createLogger({ level: 'warn', sink }));
    expect(await membership.isMember('ghost', 'leadership', 'the digest')).toBe(false);
    expect(await membership.isMember('ghost', 'admins', 'the digest')).toBe(false);
    expect(transitiveGroupIds).toHaveBeenCalledTimes(1);
    expect(sink.text()).toBe('');
  });
});
