import { AppError, describeIssues } from './errors.js';
import type { AnyOperation } from './operation.js';
import { assertAllowed } from './permissions.js';
import type { Services } from './ports.js';
import type { Principal } from './principal.js';
import { requireEa } from './model/ea-lookup.js';

export interface OperationCall {
  caller: Principal;
  /** The EA the caller asked for (owner only; agents and chat users act in their own). */
  ea?: number | undefined;
  input: unknown;
}

/**
 * The one path every surface takes into an operation: authorise the category, parse the
 * input with the operation's schema, resolve the EA, run the handler, check the output.
 */
export async function invokeOperation(op: AnyOperation, services: Services, call: OperationCall): Promise<unknown> {
  assertAllowed(op.access, call.caller, op.name);
  const parsed = op.input.safeParse(call.input ?? {});
  if (!parsed.success) {
    throw new AppError('INVALID_INPUT', `Invalid input for ${op.name}: ${describeIssues(parsed.error.issues)}.`, {
      details: {
        operation: op.name,
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      },
    });
  }
  const ea = resolveCallEa(services, call);
  const output = await op.handler({ caller: call.caller, ea, services }, parsed.data);
  const checked = op.output.safeParse(output);
  if (!checked.success) {
    throw new AppError('INTERNAL', `${op.name} produced an invalid result: ${describeIssues(checked.error.issues)}.`);
  }
  return checked.data;
}

function resolveCallEa(services: Services, call: OperationCall): number {
  const caller = call.caller;
  if (caller.kind === 'agent' || caller.kind === 'chat') return caller.ea;
  const state = services.store.get();
  if (call.ea !== undefined) return requireEa(state, call.ea).id;
  return state.activeEa;
}
