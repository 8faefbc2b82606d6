import { describe, expect, it } from 'vitest';
import { type Actor, systemActor } from '../context';
import { authorizationOwner, ownerLabel } from './owner';

const actor = (over: Partial<Actor>): Actor => ({ ...systemActor, ...over });

describe('the owner of a sign-in', () => {
  it('tells apart actors that share a label, and gives the label back for timelines', () => {
    const a = actor({ via: 'token', label: 'token:ci', tokenId: 't1', userId: 'u1' });
    const b = actor({ via: 'token', label: 'token:ci', tokenId: 't2', userId: 'u1' });
    const ann = actor({ via: 'session', label: 'ann@example.org', userId: 'u2' });
    const annAgain = actor({ via: 'session', label: 'ann@example.org', userId: 'u3' });
    expect(authorizationOwner(a)).not.toBe(authorizationOwner(b));
    expect(authorizationOwner(ann)).not.toBe(authorizationOwner(annAgain));
    expect(authorizationOwner(actor({ via: 'system', label: 'system', userId: null }))).toBe('system');
    for (const x of [a, b, ann]) expect(ownerLabel(authorizationOwner(x))).toBe(x.label);
    expect(ownerLabel('system')).toBe('system');
  });
});
