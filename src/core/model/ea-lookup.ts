import { AppError } from '../errors.js';
import type { Ea, State } from './state.js';

/** The EA with this id, or EA_NOT_FOUND naming the EAs that exist. */
export function requireEa(state: Readonly<State>, id: number): Ea {
  const ea = state.eas.find((e) => e.id === id);
  if (!ea) {
    throw new AppError('EA_NOT_FOUND', `EA ${id} does not exist.`, {
      hint: existingEas(state),
      details: { ea: id },
    });
  }
  return ea;
}

/** Finds an EA by id or by name (`ea use 2`, `ea use research`). */
export function resolveEaSelector(state: Readonly<State>, selector: string | number): Ea {
  const text = String(selector).trim();
  const byId = /^\d+$/.test(text) ? state.eas.find((e) => e.id === Number(text)) : undefined;
  const found = byId ?? state.eas.find((e) => e.name === text);
  if (!found) {
    throw new AppError('EA_NOT_FOUND', `No EA is called or numbered '${text}'.`, { hint: existingEas(state) });
  }
  return found;
}

function existingEas(state: Readonly<State>): string {
  return `Existing EAs: ${state.eas.map((e) => `${e.id} (${e.name})`).join(', ') || 'none'}.`;
}
