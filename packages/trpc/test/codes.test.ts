/** The two code tables (pure logic). */
import { grpcStatus, type Code } from '@interoffice/core';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { describe, expect, it } from 'vitest';
import { codeFromTRPC, trpcCodeOf } from '../src/index.js';

const canonical = Object.keys(grpcStatus) as Code[];
const trpc = Object.keys(TRPC_ERROR_CODES_BY_KEY) as TRPC_ERROR_CODE_KEY[];

describe('error codes', () => {
  it('map every tRPC code and every canonical code', () => {
    for (const c of trpc) expect(canonical).toContain(codeFromTRPC(c));
    for (const c of canonical) expect(trpc).toContain(trpcCodeOf(c));
  });

  it('take the usual meaning of each HTTP status', () => {
    expect(
      Object.fromEntries(
        (
          [
            'BAD_REQUEST',
            'UNAUTHORIZED',
            'FORBIDDEN',
            'NOT_FOUND',
            'TIMEOUT',
            'CONFLICT',
            'TOO_MANY_REQUESTS',
            'CLIENT_CLOSED_REQUEST',
          ] as const
        ).map((c) => [c, codeFromTRPC(c)]),
      ),
    ).toEqual({
      BAD_REQUEST: 'INVALID_ARGUMENT',
      UNAUTHORIZED: 'UNAUTHENTICATED',
      FORBIDDEN: 'PERMISSION_DENIED',
      NOT_FOUND: 'NOT_FOUND',
      TIMEOUT: 'DEADLINE_EXCEEDED',
      CONFLICT: 'ALREADY_EXISTS',
      TOO_MANY_REQUESTS: 'RESOURCE_EXHAUSTED',
      CLIENT_CLOSED_REQUEST: 'CANCELLED',
    });
  });

  it('come back to the same canonical code, except the four tRPC has no word for', () => {
    const lossy = canonical.filter((c) => codeFromTRPC(trpcCodeOf(c)) !== c);
    expect(lossy.sort()).toEqual(['ABORTED', 'DATA_LOSS', 'OUT_OF_RANGE', 'UNKNOWN']);
  });
});
