// Write-only secrets on a form: the stored value is never known here, only whether one exists.

/** How a secret field stands: keep what is stored, replace it with `value`, or clear it. */
export type SecretDraft = { stored: boolean; mode: 'keep' | 'replace' | 'clear'; value: string };

export const newSecret = (stored = false): SecretDraft => ({
  stored,
  mode: stored ? 'keep' : 'replace',
  value: '',
});

/** What the API gets: omitted = keep, null = clear, string = replace (PATCH semantics). */
export function secretValue(s: SecretDraft): string | null | undefined {
  if (s.mode === 'keep') return undefined;
  if (s.mode === 'clear') return null;
  return s.value === '' ? undefined : s.value;
}
