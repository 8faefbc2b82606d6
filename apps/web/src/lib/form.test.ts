import { loginSchema } from '@mailroom/core/schemas';
import { describe, expect, it } from 'vitest';
import { ApiError, qs } from './api';
import { apiErrors, validate } from './form';

describe('form errors', () => {
  it('maps schema issues to dotted paths', () => {
    const r = validate(loginSchema, { email: 'nope', password: '' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['email', 'password']);
  });

  it("maps a problem's errors[].path onto fields, and a pathless problem onto the banner", () => {
    const named = new ApiError({
      type: 'x',
      title: 'Conflict',
      status: 409,
      code: 'name_taken',
      errors: [{ path: 'name', message: 'is already used' }],
    });
    expect(apiErrors(named)).toEqual({ name: 'is already used' });
    const plain = new ApiError({
      type: 'x',
      title: 'Bad Gateway',
      status: 502,
      code: 'refused',
      detail: 'refused',
    });
    expect(apiErrors(plain)).toEqual({ '': 'refused' });
  });

  it('drops empty query values', () => {
    expect(qs({ a: 1, b: '', c: undefined, d: 'x y' })).toBe('?a=1&d=x+y');
  });
});
