import { timingSafeEqual } from 'node:crypto';

/** Compares two secrets in constant time. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Whether a username/password pair passes: any does without a user list; with one, it must be listed. */
export function passwordMatches(
  users: Record<string, string> | null,
  username: string,
  password: string,
): boolean {
  if (!users) return true;
  return Object.hasOwn(users, username) && safeEqual(password, users[username]!);
}
