import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '#core/errors.js';
import { invokeOperation } from '#core/invoke-operation.js';
import { type CallContext, defineOperation } from '#core/operation.js';
import { createEa } from '#core/operations/ea-create.js';
import { switchEa } from '#core/operations/ea-switch.js';
import { toJsonBlock } from '#core/surface/code-block.js';
import { IntLike } from '#core/operation-inputs.js';
import { chatUser, eaAgent, owner, worker } from '../../fakes/principals.js';
import { createTestServices } from '../../fakes/services.js';

function probe(
  output: (ctx: CallContext, input: { n: number; s?: string | undefined }) => unknown = (ctx, input) => ({
    ea: ctx.ea,
    n: input.n,
  }),
) {
  const seen: Array<{ ctx: CallContext; input: unknown }> = [];
  const op = defineOperation({
    name: 'probe',
    summary: 'Test operation.',
    description: 'Records what it is called with.',
    input: z.object({ n: IntLike, s: z.string().optional() }),
    output: z.object({ ea: z.number(), n: z.number() }),
    render: toJsonBlock,
    access: 'spawn',
    async handler(ctx, input) {
      seen.push({ ctx, input });
      return output(ctx, input) as { ea: number; n: number };
    },
  });
  return { op, seen };
}

describe('invokeOperation', () => {
  it('passes parsed input (transforms applied) and the caller to the handler', async () => {
    const t = createTestServices();
    const { op, seen } = probe();
    expect(await invokeOperation(op, t.services, { caller: owner, input: { n: '42' } })).toEqual({ ea: 0, n: 42 });
    expect(seen[0]?.input).toEqual({ n: 42 });
    expect(seen[0]?.ctx.caller).toBe(owner);
    expect(seen[0]?.ctx.services).toBe(t.services);
  });

  it('checks the category before parsing the input', async () => {
    const t = createTestServices();
    const { op, seen } = probe();
    await expect(
      invokeOperation(op, t.services, { caller: chatUser('viewer'), input: { n: 'not a number' } }),
    ).rejects.toThrow(expect.objectContaining({ code: 'PERMISSION_DENIED' }));
    expect(seen).toEqual([]);
  });

  it('refuses invalid input with INVALID_INPUT naming every bad field', async () => {
    const t = createTestServices();
    const { op, seen } = probe();
    const error = (await invokeOperation(op, t.services, { caller: owner, input: { n: 'x', s: 3 } }).catch(
      (e: unknown) => e,
    )) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^Invalid input for probe: /);
    expect(error.message).toContain('n: ');
    expect(error.message).toContain('s: ');
    expect(error.details).toMatchObject({
      operation: 'probe',
      issues: expect.arrayContaining([
        expect.objectContaining({ path: ['n'] }),
        expect.objectContaining({ path: ['s'] }),
      ]),
    });
    expect(seen).toEqual([]);
  });

  it('treats a missing input as {}', async () => {
    const t = createTestServices();
    const { op } = probe();
    await expect(invokeOperation(op, t.services, { caller: owner, input: undefined })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('n:') }),
    );
  });

  it("addresses the owner's active EA unless another is asked for", async () => {
    const t = createTestServices();
    await t.call(createEa, owner, { name: 'one' });
    await t.call(createEa, owner, { name: 'two' });
    const { op } = probe();
    expect(await invokeOperation(op, t.services, { caller: owner, input: { n: 1 } })).toEqual({ ea: 0, n: 1 });
    expect(await invokeOperation(op, t.services, { caller: owner, input: { n: 1 }, ea: 2 })).toEqual({ ea: 2, n: 1 });
    await t.call(switchEa, owner, { ea_id: 1 });
    expect(await invokeOperation(op, t.services, { caller: owner, input: { n: 1 } })).toEqual({ ea: 1, n: 1 });
    await expect(invokeOperation(op, t.services, { caller: owner, input: { n: 1 }, ea: 9 })).rejects.toThrow(
      expect.objectContaining({ code: 'EA_NOT_FOUND' }),
    );
  });

  it('keeps agents and chat users in their own EA whatever they ask for', async () => {
    const t = createTestServices();
    await t.call(createEa, owner, { name: 'one' });
    const { op } = probe();
    expect(await invokeOperation(op, t.services, { caller: worker('w', 1), input: { n: 1 }, ea: 0 })).toEqual({
      ea: 1,
      n: 1,
    });
    expect(await invokeOperation(op, t.services, { caller: eaAgent(1), input: { n: 1 } })).toEqual({ ea: 1, n: 1 });
    expect(await invokeOperation(op, t.services, { caller: chatUser('operator', 1), input: { n: 1 }, ea: 0 })).toEqual({
      ea: 1,
      n: 1,
    });
  });

  it('turns output that fails its schema into INTERNAL', async () => {
    const t = createTestServices();
    const { op } = probe(() => ({ ea: 'zero', n: 1 }));
    await expect(invokeOperation(op, t.services, { caller: owner, input: { n: 1 } })).rejects.toThrow(
      expect.objectContaining({
        code: 'INTERNAL',
        message: expect.stringContaining('probe produced an invalid result'),
      }),
    );
  });

  it('returns the output as its schema parses it (unknown keys dropped)', async () => {
    const t = createTestServices();
    const { op } = probe(() => ({ ea: 0, n: 1, secret: 'x' }));
    expect(await invokeOperation(op, t.services, { caller: owner, input: { n: 1 } })).toEqual({ ea: 0, n: 1 });
  });

  it('lets handler errors through unchanged', async () => {
    const t = createTestServices();
    const boom = new AppError('CONFLICT', 'nope');
    const { op } = probe(() => {
      throw boom;
    });
    await expect(invokeOperation(op, t.services, { caller: owner, input: { n: 1 } })).rejects.toBe(boom);
  });
});
