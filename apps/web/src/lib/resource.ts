import type { Resource } from 'solid-js';

/**
 * The last good value of a resource, or undefined while it is in error. Solid rethrows a
 * resource's error on read; screens show that error in a banner instead of losing the page.
 */
export function latest<T>(r: Resource<T>): T | undefined {
  return r.error ? undefined : r.latest;
}
